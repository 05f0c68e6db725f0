package origin_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/corskit/corskit/origin"
)

func TestParseValid(t *testing.T) {
	for _, tc := range []struct {
		in           string
		scheme, host string
		port         int
	}{
		{"https://a.com", "https", "a.com", 0},
		{"http://localhost:8080", "http", "localhost", 8080},
		{"https://a.com:80", "https", "a.com", 80}, // 80 is not https's default
		{"http://a.com:443", "http", "a.com", 443},
		{"http://127.0.0.1:3000", "http", "127.0.0.1", 3000},
		{"http://[::1]:8080", "http", "[::1]", 8080},
		{"https://[2001:db8::1]", "https", "[2001:db8::1]", 0},
		{"https://[::ffff:102:304]", "https", "[::ffff:102:304]", 0},
		{"https://xn--bcher-kva.example", "https", "xn--bcher-kva.example", 0},
		{"https://under_score.example", "https", "under_score.example", 0},
		{"chrome-extension://abcdefghijklmnop", "chrome-extension", "abcdefghijklmnop", 0},
		{"https://example.com.", "https", "example.com.", 0},
		{"http://a.com:65535", "http", "a.com", 65535},
	} {
		o, err := origin.Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tc.in, err)
			continue
		}
		if o.Scheme() != tc.scheme || o.Host() != tc.host || o.Port() != tc.port {
			t.Errorf("Parse(%q) = (%q, %q, %d), want (%q, %q, %d)", tc.in, o.Scheme(), o.Host(), o.Port(), tc.scheme, tc.host, tc.port)
		}
		if o.String() != tc.in {
			t.Errorf("Parse(%q).String() = %q", tc.in, o.String())
		}
		if o.IsOpaque() || o.IsZero() {
			t.Errorf("Parse(%q): opaque or zero", tc.in)
		}
	}
}

func TestParseNull(t *testing.T) {
	o, err := origin.Parse("null")
	if err != nil || !o.IsOpaque() || o.String() != "null" || o.IsZero() {
		t.Fatalf(`Parse("null") = %v, %v; want the opaque origin`, o, err)
	}
	if o.SameOrigin(o) || o.SameSite(o) {
		t.Fatal("a parsed null must not be same-origin or same-site with anything")
	}
	var zero origin.Origin
	if !zero.IsZero() || zero.String() != "" || zero.SameOrigin(zero) {
		t.Fatal("zero Origin misbehaves")
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct{ in, reason string }{
		{"", "empty"},
		{"a.com", `missing "://"`},
		{"https://", "empty host"},
		{"https://a.com/", "trailing slash"},
		{"https://a.com/x", "has a path"},
		{"https://a.com?x=1", "query"},
		{"https://a.com#x", "fragment"},
		{"https://user@a.com", "userinfo"},
		{"https://user:pw@a.com", "userinfo"},
		{"https://a.com:443", "default port :443"},
		{"http://a.com:80", "default port :80"},
		{"wss://a.com:443", "default port"},
		{"https://a.com:", "empty port"},
		{"https://a.com:0", "leading zero"},
		{"https://a.com:08080", "leading zero"},
		{"https://a.com:65536", "1 to 65535"},
		{"https://a.com:-1", "1 to 65535"},
		{"https://a.com:+80", "1 to 65535"},
		{"https://a.com:99999999999999999999", "1 to 65535"},
		{"https://A.com", "lowercase"},
		{"HTTPS://a.com", "lowercase"},
		{"https://bücher.example", "non-ASCII"},
		{"https://a b.com", "whitespace"},
		{" https://a.com", "scheme"},
		{"https://a.com\n", "control"},
		{"https://a..com", "empty label"},
		{"https://.a.com", "empty label"},
		{"https://a.com:*", "pattern"},
		{"https://*.a.com", `contains '*'`},
		{"https://127.1", "IPv4"},
		{"https://0x7f.0.0.1", "IPv4"},
		{"https://01.2.3.4", "IPv4"},
		{"https://1.2.3.256", "IPv4"},
		{"https://example.123", "IPv4"},
		{"https://[::ffff:1.2.3.4]", "canonical"},
		{"https://[0:0:0:0:0:0:0:1]", "canonical"},
		{"https://[::1%25eth0]", "IPv6"},
		{"https://[1.2.3.4]", "IPv6"},
		{"https://[::1", `closing "]"`},
		{"https://[::1]x", `after "]"`},
		{"https://" + strings.Repeat("a", 64) + ".com", "63 bytes"},
		{"https://" + strings.Repeat("a.", 130) + "com", "253 bytes"},
		{"https://" + strings.Repeat("a", 600), "longer than any origin"},
		{"1https://a.com", "scheme"},
	} {
		_, err := origin.Parse(tc.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error about %q", tc.in, tc.reason)
			continue
		}
		if !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("Parse(%q) error %q does not mention %q", tc.in, err, tc.reason)
		}
	}
}

// A hostile value must not end up whole in an error message (and in logs).
func TestParseErrorTruncates(t *testing.T) {
	_, err := origin.Parse(strings.Repeat("x", 1<<20))
	if err == nil || len(err.Error()) > 300 {
		t.Fatalf("error for a 1 MiB input is %d bytes", len(err.Error()))
	}
}

func TestSameOriginSameSite(t *testing.T) {
	for _, tc := range []struct {
		a, b             string
		sameOrigin, site bool
	}{
		{"https://a.example.com", "https://a.example.com", true, true},
		{"https://a.example.com", "https://b.example.com", false, true},
		{"https://a.example.com", "https://example.com", false, true},
		{"https://a.example.com", "http://a.example.com", false, false},
		{"https://a.example.com", "https://a.example.com:8443", false, true},
		{"https://a.example.co.uk", "https://b.example.co.uk", false, true},
		{"https://example.co.uk", "https://other.co.uk", false, false},
		{"https://alice.github.io", "https://bob.github.io", false, false},
		{"http://localhost:3000", "http://localhost:8080", false, true},
		{"http://127.0.0.1:3000", "http://127.0.0.1:8080", false, true},
		{"http://127.0.0.1", "http://localhost", false, false},
		{"http://[::1]:1", "http://[::1]:2", false, true},
		{"https://a.example.com", "https://a.example.org", false, false},
	} {
		a, b := origin.MustParse(tc.a), origin.MustParse(tc.b)
		if got := a.SameOrigin(b); got != tc.sameOrigin {
			t.Errorf("%s SameOrigin %s = %v, want %v", tc.a, tc.b, got, tc.sameOrigin)
		}
		if got := a.SameSite(b); got != tc.site {
			t.Errorf("%s SameSite %s = %v, want %v", tc.a, tc.b, got, tc.site)
		}
		if a.SameSite(b) != b.SameSite(a) {
			t.Errorf("SameSite not symmetric for %s, %s", tc.a, tc.b)
		}
	}
}

func TestFromURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://Example.COM/path?q#f", "https://example.com"},
		{"https://a.com:443/", "https://a.com"},
		{"http://a.com:80", "http://a.com"},
		{"http://a.com:8080/x", "http://a.com:8080"},
		{"http://[::1]:3000/", "http://[::1]:3000"},
		{"http://127.0.0.1:5/", "http://127.0.0.1:5"},
		{"ws://a.com:80/", "ws://a.com"},
		{"data:text/plain,hi", "null"},
		{"file:///etc/passwd", "null"},
		{"https://user:pw@a.com/", "https://a.com"},
		{"http:///nohost", "null"},
	} {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := origin.FromURL(u).String(); got != tc.want {
			t.Errorf("FromURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
