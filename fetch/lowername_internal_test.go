package fetch

import (
	"strings"
	"testing"
)

func TestLowerNameIsToLower(t *testing.T) {
	for _, n := range []string{"", "x-id", "X-Id", "CONTENT-TYPE", "content-type", "Content-Type", "ünïcode", "ÜNÏ", "x-\xff", "a1-_.~!"} {
		if got, want := lowerName(n), strings.ToLower(n); got != want {
			t.Errorf("lowerName(%q) = %q, want %q", n, got, want)
		}
	}
}
