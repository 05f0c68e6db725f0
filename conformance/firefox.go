package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// FirefoxBinary is the Firefox the suite drives: Debian's firefox-esr
// unless $FIREFOX names another.
func FirefoxBinary() string {
	if p := os.Getenv("FIREFOX"); p != "" {
		return p
	}
	return "firefox-esr"
}

// firefoxPrefs go into the throwaway profile's user.js. The network is
// closed and the runs must be repeatable, so everything Firefox would
// fetch on its own is off; cookieBehavior 0 keeps third-party cookies
// unpartitioned, as the credentialed cases need.
var firefoxPrefs = map[string]any{
	"network.cookie.cookieBehavior":                         0,
	"app.update.auto":                                       false,
	"app.update.enabled":                                    false,
	"app.normandy.enabled":                                  false,
	"browser.shell.checkDefaultBrowser":                     false,
	"browser.startup.page":                                  0,
	"browser.startup.homepage_override.mstone":              "ignore",
	"browser.newtabpage.enabled":                            false,
	"browser.safebrowsing.malware.enabled":                  false,
	"browser.safebrowsing.phishing.enabled":                 false,
	"browser.safebrowsing.downloads.enabled":                false,
	"browser.safebrowsing.blockedURIs.enabled":              false,
	"browser.safebrowsing.provider.mozilla.updateURL":       "",
	"browser.region.network.url":                            "",
	"browser.region.update.enabled":                         false,
	"browser.topsites.contile.enabled":                      false,
	"browser.newtabpage.activity-stream.feeds.topsites":     false,
	"datareporting.healthreport.uploadEnabled":              false,
	"datareporting.policy.dataSubmissionEnabled":            false,
	"toolkit.telemetry.enabled":                             false,
	"toolkit.telemetry.unified":                             false,
	"toolkit.telemetry.server":                              "",
	"extensions.update.enabled":                             false,
	"extensions.getAddons.cache.enabled":                    false,
	"extensions.blocklist.enabled":                          false,
	"services.settings.server":                              "http://127.0.0.1:9/",
	"network.captive-portal-service.enabled":                false,
	"network.connectivity-service.enabled":                  false,
	"network.dns.disablePrefetch":                           true,
	"network.prefetch-next":                                 false,
	"network.http.speculative-parallel-limit":               0,
	"media.gmp-manager.url":                                 "",
	"browser.aboutHomeSnippets.updateUrl":                   "",
	"identity.fxaccounts.enabled":                           false,
	"dom.security.https_first":                              false,
	"dom.security.https_only_mode":                          false,
	"network.lna.enabled":                                   false,
	"privacy.trackingprotection.enabled":                    false,
	"browser.contentblocking.category":                      "standard",
	"network.http.referer.disallowCrossSiteRelaxingDefault": false,
}

// Firefox is one headless Firefox driven over WebDriver BiDi: one
// browsing context, whose console lines (errors from log.entryAdded,
// everything from the console service at the end) the driver collects.
type Firefox struct {
	cmd     *exec.Cmd
	dir     string
	conn    *websocket.Conn
	context string // the browsing context's id

	mu      sync.Mutex
	nextID  int
	pending map[int]chan bidiReply
	logs    []string
	readErr error
	done    chan struct{}
	stderr  *tailBuffer
}

