package devtools_test

import (
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cmd/corskit/internal/devtools"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// chromeHeaders is what Chromium sent for a fetch() from
// https://app.example with the script's headers in the middle, in the
// order DevTools lists them.
func chromeHeaders(script ...[2]string) [][2]string {
	hs := [][2]string{
		{":authority", "api.example"}, {":method", "POST"}, {":path", "/v1/items"}, {":scheme", "https"},
		{"accept", "*/*"}, {"accept-encoding", "gzip, deflate, br, zstd"}, {"accept-language", "en-US,en;q=0.9"},
	}
	hs = append(hs, script...)
	return append(hs, [][2]string{
		{"cookie", "sid=abc; theme=dark"},
		{"origin", "https://app.example"}, {"priority", "u=1, i"}, {"referer", "https://app.example/"},
		{"sec-ch-ua", `"Chromium";v="131", "Not_A Brand";v="24"`}, {"sec-ch-ua-mobile", "?0"},
		{"sec-ch-ua-platform", `"Linux"`}, {"sec-fetch-dest", "empty"}, {"sec-fetch-mode", "cors"},
		{"sec-fetch-site", "cross-site"},
		{"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	}...)
}

// firefoxHeaders is the same call as Firefox lists it.
func firefoxHeaders(script ...[2]string) [][2]string {
	hs := [][2]string{
		{"Host", "api.example"},
		{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"},
		{"Accept", "*/*"}, {"Accept-Language", "en-US,en;q=0.5"}, {"Accept-Encoding", "gzip, deflate, br, zstd"},
		{"Referer", "https://app.example/"},
	}
	hs = append(hs, script...)
	return append(hs, [][2]string{
		{"Origin", "https://app.example"}, {"Connection", "keep-alive"}, {"Cookie", "sid=abc; theme=dark"},
		{"Sec-Fetch-Dest", "empty"}, {"Sec-Fetch-Mode", "cors"}, {"Sec-Fetch-Site", "cross-site"},
		{"Priority", "u=4"}, {"Pragma", "no-cache"}, {"Cache-Control", "no-cache"},
	}...)
}

// tricky are the values each copy format is tried with.
var tricky = []struct{ name, value string }{
	{"plain", "abc-123"},
	{"quotes", `it's "quoted", isn't it`},
	{"backslashes", `C:\temp\new \" \\" end\`},
	{"shell", "100% &PATH% %x ^caret! $HOME `id` $(id) <a|b> (p) {b} [s] #h ;"},
	{"non-ASCII", "naïve café — 東京 😀"},
	{"controls", "tab\there\x01\x1f\x7f\u0085\u009f"},
	{"newlines", "line1\nline2\r\nline3\rend"},
	{"binary", "\x00\x01\u00ff\u00fe\u0080PNG\r\n\x1a\n\u00e9"},
}

// loss says what a copy format cannot carry, as its generator writes it.
type loss func(string) string

func lossless(s string) string { return s }

// chromiumCmdLoss: every character outside printable ASCII but line breaks
// becomes a space (a rune above U+FFFF two), and each line break a \n.
func chromiumCmdLoss(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || ' ' <= r && r <= '~':
			b.WriteRune(r)
		case r > 0xffff:
			b.WriteString("  ") // two UTF-16 halves, two spaces
		default:
			b.WriteByte(' ')
		}
	}
	return crlf.ReplaceAllString(b.String(), "\n")
}

// firefoxBodyLoss: Firefox's curl copy keeps the body's last line only
// (writePostDataTextParams splits on CRLF, to drop a multipart preamble).
func firefoxBodyLoss(s string) string {
	lines := strings.Split(s, "\r\n")
	return lines[len(lines)-1]
}

// firefoxCmdLoss: white space other than line breaks becomes a space, and
// each line break a \n.
func firefoxCmdLoss(s string) string {
	s = strings.Map(func(r rune) rune {
		if jsSpace(r) && r != '\r' && r != '\n' {
			return ' '
		}
		return r
	}, s)
	return crlf.ReplaceAllString(s, "\n")
}

type generator struct {
	name   string
	format devtools.Format
	gen    func(wire) string
	loss   loss
	body   loss // applied to the body before loss
	// what the copy shows of the page
	firefox bool
	fetch   bool
	node    bool
}

var generators = []generator{
	{"chromium-bash", devtools.CurlBash, func(w wire) string { return chromiumCurl(w, false, true, false) }, lossless, lossless, false, false, false},
	{"chromium-bash-url-flag", devtools.CurlBash, func(w wire) string { return chromiumCurl(w, false, true, true) }, lossless, lossless, false, false, false},
	{"chromium-bash-legacy", devtools.CurlBash, func(w wire) string { return chromiumCurl(w, false, false, false) }, lossless, lossless, false, false, false},
	{"chromium-cmd", devtools.CurlCmd, func(w wire) string { return chromiumCurl(w, true, true, false) }, chromiumCmdLoss, lossless, false, false, false},
	{"firefox-bash", devtools.CurlBash, func(w wire) string { return firefoxCurl(w, false) }, lossless, firefoxBodyLoss, true, false, false},
	{"firefox-cmd", devtools.CurlCmd, func(w wire) string { return firefoxCurl(w, true) }, firefoxCmdLoss, firefoxBodyLoss, true, false, false},
	{"chromium-fetch", devtools.FetchJS, func(w wire) string { return chromiumFetch(w, false) }, lossless, lossless, false, true, false},
	{"chromium-fetch-node", devtools.FetchNode, func(w wire) string { return chromiumFetch(w, true) }, lossless, lossless, false, true, true},
	{"firefox-fetch", devtools.FetchJS, func(w wire) string { return firefoxFetch(w) }, lossless, lossless, true, true, false},
}

// sorted returns headers with lowercased names, sorted: Chromium's fetch
// copy goes through a Headers object, which lowercases and sorts.
func sorted(hs []fetch.Header) []fetch.Header {
	out := make([]fetch.Header, len(hs))
	for i, h := range hs {
		out[i] = fetch.Header{Name: strings.ToLower(h.Name), Value: h.Value}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TestCopies generates each browser's copy of requests carrying tricky
// header values and bodies, parses it, and checks that the call comes
// back: the page's origin, the script's headers (and only them), the
// body, the method, the credentials and the mode.
func TestCopies(t *testing.T) {
	page := origin.MustParse("https://app.example")
	for _, g := range generators {
		for _, v := range tricky {
			t.Run(g.name+"/"+v.name, func(t *testing.T) {
				hval := v.value
				if v.name == "newlines" || v.name == "binary" {
					hval = "no line breaks in a header" // browsers refuse them in headers
				}
				if v.name == "binary" && g.name == "chromium-bash" {
					hval = strings.ReplaceAll(v.value, "\n", "") // still NUL and controls
					hval = strings.ReplaceAll(hval, "\r", "")
				}
				script := [][2]string{{"Content-Type", "application/json"}, {"X-Tricky", hval}}
				w := wire{url: "https://api.example/v1/items?q=a%20b", method: "PUT", body: v.value}
				if g.firefox {
					w.headers = firefoxHeaders(script...)
				} else {
					w.headers = chromeHeaders(script...)
				}
				text := g.gen(w)
				c, err := devtools.Parse(text)
				if err != nil {
					t.Fatalf("Parse:\n%s\n: %v", text, err)
				}
				if c.Format != g.format {
					t.Errorf("Format = %q, want %q", c.Format, g.format)
				}
				req, err := c.Resolve(origin.Origin{})
				if err != nil {
					t.Fatalf("Resolve: %v\n%s", err, text)
				}
				want := fetch.Request{
					Origin: page, Method: "PUT", URL: w.url, Body: g.loss(g.body(v.value)),
					Headers:     []fetch.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Tricky", Value: strings.Trim(g.loss(hval), " \t")}},
					Credentials: fetch.CredentialsInclude, Mode: fetch.ModeCORS,
				}
				if g.fetch {
					want.Headers = sorted(want.Headers)
					req.Headers = sorted(req.Headers)
				}
				if !g.fetch && !g.firefox {
					// Chromium's curl keeps the header names' case.
					want.Headers[0].Name, want.Headers[1].Name = "Content-Type", "X-Tricky"
				}
				if !reflect.DeepEqual(req, want) {
					t.Errorf("from\n%s\ngot  %+v\nwant %+v", text, req, want)
				}
				if c.OriginFrom == "" {
					t.Errorf("OriginFrom empty")
				}
				for _, h := range c.Request.Headers {
					if n := strings.ToLower(h.Name); n == "user-agent" || strings.HasPrefix(n, "sec-") || n == "cookie" || n == "pragma" {
						t.Errorf("browser header %s taken for the script's", h.Name)
					}
				}
			})
		}
	}
}

// TestBashAgrees runs Chromium's bash copies through the real bash, with
// curl replaced by a function that prints its arguments, and checks that
// ParseCurl reads the same arguments: the quoting is bash's, not ours.
// (NUL is left out: bash cannot pass it, while ParseCurl keeps the NUL
// that DevTools escaped.)
func TestBashAgrees(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed for this test: %v", err)
	}
	for _, v := range tricky {
		val := strings.ReplaceAll(v.value, "\x00", "")
		w := wire{url: "https://api.example/a[1]{x}?q=" + "%27", method: "PATCH", body: val,
			headers: [][2]string{{"X-Tricky", strings.NewReplacer("\n", "", "\r", "").Replace(val)}, {"Origin", "https://app.example"}}}
		text := chromiumCurl(w, false, true, false)
		out, err := exec.Command(bash, "--norc", "--noprofile", "-c",
			`curl() { printf '%s\0' "$@"; }; `+text).Output()
		if err != nil {
			t.Fatalf("bash on\n%s\n: %v", text, err)
		}
		args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		c, err := devtools.ParseCurl(text)
		if err != nil {
			t.Fatalf("ParseCurl(%s): %v", text, err)
		}
		// The arguments bash gave curl, read back the way curl reads them.
		var got []string
		for i := 0; i < len(args); i++ {
			switch args[i] {
			case "-X":
				got = append(got, "method="+args[i+1])
			case "-H":
				got = append(got, "header="+args[i+1])
			case "--data-raw":
				got = append(got, "body="+args[i+1])
			default:
				// The URL, as curl un-globs it.
				got = append(got, "url="+strings.NewReplacer(`\[`, "[", `\]`, "]", `\{`, "{", `\}`, "}").Replace(args[i]))
				continue
			}
			i++
		}
		want := []string{"url=" + c.Request.URL, "method=" + c.Request.Method}
		for _, h := range c.Browser {
			want = append(want, "header="+h.Name+": "+h.Value)
		}
		for _, h := range c.Request.Headers {
			want = append(want, "header="+h.Name+": "+h.Value)
		}
		want = append(want, "body="+c.Request.Body)
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: bash passed curl\n%q\nParseCurl read\n%q", v.name, got, want)
		}
	}
}

func TestOriginAndCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		origin     string // "" means unknown
		from       string
		cred       fetch.Credentials
		mode       fetch.Mode
		headers    []string // the script's header names
		noteSubstr string
		known      bool // the copy shows the credentials mode
	}{
		{name: "origin header wins over referer",
			in:     `curl 'https://api.example/' -H 'Referer: https://other.example/x' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin"},
		{name: "referer's origin",
			in:     `curl 'https://api.example/' -H 'Referer: https://app.example:8443/page?q=1#f' -H 'X-A: 1'`,
			origin: "https://app.example:8443", from: "Referer", headers: []string{"X-A"}},
		{name: "null origin is opaque", in: `curl 'https://api.example/' -H 'Origin: null'`, origin: "null", from: "Origin"},
		{name: "nothing shows the page", in: `curl 'https://api.example/' -H 'Authorization: Bearer x'`,
			headers: []string{"Authorization"}, noteSubstr: "page's origin must be given"},
		{name: "-b means credentials", in: `curl 'https://api.example/' -b 'a=1' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin", cred: fetch.CredentialsInclude, known: true},
		{name: "an empty Cookie is not", in: `curl 'https://api.example/' -H 'Cookie;' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin"},
		{name: "no-cors from Sec-Fetch-Mode", in: `curl 'https://api.example/' -H 'Sec-Fetch-Mode: no-cors' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin", mode: fetch.ModeNoCORS},
		{name: "navigation noted", in: `curl 'https://api.example/' -H 'Sec-Fetch-Mode: navigate' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin", noteSubstr: "not made by fetch()"},
		{name: "disable cache pair set apart",
			in:     `curl 'https://api.example/' -H 'Pragma: no-cache' -H 'Cache-Control: no-cache' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin", noteSubstr: "Disable cache"},
		{name: "a lone Cache-Control is the script's",
			in:     `curl 'https://api.example/' -H 'Cache-Control: no-cache' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin", headers: []string{"Cache-Control"}},
		{name: "accept other than */* is the script's",
			in:     `curl 'https://api.example/' -H 'accept: application/json' -H 'accept-language: de' -H 'Origin: https://app.example'`,
			origin: "https://app.example", from: "Origin", headers: []string{"accept"}},
		{name: "fetch: referrer option", in: `fetch("https://api.example/", {"referrer": "https://app.example/p", "mode": "cors", "credentials": "omit"});`,
			origin: "https://app.example", from: "referrer", mode: fetch.ModeCORS},
		{name: "fetch: include with Authorization is noted",
			in:     `fetch("https://api.example/", {"headers": {"authorization": "Bearer t"}, "referrer": "https://app.example/", "mode": "cors", "credentials": "include"});`,
			origin: "https://app.example", from: "referrer", mode: fetch.ModeCORS, cred: fetch.CredentialsInclude,
			headers: []string{"authorization"}, noteSubstr: "Authorization header too", known: true},
		{name: "fetch: Chromium's omit does not show the mode",
			in:     `fetch("https://api.example/", {"headers": {"x-a": "1"}, "referrer": "https://app.example/", "mode": "cors", "credentials": "omit"});`,
			origin: "https://app.example", from: "referrer", mode: fetch.ModeCORS, headers: []string{"x-a"}},
		{name: "fetch node: cookie header and Referer",
			in:     `fetch("https://api.example/", {"headers": {"x-a": "1", "cookie": "a=b", "Referer": "https://app.example/", "Referrer-Policy": "strict-origin-when-cross-origin"}, "body": null, "method": "GET"});`,
			origin: "https://app.example", from: "Referer", cred: fetch.CredentialsInclude, headers: []string{"x-a"}, known: true},
		{name: "fetch: hand-written, unquoted keys, single quotes, comments",
			in:   "await fetch('https://api.example/', { // copied\n headers: {'X-A': 'b', n: 5}, method: 'DELETE', mode: 'cors', credentials: 'same-origin', /* note */ });",
			cred: fetch.CredentialsSameOrigin, mode: fetch.ModeCORS, headers: []string{"X-A", "n"},
			noteSubstr: "page's origin must be given", known: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := devtools.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Request.Origin.String(); c.Request.Origin.IsZero() && tc.origin != "" || !c.Request.Origin.IsZero() && got != tc.origin {
				t.Errorf("origin = %q, want %q", got, tc.origin)
			}
			if c.OriginFrom != tc.from {
				t.Errorf("OriginFrom = %q, want %q", c.OriginFrom, tc.from)
			}
			if c.CredentialsKnown != tc.known {
				t.Errorf("CredentialsKnown = %v, want %v", c.CredentialsKnown, tc.known)
			}
			if c.Request.Credentials != tc.cred || c.Request.Mode != tc.mode {
				t.Errorf("credentials, mode = %q, %q; want %q, %q", c.Request.Credentials, c.Request.Mode, tc.cred, tc.mode)
			}
			var names []string
			for _, h := range c.Request.Headers {
				names = append(names, h.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.headers, ",") {
				t.Errorf("script headers %q, want %q (browser: %+v)", names, tc.headers, c.Browser)
			}
			notes := strings.Join(c.Notes, "\n")
			if tc.noteSubstr != "" && !strings.Contains(notes, tc.noteSubstr) || tc.noteSubstr == "" && notes != "" {
				t.Errorf("notes %q, want one containing %q", notes, tc.noteSubstr)
			}
			_, err = c.Resolve(origin.Origin{})
			var noOrigin *devtools.NoOriginError
			if (tc.origin == "") != errors.As(err, &noOrigin) {
				t.Errorf("Resolve() error = %v", err)
			}
			other := origin.MustParse("http://given.example:8080")
			if req, err := c.Resolve(other); err != nil || req.Origin != other {
				t.Errorf("Resolve(given) = %v, %v; the given origin must win", req.Origin, err)
			}
		})
	}
}

func TestCurlOptions(t *testing.T) {
	for _, tc := range []struct{ in, method, url, body string }{
		{`curl https://a.example/`, "GET", "https://a.example/", ""},
		{`curl -I https://a.example/`, "HEAD", "https://a.example/", ""},
		{`curl -XDELETE https://a.example/`, "DELETE", "https://a.example/", ""},
		{`curl -sSLk --url 'https://a.example/'`, "GET", "https://a.example/", ""},
		{`curl https://a.example/ -d a=1 --data 'b=2'`, "POST", "https://a.example/", "a=1&b=2"},
		{`curl https://a.example/ --data-urlencode 'q=a b&c' -X PUT`, "PUT", "https://a.example/", "q=a%20b%26c"},
		{`curl -g 'https://a.example/\[x'`, "GET", `https://a.example/\[x`, ""},
		{"curl \"https://a.example/$\" -H \"X-A: \\\"q\\\"\"", "GET", "https://a.example/$", ""},
		{"curl 'https://a.example/' ;\n", "GET", "https://a.example/", ""},
		{"# copied from DevTools\ncurl 'https://a.example/'", "GET", "https://a.example/", ""},
		{"curl ^\"https://a.example/^\" ^\r\n  -X ^\"PATCH^\" ^\r\n  --data-raw ^\"a^\r\n\r\nb^\"", "PATCH", "https://a.example/", "a\nb"},
		{`curl "https://a.example/" -H "X-A: b^&c"`, "GET", "https://a.example/", ""},
		{`curl.exe ^"https://a.example/^" -d ^"^{^\^"k^\^":1^}^"`, "POST", "https://a.example/", `{"k":1}`},
	} {
		c, err := devtools.Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if c.Request.Method != tc.method || c.Request.URL != tc.url || c.Request.Body != tc.body {
			t.Errorf("Parse(%q) = %s %s %q, want %s %s %q", tc.in, c.Request.Method, c.Request.URL, c.Request.Body, tc.method, tc.url, tc.body)
		}
	}
	// Before 2023 Chromium quoted cmd values without a line break with
	// plain ", inside which cmd.exe keeps the carets: curl got them.
	c, err := devtools.Parse(`curl "https://a.example/" -H "X-A: b^&c"`)
	if err != nil || len(c.Request.Headers) != 1 || c.Request.Headers[0].Value != "b^&c" {
		t.Errorf("legacy cmd quoting: %+v, %v", c, err)
	}
}

func TestErrors(t *testing.T) {
	big := "curl 'https://a.example/' --data-raw '" + strings.Repeat("x", devtools.MaxInputSize) + "'"
	for _, tc := range []struct {
		in, want string
		line     int // of a *SyntaxError; 0 for other errors
	}{
		{"", "not a DevTools copy", 0},
		{"wget https://a.example/", "not a DevTools copy", 0},
		{big, "more than the 1048576 accepted", 0},
		{"curl 'https://a.example/", "unterminated '...' string", 1},
		{"curl \\\n  $'https://a.example/\\'", "unterminated $'...' string", 2},
		{"curl 'https://a.example/' \\\n  -H \"X-A: $HOME\"", "shell expansion", 2},
		{"curl 'https://a.example/' | sh", `'|' outside quotes`, 1},
		{"curl 'https://a.example/' ;\ncurl 'https://b.example/'", "more than one command", 1},
		{"curl 'https://a.example/'\ncurl 'https://b.example/'", "more than one command", 2},
		{"curl ^\"https://a.example/^\" &\r\ncurl ^\"https://b.example/^\"", `'&' outside quotes`, 1},
		{`curl ^"https://a.example/^" -H "X-A`, "unterminated", 1},
		{"curl", "no URL", 1},
		{"curl 'https://a.example/' 'https://b.example/'", "a second URL", 1},
		{"curl 'ftp://a.example/'", `URL "ftp://a.example/": want an absolute http or https URL`, 0},
		{"curl 'https://a.example/' -F 'a=@f'", "-F: not supported", 0},
		{"curl 'https://a.example/' --frobnicate", "--frobnicate: unknown curl option", 0},
		{"curl 'https://a.example/' -H", "-H: needs a value", 0},
		{"curl 'https://a.example/' -H 'no colon'", `-H "no colon": want 'Name: value'`, 0},
		{"curl 'https://a.example/' -d @body.json", "data from a file is not read", 0},
		{"fetch(", "expected a value, found the end of the text", 1},
		{"fetch(\"https://a.example/\", {\n  \"method\": \"GET\",\n  \"mode\": cors\n});", `"cors": only literal values are read`, 3},
		{"fetch(\"https://a.example/\", {\"headers\": {\"a\": \"b\"}\n", `expected "," or "}", found the end of the text`, 2},
		{"fetch(\"https://a.example/\", {\"mode\": \"cors\"}) ;\nfetch(\"https://b.example/\");", "more than one fetch() call", 2},
		{`fetch("https://a.example/", {"mode": "navigate"});`, `mode "navigate": want "cors"`, 0},
		{`fetch("https://a.example/", {"credentials": 1});`, `credentials "1": want a string`, 0},
		{`fetch("https://a.example/", {"headers": {"a": {"b": 1}}});`, `headers "a": the value must be a string`, 0},
		{`fetch("https://a.example/", {"body": "\u12"});`, `\u needs four hex digits`, 1},
		{"fetch(\"https://a.example/\", {\"body\": \"a\nb\"});", "line break in a string literal", 1},
		{"fetch(`https://a.example/${x}`)", "${...} in a template literal", 1},
		{"fetch(\"/relative\")", "want an absolute http or https URL", 0},
		{"fetch(url)", `"url": only literal values are read`, 1},
		{"fetch(\"https://a.example/\", " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + ")", "nested more than 32 deep", 1},
	} {
		_, err := devtools.Parse(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%.60q) = %v, want an error containing %q", tc.in, err, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "devtools: ") {
			t.Errorf("error %q does not say where it comes from", err)
		}
		var se *devtools.SyntaxError
		if errors.As(err, &se) != (tc.line > 0) || tc.line > 0 && se.Line != tc.line {
			t.Errorf("Parse(%.60q) = %#v, want a SyntaxError on line %d", tc.in, err, tc.line)
		}
	}
	var tl *devtools.TooLargeError
	if _, err := devtools.ParseFetch(big); !errors.As(err, &tl) {
		t.Errorf("ParseFetch(big) = %v, want a *TooLargeError", err)
	}
	var ae *devtools.ArgError
	if _, err := devtools.Parse("curl 'https://a.example/' -X"); !errors.As(err, &ae) || ae.Arg != "-X" {
		t.Errorf("want an *ArgError naming -X, got %#v", err)
	}
}

// TestRewrite checks that a parsed call, written back with Curl and
// Fetch, reads back the same.
func TestRewrite(t *testing.T) {
	for _, g := range generators {
		for _, v := range tricky {
			w := wire{url: "https://api.example/x?a=[1]", method: "POST", body: v.value,
				headers: chromeHeaders([2]string{"X-Tricky", "v" + strings.NewReplacer("\n", "", "\r", "").Replace(v.value)})}
			if g.firefox {
				w.headers = firefoxHeaders([2]string{"X-Tricky", "v" + strings.NewReplacer("\n", "", "\r", "").Replace(v.value)})
			}
			c, err := devtools.Parse(g.gen(w))
			if err != nil {
				t.Fatalf("%s/%s: %v", g.name, v.name, err)
			}
			if g.format != devtools.FetchJS && g.format != devtools.FetchNode {
				assertSameCall(t, g.name+"/"+v.name+" curl", c, c.Curl(), devtools.ParseCurl)
			} else {
				assertSameCall(t, g.name+"/"+v.name+" fetch", c, c.Fetch(), devtools.ParseFetch)
			}
		}
	}
}

func assertSameCall(t *testing.T, name string, c *devtools.Call, text string, parse func(string) (*devtools.Call, error)) {
	t.Helper()
	c2, err := parse(text)
	if err != nil {
		t.Fatalf("%s: re-parsing\n%s\n: %v", name, text, err)
	}
	a, b := *c, *c2
	a.Notes, b.Notes = nil, nil
	if a.Format == devtools.CurlCmd {
		a.Format = devtools.CurlBash // Curl writes bash
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: written as\n%s\nreads back as\n%+v\nwant\n%+v", name, text, b, a)
	}
}

// TestHostileSize checks that the largest inputs cost linear time: a
// megabyte of headers, of escapes, of nesting-free values.
func TestHostileSize(t *testing.T) {
	var names strings.Builder
	names.WriteString(`fetch("https://a.example/", {"headers": {`)
	for i := 0; names.Len() < devtools.MaxInputSize-100; i++ {
		fmt.Fprintf(&names, `"x%d": "", `, i)
	}
	names.WriteString(`}});`)
	cmd := "curl 'https://a.example/' " + strings.Repeat("-H 'a: b' ", (devtools.MaxInputSize-100)/10)
	esc := "curl $'https://a.example/" + strings.Repeat(`\u0041`, (devtools.MaxInputSize-100)/6) + "'"
	win := "curl ^\"https://a.example/" + strings.Repeat("^\\", (devtools.MaxInputSize-100)/2) + "^\""
	for _, in := range []string{names.String(), cmd, esc, win} {
		start := time.Now()
		_, err := devtools.Parse(in)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Parse of %d bytes (%.30q...) took %v (err %v)", len(in), in, d, err)
		}
	}
}
