package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// The cookie cases: which cookie a credentialed fetch() carries to an API
// on another site, in each engine as shipped (third-party cookie policy
// left at its default), against the model (fetch.Profile.CookieSent and
// CookieStored).
//
// The browser first visits the API's site (http://localhost:P), whose
// answer sets the fp_* cookies as a first party; that page moves to the
// caller's page on another site (http://127.0.0.1:Q), which calls the
// API's /echo (the Cookie header it received, as text) with each
// credentials mode, then calls /setxs, whose answer sets the xs_* cookies
// in a third-party context, then /echo again; it posts what it saw back
// to its own server. The flow drives itself, so that all three engines
// run it the same way. localhost and 127.0.0.1 are both loopback, where
// Secure cookies are allowed over http.

// fpCookies are set by the API on a first-party visit.
var fpCookies = []string{
	"fp_none_secure=1; SameSite=None; Secure",
	"fp_none_insecure=1; SameSite=None",
	"fp_lax=1; SameSite=Lax",
	"fp_strict=1; SameSite=Strict",
	"fp_unset=1",
	"fp_unset_secure=1; Secure",
	"fp_path=1; SameSite=None; Secure; Path=/elsewhere",
}

// xsCookies are set by the API in its answer to the page's credentialed
// call.
var xsCookies = []string{
	"xs_none_secure=1; SameSite=None; Secure",
	"xs_none_secure_part=1; SameSite=None; Secure; Partitioned",
	"xs_none_insecure=1; SameSite=None",
	"xs_lax=1; SameSite=Lax",
	"xs_unset=1",
	"xs_unset_part=1; Secure; Partitioned",
}

// cookieCalls are the page's calls to /echo, by the key of the result.
var cookieCalls = map[string]fetch.Credentials{
	"include": fetch.CredentialsInclude, "omit": fetch.CredentialsOmit, "same-origin": fetch.CredentialsSameOrigin,
}

const cookieRunner = `<!doctype html><meta charset="utf-8"><title>corskit cookies</title>
<script>
(async () => {
  const api = %q;
  const call = async (path, credentials) => {
    try { const r = await fetch(api + path, {credentials, cache: "no-store"}); return await r.text(); }
    catch (e) { return "ERROR " + e.message; }
  };
  const out = {ua: navigator.userAgent, first: decodeURIComponent(location.hash.slice(1))};
  for (const c of ["include", "omit", "same-origin"]) out[c] = await call("/echo", c);
  out.setxs = await call("/setxs", "include");
  out.after = await call("/echo", "include");
  await fetch("/result", {method: "POST", body: JSON.stringify(out)});
})();
</script>`

// cookieSite is the pair of servers; results receives the page's report.
type cookieSite struct {
	api, page string // http://localhost:P, http://127.0.0.1:Q
	results   chan map[string]string
}

