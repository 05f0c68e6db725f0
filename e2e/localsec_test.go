package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
)

// attackerPage is a page on another origin that tries every way a web page
// has to make `corskit serve` send a request for it (to {{sentinel}}/N) and
// to read the playground's answers. It reports what it could read in
// window.result; the requests it caused are counted by the sentinel server.
const attackerPage = `<!doctype html><html><body>
<iframe name="sink" id="sink"></iframe>
<form id="f" method="POST" action="{{pg}}/api/check" enctype="text/plain" target="sink">
<input type="hidden" name='{"url":"{{sentinel}}/form","origin":"http://a.example","pad":"' value='"}'>
</form>
<script>
const pg = "{{pg}}", sentinel = "{{sentinel}}";
const call = (n) => JSON.stringify({url: sentinel + "/" + n, origin: "http://a.example", method: "GET"});
async function attempt(name, f) {
  try { const r = await f(); return name + ": read " + r; } catch (e) { return name + ": " + e; }
}
async function main() {
  const out = [];
  // A simple request: no preflight, sent as it is.
  out.push(await attempt("no-cors text/plain", async () => {
    const r = await fetch(pg + "/api/check", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: call("no-cors")});
    return "opaque " + r.type; }));
  out.push(await attempt("cors text/plain", async () => {
    const r = await fetch(pg + "/api/check", {method: "POST", body: call("cors-text")});
    return r.status + " " + await r.text(); }));
  // Preflighted: the playground must not answer the preflight with CORS.
  out.push(await attempt("cors application/json", async () => {
    const r = await fetch(pg + "/api/check", {method: "POST", headers: {"Content-Type": "application/json"}, body: call("cors-json")});
    return r.status + " " + await r.text(); }));
  out.push("beacon queued: " + navigator.sendBeacon(pg + "/api/check", call("beacon")));
  // A form can post text/plain that parses as JSON.
  await new Promise((done) => { document.getElementById("sink").onload = done; document.getElementById("f").submit(); setTimeout(done, 3000); });
  // Reading the playground's own pages.
  out.push(await attempt("read config.json", async () => (await (await fetch(pg + "/config.json")).text())));
  out.push(await attempt("read page", async () => (await (await fetch(pg + "/")).text()).slice(0, 40)));
  window.result = out;
  document.body.dataset.done = "true";
}
main();
</script></body></html>`

// sentinel counts the requests that reach it: each is one the playground
// sent on another page's behalf.
type sentinel struct {
	mu   sync.Mutex
	hits []string
}

func (s *sentinel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits = append(s.hits, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	w.Header().Set("Access-Control-Allow-Origin", "*")
	fmt.Fprintln(w, "sentinel reached")
}

func (s *sentinel) Hits() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hits...)
}

// serveLoopback serves h on 127.0.0.1 for the test's lifetime and returns
// its port.
func serveLoopback(t *testing.T, h http.Handler) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// TestPlaygroundRefusesOtherSites runs `corskit serve` and, in headless
// Chromium, a page on another origin that tries to use the playground as a
// relay: fetch() in no-cors and cors mode with text/plain and JSON bodies,
// sendBeacon, and an HTML form posting text/plain that parses as JSON, each
// asking the playground to call a sentinel server. The sentinel must never
// be reached, and the attacker must read nothing of the playground's. The
// attacker runs on two origins: localhost (another site) and 127.0.0.1 on
// another port (the same site, another origin, as another local dev server
// would be).
func TestPlaygroundRefusesOtherSites(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	urls, stop := cli.Start(ctx, t, "serve", "--port", "0", "--api-port", "0")
	pg := urls["page"]
	if pg == "" {
		t.Fatalf("no page URL in %v", urls)
	}
	sent := &sentinel{}
	sentinelURL := fmt.Sprintf("http://127.0.0.1:%d", serveLoopback(t, sent))
	page := strings.NewReplacer("{{pg}}", pg, "{{sentinel}}", sentinelURL).Replace(attackerPage)
	attackerPort := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	tab := browser.OpenTab(ctx, t)
	for _, host := range []string{"localhost", "127.0.0.1"} {
		t.Run(host, func(t *testing.T) {
			before := len(sent.Hits())
			var result []string
			err := chromedp.Do(tab.Ctx,
				chromedp.Navigate(fmt.Sprintf("http://%s:%d/", host, attackerPort)),
				chromedp.WaitVisible(chromedp.CSS(`body[data-done="true"]`)),
			)
			if err == nil {
				result, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](`window.result`))
			}
			if err != nil {
				t.Fatalf("attacker page: %v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
			}
			// The playground answers within its own deadline; give a relayed
			// call time to arrive before counting.
			time.Sleep(time.Second)
			if hits := sent.Hits()[before:]; len(hits) != 0 {
				t.Errorf("the playground sent %d request(s) for a page on another origin: %q\nattacker saw: %q", len(hits), hits, result)
			}
			for _, line := range result {
				if strings.Contains(line, ": read ") && !strings.Contains(line, ": read opaque") {
					t.Errorf("the attacker read a playground answer: %s", line)
				}
			}
			t.Logf("attacker saw: %q", result)
		})
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}
