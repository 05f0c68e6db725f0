package audit

import (
	"net/http"
	"testing"
)

func TestCacheHeaders(t *testing.T) {
	for _, tc := range []struct {
		h          http.Header
		shown, hit bool
	}{
		{http.Header{"Cache-Status": {"ExampleCache; hit; ttl=30"}}, true, true},
		{http.Header{"Cache-Status": {"Origin; fwd=uri-miss, CDN; hit"}}, true, true},
		{http.Header{"Cache-Status": {"ExampleCache; fwd=miss; stored"}}, true, false},
		{http.Header{"X-Cache": {"HIT from proxy"}}, true, true},
		{http.Header{"X-Cache-Status": {"MISS"}}, true, false},
		{http.Header{"X-Proxy-Cache": {"HIT"}}, true, true},
		{http.Header{"Cf-Cache-Status": {"DYNAMIC"}}, true, false},
		{http.Header{"Age": {"12"}}, true, true},
		{http.Header{"Age": {"0"}}, true, false},
		{http.Header{"Via": {"1.1 varnish (Varnish/7.1)"}}, true, false},
		{http.Header{"X-Varnish": {"32770 3"}}, true, true},
		{http.Header{"X-Varnish": {"32770"}}, true, false},
		{http.Header{"X-Served-By": {"cache-fra19150-FRA"}}, true, false},
		{http.Header{"Server": {"nginx"}}, false, false},
	} {
		if got := cacheShown(tc.h) != ""; got != tc.shown {
			t.Errorf("cacheShown(%v) = %v", tc.h, got)
		}
		if got := cacheHit(tc.h); got != tc.hit {
			t.Errorf("cacheHit(%v) = %v", tc.h, got)
		}
	}
}

func TestHSTSCovers(t *testing.T) {
	for _, tc := range []struct {
		v, host string
		want    bool
	}{
		{"max-age=31536000", "api.example.com", true},
		{"max-age=31536000", "app.api.example.com", false},
		{"max-age=31536000; includeSubDomains", "app.api.example.com", true},
		{"max-age=31536000; includeSubDomains", "app.example.com", false}, // a sibling: HSTS of api. says nothing about it
		{"max-age=0; includeSubDomains", "api.example.com", false},
		{`max-age="600"`, "api.example.com", true},
		{"includeSubDomains", "api.example.com", false},
	} {
		h := http.Header{"Strict-Transport-Security": {tc.v}}
		if got := hstsCovers(h, "api.example.com", tc.host); got != tc.want {
			t.Errorf("%q covers %s = %v", tc.v, tc.host, got)
		}
	}
}

func TestWithParam(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.example/x":          "https://a.example/x?p=v",
		"https://a.example/x?q=1":      "https://a.example/x?q=1&p=v",
		"https://a.example/x?":         "https://a.example/x?p=v",
		"https://a.example/x?q=1#frag": "https://a.example/x?q=1&p=v#frag",
	} {
		if got := withParam(in, "p", "v"); got != want {
			t.Errorf("withParam(%q) = %q, want %q", in, got, want)
		}
	}
}
