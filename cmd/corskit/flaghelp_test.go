package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/audit"
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
		help := stdout.String()
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
				if !quotedOrNumber.MatchString(d[1]) && !isShortDuration(d[1]) {
					t.Errorf("%s -h: %s: default %q is neither a quoted word, a number nor a duration as a person writes it", c.name, m[1], d[1])
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

// quotedOrNumber is a default that cannot be misread as part of the
// sentence: a quoted word or a plain number.
var quotedOrNumber = regexp.MustCompile(`^("[^"]+"|[0-9]+(\.[0-9]+)?)$`)

// isShortDuration reports whether s is a duration that time.ParseDuration
// reads back, spelled without zero units (3m, 1h30m, 10s; not 3m0s).
func isShortDuration(s string) bool {
	if !regexp.MustCompile(`^([0-9]+(\.[0-9]+)?(h|m|s|ms|µs|ns))+$`).MatchString(s) {
		return false
	}
	if regexp.MustCompile(`(^|[a-zµ])0(h|m|s|ms|µs|ns)`).MatchString(s) {
		return false
	}
	_, err := time.ParseDuration(s)
	return err == nil
}

// Durations are shown as people write them, and the check above knows
// one: both sides are tested here, so neither can drift into accepting
// anything.
func TestShortDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "10s"},
		{3 * time.Minute, "3m"},
		{90 * time.Second, "1m30s"},
		{time.Hour, "1h"},
		{time.Hour + 30*time.Minute, "1h30m"},
		{time.Hour + 5*time.Second, "1h5s"},
		{1500 * time.Millisecond, "1.5s"},
		{250 * time.Millisecond, "250ms"},
	} {
		got := shortDuration(c.d)
		if got != c.want {
			t.Errorf("shortDuration(%v) = %q, want %q", c.d, got, c.want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != c.d {
			t.Errorf("shortDuration(%v) = %q reads back as %v, %v", c.d, got, back, err)
		}
	}
	for s, want := range map[string]bool{
		"10s": true, "3m": true, "1h30m": true, "1h5s": true, "250ms": true, "1.5s": true,
		"3m0s": false, "1h0m": false, "default": false, "10 s": false, "s": false, "": false, "0s": false,
	} {
		if got := isShortDuration(s); got != want {
			t.Errorf("isShortDuration(%q) = %v, want %v", s, got, want)
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
// durations, timestamps, the Date header, and the random cache-bust value
// of each probe. Each cache-bust value becomes its rank of first
// appearance (cb1, cb2, ...), so two findings that quote the same probe
// must still quote the same value, and nothing else is blanked.
func normalizeRun(s string) string {
	s = regexp.MustCompile(`"(elapsed|duration|time|start|ms)[^"]*":\s*("[^"]*"|[0-9.e+-]+)`).ReplaceAllString(s, `"$1":0`)
	s = regexp.MustCompile(`"Date":\["[^"]*"\]`).ReplaceAllString(s, `"Date":["DATE"]`)
	seen := map[string]string{}
	s = regexp.MustCompile(regexp.QuoteMeta(audit.CacheBustParam)+`=[^&"#\s]+`).ReplaceAllStringFunc(s, func(m string) string {
		if r, ok := seen[m]; ok {
			return r
		}
		r := fmt.Sprintf("%s=cb%d", audit.CacheBustParam, len(seen)+1)
		seen[m] = r
		return r
	})
	return regexp.MustCompile(`\b[0-9.]+(ms|µs|s)\b`).ReplaceAllString(s, "T")
}
