package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// streamServer is a Node.js http server that reflects any Origin with
// credentials, the hole the audit must find, on answers whose bodies
// never end in time: server-sent events (the headers at once, then an
// event a second), a body that drips a byte every 100 ms, and an answer
// with 10 MB of response headers.
const streamServer = `
const http = require('http');
http.createServer((req, res) => {
  const h = {'Cache-Control': 'no-store'};
  const o = req.headers.origin;
  if (o) {
    h['Access-Control-Allow-Origin'] = o;
    h['Access-Control-Allow-Credentials'] = 'true';
    h['Vary'] = 'Origin';
  }
  let tick = null;
  if (req.url.startsWith('/events')) {
    h['Content-Type'] = 'text/event-stream';
    res.writeHead(200, h);
    res.write('retry: 1000\n\n');
    tick = setInterval(() => res.write('data: tick\n\n'), 1000);
  } else if (req.url.startsWith('/drip')) {
    h['Content-Type'] = 'text/plain';
    res.writeHead(200, h);
    tick = setInterval(() => res.write('.'), 100);
  } else {
    h['X-Padding'] = 'a'.repeat(10 << 20);
    res.writeHead(200, h);
    res.end('{}');
  }
  req.on('close', () => tick && clearInterval(tick));
  res.on('close', () => tick && clearInterval(tick));
}).listen({{port}}, '127.0.0.1');
`

// Streaming answers and huge headers are answers: the audit judges the
// headers, reads a bounded part of the body, and finds the hole. Before,
// each endpoint was "unreachable" (exit 3) and the reflection missed.
func TestAuditStreamingAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	srv := realserver.NodeProgram(t, "sse", streamServer)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	base := "http://api.victim.example:" + port
	cmd := exec.CommandContext(ctx, bin, "audit", base+"/events", base+"/drip", base+"/big",
		"--rate", "0", "--timeout", "5s", "--format", "json", "--resolve", "api.victim.example:"+port+":127.0.0.1")
	began := time.Now()
	out, err := cmd.Output()
	wall := time.Since(began)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct{ URL, ID, Severity string }
		Errors   []struct{ URL, Error string }
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != 1 || len(doc.Errors) > 0 {
		t.Errorf("exit %d, errors %+v: want 1 (findings), none unreachable", code, doc.Errors)
	}
	for _, p := range []string{"/events", "/drip", "/big"} {
		found := false
		for _, f := range doc.Findings {
			found = found || (f.URL == base+p && f.ID == "reflect-any-origin" && f.Severity == "high")
		}
		if !found {
			t.Errorf("%s: reflect-any-origin (high) not found", p)
		}
	}
	t.Logf("3 endpoints audited in %v", wall.Round(100*time.Millisecond))
}
