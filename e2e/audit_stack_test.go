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
