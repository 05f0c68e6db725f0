package conformance

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

var (
	update = flag.Bool("update", false, "write each engine's observations to internal/corscase/testdata/<engine>.json")
	only   = flag.String("cases", "", "run only the cases whose names match this regular expression (-update then rewrites only theirs)")
)

// golden is where the recorded observations of an engine live: the fetch
// model's offline tests compare against them.
func golden(engine string) string {
	return filepath.Join("..", "internal", "corscase", "testdata", engine+".json")
}

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

// serve starts the case servers, the page origin also serving the runner
// (at /, and at /queue for browsers that drive themselves through q).
func serve(t *testing.T, cases []corscase.Case, q *Queue) *corscase.Servers {
	t.Helper()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(runnerPage))
		case "/queue":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(runnerPage + queueScript))
		case "/next", "/result":
			if q != nil {
				q.ServeHTTP(w, r)
				return
			}
			http.NotFound(w, r)
		default:
			w.WriteHeader(http.StatusNoContent) // favicon and the like
		}
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
	results := runAll(t, cases, s, func(spec string) (pageResult, error) {
		return chromedp.Run(tab.Ctx, chromedp.Evaluate[pageResult]("runFetch("+spec+")", chromedp.EvalAwaitPromise))
	})
	// Console lines can trail the promises; wait until none arrive for a
	// moment.
	attribute(results, settle(tab.Console), s.URLs, func(l string) bool {
		return strings.HasPrefix(l, "Failed to load resource")
	})
	return results
}

// openFirefox starts headless Firefox, listens to its console and opens
// url; Firefox stops when the test ends.
func openFirefox(ctx context.Context, t *testing.T, url string) *Firefox {
	t.Helper()
	return openFirefoxWith(ctx, t, url, nil, nil)
}

// openFirefoxWith is openFirefox with prefs (see StartFirefoxWith) and
// before, called ahead of the first page when given.
func openFirefoxWith(ctx context.Context, t *testing.T, url string, prefs map[string]any, before func(ctx context.Context, f *Firefox)) *Firefox {
	t.Helper()
	f, err := StartFirefoxWith(ctx, prefs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	if before != nil {
		before(ctx, f)
	}
	if err := f.ListenToConsole(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.Navigate(ctx, url); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	t.Logf("browser: %s", f.Version(ctx))
	return f
}

// runFirefox runs every case in one page of headless Firefox.
func runFirefox(t *testing.T, cases []corscase.Case, s *corscase.Servers) map[string]corscase.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	f := openFirefox(ctx, t, s.URLs.Page+"/")
	results := runAll(t, cases, s, func(spec string) (pageResult, error) {
		var r pageResult
		js, err := f.EvalString(ctx, "runFetch("+spec+").then(JSON.stringify)")
		if err == nil {
			err = json.Unmarshal([]byte(js), &r)
		}
		return r, err
	})
	lines := settle(func() []string {
		lines, err := f.ConsoleLines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return lines
	})
	// Firefox names the URL in every line it writes about a fetch; the
	// other lines are the browser's own.
	attribute(results, lines, s.URLs, func(l string) bool { return !caseInURL.MatchString(l) })
	return results
}

// runWebKit runs every case in one page of WebKitGTK's MiniBrowser.
func runWebKit(t *testing.T, cases []corscase.Case, s *corscase.Servers, q *Queue) map[string]corscase.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w, err := StartWebKit(ctx, s.URLs.Page+"/queue")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ua, err := q.Run(ctx, `{"userAgent": true}`)
	if err != nil {
		t.Fatalf("%v; MiniBrowser printed:\n%s", err, w.Output())
	}
	t.Logf("browser: %s", ua)
	results := runAll(t, cases, s, func(spec string) (pageResult, error) {
		var r pageResult
		js, err := q.Run(ctx, spec)
		if err == nil {
			err = json.Unmarshal([]byte(js), &r)
		}
		return r, err
	})
	attribute(results, webkitLines(settle(w.Console)), s.URLs, nil)
	return results
}

// webkitLines keeps the console messages from MiniBrowser's standard
// error, without the "CONSOLE <SOURCE> <LEVEL> " prefix it adds.
func webkitLines(all []string) []string {
	var out []string
	for _, l := range all {
		rest, ok := strings.CutPrefix(l, "CONSOLE ")
		if !ok {
			continue
		}
		for _, level := range []string{" ERROR ", " WARNING ", " LOG ", " INFO ", " DEBUG "} {
			if _, msg, ok := strings.Cut(rest, level); ok {
				out = append(out, msg)
				break
			}
		}
	}
	return out
}

