package playground

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
)

// postReport posts body to /api/check and decodes the report.
func postReport(t *testing.T, p *Playground, body string) (int, explain.Report) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.PageURL+"/api/check", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Corskit-Token", p.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var rep explain.Report
	if err := json.NewDecoder(res.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, rep
}

// TestCheckEveryEngine: by default /api/check answers one report per
// engine, each made by that engine's model in its own words, against the
// live sample API.
func TestCheckEveryEngine(t *testing.T) {
	p := start(t)
	for _, tc := range []struct {
		name, body string
		// verdict and whether a preflight went out, per engine
		want map[string]string
		// substrings of each engine's first console line ("" for none)
		console map[string]string
	}{
		{
			name: "agree, allowed",
			body: `{"url": "` + p.APIURL + `/api/good/items/1", "origin": "` + p.PageURL + `", "method": "PUT",
				"headers": "Content-Type: application/json\nX-Demo-Token: 1", "body": "{}"}`,
			want:    map[string]string{"chromium": "allowed preflight", "firefox": "allowed preflight", "webkit": "allowed preflight"},
			console: map[string]string{"chromium": "", "firefox": "", "webkit": ""},
		},
		{
			name: "agree, blocked",
			body: `{"url": "` + p.APIURL + `/api/bad/hello", "origin": "` + p.PageURL + `"}`,
			want: map[string]string{"chromium": "blocked", "firefox": "blocked", "webkit": "blocked"},
			console: map[string]string{
				"chromium": "No 'Access-Control-Allow-Origin' header is present",
				"firefox":  "Cross-Origin Request Blocked:",
				"webkit":   "is not allowed by Access-Control-Allow-Origin",
			},
		},
		{
			// Device-Memory is a client hint Chromium safelists: it sends
			// the GET at once, and the server, which allows only
			// Content-Type, lets the page read it. Firefox and WebKit
			// safelist no client hint: they preflight, and the preflight
			// answer does not list the header.
			name: "disagree: a client hint",
			body: `{"url": "` + p.APIURL + `/api/bad/items/1", "origin": "` + p.PageURL + `", "headers": "Device-Memory: 1"}`,
			want: map[string]string{"chromium": "allowed", "firefox": "blocked preflight", "webkit": "blocked preflight"},
			console: map[string]string{
				"chromium": "",
				"firefox":  "header ‘device-memory’ is not allowed according to header ‘Access-Control-Allow-Headers’",
				"webkit":   "Request header field Device-Memory is not allowed by Access-Control-Allow-Headers.",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, rep := postReport(t, p, tc.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %+v", code, rep)
			}
			if len(rep.Browsers) != len(tc.want) {
				t.Errorf("reports for %d engines, want %d", len(rep.Browsers), len(tc.want))
			}
			for name, want := range tc.want {
				b, ok := rep.Browsers[name]
				if !ok {
					t.Errorf("no report for %s", name)
					continue
				}
				got := b.Verdict
				if b.PreflightSent {
					got += " preflight"
				}
				if got != want || b.Request.Profile != name {
					t.Errorf("%s: %q (profile %q), want %q", name, got, b.Request.Profile, want)
				}
				first := ""
				if len(b.Console) > 0 {
					first = b.Console[0]
				}
				if !strings.Contains(first, tc.console[name]) || (tc.console[name] == "") != (first == "") {
					t.Errorf("%s's console: %q, want one containing %q", name, b.Console, tc.console[name])
				}
				if (b.Verdict == "blocked") != (b.TypeError != "") {
					t.Errorf("%s: verdict %s with TypeError %q", name, b.Verdict, b.TypeError)
				}
			}
			// The top level keeps the shape the page had with one engine:
			// Chromium's report.
			if c := rep.Browsers["chromium"]; rep.Verdict != c.Verdict || rep.Request.Profile != "chromium" || rep.Message != c.Message {
				t.Errorf("top level %q %q %q, want Chromium's", rep.Verdict, rep.Request.Profile, rep.Message)
			}
		})
	}
}

// TestCheckOneModel: a request may name one model, the Fetch Standard's
// included; an unknown name is refused with the field named.
func TestCheckOneModel(t *testing.T) {
	p := start(t)
	for _, name := range []string{"spec", "firefox"} {
		code, rep := postReport(t, p, `{"url": "`+p.APIURL+`/api/bad/hello", "origin": "`+p.PageURL+`", "profile": "`+name+`"}`)
		if code != http.StatusOK || len(rep.Browsers) != 1 || rep.Browsers[name].Verdict != "blocked" || rep.Request.Profile != name {
			t.Errorf("profile %s: %d, top level %q, browsers %d", name, code, rep.Request.Profile, len(rep.Browsers))
		}
	}
	code, m := post(t, p, `{"url": "`+p.APIURL+`/api/bad/hello", "origin": "`+p.PageURL+`", "profile": "netscape"}`)
	if code != http.StatusBadRequest || !strings.Contains(m["error"].(string), `profile "netscape"`) {
		t.Errorf("unknown profile: %d %v", code, m)
	}
}

// TestCheckKinds: "Send it for real" takes the form's request kind and
// the page's address space, read by checkjson.Load as check reads --as:
// an <img> of the sample API's JSON is a no-cors load, a public page's
// call to the loopback sample API waits on Local Network Access, and a
// method the kind does not take is refused naming the field.
func TestCheckKinds(t *testing.T) {
	p := start(t)
	code, rep := postReport(t, p, `{"url": "`+p.APIURL+`/api/good/hello", "origin": "`+p.PageURL+`", "as": "img"}`)
	if code != http.StatusOK || rep.Request.Kind != "img" || rep.Request.Mode != "no-cors" {
		t.Errorf("as img: %d, kind %q, mode %q", code, rep.Request.Kind, rep.Request.Mode)
	}
	code, rep = postReport(t, p, `{"url": "`+p.APIURL+`/api/good/hello", "origin": "https://app.example.com", "profile": "chromium",
		"page": {"address_space": "public"}}`)
	if code != http.StatusOK || rep.Reason != "local-network-access" {
		t.Errorf("public page to loopback: %d, reason %q", code, rep.Reason)
	}
	code, m := post(t, p, `{"url": "`+p.APIURL+`/api/good/hello", "origin": "`+p.PageURL+`", "as": "img", "method": "PUT"}`)
	if code != http.StatusBadRequest || !strings.HasPrefix(m["error"].(string), "method: not with as img") {
		t.Errorf("img with a method: %d %v", code, m)
	}
}
