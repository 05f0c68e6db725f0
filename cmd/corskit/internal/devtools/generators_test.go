package devtools_test

// Generators that mirror, step for step, what the browsers' DevTools write
// for "Copy as cURL" and "Copy as fetch". They were transcribed from the
// browsers' own sources, read with the search tool:
//
//   - Chromium DevTools, front_end/panels/network/NetworkLogView.ts,
//     NetworkLogView.generateCurlCommand and generateFetchCall
//     (ChromeDevTools/devtools-frontend at fd72c071cc7869c6d6fcda7d500558d8ad5ff7be:
//     the "legacy" cmd escaping, plain " unless the value has a line break,
//     ^ before everything outside [a-zA-Z0-9\s_\-:=+~'/.',?;()*`&]).
//     The current escaping (always ^"...^", & ( ) ` escaped too, every
//     character outside printable ASCII turned into a space, cookies as
//     -b, --url before the URL, authority/protocol ignored) as quoted by
//     ports found with the search tool (the originals at that version are
//     not stored there): a Microsoft-copyrighted trace viewer whose
//     generateCurlCommand cites devtools-frontend
//     83cbe41b4107e188a1f66fdf6ea3a9cca42587c6 NetworkLogView.ts#L2363,
//     and a "copy_as_curl" tool that runs inside DevTools' own SDK.
//   - Firefox, devtools/client/shared/curl.js, Curl.generateCommand and
//     CurlUtils.escapeStringPosix / escapeStringWin (mozilla/gecko-dev at
//     dcd485545101205e90b29d2db70d4ee061760465 and the newer
//     erichdongubler-mozilla/firefox at 9fa2474a736ad3d40883cc04c7d9774850f303f1:
//     $'...' with \xHH below 256 and \uHHHH above, ! as \041; cmd with
//     ^"...^", \p{C} left alone, other white space turned into spaces,
//     "curl.exe" on Windows), and
//     devtools/client/netmonitor/src/widgets/RequestListContextMenu.js,
//     generateFetchString (gecko-dev 596618ea1db11a6c9a433fecc10dafe9df334bf9).
//
// The JavaScript works on UTF-16 code units; the Go here works on runes,
// and splits a rune above U+FFFF into its two surrogates where the
// JavaScript would see them (Firefox's \uHHHH).

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
)

// wire is a request as DevTools recorded it: every header that went out.
type wire struct {
	url, method string
	headers     [][2]string
	body        string // "" means none
	insecure    bool
	compressed  bool // Firefox: the response was content-encoded
}

func (w wire) header(name string) (string, bool) {
	for _, h := range w.headers {
		if strings.EqualFold(h[0], name) {
			return h[1], true
		}
	}
	return "", false
}

// ---- Chromium: escapeStringPosix ----

func chromiumPosix(s string) string {
	special := func(r rune) bool { return r <= 0x1f || 0x7f <= r && r <= 0x9f || r == '!' }
	if !strings.ContainsFunc(s, func(r rune) bool { return special(r) || r == '\'' }) {
		return "'" + s + "'"
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	s = strings.ReplaceAll(s, "\r", `\r`)
	var b strings.Builder
	for _, r := range s {
		if special(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return "$'" + b.String() + "'"
}

// jsSpace is JavaScript's \s.
func jsSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return 0x2000 <= r && r <= 0x200a
}

var (
	chromiumWinPercent = regexp.MustCompile(`%([a-zA-Z0-9_])`)
	crlf               = regexp.MustCompile("\r?\n|\r")
	legacyCRLF         = regexp.MustCompile("\r?\n")
)

// chromiumWin is the current escapeStringWin.
func chromiumWin(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = caret(s, func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || jsSpace(r) ||
			strings.ContainsRune(`_-:=+~'/.,?;*`, r)
	}, true)
	s = chromiumWinPercent.ReplaceAllString(s, "%^$1")
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || ' ' <= r && r <= '~' {
			return r
		}
		return ' '
	}, s)
	s = crlf.ReplaceAllString(s, "^\n\n")
	return `^"` + s + `^"`
}

// chromiumWinLegacy is escapeStringWin at fd72c071.
func chromiumWinLegacy(s string) string {
	encaps := `"`
	if strings.ContainsAny(s, "\r\n") {
		encaps = `^"`
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = caret(s, func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || jsSpace(r) ||
			strings.ContainsRune("_-:=+~'/.,?;()*`&", r)
	}, true)
	s = chromiumWinPercent.ReplaceAllString(s, "%^$1")
	s = legacyCRLF.ReplaceAllString(s, "^\n\n")
	return encaps + s + encaps
}

