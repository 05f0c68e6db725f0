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
