package audit_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/cors"
)

// The vulnerable suite: each server gets one mistake right out of real
// code bases; the correct suite must give nothing above info.

// allowFunc decides whether to allow an Origin; the server then reflects
// it, with credentials when creds.
type allowFunc func(origin string) bool

func reflecting(allow allowFunc, creds, vary bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		if vary {
			w.Header().Add("Vary", "Origin")
		}
		if o != "" && allow(o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			if creds {
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			}
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT")
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"user":"alice"}`)
	})
}

var corsStrict = cors.Config{AllowedOrigins: []string{trusted}, AllowCredentials: true}

func middleware(t testing.TB, cfg cors.Config) http.Handler {
	mw, err := cors.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"user":"alice"}`)
	}))
}

const trusted = "https://app.example.com"

// scan serves h as https://api.example.com (or http://) and audits it.
func scan(t *testing.T, h http.Handler, https bool) audit.Result {
	t.Helper()
	var srv *httptest.Server
	scheme := "http"
	if https {
		srv, scheme = httptest.NewTLSServer(h), "https"
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{
		// As --resolve: the names resolve to the test server.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}
	s := audit.New(audit.Options{Transport: tr})
	res := s.Scan(context.Background(), audit.Target{URL: scheme + "://api.example.com/me"})
	if res.Err != nil {
		t.Fatalf("scan: %v", res.Err)
	}
	return res
}

func ids(res audit.Result, min audit.Severity) map[string]audit.Severity {
	m := map[string]audit.Severity{}
	for _, f := range res.Findings {
		if f.Severity >= min {
			m[f.ID] = f.Severity
		}
	}
	return m
}

func TestVulnerableSuite(t *testing.T) {
	unanchored := regexp.MustCompile(`example\.com`)
	unescapedDot := regexp.MustCompile(`^https://(app|api).example.com$`)
	list := "https://example.com https://app.example.com"
	for _, tc := range []struct {
		name  string
		h     http.Handler
		https bool
		want  map[string]audit.Severity // findings that must be there, with their severity
		not   []string                  // classes that must not be reported (near misses)
	}{
		{"reflect everything", reflecting(func(string) bool { return true }, true, true), true,
			map[string]audit.Severity{audit.ReflectAnyOrigin: audit.High, audit.NullOrigin: audit.High}, []string{audit.PrefixMatch}},
		{"reflect everything, no credentials", reflecting(func(string) bool { return true }, false, true), false,
			map[string]audit.Severity{audit.ReflectAnyOrigin: audit.Info}, nil},
		{"reflect everything, no credentials, user-specific answer", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "x"})
			reflecting(func(string) bool { return true }, false, true).ServeHTTP(w, r)
		}), false, map[string]audit.Severity{audit.ReflectAnyOrigin: audit.Low}, nil},
		{"reflect everything but null", reflecting(func(o string) bool { return o != "null" }, true, true), false,
			map[string]audit.Severity{audit.ReflectAnyOrigin: audit.High}, []string{audit.NullOrigin}},
		{"trusts null", reflecting(func(o string) bool { return o == "null" || o == trusted }, true, true), false,
			map[string]audit.Severity{audit.NullOrigin: audit.High}, []string{audit.ReflectAnyOrigin}},
		{"prefix check", reflecting(func(o string) bool { return strings.HasPrefix(o, "https://api.example.com") }, true, true), true,
			map[string]audit.Severity{audit.PrefixMatch: audit.High}, []string{audit.SuffixMatch, audit.ReflectAnyOrigin, audit.InvalidACAO,
				audit.SpecialChars /* the prefix check explains every special-character probe */}},
		{"suffix check", reflecting(func(o string) bool { return strings.HasSuffix(o, "example.com") }, true, true), true,
			map[string]audit.Severity{audit.SuffixMatch: audit.High}, []string{audit.PrefixMatch}},
		{"suffix check with the dot (near miss)", reflecting(func(o string) bool { return strings.HasSuffix(o, ".example.com") }, true, true), true,
			map[string]audit.Severity{audit.AnySubdomain: audit.Medium}, []string{audit.SuffixMatch, audit.PrefixMatch}},
		{"substring of an allowlist string", reflecting(func(o string) bool { return strings.Contains(list, o) }, true, true), true,
			map[string]audit.Severity{audit.SubstringMatch: audit.High}, []string{audit.PrefixMatch, audit.SuffixMatch}},
		{"unanchored regex", reflecting(unanchored.MatchString, true, true), true,
			map[string]audit.Severity{audit.PrefixMatch: audit.High, audit.SuffixMatch: audit.High}, nil},
		{"unescaped dot", reflecting(unescapedDot.MatchString, true, true), true,
			map[string]audit.Severity{audit.UnescapedDot: audit.High}, []string{audit.PrefixMatch, audit.SuffixMatch}},
		{"escaped dot (near miss)", reflecting(regexp.MustCompile(`^https://(app|api)\.example\.com$`).MatchString, true, true), true,
			nil, []string{audit.UnescapedDot}},
		{"special characters after the host", reflecting(func(o string) bool {
			rest, ok := strings.CutPrefix(o, "https://api.example.com")
			return ok && rest != "" && !strings.ContainsAny(rest[:1], ".:/")
		}, true, true), true, map[string]audit.Severity{audit.SpecialChars: audit.High}, []string{audit.PrefixMatch}},
		{"trusts http", reflecting(func(o string) bool {
			return o == trusted || o == "http://api.example.com" || o == "http://example.com"
		}, true, true), true, map[string]audit.Severity{audit.InsecureScheme: audit.Medium}, nil},
		{"any subdomain (middleware)", middleware(t, cors.Config{AllowedOrigins: []string{"https://*.example.com"}, AllowCredentials: true}), true,
			map[string]audit.Severity{audit.AnySubdomain: audit.Medium}, []string{audit.SuffixMatch, audit.PrefixMatch, audit.MissingVary}},
		{"third-party hosting", reflecting(func(o string) bool { return o == trusted || strings.HasSuffix(o, ".github.io") }, true, true), true,
			map[string]audit.Severity{audit.ThirdPartyOrigin: audit.High}, nil},
		{"localhost for development", reflecting(func(o string) bool {
			return o == trusted || strings.HasPrefix(o, "http://localhost") || strings.HasPrefix(o, "http://127.0.0.1")
		}, true, true), true, map[string]audit.Severity{audit.LocalhostOrigin: audit.Medium}, nil},
		{"wildcard", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}), true, nil, nil},
		{"wildcard with cookies set", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "x"})
		}), true, map[string]audit.Severity{audit.WildcardOrigin: audit.Low}, nil},
		{"wildcard with credentials", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}), true, map[string]audit.Severity{audit.WildcardWithCredentials: audit.Low}, []string{audit.ReflectAnyOrigin}},
		{"missing vary", reflecting(func(o string) bool { return o == trusted }, true, false), true,
			map[string]audit.Severity{audit.MissingVary: audit.Low}, nil},
		{"missing vary behind a cache", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Via", "1.1 varnish (Varnish/7.1)") // a cache shows, and never answers from storage
			reflecting(func(o string) bool { return o == trusted }, true, false).ServeHTTP(w, r)
		}), true, map[string]audit.Severity{audit.MissingVary: audit.Medium}, nil},
		{"permissive preflight for a trusted origin (Express cors' default echo)", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Origin")
			if r.Header.Get("Origin") != trusted {
				return
			}
			w.Header().Set("Access-Control-Allow-Origin", trusted)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
				w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
				w.WriteHeader(http.StatusNoContent)
			}
		}), true, map[string]audit.Severity{audit.PermissivePreflight: audit.Info, audit.MissingVary: audit.Low}, nil},
		{"permissive preflight for a hostile origin", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
			if o := r.Header.Get("Origin"); strings.HasSuffix(o, "-example.com") { // no trusted origin passes
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			}
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
				w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
				w.WriteHeader(http.StatusNoContent)
			}
		}), true, map[string]audit.Severity{audit.PermissivePreflight: audit.Medium, audit.SuffixMatch: audit.High}, []string{audit.MissingVary, audit.UnescapedDot, audit.AnySubdomain}},
		{"header injection", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			o, err := url.PathUnescape(r.Header.Get("Origin"))
			if err != nil || o == "" {
				return
			}
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: %s\r\nVary: Origin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", o)
			buf.Flush()
		}), false, map[string]audit.Severity{audit.HeaderInjection: audit.High}, nil},
		// Near misses: each looks like a class, but is not one.
		{"allowlist split into tokens (near miss)", reflecting(func(o string) bool { return slices.Contains(strings.Fields(list), o) }, true, true), true,
			nil, []string{audit.SubstringMatch}},
		{"exact host or its subdomains (near miss)", reflecting(func(o string) bool {
			return o == "https://api.example.com" || strings.HasSuffix(o, ".api.example.com")
		}, true, true), true, nil, []string{audit.SpecialChars, audit.PrefixMatch}},
		{"https only (near miss)", reflecting(func(o string) bool { return o == trusted || o == "https://api.example.com" }, true, true), true,
			nil, []string{audit.InsecureScheme}},
		{"own GitHub Pages site only (near miss)", reflecting(func(o string) bool { return o == "https://example.github.io" }, true, true), true,
			nil, []string{audit.ThirdPartyOrigin}},
		{"one local dev port (Vite's)", reflecting(func(o string) bool { return o == "http://localhost:5173" }, true, true), true,
			map[string]audit.Severity{audit.LocalhostOrigin: audit.Medium}, nil},
		{"reflects the raw Origin without decoding it (near miss)", reflecting(func(string) bool { return true }, false, true), false,
			nil, []string{audit.HeaderInjection}},
		{"invalid allow-origin", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "https://a.example.com, https://b.example.com")
		}), true, map[string]audit.Severity{audit.InvalidACAO: audit.Info}, []string{audit.ReflectAnyOrigin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scan(t, tc.h, tc.https)
			got := ids(res, audit.Info)
			t.Logf("%d probes: %v", res.Probes, got)
			for id, sev := range tc.want {
				if g, ok := got[id]; !ok || g != sev {
					t.Errorf("want %s (%s), got %v", id, sev, got)
				}
			}
			for _, id := range tc.not {
				if _, ok := got[id]; ok {
					t.Errorf("near miss reported as %s: %v", id, got)
				}
			}
			for _, f := range res.Findings {
				if f.URL == "" || f.Explanation == "" || f.Fix.Headers == "" || f.Fix.Config == "" || f.Evidence.Status == 0 {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

// The correct suite: strict configurations give nothing above info.
func TestCorrectSuite(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"middleware, one origin, credentials", middleware(t, cors.Config{AllowedOrigins: []string{trusted}, AllowCredentials: true,
			AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"Content-Type"}})},
		{"middleware, several exact origins", middleware(t, cors.Config{AllowedOrigins: []string{trusted, "https://admin.example.com", "https://example.com"}})},
		{"middleware, public wildcard", middleware(t, cors.Config{AllowedOrigins: []string{"*"}})},
		{"no CORS at all", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hi") })},
		{"hand-written exact check with Vary", reflecting(func(o string) bool { return o == trusted }, true, true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, https := range []bool{true, false} {
				res := scan(t, tc.h, https)
				if got := ids(res, audit.Low); len(got) > 0 {
					t.Errorf("https=%v: findings above info on a correct server: %v", https, got)
				}
				if res.Probes < 30 {
					t.Errorf("only %d probes sent", res.Probes)
				}
			}
		})
	}
}

func TestProbesAreDerivedFromTheTarget(t *testing.T) {
	u, _ := url.Parse("https://api.example.co.uk:8443/x")
	var origins []string
	for _, p := range audit.Probes(u) {
		origins = append(origins, p.Class+" "+p.Origin)
	}
	for _, want := range []string{
		"prefix-match https://api.example.co.uk.corskit-attacker.example",
		"suffix-match https://corskitexample.co.uk",
		"unescaped-dot https://apixexample.co.uk",
		"substring-match https://example.co.u",
		"substring-match https://api.example.co.u", // the full host minus its last character
		"insecure-scheme http://api.example.co.uk",
		"any-subdomain https://corskit-probe.example.co.uk",
		"special-chars https://api.example.co.uk`.corskit-attacker.example",
		"null-origin null",
	} {
		if !slices.Contains(origins, want) {
			t.Errorf("no probe %q among %q", want, origins)
		}
	}
}

func TestUnreachableTarget(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	res := audit.New(audit.Options{}).Scan(context.Background(), audit.Target{URL: u})
	if res.Err == nil || len(res.Findings) != 0 {
		t.Errorf("got %+v", res)
	}
	if res := audit.New(audit.Options{}).Scan(context.Background(), audit.Target{URL: "ftp://x"}); res.Err == nil {
		t.Error("ftp URL accepted")
	}
}
