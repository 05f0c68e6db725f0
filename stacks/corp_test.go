package stacks_test

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

// TestCORPSnippets: each stack sends the header with the value asked for,
// and nothing but the three values is ever written.
func TestCORPSnippets(t *testing.T) {
	for _, v := range stacks.CORPValues {
		sn := stacks.CORPSnippets(v)
		if len(sn) != 5 {
			t.Fatalf("%s: %d snippets", v, len(sn))
		}
		for _, s := range sn {
			if !strings.Contains(s.Code, `"`+v+`"`) {
				t.Errorf("%s %s: %q", v, s.Stack, s.Code)
			}
		}
	}
	for _, bad := range []string{"", "Cross-Origin", `cross-origin"; evil`, "cross-origin\n"} {
		if sn := stacks.CORPSnippets(bad); sn != nil {
			t.Errorf("%q: %v", bad, sn)
		}
	}
}
