package conformance

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

var update = flag.Bool("update", false, "write Chromium's observations to internal/corscase/testdata/chromium.json")

// golden is where the recorded Chromium observations live: the fetch
// model's offline tests compare against them.
var golden = filepath.Join("..", "internal", "corscase", "testdata", "chromium.json")

// runnerPage is the page that makes the fetch() calls. Its origin is the
// page origin; runFetch returns what script can see.
const runnerPage = `<!doctype html><meta charset="utf-8"><title>corskit conformance</title>
<script>
window.runFetch = async (s) => {
  const init = {method: s.method || "GET", headers: s.headers || [], mode: s.mode || "cors",
    credentials: s.credentials || "same-origin", cache: s.cache || "default", redirect: s.redirect || "follow"};
  if (s.body) init.body = s.body;
  try {
    const r = await fetch(s.url, init);
    try { await r.arrayBuffer(); } catch (e) {}
    return {outcome: "allowed", type: r.type, status: r.status, headers: [...r.headers.keys()]};
  } catch (e) {
    return {outcome: "blocked", error: e.message, status: 0};
  }
};
</script>`

// pageResult is what runFetch returns.
type pageResult struct {
	Outcome string   `json:"outcome"`
	Error   string   `json:"error"`
	Type    string   `json:"type"`
	Status  int      `json:"status"`
	Headers []string `json:"headers"`
}

// serve starts the case servers, the page origin also serving the runner.
func serve(t *testing.T, cases []corscase.Case) *corscase.Servers {
	t.Helper()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			w.WriteHeader(http.StatusNoContent) // favicon and the like
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(runnerPage))
	})
	s, err := corscase.Serve(cases, page)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// fetchSpec is the JSON runFetch takes.
func fetchSpec(f corscase.Fetch, name string, urls corscase.URLs) string {
	headers := make([][2]string, len(f.Headers))
	for i, h := range f.Headers {
		headers[i] = [2]string{h.Name, h.Value}
	}
	b, _ := json.Marshal(map[string]any{
		"url": urls.URL(f.Target, name, 0), "method": f.Method, "headers": headers, "body": f.Body,
		"mode": f.Mode, "credentials": f.Credentials, "cache": f.Cache, "redirect": f.Redirect,
	})
	return string(b)
}

var caseInURL = regexp.MustCompile(`/c/([a-z0-9-]+)/\d+`)

// runChromium runs every case in one page of headless Chromium.
func runChromium(t *testing.T, cases []corscase.Case, s *corscase.Servers) map[string]corscase.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tab := browser.OpenTab(ctx, t)
	if err := chromedp.Do(tab.Ctx, chromedp.Navigate(s.URLs.Page+"/")); err != nil {
		t.Fatalf("loading the runner page: %v", err)
	}
	version, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	t.Logf("browser: %s", version)

	results := map[string]corscase.Result{}
	for _, c := range cases {
		var res corscase.Result
		s.Recorder.Take(c.Name)
		for _, f := range c.Fetches {
			got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[pageResult]("runFetch("+fetchSpec(f, c.Name, s.URLs)+")", chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("case %s: %v", c.Name, err)
			}
			sort.Strings(got.Headers)
			res.Fetches = append(res.Fetches, corscase.Observation{
				Outcome: got.Outcome, Error: got.Error, Type: got.Type, Status: got.Status,
				Headers: nilIfEmpty(got.Headers), Wire: s.Recorder.Take(c.Name),
			})
		}
		results[c.Name] = res
	}
	// Console lines can trail the promises; wait until none arrive for a
	// moment, then attribute each to the case its URL names.
	lines := settle(tab)
	for _, l := range lines {
		if strings.HasPrefix(l, "Failed to load resource") {
			continue
		}
		m := caseInURL.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		r := results[m[1]]
		r.Console = append(r.Console, s.URLs.Normalize(l))
		results[m[1]] = r
	}
	return results
}

func settle(tab *browser.Tab) []string {
	n := -1
	for {
		time.Sleep(300 * time.Millisecond)
		lines := tab.Console()
		if len(lines) == n {
			return lines
		}
		n = len(lines)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestChromiumAgreesWithModel is the conformance suite: every case runs
// in headless Chromium and in the fetch model, against the same live
// servers, and the two must agree on everything the page, the console and
// the wire show.
func TestChromiumAgreesWithModel(t *testing.T) {
	cases := corscase.All()
	if _, err := corscase.Names(cases); err != nil {
		t.Fatal(err)
	}
	s := serve(t, cases)
	chromium := runChromium(t, cases, s)
	model, err := corscase.RunTable(context.Background(), fetch.Chromium, cases, s)
	if err != nil {
		t.Fatal(err)
	}

	if *update {
		data, err := json.MarshalIndent(chromium, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d cases)", golden, len(chromium))
	}

	disagree := 0
	for _, c := range cases {
		ch, mo := chromium[c.Name], model[c.Name]
		for i, want := range c.Want {
			if i < len(ch.Fetches) && ch.Fetches[i].Outcome != want {
				t.Errorf("case %s fetch %d: Chromium says %s, the table wants %s (%s)", c.Name, i, ch.Fetches[i].Outcome, want, c.About)
			}
		}
		if !reflect.DeepEqual(ch, mo) {
			disagree++
			t.Errorf("case %s (%s): model and Chromium disagree\n%s", c.Name, c.About, diff(ch, mo))
		}
	}
	t.Logf("%d cases, %d fetches; %d disagreements", len(cases), countFetches(cases), disagree)
}

func countFetches(cases []corscase.Case) int {
	n := 0
	for _, c := range cases {
		n += len(c.Fetches)
	}
	return n
}

func diff(chromium, model corscase.Result) string {
	a, _ := json.MarshalIndent(chromium, "  ", " ")
	b, _ := json.MarshalIndent(model, "  ", " ")
	return fmt.Sprintf("  chromium: %s\n  model:    %s", a, b)
}
