package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// TestAuditEmbeddableWithoutCORP runs `corskit audit --cookie` against a
// real nginx that serves a user's JSON by its session cookie (a 401
// without it). Without Cross-Origin-Resource-Policy the answer is
// embeddable-without-corp (info), and the fix names nginx's line; that
// line, added to the same location, makes nginx send CORP same-origin,
// and the finding is gone. nginx's access log shows the probe as a
// browser's <img> from another site: GETs only, no Origin, the first with
// the cookie. Before, the audit had no such class.
func TestAuditEmbeddableWithoutCORP(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	serve := func(corp string) *realserver.Server {
		return realserver.NginxHTTP(t, `log_format embed '$request_method $http_sec_fetch_mode $http_sec_fetch_dest origin="$http_origin" sid="$cookie_sid"';
server {
    listen `+realserver.Listen+`;
    location = /me {
        access_log {{dir}}/logs/embed.log embed;
        default_type application/json;
        `+corp+`
        if ($cookie_sid = "alice") {
            return 200 '{"user":"alice","email":"alice@example.com"}';
        }
        return 401 '{"error":"log in"}';
    }
}
`)
	}
	type finding struct {
		ID, Severity string
		Credentials  bool
		Fix          struct{ Stack string }
	}
	audit := func(s *realserver.Server) []finding {
		t.Helper()
		u := fmt.Sprintf("http://127.0.0.1:%d/me", s.Port())
		out, errOut := runCLI(ctx, t, bin, "audit", u, "--cookie", "sid=alice", "--rate", "0", "--format", "json")
		var doc struct {
			Findings []finding
			Errors   []any
		}
		if err := json.Unmarshal(out, &doc); err != nil || len(doc.Errors) > 0 {
			t.Fatalf("audit: %v, errors %v\n%s\n%s", err, doc.Errors, out, errOut)
		}
		var got []finding
		for _, f := range doc.Findings {
			if f.ID == "embeddable-without-corp" {
				got = append(got, f)
			}
		}
		return got
	}

	open := serve("")
	got := audit(open)
	if len(got) != 1 || got[0].Severity != "info" || !got[0].Credentials {
		t.Fatalf("without CORP: %+v, want one info embeddable-without-corp", got)
	}
	title, line, ok := strings.Cut(got[0].Fix.Stack, ": ")
	if !ok || !strings.HasPrefix(title, "nginx") || line != `add_header Cross-Origin-Resource-Policy "same-origin" always;` {
		t.Fatalf("fix %q: want nginx's CORP line", got[0].Fix.Stack)
	}
	log, err := os.ReadFile(open.Dir + "/logs/embed.log")
	if err != nil {
		t.Fatal(err)
	}
	var embeds []string
	for _, l := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		if strings.Contains(l, " no-cors ") {
			embeds = append(embeds, l)
		}
	}
	// A 200 with the cookie, a 401 without: two loads tell them apart.
	// nginx logs an absent header or cookie as "-".
	want := []string{`GET no-cors image origin="-" sid="alice"`, `GET no-cors image origin="-" sid="-"`}
	if strings.Join(embeds, "\n") != strings.Join(want, "\n") {
		t.Errorf("nginx saw the embed probe as\n%s\nwant\n%s", strings.Join(embeds, "\n"), strings.Join(want, "\n"))
	}

	if got := audit(serve(line)); len(got) != 0 {
		t.Errorf("with the fix's line: %+v, want no finding", got)
	}
}
