// Package browser starts headless Chromium for corskit's browser tests and
// records what its DevTools console prints, which is where Chromium writes
// the reason a cross-origin call was blocked.
//
// It never skips: when Chromium is missing or cannot start, Start returns an
// error and the test fails. The flags are the ones measured in
// shared/reference/chromium.md; without the background-networking ones
// Chromium floods a closed network with refused connections.
package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// ExecPath returns the Chromium binary: $CHROMIUM when set, otherwise the
// first of chromium, chromium-browser, google-chrome found on $PATH.
func ExecPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("browser: no Chromium found (install Debian's chromium package, or set CHROMIUM); `make test` installs it")
}

// Browser is one headless Chromium process with a fresh profile.
type Browser struct {
	ctx    context.Context // the browser's first tab; new tabs derive from it
	cancel func()
}

// Start launches Chromium and checks that it answers. The profile lets
// third-party cookies through, so credentialed calls between the loopback
// "sites" behave as they do between real ones (see chromium.md). extra adds
// command-line flags, such as the conformance gates' ignore-certificate-errors.
func Start(ctx context.Context, extra ...chromedp.ExecAllocatorOption) (*Browser, error) {
	path, err := ExecPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "corskit-chromium-")
	if err != nil {
		return nil, fmt.Errorf("browser: profile dir: %w", err)
	}
	if err := writePreferences(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // small /dev/shm in containers
		chromedp.WindowSize(1100, 1400),
	}
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(tabCtx); err != nil {
		cancelTab()
		cancelAlloc()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("browser: starting %s: %w", path, err)
	}
	return &Browser{ctx: tabCtx, cancel: func() {
		cancelTab()
		cancelAlloc()
		os.RemoveAll(dir)
	}}, nil
}

// writePreferences allows third-party cookies in the fresh profile.
func writePreferences(dir string) error {
	prefs, _ := json.Marshal(map[string]any{"profile": map[string]any{"cookie_controls_mode": 0}})
	if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o755); err != nil {
		return fmt.Errorf("browser: profile: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), prefs, 0o644); err != nil {
		return fmt.Errorf("browser: profile: %w", err)
	}
	return nil
}

// Close stops Chromium and removes its profile.
func (b *Browser) Close() { b.cancel() }

// Tab is one page with its console recorded.
type Tab struct {
	Ctx    context.Context // pass to chromedp.Run
	cancel func()

	mu      sync.Mutex
	console []string
}

// NewTab opens a tab and starts recording its console: console.* calls,
// uncaught exceptions and the browser's own log entries (where Chromium
// writes CORS errors).
func (b *Browser) NewTab() (*Tab, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, fmt.Errorf("browser: new tab: %w", err)
	}
	t := &Tab{Ctx: ctx, cancel: cancel}
	messages := chromedp.Console(ctx) // subscribed from here on: nothing is lost
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			t.record(m.Text)
		}
	}()
	return t, nil
}

func (t *Tab) record(s string) {
	t.mu.Lock()
	t.console = append(t.console, s)
	t.mu.Unlock()
}

// Console returns the console lines recorded so far, oldest first.
func (t *Tab) Console() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.console...)
}

// Close closes the tab.
func (t *Tab) Close() { t.cancel() }

// OpenTab starts Chromium and opens a tab for a test, failing the test
// (never skipping it) when Chromium cannot start. Both close when the test
// ends.
func OpenTab(ctx context.Context, t testing.TB, extra ...chromedp.ExecAllocatorOption) *Tab {
	t.Helper()
	b, err := Start(ctx, extra...)
	if err != nil {
		t.Fatalf("headless Chromium must start for this test (it is never skipped): %v", err)
	}
	t.Cleanup(b.Close)
	tab, err := b.NewTab()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	return tab
}
