package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

//go:embed testdata/ws_server.mjs
var wsServerSource string

// wsEvent is one connection the ws server accepted.
type wsEvent struct {
	Path, Origin, Cookie string
	Messages             int
	Closed               *int
}

// TestAuditCrossSiteWebSocket runs `corskit audit` against a real
// WebSocket server (npm's ws): a handshake from an attacker's origin that
// the server accepts is cross-site-websocket, high with the user's cookie
// and info without; the endpoint that checks Origin (verifyClient) is
// clean; an http target is probed only with --websocket. On the server's
// side, every connection the audit opened got not one message and was
// closed without a close frame (1006). Before, audit refused ws:// URLs
// (exit 2) and had no such finding.
func TestAuditCrossSiteWebSocket(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bin := cli.Build(ctx, t)
	srv := realserver.NodeGuardsProgram(t, "ws", wsServerSource)
	ws := "ws" + strings.TrimPrefix(srv.URL, "http")

	type finding struct{ URL, ID, Severity string }
	audit := func(args ...string) (findings []finding) {
		t.Helper()
		out, errOut := runCLI(ctx, t, bin, append([]string{"audit", "--rate", "0", "--format", "json"}, args...)...)
		var doc struct {
			Findings []finding
			Errors   []any
		}
		if err := json.Unmarshal(out, &doc); err != nil || len(doc.Errors) > 0 {
			t.Fatalf("audit %v: %v, errors %v\n%s\n%s", args, err, doc.Errors, out, errOut)
		}
		for _, f := range doc.Findings {
			if f.ID == "cross-site-websocket" {
				findings = append(findings, f)
			}
		}
		return findings
	}
	got := audit("--cookie", "sid=1", ws+"/any", ws+"/checked")
	if len(got) != 1 || got[0].URL != ws+"/any" || got[0].Severity != "high" {
		t.Errorf("ws targets with a cookie: %+v", got)
	}
	if got := audit(ws + "/any"); len(got) != 1 || got[0].Severity != "info" {
		t.Errorf("ws target without a cookie: %+v", got)
	}
	if got := audit(srv.URL + "/any"); len(got) != 0 {
		t.Errorf("http target without --websocket: %+v", got)
	}
	if got := audit("--websocket", "--cookie", "sid=1", srv.URL+"/any"); len(got) != 1 || got[0].Severity != "high" {
		t.Errorf("http target with --websocket: %+v", got)
	}

	// The server's record: three connections accepted, each closed by the
	// audit without a message or a close frame.
	var events []wsEvent
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(srv.URL + "/events")
		if err != nil {
			t.Fatal(err)
		}
		events = nil
		err = json.NewDecoder(res.Body).Decode(&events)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		closed := 0
		for _, e := range events {
			if e.Closed != nil {
				closed++
			}
		}
		if closed == len(events) || time.Now().After(deadline) {
			break
		}
	}
	if len(events) != 3 {
		t.Fatalf("the server accepted %d connections, want 3: %+v", len(events), events)
	}
	for _, e := range events {
		if e.Path != "/any" || e.Origin != "https://corskit-attacker.example" || e.Messages != 0 || e.Closed == nil || *e.Closed != 1006 {
			t.Errorf("connection %+v: want /any from the attacker's origin, no message, closed without a close frame (1006)", e)
		}
	}
}
