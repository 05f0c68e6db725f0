package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/examples/internal/wire"
)

const acme, globex = "api.acme.example", "api.globex.example"

func TestTenants(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, r.Host) })
	tn := NewTenants(app)
	dir := t.TempDir()
	path := filepath.Join(dir, "tenants.json")
	write := func(s string) {
		// Write then rename, as editors and ConfigMap updates do, so the
		// watcher never reads half a file.
		tmp := filepath.Join(dir, "tmp")
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"tenants": {
		"api.acme.example":   {"allowed_origins": ["https://app.acme.example"], "allow_credentials": true},
		"api.globex.example": {"allowed_origins": ["https://app.example.com"], "allow_credentials": true}}}`)

	var mu sync.Mutex
	var logs []string
	logf := func(f string, a ...any) { mu.Lock(); logs = append(logs, fmt.Sprintf(f, a...)); mu.Unlock() }
	loads := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(logs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go tn.Watch(ctx, path, 10*time.Millisecond, logf)
	waitFor(t, func() bool { return loads() >= 1 })

	srv := httptest.NewServer(tn)
	defer srv.Close()
	url := srv.URL + "/items/1"

	// Each tenant admits its own page, and only its own.
	wire.Allowed(t, "globex preflight", wire.Preflight(t, url, globex, wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
	wire.Allowed(t, "globex PUT", wire.Actual(t, url, globex, wire.PageOrigin), wire.PageOrigin, http.StatusOK)
	wire.Refused(t, "acme preflight from globex's page", wire.Preflight(t, url, acme, wire.PageOrigin))
	wire.Allowed(t, "acme PUT", wire.Actual(t, url, acme, "https://app.acme.example"), "https://app.acme.example", http.StatusOK)
	if res := wire.Actual(t, url, "unknown.example", wire.PageOrigin); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown host: status %d, want 404", res.StatusCode)
	} else {
		wire.Refused(t, "unknown host", res)
	}

	// The file changes: acme now also admits the shared page, globex
	// is gone. The watcher applies it without a restart.
	write(`{"tenants": {"api.acme.example": {"allowed_origins": ["https://app.acme.example", "https://app.example.com"], "allow_credentials": true}}}`)
	waitFor(t, func() bool { return loads() >= 2 })
	wire.Allowed(t, "acme preflight after reload", wire.Preflight(t, url, acme, wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
	if res := wire.Preflight(t, url, globex, wire.PageOrigin); res.StatusCode != http.StatusNotFound {
		t.Errorf("removed tenant: preflight status %d, want 404", res.StatusCode)
	}

	// A bad file (credentials with "*") changes nothing, and says why.
	write(`{"tenants": {"api.acme.example": {"allowed_origins": ["*"], "allow_credentials": true}}}`)
	waitFor(t, func() bool { return loads() >= 3 })
	mu.Lock()
	last := logs[len(logs)-1]
	mu.Unlock()
	if !strings.Contains(last, `tenant "api.acme.example"`) || !strings.Contains(last, "AllowedOrigins") || !strings.Contains(last, "keeping the current policies") {
		t.Errorf("bad config logged %q; want the tenant, the field and that nothing changed", last)
	}
	wire.Allowed(t, "acme preflight after a bad file", wire.Preflight(t, url, acme, wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
	wire.Refused(t, "acme after a bad file, evil page", wire.Preflight(t, url, acme, wire.EvilOrigin))
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not apply the file within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
