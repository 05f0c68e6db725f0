package explain_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/internal/loopback"
	"github.com/corskit/corskit/origin"
)

// run runs case c alone in a fresh Chromium model against fresh servers.
func run(t *testing.T, c corscase.Case) (*fetch.Result, corscase.URLs) {
	t.Helper()
	s, err := corscase.Serve([]corscase.Case{c}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := &fetch.Browser{Transport: loopback.Transport()}
	res, err := b.Fetch(context.Background(), c.Fetches[0].Request(c.Name, s.URLs))
	if err != nil {
		t.Fatal(err)
	}
	return res, s.URLs
}

// apply changes the case's server as the fixes say. Values naming this
// run's page origin become {page}, since the next run has other ports.
func apply(c corscase.Case, fixes []explain.Fix, urls corscase.URLs) corscase.Case {
	c.Server.Hops = slices.Clone(c.Server.Hops)
	if len(c.Server.Hops) == 0 {
		c.Server.Hops = []corscase.Reply{{}}
	}
	for _, f := range fixes {
		var r *corscase.Reply
		switch f.Response {
		case "preflight":
			r = &c.Server.Preflight
		case "actual":
			r = &c.Server.Hops[0]
		default:
			continue
		}
		if f.Header == "" {
			r.Status = http.StatusNoContent
			continue
		}
		r.Headers = slices.DeleteFunc(slices.Clone(r.Headers), func(l string) bool {
			name, _, _ := strings.Cut(l, ":")
			return strings.EqualFold(name, f.Header)
		})
		r.Headers = append(r.Headers, f.Header+": "+urls.Normalize(f.Value))
	}
	return c
}

// TestFixesMakeBlockedCallsPass is the property that matters: for every
// conformance case blocked by a CORS header problem on a response without
// redirects, doing exactly what the diagnosis says makes the call pass.
func TestFixesMakeBlockedCallsPass(t *testing.T) {
	tried := 0
	for _, c := range corscase.All() {
		if len(c.Fetches) != 1 || len(c.Server.Hops) > 1 || (len(c.Server.Hops) == 1 && c.Server.Hops[0].Redirect != "") ||
			c.Server.Preflight.Redirect != "" || c.ServerRefuses {
			continue
		}
		res, urls := run(t, c)
		if res.Allowed() || !res.Err.Reason.IsCORS() {
			continue
		}
		d := explain.Explain(res)
		if d.Verdict != "blocked" || d.Message != res.Err.ConsoleMessage() || len(d.Fixes) == 0 {
			t.Errorf("case %s: diagnosis %+v", c.Name, d)
			continue
		}
		tried++
		fixed, _ := run(t, apply(c, d.Fixes, urls))
		if !fixed.Allowed() {
			t.Errorf("case %s (%s): after the fixes %+v the call is still blocked: %s", c.Name, c.About, d.Fixes, fixed.Err)
		}
	}
	if tried < 50 {
		t.Errorf("only %d blocked cases were tried", tried)
	}
	t.Logf("%d blocked cases fixed by their diagnosis", tried)
}

var page = origin.MustParse("https://app.example.com")

func diagnose(t *testing.T, h http.HandlerFunc, req fetch.Request) explain.Diagnosis {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req.Origin = page
	req.URL = srv.URL + "/x"
	res, err := (&fetch.Browser{}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return explain.Explain(res)
}

func TestPreflightFixNamesEveryMissingHeader(t *testing.T) {
	d := diagnose(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", page.String())
		w.Header().Set("Access-Control-Allow-Headers", "content-type")
	}, fetch.Request{Method: "PATCH", Headers: []fetch.Header{
		{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k"}, {Name: "X-Trace", Value: "1"}}})
	if d.Verdict != "blocked" || d.StoppedAt != "preflight" {
		t.Fatalf("%+v", d)
	}
	want := map[string]string{
		"Access-Control-Allow-Methods": "PATCH",
		"Access-Control-Allow-Headers": "content-type, x-api-key, x-trace",
	}
	for _, f := range d.Fixes {
		if f.Response == "preflight" {
			if w, ok := want[f.Header]; !ok || w != f.Value {
				t.Errorf("unexpected fix %+v", f)
			}
			delete(want, f.Header)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing fixes for %v in %+v", want, d.Fixes)
	}
	if len(d.PreflightWhy) != 4 || !strings.Contains(d.PreflightWhy[0], "PATCH") {
		t.Errorf("why: %q", d.PreflightWhy)
	}
}

func TestSecurityNotes(t *testing.T) {
	d := diagnose(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}, fetch.Request{Credentials: fetch.CredentialsInclude})
	if len(d.Fixes) != 1 || d.Fixes[0].Value != page.String() || !strings.Contains(d.Fixes[0].Security, "any website") {
		t.Errorf("wildcard with credentials: %+v", d.Fixes)
	}
}

func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		req  fetch.Request
		want string
	}{
		{"missing-vary", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", page.String())
		}, fetch.Request{}, "missing-vary"},
		{"max-age-capped", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", page.String())
			w.Header().Set("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header().Set("Access-Control-Max-Age", "86400")
		}, fetch.Request{Method: "PUT"}, "max-age-capped"},
		{"wildcard-authorization", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Headers", "*")
		}, fetch.Request{Headers: []fetch.Header{{Name: "Authorization", Value: "Bearer t"}}}, "wildcard-authorization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnose(t, tc.h, tc.req)
			if d.Verdict != "allowed" {
				t.Fatalf("blocked: %s", d.Message)
			}
			if !slices.ContainsFunc(d.Warnings, func(w explain.Warning) bool { return w.ID == tc.want }) {
				t.Errorf("warnings %+v lack %s", d.Warnings, tc.want)
			}
		})
	}
	// A correct answer gets no warning.
	d := diagnose(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", page.String())
		w.Header().Set("Vary", "Origin")
	}, fetch.Request{})
	if len(d.Warnings) != 0 {
		t.Errorf("warnings on a correct answer: %+v", d.Warnings)
	}
}
