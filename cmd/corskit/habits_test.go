package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The audit's progress line gives the total and the time left once the
// list is read, and counts in the singular where it is one.
func TestAuditProgressLine(t *testing.T) {
	f := &feeder{}
	f.queued.Store(12)
	p := &progressLine{feed: f, start: time.Unix(1000, 0)}
	if got, want := p.text(9, 3, time.Unix(1009, 0)), "audited 9 of 12+ endpoints on 3 hosts…"; got != want {
		t.Errorf("while the list is read: %q, want %q", got, want)
	}
	f.fed.Store(true)
	if got, want := p.text(9, 3, time.Unix(1009, 0)), "audited 9/12 endpoints on 3 hosts, about 3s left…"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	f.queued.Store(1)
	if got, want := p.text(0, 1, time.Unix(1001, 0)), "audited 0/1 endpoint on 1 host…"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// A report of one endpoint and one probe says so in the singular.
func TestAuditSummarySingular(t *testing.T) {
	for n, want := range map[int64]string{0: "0 endpoints", 1: "1 endpoint", 2: "2 endpoints"} {
		if got := count(n, "endpoint"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
	srv := strict(t)
	out, _, _ := cli(t, "audit", srv.URL, "--rate", "0")
	if !strings.Contains(out, "\n1 endpoint, ") || strings.Contains(out, "1 endpoints") {
		t.Errorf("summary:\n%s", out)
	}
}

// Files saved with a UTF-8 byte order mark (Notepad, PowerShell's
// Out-File) are read: --targets, --origins-file and a HAR.
func TestInputFilesWithBOM(t *testing.T) {
	dir := t.TempDir()
	srv := strict(t)
	targets := filepath.Join(dir, "targets.txt")
	origins := filepath.Join(dir, "origins.txt")
	os.WriteFile(targets, []byte("\ufeff"+srv.URL+"/\n"), 0o600)
	os.WriteFile(origins, []byte("\ufeff"+page+"\n"), 0o600)
	out, errOut, code := cli(t, "audit", "--targets", targets, "--origins-file", origins, "--rate", "0")
	if code == 2 || strings.Contains(out+errOut, "malformed") || !strings.Contains(out, "1 endpoint,") {
		t.Errorf("--targets with a BOM: exit %d\n%s%s", code, out, errOut)
	}
	har := filepath.Join(dir, "bom.har")
	os.WriteFile(har, []byte("\ufeff"+harOf("https://api.example.com/a")), 0o600)
	out, errOut, code = cli(t, "check", "--har", har)
	if code != 0 || !strings.Contains(out, "1 cross-origin requests") {
		t.Errorf("a HAR with a BOM: exit %d\n%s%s", code, out, errOut)
	}
}

// harOf is a HAR of one allowed cross-origin GET of url.
func harOf(url string) string {
	entry := map[string]any{
		"_resourceType": "fetch",
		"request": map[string]any{"method": "GET", "url": url,
			"headers": []map[string]string{{"name": "Origin", "value": page}}},
		"response": map[string]any{"status": 200, "headers": []map[string]string{
			{"name": "Access-Control-Allow-Origin", "value": page}, {"name": "Vary", "value": "Origin"}}},
	}
	data, _ := json.Marshal(map[string]any{"log": map[string]any{"entries": []any{entry}}})
	return string(data)
}

// A URL with | or ^ left unescaped, as browsers record it, finds its own
// recording (net/url escapes them when the model sends the request).
func TestHARUnescapedURL(t *testing.T) {
	har := filepath.Join(t.TempDir(), "pipe.har")
	os.WriteFile(har, []byte(harOf("https://api.example.com/a|b^c?q=x|y")), 0o600)
	out, errOut, code := cli(t, "check", "--har", har)
	if code != 0 || !strings.Contains(out, "ALLOWED") || strings.Contains(out, "has no recorded") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// --har --browser all replays the file in the three engines.
func TestHARAllEngines(t *testing.T) {
	har := filepath.Join(t.TempDir(), "one.har")
	os.WriteFile(har, []byte(harOf("https://api.example.com/a")), 0o600)
	out, errOut, code := cli(t, "check", "--har", har, "--browser", "all")
	if code != 0 || !strings.Contains(out, "models: chromium, firefox, webkit") || !strings.Contains(out, "ALLOWED in every engine") {
		t.Errorf("text: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = cli(t, "check", "--har", har, "--browser", "all", "--json")
	var v struct {
		Requests []struct {
			Browsers map[string]json.RawMessage `json:"browsers"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Requests) != 1 || len(v.Requests[0].Browsers) != 3 {
		t.Errorf("JSON (%v):\n%s", err, out)
	}
	// Without --browser, a HAR is replayed in Chromium, as before.
	out, _, _ = cli(t, "check", "--har", har)
	if !strings.Contains(out, "chromium model)") {
		t.Errorf("default:\n%s", out)
	}
}

// --color always colours even where NO_COLOR is set (cli sets it) and
// output is no terminal; never and auto (here) do not; the help says
// NO_COLOR.
func TestColorFlag(t *testing.T) {
	srv, open := strict(t), reflectAll(t)
	for _, cmd := range [][]string{{"check", srv.URL, "--origin", "https://evil.example"}, {"audit", open.URL, "--rate", "0"}} {
		for mode, want := range map[string]bool{"always": true, "never": false, "auto": false} {
			out, errOut, _ := cli(t, append(cmd, "--color", mode)...)
			if got := strings.Contains(out, "\x1b["); got != want {
				t.Errorf("%s --color %s: colour %v, want %v\n%s%s", cmd[0], mode, got, want, out, errOut)
			}
		}
		help, _, _ := cli(t, cmd[0], "-h")
		if !strings.Contains(help, "--color auto|always|never") || !strings.Contains(help, "NO_COLOR") {
			t.Errorf("%s -h does not document --color and NO_COLOR:\n%s", cmd[0], help)
		}
	}
}
