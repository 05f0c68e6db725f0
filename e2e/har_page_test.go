package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
)

// TestHARReplayPageCSP: real Chromium loads a page whose CSP allows the
// API's origin but not the one it redirects to, and the HAR of that visit,
// replayed with `corskit check --har --json`, names the page's policy: the
// call's page is read from the document entry, and the redirect that
// Chromium refused (recorded as a hop without an answer) is diagnosed as
// csp-connect-src, with Chromium's own console lines. Before, the page
// was unknown and the replay reported a network error at the redirect.
//
// A call the policy refuses outright leaves no trace in the HAR: Chromium
// (156) refuses it in the renderer, before any DevTools network event,
// so there is no entry to replay.
func TestHARReplayPageCSP(t *testing.T) {
	// Served on 127.0.0.1, called as localhost: another origin than the page's.
	apiPort := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.URL.Path == "/redir" { // to the same server under another origin
			http.Redirect(w, r, "http://127.0.0.1"+strings.TrimPrefix(r.Host, "localhost")+"/items", http.StatusFound)
			return
		}
		w.Write([]byte("ok"))
	}))
	apiOrigin := "http://localhost:" + strconv.Itoa(apiPort)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "connect-src 'self' "+apiOrigin)
		w.Write([]byte("<!doctype html><title>page</title>"))
	}))
	defer page.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tab, rec := recordedPage(ctx, t, page.URL+"/index.html")
	got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(apiOrigin+"/redir")+`).then(r => "allowed", e => "blocked")`, chromedp.EvalAwaitPromise))
	if err != nil || got != "blocked" {
		t.Fatalf("Chromium: %q %v, want the page's CSP to refuse the call", got, err)
	}
	console := waitConsole(tab, 1, 5*time.Second)
	replayGate(ctx, t, rec, console, "csp-connect-src")
}

// recordedPage opens headless Chromium with extra flags, records its HAR
// and opens page.
func recordedPage(ctx context.Context, t *testing.T, page string, extra ...chromedp.ExecAllocatorOption) (*browser.Tab, *browser.HARRecorder) {
	t.Helper()
	tab := browser.OpenTab(ctx, t, extra...)
	rec, err := tab.RecordHAR()
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	return tab, rec
}

// replayGate replays the HAR rec recorded with `corskit check --har
// --json`: it must hold one call, refused by the gate named want, with
// console lines that are Chromium's.
func replayGate(ctx context.Context, t *testing.T, rec *browser.HARRecorder, console []string, want string) {
	t.Helper()
	time.Sleep(300 * time.Millisecond) // let the last network events arrive
	data, err := rec.HAR("chromium")
	if err != nil {
		t.Fatal(err)
	}
	harPath := filepath.Join(t.TempDir(), "page.har")
	if err := os.WriteFile(harPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, cli.Build(ctx, t), "check", "--har", harPath, "--json").Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("check --har: %v\n%s", err, out)
	}
	var rep struct {
		Requests []struct {
			Reason  string   `json:"reason"`
			Console []string `json:"console"`
		} `json:"requests"`
		Skipped []any `json:"skipped"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rep.Requests) != 1 || rep.Requests[0].Reason != want || len(rep.Skipped) > 0 {
		t.Fatalf("replaying Chromium's HAR, want one call refused by %s: %s\nHAR:\n%s", want, out, data)
	}
	if len(rep.Requests[0].Console) == 0 {
		t.Errorf("the model printed no console line for the call; Chromium:\n  %s", strings.Join(console, "\n  "))
	}
	for _, line := range rep.Requests[0].Console {
		if !slices.Contains(console, line) {
			t.Errorf("the model's console line is not Chromium's:\n  %s\nChromium:\n  %s", line, strings.Join(console, "\n  "))
		}
	}
}

// TestHARReplayMixedContent: real Chromium loads an https page that calls
// an http API (not loopback: the names resolve to 127.0.0.1 by the
// browser's resolver rules), and refuses it as mixed content. The HAR
// records the call with no Origin, an empty Referer, no answer and no
// error text; replayed, it is diagnosed as mixed-content, the page being
// the document loaded before it. Before, the call was not replayed at
// all (no Origin, no Referer: no page).
func TestHARReplayMixedContent(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	defer api.Close()
	page := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>page</title>"))
	}))
	defer page.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tab, rec := recordedPage(ctx, t, strings.Replace(page.URL, "127.0.0.1", "page.test", 1)+"/",
		chromedp.Flag("ignore-certificate-errors", true), chromedp.Flag("host-resolver-rules", "MAP *.test 127.0.0.1"))
	apiURL := strings.Replace(api.URL, "127.0.0.1", "api.test", 1) + "/items"
	got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(apiURL)+`).then(r => "allowed", e => "blocked")`, chromedp.EvalAwaitPromise))
	if err != nil || got != "blocked" {
		t.Fatalf("Chromium: %q %v, want mixed content to refuse the call", got, err)
	}
	replayGate(ctx, t, rec, waitConsole(tab, 1, 5*time.Second), "mixed-content")
}
