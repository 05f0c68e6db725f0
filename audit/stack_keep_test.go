package audit

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

// Issue 18 §3(a): the audit's snippet fixes the origins; it writes no
// method list (the probes never saw one), which pasted would replace the
// server's own (Express's default GET, HEAD, POST blocked a PUT).
func TestStackSnippetKeepsWhatTheProbesDidNotSee(t *testing.T) {
	s, _ := stacks.Lookup("express")
	o := &observed{det: stacks.Detection{Stack: s, Confidence: stacks.High}}
	out := o.stack([]string{"https://app.example.com"}, true)
	if out == nil || strings.Contains(out.Snippet, "methods: [") || !strings.Contains(out.Snippet, "// methods: not seen in the answers: keep yours") ||
		!strings.Contains(out.Snippet, `origin: ["https://app.example.com"]`) {
		t.Errorf("%+v", out)
	}
}