func serveCookieSite(t *testing.T) *cookieSite {
	t.Helper()
	// Both addresses are known before either server starts: the handlers
	// read s.api and s.page, and a request may come in at once.
	listen := func() net.Listener {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	serve := func(l net.Listener, h http.Handler) {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(l)
		t.Cleanup(func() { srv.Close() })
	}
	port := func(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }
	s := &cookieSite{results: make(chan map[string]string, 1)}
	apiMux, pageMux := http.NewServeMux(), http.NewServeMux()
	cors := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
	}
	apiMux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		cors(w, r)
		for _, c := range fpCookies {
			w.Header().Add("Set-Cookie", c)
		}
		w.Header().Set("Content-Type", "text/html")
		// The page reads back what it holds as a first party (a control:
		// which fp_ cookies were stored at all), then moves on.
		fmt.Fprintf(w, `<!doctype html><script>fetch("/echo", {cache: "no-store"}).then(r => r.text()).then(t => location.href = %q + "#" + encodeURIComponent(t))</script>`, s.page+"/run")
	})
	apiMux.HandleFunc("/setxs", func(w http.ResponseWriter, r *http.Request) {
		cors(w, r)
		for _, c := range xsCookies {
			w.Header().Add("Set-Cookie", c)
		}
		io.WriteString(w, "set")
	})
	apiMux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		cors(w, r)
		io.WriteString(w, r.Header.Get("Cookie"))
	})
	pageMux.HandleFunc("/run", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, cookieRunner, s.api)
	})
	pageMux.HandleFunc("/result", func(w http.ResponseWriter, r *http.Request) {
		var out map[string]string
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&out); err == nil {
			select {
			case s.results <- out:
			default:
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	apiL, pageL := listen(), listen()
	s.api = fmt.Sprintf("http://localhost:%d", port(apiL))
	s.page = fmt.Sprintf("http://127.0.0.1:%d", port(pageL))
	serve(apiL, apiMux)
	serve(pageL, pageMux)
	return s
}

func (s *cookieSite) wait(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	select {
	case out := <-s.results:
		t.Logf("browser: %s", out["ua"])
		return out
	case <-ctx.Done():
		t.Fatalf("the page reported nothing: %v", ctx.Err())
	}
	return nil
}

// sentNames lists the cookie names in a Cookie header.
func sentNames(header string) []string {
	var names []string
	for kv := range strings.SplitSeq(header, ";") {
		if n, _, _ := strings.Cut(strings.TrimSpace(kv), "="); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// cookieOutcome is one observed case: a cookie, a call, sent or not.
type cookieOutcome struct {
	Case string
	Sent bool
	Why  reason.ID // the model's reason, for the log
}

// modelCookies is what the model says the page's report holds.
func modelCookies(t *testing.T, p fetch.CookieRules, s *cookieSite) []cookieOutcome {
	t.Helper()
	apiOrigin, pageOrigin := origin.MustParse(s.api), origin.MustParse(s.page)
	var out []cookieOutcome
	for _, set := range fpCookies {
		stored, err := p.Stored(set, fetch.CookieCall{Page: apiOrigin, URL: s.api + "/set", Credentials: fetch.CredentialsInclude})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sendOutcome(t, p, stored, "first", fetch.CookieCall{Page: apiOrigin, URL: s.api + "/echo"}))
		for _, mode := range slices.Sorted(mapsKeys(cookieCalls)) {
			out = append(out, sendOutcome(t, p, stored, mode, fetch.CookieCall{Page: pageOrigin, URL: s.api + "/echo", Credentials: cookieCalls[mode]}))
		}
	}
	for _, set := range xsCookies {
		stored, err := p.Stored(set, fetch.CookieCall{Page: pageOrigin, URL: s.api + "/setxs", Credentials: fetch.CredentialsInclude})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sendOutcome(t, p, stored, "after", fetch.CookieCall{Page: pageOrigin, URL: s.api + "/echo", Credentials: fetch.CredentialsInclude}))
	}
	return out
}

func sendOutcome(t *testing.T, p fetch.CookieRules, stored fetch.CookieVerdict, call string, c fetch.CookieCall) cookieOutcome {
	t.Helper()
	name := stored.Cookie.Name + "/" + call
	if !stored.OK {
		return cookieOutcome{Case: name, Why: stored.Reason}
	}
	v, err := p.Sent(stored.Cookie, c)
	if err != nil {
		t.Fatal(err)
	}
	return cookieOutcome{Case: name, Sent: v.OK, Why: v.Reason}
}

func mapsKeys(m map[string]fetch.Credentials) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// compareCookies checks every case of the engine's report against the
// model and logs the table.
func compareCookies(t *testing.T, p fetch.Profile, s *cookieSite, got map[string]string) {
	t.Helper()
	compareCookieRules(t, p.Name, p.CookieRules(), s, got)
}

func compareCookieRules(t *testing.T, engine string, rules fetch.CookieRules, s *cookieSite, got map[string]string) {
	t.Helper()
	if got["setxs"] != "set" {
		t.Errorf("the call that sets the xs_ cookies failed: %q", got["setxs"])
	}
	model := modelCookies(t, rules, s)
	disagree := 0
	for _, m := range model {
		name, call, _ := strings.Cut(m.Case, "/")
		sent := slices.Contains(sentNames(got[call]), name)
		mark := "ok"
		if sent != m.Sent {
			mark = "DISAGREES"
			disagree++
			t.Errorf("%s %s: engine sent=%v, model sent=%v (%v)", engine, m.Case, sent, m.Sent, m.Why)
		}
		t.Logf("%-28s engine sent=%-5v model %-5v %-42v %s", m.Case, sent, m.Sent, m.Why, mark)
	}
	t.Logf("%s: %d cookie cases, %d disagreements", engine, len(model), disagree)
}

func TestCookiesChromium(t *testing.T) {
	s := serveCookieSite(t)
	compareCookies(t, fetch.Chromium, s, runCookiesChromium(t, s, ""))
}

// TestCookiesChromiumThirdPartyAllowed: Chromium with third-party cookies
// allowed in its settings (cookie_controls_mode 0, as Chrome users who
// never changed the setting have them) against the Chromium rules with
// ThirdPartyAllowed: a SameSite=None; Secure cookie stored on a visit to
// the API's site then goes with the call.
func TestCookiesChromiumThirdPartyAllowed(t *testing.T) {
	s := serveCookieSite(t)
	rules := fetch.Chromium.CookieRules()
	rules.ThirdParty = fetch.ThirdPartyAllowed
	compareCookieRules(t, "chromium (third-party cookies allowed)", rules, s,
		runCookiesChromium(t, s, `{"profile":{"cookie_controls_mode":0}}`))
}

// runCookiesChromium runs the flow in headless Chromium with the same
// flags as e2e/browser; preferences, when given, is the fresh profile's
// Default/Preferences (none: third-party cookies as the build ships them).
func runCookiesChromium(t *testing.T, s *cookieSite, preferences string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path, err := browser.ExecPath()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if preferences != "" {
		if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(preferences), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path), chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true))
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	if err := chromedp.Do(tab, chromedp.Navigate(s.api+"/set")); err != nil {
		t.Fatalf("headless Chromium must start for this test: %v", err)
	}
	return s.wait(t, ctx)
}

func TestCookiesFirefox(t *testing.T) {
	s := serveCookieSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// cookieBehavior 5 is Firefox's default (Total Cookie Protection);
	// the suite's other cases set 0.
	f, err := StartFirefoxWith(ctx, map[string]any{"network.cookie.cookieBehavior": 5})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Navigate(ctx, s.api+"/set"); err != nil {
		t.Fatal(err)
	}
	compareCookies(t, fetch.Firefox, s, s.wait(t, ctx))
}

func TestCookiesWebKit(t *testing.T) {
	s := serveCookieSite(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, err := StartWebKit(ctx, s.api+"/set")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got := s.wait(t, ctx)
	if t.Failed() {
		t.Log(w.Output())
	}
	compareCookies(t, fetch.WebKit, s, got)
}
