package audit_test

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/audit"
)

// wsServer completes WebSocket handshakes (RFC 6455 section 4.2.2) for
// the origins accept allows, and records, per connection, every byte the
// client sent after the handshake, until the client closed it.
type wsServer struct {
	accept func(origin string) bool
	mu     sync.Mutex
	after  []string // what each accepted connection got after its handshake
}

func (s *wsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		w.Write([]byte("plain page\n"))
		return
	}
	if !s.accept(r.Header.Get("Origin")) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
		base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n")
	rw.Flush()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(rw) // to the client's close (or the deadline)
	s.mu.Lock()
	s.after = append(s.after, string(got))
	s.mu.Unlock()
}

func wsFindings(t *testing.T, target string, ws bool, cookie string) audit.Result {
	t.Helper()
	res := audit.New(audit.Options{WebSocket: ws, Timeout: 5 * time.Second}).Scan(context.Background(), audit.Target{URL: target, Cookie: cookie})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	return res
}

func wsFinding(res audit.Result) *audit.Finding {
	for i, f := range res.Findings {
		if f.ID == audit.CrossSiteWebSocket {
			return &res.Findings[i]
		}
	}
	return nil
}

// TestCrossSiteWebSocket: a handshake from another site's origin that the
// server accepts is reported, high with the user's cookie and info without
// evidence of any; a server that checks Origin is not; the probe is sent
// only when asked (--websocket, or a ws:// target); and after the 101 the
// audit sends nothing, not one byte, before closing.
func TestCrossSiteWebSocket(t *testing.T) {
	anyOrigin := &wsServer{accept: func(string) bool { return true }}
	srvAny := httptest.NewServer(anyOrigin)
	defer srvAny.Close()
	checked := &wsServer{accept: func(o string) bool { return o == "https://app.example.com" }}
	srvChecked := httptest.NewServer(checked)
	defer srvChecked.Close()
	ws := "ws" + strings.TrimPrefix(srvAny.URL, "http")

	if f := wsFinding(wsFindings(t, srvAny.URL+"/socket", false, "sid=1")); f != nil {
		t.Errorf("without --websocket: %+v", f)
	}
	for _, tc := range []struct {
		target, cookie string
		ws             bool
		want           audit.Severity
	}{
		{srvAny.URL + "/socket", "sid=1", true, audit.High},
		{ws + "/socket", "sid=1", false, audit.High},
		{ws + "/socket", "", false, audit.Info},
	} {
		res := wsFindings(t, tc.target, tc.ws, tc.cookie)
		f := wsFinding(res)
		if f == nil || f.Severity != tc.want || f.Evidence.Status != 101 || f.Origin != "https://corskit-attacker.example" ||
			f.Evidence.RequestHeaders.Get("Sec-Websocket-Version") != "13" || f.Evidence.RequestHeaders.Get("Sec-Websocket-Key") == "" {
			t.Errorf("%s (cookie %q): %+v", tc.target, tc.cookie, f)
		}
		if strings.HasPrefix(tc.target, "ws") && (res.Probes != 1 || res.Requests["GET"] != 1) {
			t.Errorf("%s: %d requests %v, want the handshake alone", tc.target, res.Probes, res.Requests)
		}
		if f != nil && strings.Contains(f.Evidence.RequestHeaders.Get("Cookie"), "sid=1") {
			t.Errorf("the cookie's value is in the report: %v", f.Evidence.RequestHeaders)
		}
	}
	if f := wsFinding(wsFindings(t, "ws"+strings.TrimPrefix(srvChecked.URL, "http")+"/socket", false, "sid=1")); f != nil {
		t.Errorf("a server that checks Origin: %+v", f)
	}
	// Each connection's handler records once the audit closed it.
	var after []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		anyOrigin.mu.Lock()
		after = append(after[:0], anyOrigin.after...)
		anyOrigin.mu.Unlock()
		if len(after) == 3 {
			break
		}
	}
	if len(after) != 3 {
		t.Fatalf("%d connections closed, want 3", len(after))
	}
	for i, got := range after {
		if got != "" {
			t.Errorf("connection %d: the audit sent %q after the handshake", i, got)
		}
	}
}
