package main

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// Every command's -h documents every flag it parses, spelled as the
// synopses spell it, with a named value and no noise: no "(default
// default)" (a bare word default reads as part of the sentence), no
// "value" placeholder, no default for a flag that has none.
func TestHelpFlags(t *testing.T) {
	flagLine := regexp.MustCompile(`^  (-[A-Za-z]|--[a-z][\w-]+)(?: (\S.*))?$`)
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		var col flagCollector
		_ = c.run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &col)
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{c.name, "-h"}, &stdout, &stderr); code != 0 {
			t.Fatalf("%s -h: exit %d", c.name, code)
		}
		help := stderr.String()
		documented := map[string]string{} // flag -> placeholder
		lines := strings.Split(help, "\n")
		for i, line := range lines {
			m := flagLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			documented[strings.TrimLeft(m[1], "-")] = m[2]
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "    \t") {
				t.Errorf("%s -h: flag %s has no description line", c.name, m[1])
				continue
			}
			desc := lines[i+1]
			if d := regexp.MustCompile(`\(default ([^)]*)\)`).FindStringSubmatch(desc); d != nil {
				if !regexp.MustCompile(`^("[^"]+"|[0-9][0-9.]*[a-z]*)$`).MatchString(d[1]) {
					t.Errorf("%s -h: %s: default %q is neither a quoted word nor a number", c.name, m[1], d[1])
				}
			}
		}
		for _, fs := range col.sets {
			for name, f := range flagsOf(fs) {
				p, ok := documented[name]
				switch {
				case !ok:
					t.Errorf("%s -h does not document flag %q:\n%s", c.name, name, help)
				case p == "value" || p == "string":
					t.Errorf("%s -h: flag %s takes a %q: name the value", c.name, dashed(name), p)
				case f && p != "":
					t.Errorf("%s -h: boolean flag %s shows a value %q", c.name, dashed(name), p)
				}
			}
		}
		if strings.Contains(help, "(default default)") || strings.Contains(help, "(default [])") {
			t.Errorf("%s -h prints default noise:\n%s", c.name, help)
		}
	}
}

// flagsOf maps each flag of fs to whether it is boolean.
func flagsOf(fs flags) map[string]bool {
	m := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		b, ok := f.Value.(interface{ IsBoolFlag() bool })
		m[f.Name] = ok && b.IsBoolFlag()
	})
	return m
}

// Flags may come before or after the URL, in check and in audit alike:
// the same command line in any order gives the same output.
func TestFlagsAnywhere(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.Write([]byte("{}"))
	}))
	defer api.Close()
	for _, orders := range [][][]string{
		{
			{"check", api.URL, "--origin", "https://app.example.com", "--json"},
			{"check", "--origin", "https://app.example.com", "--json", api.URL},
			{"check", "--json", api.URL, "--origin=https://app.example.com"},
		},
		{
			{"audit", api.URL, "--format", "jsonl", "--rate", "0", "--fail-on", "high"},
			{"audit", "--format", "jsonl", "--rate", "0", "--fail-on", "high", api.URL},
			{"audit", "--rate=0", api.URL, "--format=jsonl", "--fail-on", "high"},
		},
	} {
		var first string
		var firstCode int
		for i, args := range orders {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			out := normalizeRun(stdout.String())
			if i == 0 {
				first, firstCode = out, code
				if code == 2 || out == "" {
					t.Fatalf("%q: exit %d, stdout %q, stderr %q", args, code, stdout.String(), stderr.String())
				}
				continue
			}
			if code != firstCode || out != first {
				t.Errorf("%q: exit %d, output\n%s\nwant exit %d and the output of %q:\n%s", args, code, out, firstCode, orders[0], first)
			}
		}
	}
}

// normalizeRun blanks what differs between two runs of the same command:
// durations and timestamps.
func normalizeRun(s string) string {
	s = regexp.MustCompile(`"(elapsed|duration|time|start|ms)[^"]*":\s*("[^"]*"|[0-9.e+-]+)`).ReplaceAllString(s, `"$1":0`)
	return regexp.MustCompile(`\b[0-9.]+(ms|µs|s)\b`).ReplaceAllString(s, "T")
}
