package main

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the server process, as the
// command does.
func TestMain(m *testing.M) {
	if os.Getenv(serverEnv) != "" {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRun runs every phase briefly: the load generator, the server process
// and every expected response, end to end.
func TestRun(t *testing.T) {
	var out, errb bytes.Buffer
	code := cli(context.Background(), []string{"-d", "150ms", "-conns", "4,32", "-reconfigure-conns", "32"}, &out, &errb)
	t.Logf("\n%s%s", out.String(), errb.String())
	if code != 0 {
		t.Fatalf("exit status %d", code)
	}
	for _, p := range []string{"allowed", "preflight", "disallowed", "hostile", "reconfigure"} {
		if !strings.Contains(out.String(), "\n"+p+" ") {
			t.Errorf("no %s phase in the output", p)
		}
	}
}

// A response that mixes the two policies must match neither, or the
// reconfiguration phase could not see a torn policy.
func TestMixedResponseMatchesNeither(t *testing.T) {
	differ := 0
	for _, k := range reconfigureMix {
		a, b := k.want[0], k.want[1]
		if a.status == b.status && maps.EqualFunc(a.header, b.header, slices.Equal) {
			continue // the same answer under both: nothing to tear
		}
		differ++
		// A's answer with one header taken from B's (or dropped, where B
		// has none).
		names := maps.Clone(a.header)
		maps.Copy(names, b.header)
		for n := range names {
			if slices.Equal(a.header[n], b.header[n]) {
				continue
			}
			mixed := a.header.Clone()
			if v, ok := b.header[n]; ok {
				mixed[n] = v
			} else {
				delete(mixed, n)
			}
			if a.status == b.status && maps.EqualFunc(mixed, b.header, slices.Equal) {
				continue // that is B's answer, whole
			}
			if a.check(a.status, mixed, a.body) == "" || b.check(a.status, mixed, a.body) == "" {
				t.Errorf("%s: A's answer with B's %s passes", k.name, n)
			}
		}
	}
	if differ < 5 {
		t.Errorf("only %d kinds of the mix answer differently under A and B", differ)
	}
}

// Date and Content-Length are the only headers the check ignores.
func TestCheckIsExact(t *testing.T) {
	w := workloads["allowed"][0].want[0]
	h := w.header.Clone()
	h.Set("Date", "x")
	h.Set("Content-Length", "2")
	if msg := w.check(http.StatusOK, h, "ok"); msg != "" {
		t.Fatalf("the expected answer fails: %s", msg)
	}
	for name, mutate := range map[string]func(http.Header){
		"extra header": func(h http.Header) { h.Set("Access-Control-Max-Age", "1") },
		"missing Vary": func(h http.Header) { h.Del("Vary") },
		"Vary twice":   func(h http.Header) { h.Add("Vary", "Origin") },
		"other origin": func(h http.Header) { h.Set("Access-Control-Allow-Origin", "*") },
		"no handler":   func(h http.Header) { h.Del("X-Handler") },
	} {
		m := h.Clone()
		mutate(m)
		if w.check(http.StatusOK, m, "ok") == "" {
			t.Errorf("%s passes", name)
		}
	}
	if w.check(http.StatusNoContent, h, "ok") == "" || w.check(http.StatusOK, h, "") == "" {
		t.Error("a wrong status or body passes")
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-conns", "0"}, {"-phases", "nope"}, {"-d", "-1s"}, {"extra"}, {"-max", "0"}} {
		var out, errb bytes.Buffer
		if code := cli(context.Background(), args, &out, &errb); code != 2 || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q", args, code, errb.String())
		}
	}
}