// runAll makes every fetch of every case through run, in order, recording
// what the servers saw for each.
func runAll(t *testing.T, cases []corscase.Case, s *corscase.Servers, run func(spec string) (pageResult, error)) map[string]corscase.Result {
	t.Helper()
	results := map[string]corscase.Result{}
	for _, c := range cases {
		var res corscase.Result
		s.Recorder.Take(c.Name)
		for _, f := range c.Fetches {
			time.Sleep(f.After) // the model moves its clock instead
			got, err := run(fetchSpec(f, c.Name, s.URLs))
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
	return results
}

// attribute gives each console line to the case whose URL it names; a
// line that names none (WebKit's first line of two) goes with the next
// line that does. Lines skip approves are left out.
func attribute(results map[string]corscase.Result, lines []string, urls corscase.URLs, skip func(string) bool) {
	var pending []string
	for _, l := range lines {
		if skip != nil && skip(l) {
			continue
		}
		m := caseInURL.FindStringSubmatch(l)
		if m == nil {
			pending = append(pending, l)
			continue
		}
		r, ok := results[m[1]]
		if !ok {
			pending = nil
			continue
		}
		for _, p := range append(pending, l) {
			r.Console = append(r.Console, urls.Normalize(p))
		}
		pending = nil
		results[m[1]] = r
	}
}

// settle waits until console reports no new line for a moment, and
// returns the lines.
func settle(console func() []string) []string {
	n := -1
	for {
		time.Sleep(300 * time.Millisecond)
		lines := console()
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

// TestChromiumAgreesWithModel is the conformance suite for Chromium: every
// case runs in headless Chromium and in the fetch model's Chromium profile,
// against the same live servers, and the two must agree on everything the
// page, the console and the wire show.
func TestChromiumAgreesWithModel(t *testing.T) {
	cases := table(t)
	s := serve(t, cases, nil)
	compare(t, fetch.Chromium, cases, s, runChromium(t, cases, s))
}

// TestFirefoxAgreesWithModel is the same suite in headless Firefox ESR,
// driven over WebDriver BiDi, against the model's Firefox profile.
func TestFirefoxAgreesWithModel(t *testing.T) {
	cases := table(t)
	s := serve(t, cases, nil)
	compare(t, fetch.Firefox, cases, s, runFirefox(t, cases, s))
}

// TestWebKitAgreesWithModel is the same suite in WebKitGTK's MiniBrowser
// under Xvfb, against the model's WebKit profile.
func TestWebKitAgreesWithModel(t *testing.T) {
	cases := table(t)
	q := NewQueue()
	s := serve(t, cases, q)
	compare(t, fetch.WebKit, cases, s, runWebKit(t, cases, s, q))
}

func table(t *testing.T) []corscase.Case {
	t.Helper()
	cases := corscase.All()
	if _, err := corscase.Names(cases); err != nil {
		t.Fatal(err)
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			t.Fatalf("-cases: %v", err)
		}
		cases = slices.DeleteFunc(cases, func(c corscase.Case) bool { return !re.MatchString(c.Name) })
	}
	return cases
}

// compare runs the table in the model with profile p against the servers
// the engine used, and reports every case where the two differ.
func compare(t *testing.T, p fetch.Profile, cases []corscase.Case, s *corscase.Servers, engine map[string]corscase.Result) {
	t.Helper()
	model, err := corscase.RunTable(context.Background(), p, cases, s)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if *only != "" {
			// Keep the recording of the cases not run.
			all := map[string]corscase.Result{}
			if data, err := os.ReadFile(golden(p.Name)); err == nil {
				if err := json.Unmarshal(data, &all); err != nil {
					t.Fatal(err)
				}
			}
			maps.Copy(all, engine)
			engine = all
		}
		data, err := json.MarshalIndent(engine, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(golden(p.Name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden(p.Name), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d cases)", golden(p.Name), len(engine))
	}

	disagree := 0
	for _, c := range cases {
		en, mo := engine[c.Name], model[c.Name]
		for i, want := range c.WantIn(p.Name) {
			if i < len(en.Fetches) && en.Fetches[i].Outcome != want {
				t.Errorf("case %s fetch %d: %s says %s, the table wants %s (%s)", c.Name, i, p.Name, en.Fetches[i].Outcome, want, c.About)
			}
		}
		if !reflect.DeepEqual(en, mo) {
			disagree++
			t.Errorf("case %s (%s): model and %s disagree\n%s", c.Name, c.About, p.Name, diff(p.Name, en, mo))
		}
	}
	t.Logf("%s: %d cases, %d fetches; %d disagreements", p.Name, len(cases), countFetches(cases), disagree)
}

func countFetches(cases []corscase.Case) int {
	n := 0
	for _, c := range cases {
		n += len(c.Fetches)
	}
	return n
}

func diff(engine string, got, model corscase.Result) string {
	a, _ := json.MarshalIndent(got, "  ", " ")
	b, _ := json.MarshalIndent(model, "  ", " ")
	return fmt.Sprintf("  %s: %s\n  model:    %s", engine, a, b)
}
