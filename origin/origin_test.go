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

// Hosts that the URL Standard's host parser never produces are never a
// browser's serialization, so Parse refuses them. Each case names the step
// of the URL Standard (https://url.spec.whatwg.org/#host-parsing) that turns
// the input into something else, or fails; the host examples are the
// Standard's own where it has them.
func TestParseURLStandardHosts(t *testing.T) {
	for _, tc := range []struct {
		host   string
		ok     bool
		reason string // for a refusal, what the error mentions
	}{
		// "Ends in a number": the last label (a trailing dot aside) is all
		// digits, or 0x/0X and hex digits, so the IPv4 parser runs; it fails
		// or yields a dotted-decimal address written differently.
		{"example.255", false, "IPv4"},   // Standard: failure
		{"09", false, "IPv4"},            // Standard: failure
		{"0x", false, "IPv4"},            // Standard: 0.0.0.0
		{"0xffffffff", false, "IPv4"},    // Standard: 255.255.255.255
		{"0", false, "IPv4"},             // Standard: 0.0.0.0
		{"a.0x1", false, "IPv4"},         // hex last label: failure
		{"a.0x", false, "IPv4"},          // "0x" alone is the number 0
		{"a.0xff.", false, "IPv4"},       // the trailing dot is dropped first
		{"0x7f.1", false, "IPv4"},        // 127.0.0.1
		{"b.0x1f", false, "IPv4"},        // lowercase hex digits
		{"a.0xg", true, ""},              // not hex: a domain
		{"a.1x", true, ""},               // not a number: a domain
		{"0x1.example", true, ""},        // only the last label counts
		{"127.0.0.1", true, ""},          // canonical
		{"255.255.255.255", true, ""},    // canonical
		{"example.com", true, ""},        // Standard: EXAMPLE.COM -> example.com
		{"xn--fa-hia.example", true, ""}, // Standard: faß.example -> xn--fa-hia.example
		{"xn--bcher-kva.example", true, ""},
		{"xn--ls8h.la", true, ""}, // an emoji domain browsers accept
		// Domain to ASCII (UTS 46 ToASCII with the Standard's flags): an
		// xn-- label must be valid punycode of a valid label, and ToASCII
		// must give it back unchanged.
		{"xn--.example", false, "punycode"},    // decodes to the empty label
		{"xn--a.example", false, "punycode"},   // not valid punycode
		{"xn--ab.example", false, "punycode"},  // decodes to C1 controls
		{"xn--1ug.example", false, "punycode"}, // a lone ZERO WIDTH JOINER (CheckJoiners)
		// A label whose Punycode decodes to ASCII alone is kept as written:
		// Chromium 156 and Node 20 (ada) serialize https://xn--example-.com
		// as it is (measured: new URL(...).origin), where UTS 46 ToASCII
		// would write the decoded "example".
		{"xn--example-.com", true, ""},
		{"xn--abc-.example", true, ""},
		{"xn--ab--c-.example", true, ""},
		{"xn--ab-.xn--cd-.com", true, ""},
		{"xn---.example", false, "punycode"},    // Chromium and Node refuse it too
		{"xn--a-ecp.ru", false, "punycode"},     // U+2488, disallowed by UTS 46
		{"a.xn--zz.example", false, "punycode"}, // any label, not only the first
		{"a--b.example", true, ""},              // CheckHyphens is off in the URL Standard
		{"-a.example", true, ""},                // likewise
		{"under_score.example", true, ""},       // UseSTD3ASCIIRules is off
		{"xn--fa-hia.xn--ls8h.la", true, ""},    // several punycode labels
	} {
		in := "https://" + tc.host
		_, err := origin.Parse(in)
		switch {
		case tc.ok && err != nil:
			t.Errorf("Parse(%q): unexpected error %v", in, err)
		case !tc.ok && err == nil:
			t.Errorf("Parse(%q) succeeded; browsers never serialize this host", in)
		case !tc.ok && !strings.Contains(err.Error(), tc.reason):
			t.Errorf("Parse(%q) error %q does not mention %q", in, err, tc.reason)
		}
		// Patterns use the same host rules.
		if _, err := origin.ParsePattern(in); (err == nil) != tc.ok {
			t.Errorf("ParsePattern(%q) error %v, want ok=%v", in, err, tc.ok)
		}
	}
}
