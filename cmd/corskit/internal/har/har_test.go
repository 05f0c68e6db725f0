package har

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"not json", "not valid JSON at line 1"},
		{`{"log": {"entries": [`, "truncated"},
		{"{\n\n  \"log\": x}", "line 3"},
		{`{"foo": 1}`, `no "log" object`},
		{`{"log": {"entries": 3}}`, "wrong type"},
		{`{"log": {"entries": 3}}`, "log.entries has the wrong type"},
		{`{"log": null}`, `no "log" object`},
		{`[1,2,3]`, `no "log" object`},
		{`{"log": {"entries": []}} {}`, "data after the top-level object"},
		{`{"log": {"entries": [{"request": {}} {}]}}`, "not valid JSON at line 1, column 38"},
	} {
		_, err := Parse(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	l, err := Parse(strings.NewReader(`{"log":{"creator":{"name":"x"},"entries":[{"_resourceType":"preflight",
		"request":{"method":"OPTIONS","url":"http://a/","headers":[{"name":":authority","value":"a"},{"name":"Origin","value":"http://b"}]},
		"response":{"status":204,"headers":[{"name":"A","value":"1"},{"name":"a","value":"2"}]}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	e := l.Entries[0]
	if e.ResourceType != "preflight" || HTTPHeader(e.Request.Headers).Get("Origin") != "http://b" ||
		len(HTTPHeader(e.Request.Headers)) != 1 || len(HTTPHeader(e.Response.Headers)["A"]) != 2 {
		t.Errorf("%+v", e)
	}
}

// FuzzParse reads any bytes as a HAR file and replays what it read: no
// panic, errors with context, and skipped entries listed once each, in
// order, within the file, each with a one-line reason and never replayed.
func FuzzParse(f *testing.F) {
	f.Add(`{"log":{"entries":[{"request":{"method":"GET","url":"http://a/"},"response":{"status":200}}]}}`)
	f.Add(`{"log":{"entries":[{"request":{"method":"GET","url":"http://a/","headers":[{"name":"x","value":"y"}]}}]}}`)
	f.Add(`{"log":null}`)
	f.Add(`[1,2,3]`)
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Parse(strings.NewReader(in))
		if err == nil && l == nil {
			t.Fatal("nil log without error")
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "har: ") || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error without context or not one line: %q", err)
			}
			return
		}
		for _, e := range l.Entries {
			HTTPHeader(e.Request.Headers)
			HTTPHeader(e.Response.Headers)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		out, skipped, err := Replay(ctx, l, fetch.Chromium)
		if err != nil {
			t.Fatalf("Replay: %v", err)
		}
		last := -1
		for _, s := range skipped {
			if s.Entry <= last || s.Entry >= len(l.Entries) || s.Reason == "" || strings.ContainsAny(s.Reason, "\r\n") {
				t.Fatalf("skipped %+v after entry %d of %d", s, last, len(l.Entries))
			}
			last = s.Entry
		}
		for _, r := range out {
			if slices.ContainsFunc(skipped, func(s Skipped) bool { return s.Entry == r.Entry }) {
				t.Fatalf("entry %d both replayed and skipped", r.Entry)
			}
			for _, ex := range r.Result.Trace {
				for _, lines := range [][]Header{toHeaders(ex.RequestHeader), toHeaders(ex.ResponseHeader)} {
					for _, h := range lines {
						if strings.ContainsAny(h.Name+h.Value, "\r\n") {
							t.Fatalf("CR/LF in the trace: %q", h)
						}
					}
				}
			}
		}
	})
}

func toHeaders(h map[string][]string) []Header {
	var out []Header
	for n, vs := range h {
		for _, v := range vs {
			out = append(out, Header{n, v})
		}
	}
	return out
}

// TestReplayKeepsTheBody: a recorded body reaches the model, as text or
// base64, so that `check --har` names the guard behind a 403 (Django's
// CSRF page here, captured from the real Django: explain/testdata/guards).
// Before, every replayed body was empty and no guard but Go's could show.
func TestReplayKeepsTheBody(t *testing.T) {
	page, err := os.ReadFile("../../../../explain/testdata/guards/django-3.2-nodebug.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"", "base64"} {
		text := string(page)
		if enc == "base64" {
			text = base64.StdEncoding.EncodeToString(page)
		}
		doc, _ := json.Marshal(map[string]any{"log": map[string]any{"entries": []any{map[string]any{
			"_resourceType": "fetch", "startedDateTime": "2026-12-07T10:00:00Z",
			"request": map[string]any{"method": "POST", "url": "https://api.example.com/act",
				"headers": []any{map[string]string{"name": "Origin", "value": "https://app.example.com"}}},
			"response": map[string]any{"status": 403, "headers": []any{
				map[string]string{"name": "Content-Type", "value": "text/html"},
				map[string]string{"name": "Access-Control-Allow-Origin", "value": "https://app.example.com"}},
				"content": map[string]string{"text": text, "encoding": enc}},
		}}}})
		l, err := Parse(strings.NewReader(string(doc)))
		if err != nil {
			t.Fatal(err)
		}
		out, skipped, err := Replay(context.Background(), l, fetch.Chromium)
		if err != nil || len(out) != 1 {
			t.Fatalf("%q: %v %v %v", enc, out, skipped, err)
		}
		if w, ok := explain.GuardWarning(out[0].Result); !ok || w.ID != "django-csrf" {
			t.Errorf("encoding %q: %v %v", enc, w, ok)
		}
	}
}
