package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/web"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/internal/loopback"
)

// harEntry is one entry of a HAR as DevTools writes it.
type harEntry struct {
	StartedDateTime string `json:"startedDateTime"`
	ResourceType    string `json:"_resourceType"`
	Request         struct {
		Method  string      `json:"method"`
		URL     string      `json:"url"`
		Headers []harHeader `json:"headers"`
	} `json:"request"`
	Response struct {
		Status      int         `json:"status"`
		StatusText  string      `json:"statusText"`
		Headers     []harHeader `json:"headers"`
		RedirectURL string      `json:"redirectURL"`
		Error       string      `json:"_error,omitempty"`
	} `json:"response"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func harHeaders(h http.Header) []harHeader {
	out := []harHeader{}
	for _, l := range fetch.HeaderLines(h) {
		out = append(out, harHeader{l.Name, l.Value})
	}
	return out
}

// conformanceHAR runs every case of the conformance table in Chromium's
// model against the case servers and records what went on the wire as a
// HAR, as DevTools would have: preflights as entries of their own, a
// credentialed request with its Cookie line.
func conformanceHAR(ctx context.Context, t *testing.T) []byte {
	t.Helper()
	cases := corscase.All()
	s, err := corscase.Serve(cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var entries []harEntry
	for _, c := range cases {
		var clock corscase.Clock
		b := &fetch.Browser{Profile: fetch.Chromium, Transport: loopback.Transport(), Now: clock.Now, ServerNow: time.Now}
		for _, f := range c.Fetches {
			clock.Advance(f.After)
			res, err := b.Fetch(ctx, f.Request(c.Name, s.URLs))
			if err != nil {
				continue // a call fetch() refuses: nothing on the wire
			}
			for _, x := range res.Trace {
				if x.Kind != fetch.ExchangePreflight && x.Kind != fetch.ExchangeRequest {
					continue
				}
				var e harEntry
				e.StartedDateTime = clock.Now().UTC().Format(time.RFC3339Nano)
				e.ResourceType = "fetch"
				if x.Kind == fetch.ExchangePreflight {
					e.ResourceType = "preflight"
				}
				e.Request.Method, e.Request.URL = x.Method, x.URL
				reqh := x.RequestHeader.Clone()
				if x.Credentials {
					reqh.Set("Cookie", "session=1")
				}
				e.Request.Headers = harHeaders(reqh)
				e.Response.Status, e.Response.StatusText = x.Status, http.StatusText(x.Status)
				e.Response.Headers = harHeaders(x.ResponseHeader)
				e.Response.RedirectURL = x.ResponseHeader.Get("Location")
				if x.Err != nil {
					e.Response.Status, e.Response.Error = 0, "net::ERR_FAILED"
				}
				entries = append(entries, e)
			}
		}
	}
	data, err := json.MarshalIndent(map[string]any{"log": map[string]any{
		"version": "1.2", "creator": map[string]string{"name": "corskit e2e", "version": "1"}, "entries": entries,
	}}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// durations are the one field that may differ between two runs.
var durations = regexp.MustCompile(`"duration_ms": [0-9.e+-]+`)

// openPage builds the page, serves it and opens it in headless Chromium,
// waiting for the model to be ready.
func openPage(ctx context.Context, t *testing.T, fragment string) (*browser.Tab, *web.Server, string) {
	t.Helper()
	dist := web.Build(ctx, t)
	srv := web.Serve(t, filepath.Join(dist, "web"))
	tab := browser.OpenTab(ctx, t)
	if err := chromedp.Do(tab.Ctx,
		chromedp.Navigate(srv.URL+"/"+fragment),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
	); err != nil {
		t.Fatalf("opening the page: %v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
	}
	return tab, srv, dist
}

// TestWebAPISameJSONAsCheck: corskit.diagnose in the page (the model in
// WebAssembly) gives, byte for byte but for timings, the JSON `corskit
// check --har FILE --json` prints for the same HAR, on a HAR holding every
// case of the conformance table that a HAR can express: in Chromium's
// model, and in the three engines' (--browser all).
func TestWebAPISameJSONAsCheck(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	har := conformanceHAR(ctx, t)
	path := filepath.Join(t.TempDir(), "conformance.har")
	if err := os.WriteFile(path, har, 0o644); err != nil {
		t.Fatal(err)
	}
	tab, _, _ := openPage(ctx, t, "")
	for _, engines := range []string{"chromium", "all"} {
		t.Run(engines, func(t *testing.T) { sameJSONAsCheck(ctx, t, tab, har, path, engines) })
	}
}

func sameJSONAsCheck(ctx context.Context, t *testing.T, tab *browser.Tab, har []byte, path, engines string) {
	out, err := exec.CommandContext(ctx, cli.Build(ctx, t), "check", "--har", path, "--json", "--browser", engines).Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("check --har: %v\n%s", err, out)
	}
	script := fmt.Sprintf(`corskit.diagnoseJSON(%s, {browser: %q})`, jsString(string(har)), engines)
	got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("corskit.diagnoseJSON: %v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
	}

	want := durations.ReplaceAllString(string(out), `"duration_ms": 0`)
	got = durations.ReplaceAllString(got, `"duration_ms": 0`)
	var w, g struct {
		Requests []json.RawMessage `json:"requests"`
		Skipped  []json.RawMessage `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("the page's JSON: %v\n%.2000s", err, got)
	}
	if got != want {
		for i := range min(len(w.Requests), len(g.Requests)) {
			if !bytes.Equal(w.Requests[i], g.Requests[i]) {
				t.Fatalf("request %d differs:\ncheck:\n%s\npage:\n%s", i, w.Requests[i], g.Requests[i])
			}
		}
		t.Fatalf("the page's JSON differs from check's (%d vs %d requests, %d vs %d skipped)", len(g.Requests), len(w.Requests), len(g.Skipped), len(w.Skipped))
	}
	// How many cases the HAR expressed: each reported call names its case.
	caseOf := regexp.MustCompile(`"url": "[^"]*/c/([a-z0-9-]+)/`)
	seen := map[string]bool{}
	for _, r := range w.Requests {
		if m := caseOf.FindSubmatch(r); m != nil {
			seen[string(m[1])] = true
		}
	}
	t.Logf("%d calls from %d conformance cases, the same %d bytes from the page and from check", len(w.Requests), len(seen), len(want))
	if len(seen) < 100 {
		t.Errorf("only %d conformance cases compared, want at least 100", len(seen))
	}
}

// TestWebPageNoRequest: the page loads its own files and the model, then
// sends nothing, whatever it is asked to diagnose; its CSP refuses a
// request to anywhere else; it keeps working offline; and the wasm stays
// within its budget of 3.5 MB gzipped.
func TestWebPageNoRequest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	exchange := `{"request": {"url": "https://api.example.com/items/1", "method": "PUT", "origin": "https://app.example.com",
	  "headers": {"Content-Type": "application/json", "X-Debug": "1"}},
	 "preflight": {"status": 204, "headers": {"Access-Control-Allow-Origin": "https://app.example.com",
	  "Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "content-type", "Server": "nginx/1.22.1"}},
	 "actual": {"status": 200, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}}}`
	tab, srv, dist := openPage(ctx, t, "#input="+urlQueryEscape(exchange)+"&browser=all")

	wasm, err := os.ReadFile(filepath.Join(dist, "web", "corskit.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wasm)
	zw.Close()
	t.Logf("corskit.wasm: %d bytes, %d gzipped", len(wasm), gz.Len())
	if gz.Len() > 3500*1000 {
		t.Errorf("corskit.wasm is %d bytes gzipped, over the budget of 3.5 MB", gz.Len())
	}

	// Every request the page makes from here on, to any host.
	var mu = make(chan struct{}, 1)
	var sent []string
	mu <- struct{}{}
	if err := chromedp.Listen(tab.Ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			<-mu
			sent = append(sent, e.Request.Method+" "+e.Request.URL)
			mu <- struct{}{}
		}
	}); err != nil {
		t.Fatal(err)
	}
	loaded := srv.Log()
	slices.Sort(loaded)
	wantLoaded := []string{"GET /", "GET /app.js", "GET /corskit.js", "GET /corskit.wasm", "GET /render.js", "GET /style.css"}
	if !slices.Equal(loaded, wantLoaded) {
		t.Errorf("the page loaded %v, want exactly %v", loaded, wantLoaded)
	}

	// The fragment's exchange was diagnosed on load, with all three engines
	// and the fix in the stack its answers name.
	first, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](`(async () => {
		while (!document.body.dataset.diagnosed) await new Promise(r => setTimeout(r, 10));
		const rows = [...document.querySelectorAll(".engines tr")];
		return Object.fromEntries(rows.map(r => [r.dataset.engine, r.querySelector(".verdict").dataset.verdict])
			.concat([["snippet", (document.querySelector(".snippet") || {}).textContent || ""],
				["send", String(document.getElementById("send").hidden && !corskit.send)]]));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"chromium", "firefox", "webkit"} {
		if first[e] != "blocked" {
			t.Errorf("%s: page shows %q, want blocked (x-debug not allowed)", e, first[e])
		}
	}
	if !strings.Contains(first["snippet"], "x-debug") {
		t.Errorf("the fix's snippet does not add x-debug:\n%s", first["snippet"])
	}
	// Only corskit serve can send the call for real: the static page
	// neither offers it nor has the function.
	if first["send"] != "true" {
		t.Errorf("the static page offers \"Send it for real\"")
	}
	if *update {
		shot, err := chromedp.Run(tab.Ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "page.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Offline from here on: the page must still diagnose, and a request to
	// anywhere else is refused by the CSP.
	if _, err := chromedp.Call(tab.Ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatalf("offline: %v", err)
	}
	curl := `curl 'https://api.example.com/items' -H 'origin: https://app.example.com' -H 'x-debug: 1'`
	res, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](fmt.Sprintf(`(async () => {
		const violations = [];
		document.addEventListener("securitypolicyviolation", e => violations.push(e.violatedDirective));
		document.getElementById("input").value = %s;
		document.getElementById("f-pre-status").value = "204";
		document.getElementById("f-pre-headers").value = "Access-Control-Allow-Origin: *";
		document.getElementById("f-act-status").value = "200";
		document.getElementById("f-act-headers").value = "Access-Control-Allow-Origin: *";
		const n = document.body.dataset.diagnosed;
		document.getElementById("go").click();
		while (document.body.dataset.diagnosed === n) await new Promise(r => setTimeout(r, 10));
		let escaped = "no";
		try { await fetch("http://example.com/leak"); escaped = "yes"; } catch (e) { escaped = "refused"; }
		await new Promise(r => setTimeout(r, 100));
		return {verdict: document.querySelector(".report").dataset.verdict, escaped, csp: violations.join(","), hash: location.hash};
	})()`, jsString(curl)), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if res["verdict"] != "blocked" {
		t.Errorf("the copy with its answers: page shows %q, want blocked (the preflight does not allow x-debug)", res["verdict"])
	}
	if res["escaped"] != "refused" || !strings.Contains(res["csp"], "connect-src") {
		t.Errorf("fetch to another host from the page: %s, CSP violations %q; want refused by connect-src", res["escaped"], res["csp"])
	}
	if !strings.Contains(res["hash"], "input=curl") {
		t.Errorf("the state is not in the fragment: %q", res["hash"])
	}
	// A HAR picked from disk (as a dropped one is read): the demo's
	// recording, one report per cross-origin call.
	if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`(globalThis.runsBefore = document.body.dataset.diagnosed, true)`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab.Ctx, chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{mustAbs(t, harFile)})); err != nil {
		t.Fatal(err)
	}
	harCalls, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`(async () => {
		while (document.body.dataset.diagnosed === runsBefore) await new Promise(r => setTimeout(r, 10));
		return document.querySelectorAll("details.call").length;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if harCalls != 6 {
		t.Errorf("the demo's HAR from a file: the page lists %d calls, want 6", harCalls)
	}
	<-mu
	if len(sent) > 0 {
		t.Errorf("the page sent %d requests after it loaded: %v", len(sent), sent)
	}
	mu <- struct{}{}
	// The control: a request the page's CSP allows is seen by the listener.
	if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`fetch("/control").then(() => "", () => "")`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	<-mu
	if len(sent) != 1 || !strings.HasSuffix(sent[0], "/control") {
		t.Errorf("the request listener saw %v after a fetch of /control: it does not see requests", sent)
	}
	mu <- struct{}{}
	if after := srv.Log(); len(after) != len(wantLoaded) && !slices.Equal(after[len(wantLoaded):], []string{"GET /control"}) {
		t.Errorf("the server saw requests after load: %v", after[len(wantLoaded):])
	}
	for _, l := range tab.Console() {
		if strings.Contains(l, "Content Security Policy") && !strings.Contains(l, "example.com/leak") {
			t.Errorf("the page broke its own CSP: %s", l)
		}
	}
}

func urlQueryEscape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "#", "%23", "+", "%2B", " ", "%20", "\n", "%0A", "\t", "%09").Replace(s)
}

func mustAbs(t *testing.T, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
