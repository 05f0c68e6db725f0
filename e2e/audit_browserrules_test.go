package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// The audit sends and rates only what a browser would, on real servers:
//
//   - Express with cors allowing DELETE for the front end only, audited
//     with -X DELETE and a cookie: the one DELETE a browser would send (the
//     front end's, after its preflight), none after the 204-without-grant
//     preflights cors gives other origins;
//   - nginx answering 302 with $http_origin and credentials: a page never
//     reads a redirect, so no finding above info;
//   - nginx sending Access-Control-Allow-Origin *: the wildcard, once, no
//     localhost-origin, and no guessed origins offered as the allowlist.
func TestAuditBrowserRules(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	ex := realserver.Express(t, realserver.ExpressOptions{
		CORS: `{origin: ['` + frontEnd + `'], methods: ['GET', 'DELETE'], credentials: true}`,
		Code: `app.delete('/items/1', (req, res) => res.json({deleted: true}));`,
	})
	proxy, count := realserver.CountingProxy(t, ex.URL)
	ngx := realserver.NginxHTTP(t, `
    server {
        listen {{listen}};
        location /redirect {
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
            return 302 /login;
        }
        location /public {
            add_header Access-Control-Allow-Origin * always;
            return 200 "{}";
        }
    }`)
	audit := func(u string, args ...string) (doc auditDoc) {
		p, _ := url.Parse(u)
		port := p.Port()
		target := "http://api.victim.example:" + port + p.Path
		out, errOut := runCLI(ctx, t, bin, append([]string{"audit", target, "--rate", "0", "--format", "json", "--resolve", "api.victim.example:" + port + ":127.0.0.1"}, args...)...)
		if err := json.Unmarshal(out, &doc); err != nil || len(doc.Endpoints) != 1 {
			t.Fatalf("%s: %v\n%s%s", u, err, out, errOut)
		}
		return doc
	}

	doc := audit(proxy.URL+"/items/1", "-X", "DELETE", "--cookie", "sid=s3cret", "--origin", frontEnd)
	deletes := count.Count(func(r realserver.Request) bool { return r.Method == "DELETE" })
	fromFront := count.Count(func(r realserver.Request) bool { return r.Method == "DELETE" && r.Origin == frontEnd })
	if deletes != 1 || fromFront != 1 || doc.Endpoints[0].Requests["DELETE"] != 1 {
		t.Errorf("Express: %d DELETEs (%d from the front end), reported %v: want the front end's one", deletes, fromFront, doc.Endpoints[0].Requests)
	}
	t.Logf("Express DELETE endpoint: requests %v", doc.Endpoints[0].Requests)

	doc = audit(ngx.URL + "/redirect")
	for _, f := range doc.Findings {
		if f.Severity != "info" || f.Credentials {
			t.Errorf("nginx 302: %s %s, credentials %v: a page never reads a redirect", f.ID, f.Severity, f.Credentials)
		}
	}

	doc = audit(ngx.URL + "/public")
	wild := 0
	for _, f := range doc.Findings {
		switch {
		case f.ID == "wildcard-origin":
			wild++
		case f.ID == "localhost-origin":
			t.Errorf("nginx *: localhost-origin beside the wildcard")
		}
		if strings.Contains(f.Fix.Config, "www.victim.example") || strings.Contains(f.Fix.Config, "staging.victim.example") {
			t.Errorf("nginx *: %s: the fix offers guessed origins: %s", f.ID, f.Fix.Config)
		}
	}
	if wild != 1 || len(doc.Endpoints[0].Allowed) != 0 {
		t.Errorf("nginx *: %d wildcard-origin findings, allowed %v", wild, doc.Endpoints[0].Allowed)
	}
}

type auditDoc struct {
	Findings []struct {
		ID, Severity string
		Credentials  bool
		Fix          struct{ Config string }
	}
	Endpoints []struct {
		Requests map[string]int
		Allowed  []string `json:"allowed_origins"`
	}
}
