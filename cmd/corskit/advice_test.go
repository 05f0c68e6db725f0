package main

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
)

// Issue 18 §4: "The engines disagree" only when their verdicts differ.
func TestDisagreementHeading(t *testing.T) {
	names := []string{"chromium", "firefox", "webkit"}
	for _, tc := range []struct {
		rows []engineRow
		want string
	}{
		{[]engineRow{{verdict: "BLOCKED", reason: "a"}, {verdict: "ALLOWED"}, {verdict: "BLOCKED", reason: "a"}}, "The engines disagree:"},
		{[]engineRow{{verdict: "BLOCKED", reason: "a"}, {verdict: "BLOCKED", reason: "b"}, {verdict: "BLOCKED", reason: "c"}}, "Blocked in every engine (chromium, firefox, webkit), for different reasons:"},
		{[]engineRow{{verdict: "ALLOWED", headers: "x"}, {verdict: "ALLOWED", headers: "y"}, {verdict: "ALLOWED"}}, "Allowed in every engine (chromium, firefox, webkit), by different requests or readings:"},
	} {
		if got := disagreement(tc.rows, names); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.rows, got, tc.want)
		}
	}
}

// Issue 18 §4: a fix in the page (a bad port) has no stack section.
func TestNoStackNoiseForClientFixes(t *testing.T) {
	var b strings.Builder
	d := explain.Diagnosis{Fixes: []explain.Fix{{Response: "client", Text: "Browsers refuse this port"}}}
	printStack(&b, d, &explain.StackDetection{Name: "corskit", Title: "corskit cors", Confidence: "unknown", Assumed: true}, style{})
	if b.Len() != 0 {
		t.Errorf("stack noise for a client fix:\n%s", b.String())
	}
}
