package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// TestCheckStackFixRealServers is issue 12's promise end to end, for one
// stack per family (Express, Flask-CORS, nginx, rs/cors): a real server
// configured by its generated snippet refuses a call (DELETE with an
// X-Debug header); `corskit check` names the stack and writes the fix in
// its configuration; the real server restarted with that configuration
// lets real Chromium, on the allowed page, make the call, while a page on
// another origin is still refused. The check transcripts are logged (run
// with -v to read them).
func TestCheckStackFixRealServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	pageHTML := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><title>page</title>")
	})
	pageA := httptest.NewServer(pageHTML) // the allowed front end
	defer pageA.Close()
	pageB := httptest.NewServer(pageHTML) // another site
	defer pageB.Close()
	allowed := origin.MustParse(pageA.URL)
	b, err := browser.Start(ctx)
	if err != nil {
		t.Fatalf("headless Chromium must start for this test (it is never skipped): %v", err)
	}
	defer b.Close()

	// inChromium makes the call from page and says "allowed STATUS" or
	// "blocked: TypeError": the DELETE with X-Debug the fix is for, or
	// the init given.
	inChromium := func(t *testing.T, page, url string, init ...string) string {
		if len(init) == 0 {
			init = []string{`{method: "DELETE", headers: {"X-Debug": "1"}}`}
		}
		t.Helper()
		tab, err := b.NewTab()
		if err != nil {
			t.Fatal(err)
		}
		defer tab.Close()
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page+"/")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](
			`fetch(`+jsString(url)+`, `+init[0]+`).then(r => "allowed " + r.status, e => "blocked: " + e.name)`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// check runs the CLI and returns its output and exit status.
	check := func(t *testing.T, args ...string) (string, int) {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"check"}, args...)...)
		cmd.Env = append(cmd.Environ(), "NO_COLOR=1")
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}

	p0 := stacks.Policy{Origins: []string{allowed.String()}, Methods: []string{"GET", "PUT"}, Headers: []string{"X-Api-Key"}}
	for _, tc := range []struct {
		stack  string
		detect string // the text output's stack line under --stack auto
	}{
		{"express", "Stack detected: express"},
		{"flask", "Stack assumed: flask"},
		{"nginx", "Stack detected: nginx"},
		{"rs-cors", ""}, // net/http shows nothing of rs/cors for sure
	} {
		t.Run(tc.stack, func(t *testing.T) {
			s, err := stacks.Lookup(tc.stack)
			if err != nil {
				t.Fatal(err)
			}
			srv0 := startStack(t, &goPrograms{parent: t, policies: []stackPolicy{{"before", p0}}, only: s.Name}, s, 0, p0)
			url := srv0.URL + "/api/items"
			args := []string{url, "--origin", allowed.String(), "-X", "DELETE", "-H", "X-Debug: 1"}

			text, code := check(t, args...)
			t.Logf("transcript, %s as configured before (check --stack auto):\n$ corskit check %s\n%s", s.Title, strings.Join(args, " "), text)
			if code != 1 || !strings.Contains(text, "BLOCKED") || !strings.Contains(text, "In ") {
				t.Fatalf("exit %d:\n%s", code, text)
			}
			if tc.detect != "" && !strings.Contains(text, tc.detect) {
				t.Errorf("want %q in the output", tc.detect)
			}
			if got := inChromium(t, pageA.URL, url); !strings.HasPrefix(got, "blocked") {
				t.Errorf("before the fix Chromium says %q, the model BLOCKED", got)
			}

			js, _ := check(t, append(args, "--stack", s.Name, "--json")...)
			var rep struct {
				Fixes []struct {
					Stack *struct{ Setting, Text, Snippet string } `json:"stack"`
				} `json:"fixes"`
			}
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatal(err)
			}
			var cliSnippet string
			for _, f := range rep.Fixes {
				if f.Stack != nil {
					cliSnippet = f.Stack.Snippet
				}
			}
			// The same adapter in process gives the policy the snippet is.
			res, err := (&fetch.Browser{}).Fetch(ctx, fetch.Request{Origin: allowed, Method: "DELETE", URL: url,
				Headers: []fetch.Header{{Name: "X-Debug", Value: "1"}}})
			if err != nil {
				t.Fatal(err)
			}
			d := explain.Explain(res)
			explain.Narrow(ctx, &http.Transport{}, res, &d) // as check does
			explain.ApplyStack(res, &d, s)
			var last *stacks.Change
			for _, f := range d.Fixes {
				if f.Stack != nil && f.Stack.Snippet != "" {
					last = f.Stack
				}
			}
			if last == nil || cliSnippet == "" {
				t.Fatalf("no stack change: %+v\n%s", d.Fixes, js)
			}
			if want, _ := s.SnippetKeeping(last.Policy, last.Kept); want != cliSnippet {
				t.Fatalf("check's snippet is not the policy's:\n%s\nwant\n%s", cliSnippet, want)
			}
			srv0.Close()

			// The printed snippet applied as it says: its "keep yours"
			// comments keep the server's own settings.
			p1 := appliedSnippet(p0, last)
			if again, _ := s.SnippetKeeping(p1, last.Kept); again != cliSnippet {
				t.Fatalf("the printed snippet is not the applied configuration:\n%s\napplied:\n%s", cliSnippet, again)
			}
			srv1 := startStack(t, &goPrograms{parent: t, policies: []stackPolicy{{"after", p1}}, only: s.Name}, s, 0, p1)
			url = srv1.URL + "/api/items"
			args[0] = url
			text, code = check(t, args...)
			t.Logf("transcript, %s with the generated fix:\n$ corskit check %s\n%s", s.Title, strings.Join(args, " "), text)
			if code != 0 {
				t.Errorf("after the fix: exit %d", code)
			}
			if got := inChromium(t, pageA.URL, url); got != "allowed 200" {
				t.Errorf("after the fix, Chromium on the allowed page says %q", got)
			}
			if got := inChromium(t, pageB.URL, url); !strings.HasPrefix(got, "blocked") {
				t.Errorf("after the fix, Chromium on another origin says %q", got)
			}
			// What passed before still passes (issue 18 §3(a): a pasted
			// methods: ["GET","HEAD","POST"] once blocked a PUT).
			if got := inChromium(t, pageA.URL, url, `{method: "PUT", headers: {"X-Api-Key": "k"}}`); got != "allowed 200" {
				t.Errorf("after the fix, Chromium's PUT with X-Api-Key (allowed before) says %q", got)
			}
		})
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
