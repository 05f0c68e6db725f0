package har

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
)

// entry builds one HAR entry: request headers and response headers as
// name, value pairs.
func entry(typ, method, url string, reqH []string, status int, respH []string, errText string) map[string]any {
	pairs := func(kv []string) []any {
		var out []any
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, map[string]string{"name": kv[i], "value": kv[i+1]})
		}
		return out
	}
	resp := map[string]any{"status": status, "headers": pairs(respH)}
	if errText != "" {
		resp["_error"] = errText
	}
	return map[string]any{"_resourceType": typ, "startedDateTime": "2026-12-07T10:00:00Z",
		"request":  map[string]any{"method": method, "url": url, "headers": pairs(reqH)},
		"response": resp}
}

// harOf is the HAR of entries, parsed.
func harOf(t *testing.T, entries ...map[string]any) *Log {
	t.Helper()
	doc, _ := json.Marshal(map[string]any{"log": map[string]any{"entries": entries}})
	l, err := Parse(strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// replayEngines replays the HAR of entries in Chromium, Firefox and
// WebKit at once, as check --har --browser all does.
func replayEngines(t *testing.T, entries ...map[string]any) []Replayed {
	t.Helper()
	var out []Replayed
	if _, err := ReplayEngines(context.Background(), harOf(t, entries...), fetch.Profiles, func(r Replayed) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func replayHAR(t *testing.T, p fetch.Profile, entries ...map[string]any) []Replayed {
	t.Helper()
	out, skipped, err := Replay(context.Background(), harOf(t, entries...), p)
	if err != nil || len(skipped) > 0 {
		t.Fatalf("replay: %v, skipped %+v", err, skipped)
	}
	return out
}

// TestReplayPageCSP: a call that the page's CSP refused is recorded
// without an answer (status 0, Chromium's "_error", no Origin header); the
// page's document entry carries the policy, and the replay names it.
// Before, the call was skipped ("the HAR records no response").
func TestReplayPageCSP(t *testing.T) {
	for _, typ := range []string{"document", ""} { // "": a HAR without resource types (Firefox)
		out := replayHAR(t, fetch.Chromium,
			entry(typ, "GET", "https://app.example.com/index.html", nil, 200,
				[]string{"Content-Type", "text/html; charset=utf-8", "Content-Security-Policy", "default-src 'self'; connect-src 'self' https://ok.example.com"}, ""),
			entry("fetch", "GET", "https://api.example.com/data", []string{"Referer", "https://app.example.com/index.html"}, 0, nil, "net::ERR_BLOCKED_BY_CSP"),
		)
		if len(out) != 1 {
			t.Fatalf("%q: %d calls replayed, want 1", typ, len(out))
		}
		r := out[0].Result
		if r.Err == nil || r.Err.Reason != fetch.ReasonCSPConnectSrc || r.Request.Page == nil || r.Request.Page.URL != "https://app.example.com/index.html" {
			t.Errorf("%q: %+v, page %+v", typ, r.Err, r.Request.Page)
		}
	}
}

// TestReplayPageReportOnly: a report-only policy is read too; the call
// goes on, with the violation noted.
func TestReplayPageReportOnly(t *testing.T) {
	out := replayHAR(t, fetch.Chromium,
		entry("document", "GET", "https://app.example.com/", nil, 200, []string{"Content-Security-Policy-Report-Only", "connect-src 'self'"}, ""),
		entry("fetch", "GET", "https://api.example.com/data", []string{"Origin", "https://app.example.com"}, 200, []string{"Access-Control-Allow-Origin", "*"}, ""),
	)
	r := out[0].Result
	if !r.Allowed() || len(r.CSPViolations) != 1 || !r.CSPViolations[0].ReportOnly {
		t.Errorf("%+v %+v", r.Err, r.CSPViolations)
	}
}

// TestReplayPageMixedContent: an https page calling an http API is
// refused as mixed content, before CORS. Before, without the page's URL,
// the call was skipped for want of an answer.
func TestReplayPageMixedContent(t *testing.T) {
	out := replayHAR(t, fetch.Chromium,
		entry("document", "GET", "https://app.example.com/", nil, 200, []string{"Content-Type", "text/html"}, ""),
		entry("fetch", "GET", "http://api.example.com/data", []string{"Referer", "https://app.example.com/"}, 0, nil, "net::ERR_BLOCKED_BY_CLIENT"),
	)
	if r := out[0].Result; r.Err == nil || r.Err.Reason != fetch.ReasonMixedContent {
		t.Errorf("%+v", r.Err)
	}
	// As Chromium records it: no Origin, an empty Referer (the policy drops
	// it on the way down to http), no answer and no error text. The page is
	// the last document loaded.
	out = replayHAR(t, fetch.Chromium,
		entry("document", "GET", "https://app.example.com/", nil, 200, nil, ""),
		entry("fetch", "GET", "http://api.example.com/data", []string{"Referer", ""}, 0, nil, ""),
	)
	if len(out) != 1 || out[0].Result.Err == nil || out[0].Result.Err.Reason != fetch.ReasonMixedContent {
		t.Errorf("%+v", out)
	}
}

// TestReplayPageLastDocument: a call's page is the last document of its
// origin before it, not a later one, nor one of another origin, nor a
// redirect.
func TestReplayPageLastDocument(t *testing.T) {
	call := entry("fetch", "GET", "https://api.example.com/data", []string{"Origin", "https://app.example.com"}, 200, []string{"Access-Control-Allow-Origin", "*"}, "")
	out := replayHAR(t, fetch.Chromium,
		entry("document", "GET", "https://app.example.com/old", nil, 200, []string{"Content-Security-Policy", "connect-src 'none'"}, ""),
		entry("document", "GET", "https://app.example.com/new", nil, 200, nil, ""),
		entry("document", "GET", "https://other.example.com/", nil, 200, []string{"Content-Security-Policy", "connect-src 'none'"}, ""),
		entry("document", "GET", "https://app.example.com/moved", nil, 302, []string{"Location", "/new", "Content-Security-Policy", "connect-src 'none'"}, ""),
		call,
		entry("document", "GET", "https://app.example.com/later", nil, 200, []string{"Content-Security-Policy", "connect-src 'none'"}, ""),
	)
	if r := out[0].Result; !r.Allowed() || r.Request.Page == nil || r.Request.Page.URL != "https://app.example.com/new" {
		t.Errorf("%+v page %+v", r.Err, r.Request.Page)
	}
}