// caret puts ^ before every character that safe refuses. A JavaScript
// regexp without the u flag (Chromium's) sees a rune above U+FFFF as two
// surrogates and escapes each; they are kept here as two U+FFFD, as the
// clipboard turns the now separated halves into.
func caret(s string, safe func(rune) bool, halves bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case safe(r):
			b.WriteRune(r)
		case r > 0xffff && halves:
			b.WriteString("^\ufffd^\ufffd")
		default:
			b.WriteByte('^')
			b.WriteRune(r)
		}
	}
	return b.String()
}

// chromiumCurl is generateCurlCommand: current when modern, else the
// fd72c071 version (plain -H for cookies, no --url, --compressed always).
func chromiumCurl(w wire, win, modern, urlFlag bool) string {
	esc := chromiumPosix
	if win {
		esc = chromiumWin
		if !modern {
			esc = chromiumWinLegacy
		}
	}
	ignored := map[string]bool{"accept-encoding": true, "host": true, "method": true, "path": true, "scheme": true, "version": true}
	if modern {
		ignored["authority"], ignored["protocol"] = true, true
	}
	var cmd []string
	u := regexp.MustCompile(`[\[{}\]]`).ReplaceAllString(esc(w.url), `\$0`)
	if urlFlag {
		u = "--url " + u
	}
	cmd = append(cmd, u)
	inferred := "GET"
	var data []string
	if w.body != "" {
		data = append(data, "--data-raw "+esc(w.body))
		ignored["content-length"] = true
		inferred = "POST"
	}
	if w.method != inferred {
		cmd = append(cmd, "-X "+esc(w.method))
	}
	for _, h := range w.headers {
		name := strings.TrimPrefix(h[0], ":")
		if ignored[strings.ToLower(name)] {
			continue
		}
		switch {
		case strings.TrimSpace(h[1]) == "":
			cmd = append(cmd, "-H "+esc(name+";"))
		case modern && strings.ToLower(name) == "cookie" && strings.Contains(h[1], "="):
			cmd = append(cmd, "-b "+esc(h[1]))
		default:
			cmd = append(cmd, "-H "+esc(name+": "+h[1]))
		}
	}
	cmd = append(cmd, data...)
	if !modern {
		cmd = append(cmd, "--compressed")
	}
	if w.insecure {
		cmd = append(cmd, "--insecure")
	}
	sep := " "
	if len(cmd) >= 3 {
		sep = " \\\n  "
		if win {
			sep = " ^\n  "
		}
	}
	return "curl " + strings.Join(cmd, sep)
}

// ---- Firefox: curl.js ----

