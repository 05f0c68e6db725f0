package main

import (
	"errors"
	"strings"
	"testing"
)

// The flag parsers take anything a user types: no panic, and a refusal is
// always a usage error (exit status 2, one line).
func FuzzFlagParsers(f *testing.F) {
	for _, s := range []string{"1/2", "0/0", "auto", "7", "-1", " 3 ", "99999999999999999999", "3/2", "a/b", "", "api.example.com:443:10.0.0.5", "h:80:[::1]", "h::1.2.3.4", ":::", "x:y:z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var ue usageError
		noEnv := func(string) (string, bool) { return "", false }
		if sh, err := parseShard(s, 0, noEnv); err == nil {
			if sh.k < 1 || sh.k > sh.n {
				t.Fatalf("parseShard(%q) = %d/%d", s, sh.k, sh.n)
			}
		} else if !errors.As(err, &ue) {
			t.Fatalf("parseShard(%q): %T %v", s, err, err)
		}
		// --shard auto with s as JOB_COMPLETION_INDEX, then as CORSKIT_SHARDS.
		for _, env := range []map[string]string{
			{"JOB_COMPLETION_INDEX": s, "CORSKIT_SHARDS": "8"},
			{"JOB_COMPLETION_INDEX": "0", "CORSKIT_SHARDS": s},
		} {
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			if sh, err := parseShard("auto", 0, lookup); err == nil {
				if sh.k < 1 || sh.k > sh.n {
					t.Fatalf("parseShard(auto, %q) = %d/%d", env, sh.k, sh.n)
				}
			} else if !errors.As(err, &ue) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("parseShard(auto, %q): %T %q", env, err, err)
			}
		}
		if _, err := resolver([]string{s}); err != nil && !errors.As(err, &ue) {
			t.Fatalf("resolver(%q): %T %v", s, err, err)
		}
		var h headerFlags
		_ = h.Set(s)
	})
}
