package explain_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestExplainLocalNetwork: a Local Network Access refusal is a gate whose
// fix is the user's permission, named per target space, never a CORS
// header; before, it was a plain CORS-looking block with a generic fix.
func TestExplainLocalNetwork(t *testing.T) {
	tr := rtFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("not sent") })
	for _, tc := range []struct{ url, space, perm string }{
		{"http://127.0.0.1:8080/x", "loopback", fetch.PermissionLoopbackNetwork},
		{"http://192.168.1.9/x", "local", fetch.PermissionLocalNetwork},
	} {
		b := &fetch.Browser{Profile: fetch.Chromium, Transport: tr, PageAddressSpace: fetch.SpacePublic}
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: tc.url})
		if err != nil {
			t.Fatal(err)
		}
		d := explain.Explain(res)
		g := d.Gate
		if g == nil || g.ID != "local-network-access" || g.Layer != "user" || g.Permission != tc.perm || g.TargetSpace != tc.space ||
			!g.PendingPermission || g.DevToolsIssue != "CorsIssue" || g.DevToolsReason != "LocalNetworkAccessPermissionDenied" {
			t.Fatalf("%s: gate %+v", tc.url, g)
		}
		if len(d.Fixes) != 1 || !strings.HasPrefix(d.Fixes[0].Text, "not CORS: Local Network Access.") || d.Fixes[0].Header != "" ||
			!strings.Contains(d.Fixes[0].Text, "Access-Control-Allow-Private-Network") {
			t.Errorf("%s: fixes %+v", tc.url, d.Fixes)
		}
		if last := d.Steps[len(d.Steps)-1]; !strings.HasPrefix(last, "Not CORS:") {
			t.Errorf("%s: last step %q", tc.url, last)
		}
	}
}
