package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// The audit names the stack from the CORS library's own answers when the
// server hides its name: Express with X-Powered-By disabled, and Flask
// with Werkzeug's Server header replaced, are recognised by the spelling
// of their default Access-Control-Allow-Methods on a preflight.
func TestAuditStackWithoutServerName(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	ex := realserver.Express(t, realserver.ExpressOptions{
		CORS: `{origin: ['` + frontEnd + `'], credentials: true}`,
		Code: `app.disable('x-powered-by');`,
	})
	fl := realserver.Flask(t, realserver.FlaskOptions{
		CORS: `origins=["` + frontEnd + `"], supports_credentials=True`,
		Code: "from werkzeug.serving import WSGIRequestHandler\nWSGIRequestHandler.server_version = 'app'\nWSGIRequestHandler.sys_version = ''\n",
	})
	for _, tc := range []struct {
		url, method, want string
	}{
		{ex.URL + "/me", "GET", "express"},
		{fl.URL + "/me", "PUT", "flask"},
	} {
		out, errOut := runCLI(ctx, t, bin, "audit", tc.url, "-X", tc.method, "--origin", frontEnd, "--rate", "0", "--format", "json")
		var doc struct {
			Endpoints []struct {
				Stack *struct{ Name, Evidence string }
			}
		}
		if err := json.Unmarshal(out, &doc); err != nil || len(doc.Endpoints) != 1 {
			t.Fatalf("%s: %v\n%s%s", tc.url, err, out, errOut)
		}
		st := doc.Endpoints[0].Stack
		if st == nil || st.Name != tc.want || !strings.HasPrefix(st.Evidence, "Access-Control-Allow-Methods: ") {
			t.Errorf("%s %s: stack %+v: want %s, from Access-Control-Allow-Methods", tc.method, tc.url, st, tc.want)
		}
	}
}

// Behind a reverse proxy the answers show two layers: nginx's Server and
// the application's X-Powered-By. The fix goes to the layer that emits
// the CORS headers: Express with cors({origin: true}) behind a plain
// nginx proxy_pass (before, the audit blamed nginx), and nginx adding
// $http_origin itself (answering preflights with 204 on its own) in
// front of an Express without cors. Both layers are named.
func TestAuditNamesTheLayerThatSendsCORS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	ex := realserver.Express(t, realserver.ExpressOptions{CORS: `{origin: false}`, Code: `
app.use('/reflect', cors({origin: true, credentials: true}));
app.get('/plain', (req, res) => res.json({user: 'alice'}));
`})
	backend := strings.TrimPrefix(ex.URL, "http://")
	proxy := realserver.NginxHTTP(t, `
    server {
        listen {{listen}};
        location /reflect { proxy_pass http://`+backend+`; }
        location /plain {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Access-Control-Allow-Credentials true always;
                add_header Access-Control-Allow-Methods "GET, POST" always;
                return 204;
            }
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            proxy_pass http://`+backend+`;
        }
    }`)
	for _, tc := range []struct {
		path, emitter, other string
	}{
		{"/reflect", "express", "nginx"},
		{"/plain", "nginx", "express"},
	} {
		out, errOut := runCLI(ctx, t, bin, "audit", proxy.URL+tc.path, "--rate", "0", "--format", "json")
		var doc struct {
			Endpoints []struct {
				Stack *struct {
					Name, Setting, Evidence string
					Layers                  []string
				}
			}
		}
		if err := json.Unmarshal(out, &doc); err != nil || len(doc.Endpoints) != 1 {
			t.Fatalf("%s: %v\n%s%s", tc.path, err, out, errOut)
		}
		st := doc.Endpoints[0].Stack
		if st == nil || st.Name != tc.emitter || len(st.Layers) != 2 || !strings.Contains(strings.ToLower(strings.Join(st.Layers, " ")), tc.other) {
			t.Errorf("%s: stack %+v: want the fix for %s, with %s named as the other layer", tc.path, st, tc.emitter, tc.other)
		}
	}
}