func firefoxPosix(s string) string {
	odd := func(r rune) bool { return r < 0x20 || r > 0x7e }
	if !strings.ContainsFunc(s, func(r rune) bool { return odd(r) || r == '!' || r == '\'' }) {
		return "'" + s + "'"
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	s = strings.ReplaceAll(s, "\r", `\r`)
	s = strings.ReplaceAll(s, "!", `\041`)
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		switch r := rune(u); {
		case !odd(r):
			b.WriteRune(r)
		case r < 16:
			fmt.Fprintf(&b, `\x0%x`, r)
		case r < 256:
			fmt.Fprintf(&b, `\x%x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return "$'" + b.String() + "'"
}

func firefoxWin(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = caret(s, func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || jsSpace(r) ||
			strings.ContainsRune("-_:=+~/.',?;()*`", r) || unicode.Is(unicode.C, r)
	}, false)
	s = chromiumWinPercent.ReplaceAllString(s, "%^$1")
	s = strings.Map(func(r rune) rune {
		if jsSpace(r) && r != '\r' && r != '\n' {
			return ' '
		}
		return r
	}, s)
	s = crlf.ReplaceAllString(s, "^\n\n")
	return `^"` + s + `^"`
}

func firefoxCurl(w wire, win bool) string {
	esc := firefoxPosix
	if win {
		esc = firefoxWin
	}
	ifNeeded := func(v string) string {
		if regexp.MustCompile(`^[a-zA-Z-]+$`).MatchString(v) {
			return v
		}
		return esc(v)
	}
	ignored := map[string]bool{"host": true}
	parts := []string{esc(w.url)}
	if strings.ContainsAny(w.url, "[]") {
		parts = append(parts, "--globoff")
	}
	var post []string
	ct, _ := w.header("content-type")
	if w.body != "" && (strings.Contains(strings.ToLower(ct), "application/x-www-form-urlencoded") ||
		w.method == "PUT" || w.method == "POST" || w.method == "PATCH") {
		lines := strings.Split(w.body, "\r\n")
		post = append(post, "--data-raw "+ifNeeded(lines[len(lines)-1]))
		ignored["content-length"] = true
	}
	if w.compressed {
		parts = append(parts, "--compressed")
	}
	if w.method == "HEAD" {
		parts = append(parts, "-I")
	} else if w.method != "GET" {
		parts = append(parts, "-X "+ifNeeded(w.method))
	}
	for _, h := range w.headers {
		if ignored[strings.ToLower(h[0])] {
			continue
		}
		parts = append(parts, "-H "+ifNeeded(h[0]+": "+h[1]))
	}
	parts = append(parts, post...)
	sep, prog := " \\\n  ", "curl "
	if win {
		sep, prog = " ^\n  ", "curl.exe "
	}
	if len(parts) < 3 {
		sep = " "
	}
	return prog + strings.Join(parts, sep)
}

// ---- Copy as fetch ----

// jsonString is JSON.stringify of a string.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// kv is one property of an object for jsonStringify; a nil value is
// undefined (left out), null is jsNull.
type kv struct {
	k string
	v any // string, []kv, jsNullT, nil
}

type jsNullT struct{}

var jsNull = jsNullT{}

// jsonStringify is JSON.stringify(obj, null, indent).
func jsonStringify(obj []kv, indent, prefix string) string {
	var lines []string
	inner := prefix + indent
	for _, p := range obj {
		var v string
		switch x := p.v.(type) {
		case nil:
			continue
		case string:
			v = jsonString(x)
		case jsNullT:
			v = "null"
		case []kv:
			if len(x) == 0 {
				v = "{}"
			} else {
				v = jsonStringify(x, indent, inner)
			}
		}
		lines = append(lines, inner+jsonString(p.k)+": "+v)
	}
	return "{\n" + strings.Join(lines, ",\n") + "\n" + prefix + "}"
}

// chromiumFetch is generateFetchCall, browser or Node.js style.
func chromiumFetch(w wire, node bool) string {
	ignored := map[string]bool{"method": true, "path": true, "scheme": true, "version": true,
		"accept-charset": true, "accept-encoding": true, "access-control-request-headers": true,
		"access-control-request-method": true, "connection": true, "content-length": true, "cookie": true,
		"cookie2": true, "date": true, "dnt": true, "expect": true, "host": true, "keep-alive": true,
		"origin": true, "referer": true, "te": true, "trailer": true, "transfer-encoding": true,
		"upgrade": true, "via": true, "user-agent": true}
	// new Headers(): names lowercased, iterated in sorted order.
	var hs []kv
	for _, h := range w.headers {
		if !ignored[strings.ToLower(h[0])] && !strings.Contains(h[0], ":") {
			hs = append(hs, kv{strings.ToLower(h[0]), h[1]})
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].k < hs[j].k })
	credentials := "omit"
	_, cookie := w.header("cookie")
	if _, authz := w.header("authorization"); cookie || authz {
		credentials = "include"
	}
	var referrer any
	if r, ok := w.header("referer"); ok {
		referrer = r
	}
	var body any = jsNull
	if w.body != "" {
		body = w.body
	}
	var headers any
	if len(hs) > 0 {
		headers = hs
	}
	opts := []kv{{"headers", headers}, {"referrer", referrer}, {"referrerPolicy", "strict-origin-when-cross-origin"},
		{"body", body}, {"method", w.method}, {"mode", "cors"}}
	if node {
		opts[5].v = nil
		var extra []kv
		if c, ok := w.header("cookie"); ok {
			extra = append(extra, kv{"cookie", c})
		}
		if referrer != nil {
			opts[1].v = nil
			extra = append(extra, kv{"Referer", referrer})
			opts[2].v = nil
			extra = append(extra, kv{"Referrer-Policy", "strict-origin-when-cross-origin"})
		}
		if len(extra) > 0 {
			opts[0].v = append(hs, extra...)
		}
	} else {
		opts = append(opts, kv{"credentials", credentials})
	}
	return "fetch(" + jsonString(w.url) + ", " + jsonStringify(opts, "  ", "") + ");"
}

// firefoxFetch is generateFetchString.
func firefoxFetch(w wire) string {
	forbidden := map[string]bool{"accept-charset": true, "accept-encoding": true,
		"access-control-request-headers": true, "access-control-request-method": true, "connection": true,
		"content-length": true, "cookie": true, "cookie2": true, "date": true, "dnt": true, "expect": true,
		"host": true, "keep-alive": true, "origin": true, "referer": true, "te": true, "trailer": true,
		"transfer-encoding": true, "upgrade": true, "via": true}
	var hs []kv
	for _, h := range w.headers {
		if !forbidden[strings.ToLower(h[0])] {
			hs = append(hs, kv{h[0], h[1]})
		}
	}
	credentials := "omit"
	_, cookie := w.header("cookie")
	if _, authz := w.header("authorization"); cookie || authz {
		credentials = "include"
	}
	var referrer any
	if r, ok := w.header("referer"); ok {
		referrer = r
	}
	var body any
	if w.body != "" {
		body = w.body
	}
	opts := []kv{{"credentials", credentials}, {"headers", hs}, {"referrer", referrer}, {"body", body},
		{"method", w.method}, {"mode", "cors"}}
	return `await fetch("` + w.url + `", ` + jsonStringify(opts, "    ", "") + ");"
}
