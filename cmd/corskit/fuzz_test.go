package main

import (
	"errors"
	"testing"
)

// The flag parsers take anything a user types: no panic, and a refusal is
// always a usage error (exit status 2, one line).
func FuzzFlagParsers(f *testing.F) {
	for _, s := range []string{"1/2", "0/0", "3/2", "a/b", "", "api.example.com:443:10.0.0.5", "h:80:[::1]", "h::1.2.3.4", ":::", "x:y:z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var ue usageError
		if k, n, err := parseShard(s); err == nil {
			if s != "" && (k < 1 || k > n) {
				t.Fatalf("parseShard(%q) = %d/%d", s, k, n)
			}
		} else if !errors.As(err, &ue) {
			t.Fatalf("parseShard(%q): %T %v", s, err, err)
		}
		if _, err := resolver([]string{s}); err != nil && !errors.As(err, &ue) {
			t.Fatalf("resolver(%q): %T %v", s, err, err)
		}
		var h headerFlags
		_ = h.Set(s)
	})
}
