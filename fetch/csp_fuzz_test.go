package fetch_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// FuzzParseCSP holds the policy parser and the connect-src check to their
// promises on hostile input: no panic, bounded output (at most 64
// directives a policy, each quoted text no longer than the input), and a
// fetch the gates refuse goes nowhere near the network.
func FuzzParseCSP(f *testing.F) {
	for _, seed := range []string{
		"connect-src 'self'", "default-src 'none'; connect-src https://api.example.com:8443/v1/",
		"connect-src *.example.com http: 'unsafe-inline' 'nonce-abc'", "CONNECT-SRC  'SELF' ,connect-src *",
		";;;", "connect-src https://[::1]:*/a%2Fb", "connect-src \x00\xff", strings.Repeat("a;", 100),
	} {
		f.Add(seed, "https://api.example.com/v1/x")
	}
	page := origin.MustParse("https://app.example.com")
	f.Fuzz(func(t *testing.T, policy, target string) {
		pols := fetch.ParseCSP([]string{policy}, false)
		for _, p := range pols {
			if len(p.Directives) > 64 {
				t.Fatalf("%d directives", len(p.Directives))
			}
			for _, d := range p.Directives {
				if len(d.Text) > len(policy) || len(d.FirefoxText()) > len(policy) {
					t.Fatalf("directive text %q longer than the policy", d.Text)
				}
			}
		}
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		b := &fetch.Browser{Transport: refuseTransport{}}
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: target,
			Page: &fetch.Page{URL: "https://app.example.com/", CSP: []string{policy}}})
		if err != nil {
			return // a URL the model refuses as input
		}
		if res.Err != nil && fetch.IsGate(res.Err.Reason) && len(res.Trace) != 0 {
			t.Fatalf("a gate refused %s after %d exchanges", target, len(res.Trace))
		}
	})
}
