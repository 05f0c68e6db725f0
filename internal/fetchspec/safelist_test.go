package fetchspec_test

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/internal/fetchspec"
)

func TestIsCORSSafelistedRequestHeader(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"Accept", "application/json", true},
		{"accept", "*/*", true},
		{"Accept", "a{b", false},
		{"Accept", "a\x01b", false},
		{"Accept", "a\tb", true},
		{"Accept", strings.Repeat("a", 128), true},
		{"Accept", strings.Repeat("a", 129), false},
		{"Accept-Language", "en-US,en;q=0.9", true},
		{"Accept-Language", "en_US", false},
		{"Content-Language", "de", true},
		{"Content-Type", "text/plain", true},
		{"Content-Type", "text/plain;charset=UTF-8", true},
		{"Content-Type", "Multipart/Form-Data; boundary=x", true},
		{"Content-Type", "application/x-www-form-urlencoded", true},
		{"Content-Type", "application/json", false},
		{"Content-Type", "text/plain garbage", false},
		{"Content-Type", "text/html", false},
		{"Content-Type", "text/plain; a=(b)", false}, // unsafe bytes
		{"Range", "bytes=0-", true},
		{"Range", "bytes=0-99", true},
		{"Range", "bytes=99-0", false},
		{"Range", "bytes=-500", false},
		{"Range", "bytes=0-1,3-4", false},
		{"Range", "items=0-1", false},
		{"Range", "bytes=00010-0000000000000000000000020", true},
		{"X-Api-Key", "x", false},
		{"Authorization", "Bearer x", false},
	} {
		if got := fetchspec.IsCORSSafelistedRequestHeader(tc.name, tc.value); got != tc.want {
			t.Errorf("IsCORSSafelistedRequestHeader(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}

// Chromium's client-hint grammar: a digit, then digits and at most one
// dot, for DPR, Device-Memory and Downlink.
func TestChromiumClientHintGrammar(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"Device-Memory", "8", true}, {"Device-Memory", "0.5", true}, {"DPR", "1.", true},
		{"Device-Memory", "-1", false}, {"Device-Memory", "+1", false}, {"DPR", "1e2", false},
		{"DPR", ".5", false}, {"Downlink", "1.2.3", false}, {"DPR", "", false}, {"DPR", "NaN", false},
		{"Downlink", "Inf", false},
	} {
		if got := fetchspec.IsChromiumSafelistedClientHint(tc.name, tc.value); got != tc.want {
			t.Errorf("%s: %q: got %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}

// The Fetch Standard's CORS-unsafe request-header byte, spelled out as it
// defines it, for every byte.
func TestCORSUnsafeRequestHeaderByte(t *testing.T) {
	for i := range 256 {
		c := byte(i)
		want := c < 0x20 && c != 0x09 || c == 0x7f
		switch c {
		case '"', '(', ')', ':', '<', '>', '?', '@', '[', '\\', ']', '{', '}':
			want = true
		}
		if got := fetchspec.IsCORSUnsafeRequestHeaderByte(c); got != want {
			t.Errorf("IsCORSUnsafeRequestHeaderByte(%#x) = %v, want %v", c, got, want)
		}
	}
}