type bidiReply struct {
	Type    string          `json:"type"` // success, error or event
	ID      int             `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// StartFirefox launches Firefox with a fresh profile in a temporary
// directory and opens a BiDi session on it.
func StartFirefox(ctx context.Context) (*Firefox, error) { return StartFirefoxWith(ctx, nil) }

// StartFirefoxWith is StartFirefox with some of the suite's prefs
// replaced (the cookie cases restore cookieBehavior's shipped default), a
// nil value leaving the pref at its shipped default, and others added (the
// upgrade cases resolve a name to 127.0.0.1).
func StartFirefoxWith(ctx context.Context, prefs map[string]any) (*Firefox, error) {
	bin, err := exec.LookPath(FirefoxBinary())
	if err != nil {
		return nil, fmt.Errorf("firefox: %w (scripts/ensure-deps.sh installs firefox-esr)", err)
	}
	dir, err := os.MkdirTemp("", "corskit-firefox-")
	if err != nil {
		return nil, err
	}
	var js strings.Builder
	for k, v := range firefoxPrefs {
		if o, ok := prefs[k]; ok {
			v = o
		}
		if v == nil {
			continue // nil: the shipped default
		}
		b, _ := json.Marshal(v)
		fmt.Fprintf(&js, "user_pref(%q, %s);\n", k, b)
	}
	for k, v := range prefs { // prefs the suite does not set
		if _, ok := firefoxPrefs[k]; !ok && v != nil {
			b, _ := json.Marshal(v)
			fmt.Fprintf(&js, "user_pref(%q, %s);\n", k, b)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "user.js"), []byte(js.String()), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	f := &Firefox{dir: dir, pending: map[int]chan bidiReply{}, done: make(chan struct{}), stderr: &tailBuffer{}}
	// --remote-allow-system-access lets the driver read the console
	// service at the end of a run: BiDi's log.entryAdded carries only
	// error-level console messages, and some CORS lines are warnings.
	f.cmd = exec.Command(bin, "--headless", "--no-remote", "--remote-debugging-port", "0",
		"--remote-allow-system-access", "--profile", dir, "about:blank")
	f.cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_DISABLE_AUTO_SAFE_MODE=1")
	stderr, err := f.cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	f.cmd.Stdout = f.stderr
	if err := f.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			f.stderr.WriteString(line + "\n")
			if m := bidiListening.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	var ws string
	select {
	case ws = <-addr:
	case <-time.After(30 * time.Second):
		f.Close()
		return nil, fmt.Errorf("firefox printed no BiDi address within 30 s; its output:\n%s", f.stderr)
	case <-ctx.Done():
		f.Close()
		return nil, ctx.Err()
	}
	conn, _, err := websocket.Dial(ctx, strings.TrimSuffix(ws, "/")+"/session", nil)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("firefox: connecting to %s: %w", ws, err)
	}
	conn.SetReadLimit(64 << 20)
	f.conn = conn
	go f.read()

	if _, err := f.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{
		// The gates' https page has a self-signed certificate.
		"alwaysMatch": map[string]any{"acceptInsecureCerts": true}}}); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.call(ctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}); err != nil {
		f.Close()
		return nil, err
	}
	tree, err := f.call(ctx, "browsingContext.getTree", map[string]any{})
	if err != nil {
		f.Close()
		return nil, err
	}
	var t struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := json.Unmarshal(tree, &t); err != nil || len(t.Contexts) == 0 {
		f.Close()
		return nil, fmt.Errorf("firefox: no browsing context in %s", tree)
	}
	f.context = t.Contexts[0].Context
	return f, nil
}

func (f *Firefox) read() {
	defer close(f.done)
	for {
		_, data, err := f.conn.Read(context.Background())
		if err != nil {
			f.mu.Lock()
			f.readErr = err
			for id, ch := range f.pending {
				close(ch)
				delete(f.pending, id)
			}
			f.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(data, &r) != nil {
			continue
		}
		if r.Type == "event" {
			if r.Method == "log.entryAdded" {
				var e struct {
					Text string `json:"text"`
				}
				json.Unmarshal(r.Params, &e)
				f.mu.Lock()
				f.logs = append(f.logs, e.Text)
				f.mu.Unlock()
			}
			continue
		}
		f.mu.Lock()
		ch := f.pending[r.ID]
		delete(f.pending, r.ID)
		f.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one BiDi command and waits for its answer.
func (f *Firefox) call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	f.mu.Lock()
	if f.readErr != nil {
		f.mu.Unlock()
		return nil, fmt.Errorf("firefox: %s: connection lost: %w", method, f.readErr)
	}
	f.nextID++
	id := f.nextID
	ch := make(chan bidiReply, 1)
	f.pending[id] = ch
	f.mu.Unlock()
	msg, _ := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err := f.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return nil, fmt.Errorf("firefox: %s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("firefox: %s: connection lost", method)
		}
		if r.Type == "error" {
			return nil, fmt.Errorf("firefox: %s: %s: %s", method, r.Error, r.Message)
		}
		return r.Result, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("firefox: %s: %w", method, ctx.Err())
	}
}

// Navigate loads url in the browsing context and waits for its load event.
func (f *Firefox) Navigate(ctx context.Context, url string) error {
	_, err := f.call(ctx, "browsingContext.navigate", map[string]any{"context": f.context, "url": url, "wait": "complete"})
	return err
}

// EvalString evaluates expr in the page, awaiting it if it is a promise;
// it must produce a string.
func (f *Firefox) EvalString(ctx context.Context, expr string) (string, error) {
	return f.eval(ctx, map[string]any{"context": f.context}, expr)
}

func (f *Firefox) eval(ctx context.Context, target map[string]any, expr string) (string, error) {
	raw, err := f.call(ctx, "script.evaluate", map[string]any{
		"expression": expr, "target": target, "awaitPromise": true,
	})
	if err != nil {
		return "", err
	}
	var r struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("firefox: script.evaluate: %w", err)
	}
	if r.Type == "exception" {
		return "", fmt.Errorf("firefox: script threw: %s", r.ExceptionDetails.Text)
	}
	s, ok := r.Result.Value.(string)
	if !ok {
		return "", fmt.Errorf("firefox: script.evaluate gave a %s, not a string", r.Result.Type)
	}
	return s, nil
}

// Version is the browser's user agent string.
func (f *Firefox) Version(ctx context.Context) string {
	s, _ := f.EvalString(ctx, "navigator.userAgent")
	return s
}

// Logs returns the console lines log.entryAdded has carried so far.
func (f *Firefox) Logs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.logs...)
}

// ConsoleMessage is one script error or warning from Firefox's console
// service.
type ConsoleMessage struct {
	Text     string `json:"text"`
	Warning  bool   `json:"warning"`
	Category string `json:"category"`
}

// chromeContext is the id of the browser window's privileged context.
func (f *Firefox) chromeContext(ctx context.Context) (string, error) {
	raw, err := f.call(ctx, "browsingContext.getTree", map[string]any{"moz:scope": "chrome"})
	if err != nil {
		return "", err
	}
	var t struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || len(t.Contexts) == 0 {
		return "", fmt.Errorf("firefox: no chrome context in %s", raw)
	}
	return t.Contexts[0].Context, nil
}

// consoleListener keeps every script error and warning the console
// service sees from now on, in the privileged scope: the service itself
// keeps only its most recent few hundred messages.
const consoleListener = `(() => {
  if (!globalThis.corskitConsole) {
    globalThis.corskitConsole = [];
    Services.console.registerListener({
      observe(m) {
        if (m instanceof Ci.nsIScriptError) {
          globalThis.corskitConsole.push({text: m.errorMessage, warning: (m.flags & Ci.nsIScriptError.warningFlag) != 0, category: m.category});
        }
      },
      QueryInterface: ChromeUtils.generateQI(["nsIConsoleListener"]),
    });
  }
  return "listening";
})()`

// ListenToConsole starts keeping the console service's script errors and
// warnings, for ConsoleService to return.
func (f *Firefox) ListenToConsole(ctx context.Context) error {
	c, err := f.chromeContext(ctx)
	if err != nil {
		return err
	}
	_, err = f.eval(ctx, map[string]any{"context": c}, consoleListener)
	return err
}

// ConsoleService returns the script errors and warnings the console
// service has seen since ListenToConsole (errors and warnings alike,
// where BiDi's log.entryAdded carries only errors), oldest first: what the
// web console shows.
func (f *Firefox) ConsoleService(ctx context.Context) ([]ConsoleMessage, error) {
	c, err := f.chromeContext(ctx)
	if err != nil {
		return nil, err
	}
	s, err := f.eval(ctx, map[string]any{"context": c}, `JSON.stringify(globalThis.corskitConsole || null)`)
	if err != nil {
		return nil, err
	}
	var msgs []ConsoleMessage
	if err := json.Unmarshal([]byte(s), &msgs); err != nil || msgs == nil {
		return nil, fmt.Errorf("firefox: console listener not started or unreadable (%v): %.200s", err, s)
	}
	return msgs, nil
}

// ConsoleLines is the text of each ConsoleService message.
func (f *Firefox) ConsoleLines(ctx context.Context) ([]string, error) {
	msgs, err := f.ConsoleService(ctx)
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(msgs))
	for _, m := range msgs {
		lines = append(lines, m.Text)
	}
	return lines, nil
}

// Close ends the session, stops Firefox and removes its profile.
func (f *Firefox) Close() {
	if f.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		f.call(ctx, "browser.close", map[string]any{})
		cancel()
		f.conn.Close(websocket.StatusNormalClosure, "")
	}
	if f.cmd != nil && f.cmd.Process != nil {
		exited := make(chan struct{})
		go func() { f.cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			f.cmd.Process.Kill()
			<-exited
		}
	}
	os.RemoveAll(f.dir)
}

// tailBuffer keeps the last 16 KiB written to it: a browser's output, for
// error messages.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 16<<10 {
		t.b = t.b[len(t.b)-16<<10:]
	}
	return len(p), nil
}

func (t *tailBuffer) WriteString(s string) { t.Write([]byte(s)) }

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

var _ io.Writer = (*tailBuffer)(nil)
