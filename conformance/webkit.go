package conformance

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MiniBrowserBinary is the WebKitGTK browser the suite drives: $MINIBROWSER,
// or the MiniBrowser Debian's webkit2gtk-driver pulls in.
func MiniBrowserBinary() (string, error) {
	if p := os.Getenv("MINIBROWSER"); p != "" {
		return p, nil
	}
	for _, api := range []string{"4.1", "4.0", "6.0"} {
		for _, lib := range []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"} {
			p := filepath.Join(lib, "webkit2gtk-"+api, "MiniBrowser")
			if api == "6.0" {
				p = filepath.Join(lib, "webkitgtk-6.0", "MiniBrowser")
			}
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("webkit: no MiniBrowser found (scripts/ensure-deps.sh installs webkit2gtk-driver; or set $MINIBROWSER)")
}

// WebKit is one WebKitGTK MiniBrowser on its own Xvfb display. MiniBrowser
// has no remote protocol for console messages, so the page drives itself:
// it asks the page server for the next fetch to make (Queue), runs it and
// posts the result back; MiniBrowser writes the console to its standard
// error, which the driver keeps.
type WebKit struct {
	xvfb, browser *exec.Cmd
	dir           string
	out           *tailBuffer

	mu      sync.Mutex
	console []string
}

// StartWebKit starts Xvfb and MiniBrowser on url, with a fresh home
// directory (so no cookie, cache or preference survives from another run).
func StartWebKit(ctx context.Context, url string) (*WebKit, error) {
	return StartWebKitWith(ctx, url)
}

// StartWebKitWith is StartWebKit with more MiniBrowser arguments (the
// upgrade cases' --proxy).
func StartWebKitWith(ctx context.Context, url string, args ...string) (*WebKit, error) {
	mb, err := MiniBrowserBinary()
	if err != nil {
		return nil, err
	}
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		return nil, fmt.Errorf("webkit: %w (scripts/ensure-deps.sh installs xvfb)", err)
	}
	dir, err := os.MkdirTemp("", "corskit-webkit-")
	if err != nil {
		return nil, err
	}
	w := &WebKit{dir: dir, out: &tailBuffer{}}

	// Xvfb picks a free display and writes its number on fd 3.
	r, wr, err := os.Pipe()
	if err != nil {
		w.Close()
		return nil, err
	}
	w.xvfb = exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-nolisten", "unix")
	w.xvfb.ExtraFiles = []*os.File{wr}
	w.xvfb.Stderr = w.out
	if err := w.xvfb.Start(); err != nil {
		wr.Close()
		r.Close()
		w.Close()
		return nil, fmt.Errorf("webkit: starting Xvfb: %w", err)
	}
	wr.Close()
	display := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		display <- strings.TrimSpace(line)
	}()
	var n string
	select {
	case n = <-display:
	case <-time.After(20 * time.Second):
	}
	if _, err := strconv.Atoi(n); err != nil {
		w.Close()
		return nil, fmt.Errorf("webkit: Xvfb gave no display number; its output:\n%s", w.out)
	}

	args = append([]string{"--enable-write-console-messages-to-stdout=true",
		"--ignore-tls-errors"}, append(args, url)...) // the gates' https page has a self-signed certificate
	w.browser = exec.Command(mb, args...)
	w.browser.Env = append(os.Environ(), "DISPLAY=:"+n, "HOME="+dir,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_RUNTIME_DIR="+dir,
		"WEBKIT_DISABLE_COMPOSITING_MODE=1", "LIBGL_ALWAYS_SOFTWARE=1", "NO_AT_BRIDGE=1",
		"GTK_A11Y=none", "WAYLAND_DISPLAY=")
	stderr, err := w.browser.StderrPipe()
	if err != nil {
		w.Close()
		return nil, err
	}
	w.browser.Stdout = w.out
	if err := w.browser.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("webkit: starting %s: %w", mb, err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			w.out.WriteString(line + "\n")
			w.mu.Lock()
			w.console = append(w.console, line)
			w.mu.Unlock()
		}
	}()
	return w, nil
}

// Console returns the lines MiniBrowser has written on its standard error.
func (w *WebKit) Console() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.console...)
}

// Output is the tail of what Xvfb and MiniBrowser printed, for errors.
func (w *WebKit) Output() string { return w.out.String() }

// Close stops MiniBrowser and Xvfb and removes the home directory.
func (w *WebKit) Close() {
	for _, c := range []*exec.Cmd{w.browser, w.xvfb} {
		if c == nil || c.Process == nil {
			continue
		}
		c.Process.Signal(os.Interrupt)
		exited := make(chan struct{})
		go func() { c.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			c.Process.Kill()
			<-exited
		}
	}
	os.RemoveAll(w.dir)
}

// Queue hands fetch specs to a page that polls for them and takes back
// the results: the driver of a browser with no remote protocol. Serve it
// on the page's origin (its paths are /next and /result); the page loops
// on GET /next (200: a spec to run; 204: ask again) and POSTs what it
// got to /result.
type Queue struct {
	jobs    chan string
	results chan string
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	return &Queue{jobs: make(chan string), results: make(chan string)}
}

// Run hands spec to the page and waits for its result.
func (q *Queue) Run(ctx context.Context, spec string) (string, error) {
	select {
	case q.jobs <- spec:
	case <-ctx.Done():
		return "", fmt.Errorf("the page did not ask for a fetch: %w", ctx.Err())
	}
	select {
	case r := <-q.results:
		return r, nil
	case <-ctx.Done():
		return "", fmt.Errorf("the page did not report the fetch: %w", ctx.Err())
	}
}

// ServeHTTP answers the page's /next and /result requests.
func (q *Queue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case r.URL.Path == "/next" && r.Method == http.MethodGet:
		select {
		case spec := <-q.jobs:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, spec)
		case <-time.After(10 * time.Second):
			w.WriteHeader(http.StatusNoContent)
		case <-r.Context().Done():
		}
	case r.URL.Path == "/result" && r.Method == http.MethodPost:
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		select {
		case q.results <- string(b):
		case <-time.After(10 * time.Second):
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

// queueScript is the page's side of a Queue.
const queueScript = `<script>
(async () => {
  for (;;) {
    let r;
    try { r = await fetch("/next", {cache: "no-store"}); } catch (e) { await new Promise(f => setTimeout(f, 200)); continue; }
    if (r.status !== 200) continue;
    const spec = await r.json();
    const res = spec.userAgent ? navigator.userAgent : await runFetch(spec);
    await fetch("/result", {method: "POST", body: JSON.stringify(res), cache: "no-store"});
  }
})();
</script>`
