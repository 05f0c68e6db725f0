package fetchspec_test

import (
	"testing"

	"github.com/corskit/corskit/internal/fetchspec"
)

func TestNormalizeMethod(t *testing.T) {
	for in, want := range map[string]string{
		"get": "GET", "Put": "PUT", "delete": "DELETE", "options": "OPTIONS", "head": "HEAD", "post": "POST",
		"patch": "patch", "PATCH": "PATCH", "Patch": "Patch", "purge": "purge", "GETX": "GETX",
	} {
		if got := fetchspec.NormalizeMethod(in); got != want {
			t.Errorf("NormalizeMethod(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafelistedMethod(t *testing.T) {
	for m, want := range map[string]bool{"GET": true, "HEAD": true, "POST": true, "get": false, "PUT": false, "OPTIONS": false} {
		if got := fetchspec.IsSafelistedMethod(m); got != want {
			t.Errorf("IsSafelistedMethod(%q) = %v, want %v", m, got, want)
		}
	}
}

func TestForbiddenMethod(t *testing.T) {
	for m, want := range map[string]bool{"CONNECT": true, "trace": true, "Track": true, "GET": false, "CONNECTX": false} {
		if got := fetchspec.IsForbiddenMethod(m); got != want {
			t.Errorf("IsForbiddenMethod(%q) = %v, want %v", m, got, want)
		}
	}
}

func TestForbiddenRequestHeader(t *testing.T) {
	for h, want := range map[string]bool{
		"Cookie": true, "cookie": true, "Host": true, "Origin": true, "sec-fetch-mode": true, "Proxy-Authorization": true,
		"Access-Control-Request-Headers": true, "Content-Length": true, "DNT": true,
		"Authorization": false, "Content-Type": false, "X-Api-Key": false, "Secret": false, "Proxy": false,
		"X-HTTP-Method-Override": false,
	} {
		if got := fetchspec.IsForbiddenRequestHeader(h); got != want {
			t.Errorf("IsForbiddenRequestHeader(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestResponseHeaders(t *testing.T) {
	for h, want := range map[string]bool{"content-type": true, "Cache-Control": true, "X-Request-Id": false, "Set-Cookie": false} {
		if got := fetchspec.IsSafelistedResponseHeader(h); got != want {
			t.Errorf("IsSafelistedResponseHeader(%q) = %v, want %v", h, got, want)
		}
	}
	for h, want := range map[string]bool{"set-cookie": true, "Set-Cookie2": true, "X-Foo": false} {
		if got := fetchspec.IsForbiddenResponseHeader(h); got != want {
			t.Errorf("IsForbiddenResponseHeader(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestBrowserDefaultRequestHeader(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"User-Agent", "Mozilla/5.0", true}, {"accept-language", "en-US,en;q=0.9", true},
		{"priority", "u=1, i", true}, {"Accept", "*/*", true},
		{"Accept", "application/json", false}, {"Content-Type", "text/plain", false},
		{"X-User-Agent", "x", false}, {"Authorization", "Bearer x", false},
	} {
		if got := fetchspec.IsBrowserDefaultRequestHeader(tc.name, tc.value); got != tc.want {
			t.Errorf("IsBrowserDefaultRequestHeader(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestIsBadPort(t *testing.T) {
	for port, want := range map[string]bool{
		"1": true, "7": true, "25": true, "6000": true, "6665": true, "6669": true, "5060": true,
		"10080": true, "0": true, "": false, "80": false, "443": false, "6670": false, "8080": false,
		"06000": true, // a URL's port is a number: 06000 is 6000 "-1": false, "60000": false, "100800": false, "x": false,
	} {
		if got := fetchspec.IsBadPort(port); got != want {
			t.Errorf("IsBadPort(%q) = %v, want %v", port, got, want)
		}
	}
}
