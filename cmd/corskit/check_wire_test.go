package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// check reads an answer as browsers read it: a control byte in a header
// value (here 0x18) is kept, and the call is allowed, where net/http's
// client refused the whole response and check said net::ERR_FAILED
// (issue 18, item 7).
func TestCheckReadsControlBytesAsBrowsersDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", page)
		w.Header().Set("Access-Control-Expose-Headers", "X-Ctl")
		w.Header().Set("X-Ctl", "a\x18b")
	}))
	defer srv.Close()
	stdout, stderr, code := cli(t, "check", srv.URL+"/", "--origin", page)
	if code != 0 || strings.Contains(stdout+stderr, "ERR_") {
		t.Fatalf("exit %d, want 0 (allowed)\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
