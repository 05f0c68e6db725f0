package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recorder is a server that allows the Origin it is sent (with the
// headers asked for, without credentials) and records each request as
// "METHOD Origin X-A X-B body".
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newRecorder(t *testing.T, credentials bool) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.seen = append(rec.seen, strings.Join([]string{r.Method, r.Header.Get("Origin"), r.Header.Get("X-A"), r.Header.Get("X-B"), string(body)}, " "))
		rec.mu.Unlock()
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		h.Set("Access-Control-Allow-Methods", "PUT")
		h.Set("Access-Control-Allow-Headers", "x-a, x-b, content-type")
		if credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		h.Set("Vary", "Origin")
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.seen, "\n")
}

type checkJSON struct {
	Verdict string `json:"verdict"`
	Request struct {
		Method      string `json:"method"`
		Credentials string `json:"credentials"`
		Mode        string `json:"mode"`
	} `json:"request"`
	Copy *struct {
		Format           string   `json:"format"`
		OriginFrom       string   `json:"origin_from"`
		Notes            []string `json:"notes"`
		Overridden       []string `json:"overridden"`
		CredentialsKnown bool     `json:"credentials_known"`
		CredentialsNote  string   `json:"credentials_note"`
		Include          *struct {
			Verdict  string            `json:"verdict"`
			Differs  bool              `json:"differs"`
			Browsers map[string]string `json:"browsers"`
		} `json:"with_credentials_include"`
	} `json:"copy"`
	Probe *struct {
		Origin    string `json:"origin"`
		Reflected bool   `json:"reflected"`
		Trace     []struct {
			Method         string              `json:"method"`
			RequestHeaders map[string][]string `json:"request_headers"`
		} `json:"trace"`
	} `json:"probe"`
}

func decodeCheck(t *testing.T, out string) checkJSON {
	t.Helper()
	var r checkJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return r
}

