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
	"github.com/corskit/corskit/origin"
)

// diagnoseWith is diagnose with a chosen browser profile and page origin.
func diagnoseWith(t *testing.T, p fetch.Profile, from origin.Origin, h http.HandlerFunc, req fetch.Request) explain.Diagnosis {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req.Origin = from
	req.URL = srv.URL + "/x"
	res, err := (&fetch.Browser{Profile: p}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return explain.Explain(res)
}

// headers returns a handler that sends the given header lines (one
// h.Add per pair), with status on OPTIONS when it is not 0.
func headers(status int, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Add(kv[i], kv[i+1])
		}
		if r.Method == http.MethodOptions && status != 0 {
			w.WriteHeader(status)
		}
	}
}

// The fix is the smallest right one (issue 12 §2): each case names the
// fixes it wants, in order, by "response header=value" or "response:
// words in the text".
func TestSmallestFix(t *testing.T) {
	creds := fetch.Request{Method: "PUT", Credentials: fetch.CredentialsInclude}
	for _, tc := range []struct {
		name    string
		profile fetch.Profile
		h       http.HandlerFunc
		req     fetch.Request
		want    []string // each fix: its Header=Value, or its Text contains the words
		notWarn string
	}{
		{"put not allowed: add PUT only", fetch.Chromium,
			headers(204, "Access-Control-Allow-Origin", page.String(), "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "GET, POST", "Vary", "Origin"),
			creds, []string{"Access-Control-Allow-Methods=GET, POST, PUT"}, ""},
		{"401 preflight: auth first", fetch.Chromium,
			headers(401),
			fetch.Request{Method: "PUT"}, []string{"preflight:before auth", "Access-Control-Allow-Origin=" + page.String(), "Access-Control-Allow-Methods=PUT", "Access-Control-Allow-Origin=" + page.String()}, ""},
		{"404 preflight: wrap the router", fetch.Chromium,
			headers(404),
			fetch.Request{Method: "DELETE"}, []string{"preflight:Wrap the whole router", "Access-Control-Allow-Origin=" + page.String(), "Access-Control-Allow-Methods=DELETE", "Access-Control-Allow-Origin=" + page.String()}, ""},
		{"405 preflight: wrap the router", fetch.Chromium,
			headers(405, "Access-Control-Allow-Origin", page.String(), "Access-Control-Allow-Methods", "PUT"),
			fetch.Request{Method: "PUT"}, []string{"preflight:Wrap the whole router", "Access-Control-Allow-Origin=" + page.String()}, ""},
		{"duplicate allow-origin behind nginx", fetch.Chromium,
			headers(0, "Server", "nginx/1.22.1", "Access-Control-Allow-Origin", page.String(), "Access-Control-Allow-Origin", page.String()),
			fetch.Request{}, []string{"actual:duplicate"}, ""},
		{"credentials: never *", fetch.Chromium,
			headers(204, "Access-Control-Allow-Origin", page.String(), "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "*"),
			creds, []string{"Access-Control-Allow-Methods=PUT"}, ""},
		{"spec: authorization under *", fetch.Spec,
			headers(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Headers", "*"),
			fetch.Request{Headers: []fetch.Header{{Name: "Authorization", Value: "Bearer t"}}},
			[]string{"Access-Control-Allow-Headers=*, authorization"}, "wildcard-authorization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnoseWith(t, tc.profile, page, tc.h, tc.req)
			if d.Verdict != "blocked" {
				t.Fatalf("verdict %s", d.Verdict)
			}
			var got []string
			for _, f := range d.Fixes {
				got = append(got, f.Response+" "+f.Header+"="+f.Value+" "+f.Text)
			}
			if len(d.Fixes) != len(tc.want) {
				t.Fatalf("%d fixes, want %d:\n%s", len(d.Fixes), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				f := d.Fixes[i]
				resp, words, isText := strings.Cut(w, ":")
				if isText && !strings.Contains(w, "=") {
					if f.Response != resp || !strings.Contains(f.Text, words) {
						t.Errorf("fix %d = %s, want %s with %q", i, got[i], resp, words)
					}
					continue
				}
				name, value, _ := strings.Cut(w, "=")
				if f.Header != name || f.Value != value {
					t.Errorf("fix %d = %s, want %s", i, got[i], w)
				}
			}
			if tc.notWarn != "" && slices.ContainsFunc(d.Warnings, func(w explain.Warning) bool { return w.ID == tc.notWarn }) {
				t.Errorf("warning %s on a call it blocked: %+v", tc.notWarn, d.Warnings)
			}
		})
	}
}

// A duplicate names the proxy's header as the one to remove.
func TestDuplicateNamesTheProxy(t *testing.T) {
	d := diagnoseWith(t, fetch.Chromium, page,
		headers(0, "Server", "nginx", "Access-Control-Allow-Origin", page.String()+", "+page.String()), fetch.Request{})
	if len(d.Fixes) != 1 || !strings.Contains(d.Fixes[0].Text, "add_header") || d.Fixes[0].Change != nil {
		t.Errorf("fixes %+v", d.Fixes)
	}
}

// An allowed call from an attacker-looking origin with credentials gets a
// security warning; the same call from the page's own origin does not.
func TestAttackerOriginWarning(t *testing.T) {
	reflect := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Vary", "Origin")
	}
	req := fetch.Request{Credentials: fetch.CredentialsInclude}
	d := diagnoseWith(t, fetch.Chromium, origin.MustParse("https://evil.example"), reflect, req)
	if d.Verdict != "allowed" || !slices.ContainsFunc(d.Warnings, func(w explain.Warning) bool {
		return w.ID == "attacker-origin-credentials" && strings.HasPrefix(w.Text, "security:")
	}) {
		t.Errorf("evil origin: %s %+v", d.Verdict, d.Warnings)
	}
	d = diagnoseWith(t, fetch.Chromium, page, reflect, req)
	if len(d.Warnings) != 0 {
		t.Errorf("own origin: %+v", d.Warnings)
	}
}

// ReflectionWarning fires on a probe the server allowed by echoing it.
func TestReflectionWarning(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}))
	defer srv.Close()
	probe, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{
		Origin: origin.MustParse(explain.ReflectProbeOrigin), URL: srv.URL, Credentials: fetch.CredentialsInclude})
	if err != nil {
		t.Fatal(err)
	}
	w, ok := explain.ReflectionWarning(probe)
	if !ok || w.ID != "reflect-any-origin" || !strings.Contains(w.Text, "any website") {
		t.Errorf("%v %+v", ok, w)
	}
}

// Network failures carry Chromium's net::ERR_ name.
func TestNetError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{Origin: page, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	d := explain.Explain(res)
	if d.Verdict != "network-error" || d.NetError != "net::ERR_CONNECTION_REFUSED" || !strings.Contains(d.Message, "connection refused") {
		t.Errorf("%+v", d)
	}
	tls := httptest.NewTLSServer(http.NotFoundHandler())
	defer tls.Close()
	res, _ = (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{Origin: page, URL: tls.URL})
	if d := explain.Explain(res); d.NetError != "net::ERR_CERT_AUTHORITY_INVALID" {
		t.Errorf("self-signed: %+v", d)
	}
}
