package explain

import (
	"context"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// TestAllowInDirective: the page's policy fixed for a load of each kind:
// the directive that refused it gains the origin; when default-src stood
// in, the kind's own general directive is created with default-src's
// sources ('none' dropped).
func TestAllowInDirective(t *testing.T) {
	const api = "https://cdn.example.com"
	for _, tc := range []struct {
		kind         fetch.Kind
		policy, want string
	}{
		{fetch.KindScript, "default-src 'self'; script-src 'self'", "default-src 'self'; script-src 'self' https://cdn.example.com"},
		{fetch.KindScript, "script-src 'self'; script-src-elem 'none'", "script-src 'self'; script-src-elem https://cdn.example.com"},
		{fetch.KindModule, "default-src 'self'", "default-src 'self'; script-src 'self' https://cdn.example.com"},
		{fetch.KindImage, "default-src 'none'", "default-src 'none'; img-src https://cdn.example.com"},
		{fetch.KindFont, "Font-Src 'self'", "font-src 'self' https://cdn.example.com"},
		{fetch.KindStylesheet, "style-src 'self'", "style-src 'self' https://cdn.example.com"},
		{fetch.KindWebSocket, "connect-src 'self'", "connect-src 'self' https://cdn.example.com"},
	} {
		if got := allowInDirective(tc.policy, fetch.CSPChain(tc.kind), api); got != tc.want {
			t.Errorf("%s in %q:\n got %q\nwant %q", tc.kind, tc.policy, got, tc.want)
		}
	}
}

// TestKindGateDiagnosis: a <script> the page's script-src refused leads
// with "not CORS:", names the directive and fixes the page's policy,
// which then lets the script through the model; never a CORS header.
func TestKindGateDiagnosis(t *testing.T) {
	page := &fetch.Page{URL: "https://app.example.com/", CSP: []string{"default-src 'self'; script-src 'self'"}}
	req := fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: "https://cdn.example.com/app.js", Page: page}
	if err := fetch.KindScript.Load(&req, fetch.CrossOriginAnonymous); err != nil {
		t.Fatal(err)
	}
	res, err := (&fetch.Browser{Transport: refuse{}}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d := Explain(res)
	g := d.Gate
	if g == nil || g.ID != "csp-script-src" || g.Layer != "page-server" || g.BlockedReason != "csp" || !g.Fallback || g.Directive != "script-src 'self'" {
		t.Fatalf("gate %+v", g)
	}
	if len(d.Fixes) != 1 || d.Fixes[0].Header != "Content-Security-Policy" || !strings.HasPrefix(d.Fixes[0].Text, "not CORS: the page's Content Security Policy (script-src 'self') refuses scripts from https://cdn.example.com") {
		t.Fatalf("fixes %+v", d.Fixes)
	}
	if len(g.Snippets) == 0 || !strings.Contains(g.Snippets[0].Code, "script-src 'self' https://cdn.example.com") {
		t.Errorf("snippets %+v", g.Snippets)
	}
	page.CSP = []string{d.Fixes[0].Value}
	res, err = (&fetch.Browser{Transport: refuse{}}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || res.Err.Reason != fetch.ReasonNetwork {
		t.Errorf("with the fixed policy: %+v, want the script sent (a network error here)", res.Err)
	}
}