// Flags given beside a DevTools copy replace its values; before, -X, -H,
// --data, --credentials and --mode were silently dropped.
func TestCheckCopyFlagsOverride(t *testing.T) {
	srv := newRecorder(t, true)
	copied := "curl '" + srv.URL + "/items' -H 'Origin: " + page + "' -H 'X-A: copied' -b 'sid=1'"
	out, errOut, code := cli(t, "check", "--curl", copied, "-X", "PUT", "-H", "X-A: flag", "-H", "X-B: new",
		"--data", "body", "--credentials", "omit", "--mode", "cors", "--no-probe", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	r := decodeCheck(t, out)
	if r.Request.Method != "PUT" || r.Request.Credentials != "omit" || r.Request.Mode != "cors" {
		t.Errorf("request = %+v, want PUT, omit, cors", r.Request)
	}
	if r.Copy == nil || strings.Join(r.Copy.Overridden, ",") != "-X,-H,--data,--credentials,--mode" {
		t.Errorf("copy = %+v, want the five flags listed as overridden", r.Copy)
	}
	want := "OPTIONS " + page + "   \nPUT " + page + " flag new body"
	if got := srv.requests(); got != want {
		t.Errorf("server saw\n%s\nwant\n%s", got, want)
	}
}

// A copy that shows no cookie cannot show the credentials mode: check says
// so in one line (and in the JSON), makes the call with "include" too
// without sending anything twice, and does not pass a call that
// "include" blocks.
func TestCheckCopyCredentialsUnknown(t *testing.T) {
	srv := newRecorder(t, false) // no Access-Control-Allow-Credentials
	curl := "curl '" + srv.URL + "/me' -H 'Referer: " + page + "/page' -H 'Pragma: no-cache' -H 'Cache-Control: no-cache'"
	fetchCopy := `fetch("` + srv.URL + `/me", {"headers": {}, "referrer": "` + page + `/", "body": null, "method": "GET", "mode": "cors", "credentials": "omit"});`
	for _, tc := range []struct{ flag, copy string }{{"--curl", curl}, {"--fetch", fetchCopy}} {
		t.Run(tc.flag, func(t *testing.T) {
			srv.mu.Lock()
			srv.seen = nil
			srv.mu.Unlock()
			out, errOut, code := cli(t, "check", tc.flag, tc.copy, "--no-probe")
			if code != 1 {
				t.Errorf("exit %d, want 1 (blocked with credentials 'include')\n%s%s", code, out, errOut)
			}
			for _, want := range []string{
				"credentials mode unknown: DevTools copies say credentials: 'include' only when a cookie went out",
				"! If the page's fetch() sets credentials: 'include', the call is BLOCKED in chromium, firefox, webkit",
				"the page's origin: taken from the ",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tc.flag == "--curl" && !strings.Contains(out, `note: Cache-Control and Pragma "no-cache" taken for DevTools' "Disable cache"`) {
				t.Errorf("the parser's note is not printed:\n%s", out)
			}
			if got := srv.requests(); got != "GET "+page+"   " {
				t.Errorf("server saw\n%s\nwant one GET", got)
			}

			out, _, code = cli(t, "check", tc.flag, tc.copy, "--no-probe", "--json")
			r := decodeCheck(t, out)
			if code != 1 || r.Verdict != "allowed" || r.Copy == nil || r.Copy.CredentialsKnown || r.Copy.CredentialsNote == "" ||
				r.Copy.Include == nil || !r.Copy.Include.Differs || r.Copy.Include.Verdict != "blocked" {
				t.Errorf("exit %d, JSON %s", code, out)
			}

			// --credentials settles it: no doubt, no second mode.
			out, _, code = cli(t, "check", tc.flag, tc.copy, "--no-probe", "--credentials", "same-origin")
			if code != 0 || strings.Contains(out, "credentials mode unknown") {
				t.Errorf("with --credentials: exit %d\n%s", code, out)
			}
		})
	}
	// A cookie shows the mode.
	out, _, _ := cli(t, "check", "--curl", curl+" -b 'a=1'", "--no-probe")
	if strings.Contains(out, "credentials mode unknown") {
		t.Errorf("a copy with a cookie shows the mode:\n%s", out)
	}
}

// The reflection probe is a request the page never made: it is shown in
// the trace and the JSON, named in check -h, and --no-probe turns it off.
func TestCheckReflectionProbeShown(t *testing.T) {
	srv := newRecorder(t, false)
	out, _, code := cli(t, "check", srv.URL, "--origin", page, "--browser", "chromium")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"Reflection probe (sent by corskit", "> Origin: https://corskit-reflect-probe.example\n", "< Access-Control-Allow-Origin: https://corskit-reflect-probe.example\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = cli(t, "check", srv.URL, "--origin", page, "--json")
	r := decodeCheck(t, out)
	if r.Probe == nil || !r.Probe.Reflected || len(r.Probe.Trace) != 1 || r.Probe.Trace[0].RequestHeaders["Origin"][0] != "https://corskit-reflect-probe.example" {
		t.Errorf("JSON probe: %s", out)
	}

	srv.mu.Lock()
	srv.seen = nil
	srv.mu.Unlock()
	out, _, _ = cli(t, "check", srv.URL, "--origin", page, "--no-probe", "--json")
	if r := decodeCheck(t, out); r.Probe != nil || strings.Contains(out, "reflect-any-origin") {
		t.Errorf("--no-probe still probes:\n%s", out)
	}
	if got := srv.requests(); strings.Contains(got, "corskit-reflect-probe") {
		t.Errorf("--no-probe: server saw\n%s", got)
	}

	help, helpErr, _ := cli(t, "check", "-h")
	if !strings.Contains(help+helpErr, "--no-probe") || !strings.Contains(help+helpErr, "Origin:\nhttps://corskit-reflect-probe.example") {
		t.Errorf("check -h does not describe the probe:\n%s", help+helpErr)
	}
}

// A sequence that starts from a copy says so in its JSON, and --no-probe
// holds for each of its calls.
func TestCheckCopySequence(t *testing.T) {
	srv := newRecorder(t, false)
	copied := "curl '" + srv.URL + "/x' -H 'Origin: " + page + "'"
	out, _, _ := cli(t, "check", "--curl", copied, "--json", "--no-probe", "--then")
	var v struct {
		Calls []json.RawMessage `json:"calls"`
		Copy  *struct {
			CredentialsKnown bool   `json:"credentials_known"`
			CredentialsNote  string `json:"credentials_note"`
		} `json:"copy"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Calls) != 2 || v.Copy == nil || v.Copy.CredentialsKnown || v.Copy.CredentialsNote == "" {
		t.Errorf("(%v)\n%s", err, out)
	}
	if got := srv.requests(); strings.Contains(got, "corskit-reflect-probe") {
		t.Errorf("--no-probe in a sequence: server saw\n%s", got)
	}
}
