package explain

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

func TestAllowInConnectSrc(t *testing.T) {
	const api = "https://api.example.com"
	for _, tc := range []struct{ policy, want string }{
		{"connect-src 'self'", "connect-src 'self' https://api.example.com"},
		{"connect-src 'none'", "connect-src https://api.example.com"},
		{"default-src 'self'; img-src *", "default-src 'self'; img-src *; connect-src 'self' https://api.example.com"},
		{"default-src 'none';", "default-src 'none'; connect-src https://api.example.com"},
		{"img-src *; CONNECT-SRC https://a.test; script-src 'self'", "img-src *; connect-src https://a.test https://api.example.com; script-src 'self'"},
		{"", "connect-src https://api.example.com"},
	} {
		if got := allowInConnectSrc(tc.policy, api); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.policy, got, tc.want)
		}
	}
}

type refuse struct{}

func (refuse) RoundTrip(*http.Request) (*http.Response, error) { return nil, errors.New("no network") }

// TestGateDiagnosis: a refusal by the page's CSP leads with "not CORS:",
// fixes the page's policy (never a CORS header), and warns when a second
// policy refuses too; the fixed policy lets the call through the model.
func TestGateDiagnosis(t *testing.T) {
	page := &fetch.Page{URL: "https://app.example.com/", CSP: []string{"default-src 'self'", "connect-src 'none'"}}
	req := fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: "https://api.example.com/v1", Page: page}
	res, err := (&fetch.Browser{Transport: refuse{}}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d := Explain(res)
	if d.Gate == nil || len(d.Fixes) != 1 || !strings.HasPrefix(d.Fixes[0].Text, "not CORS:") || d.Fixes[0].Header != "Content-Security-Policy" ||
		d.Fixes[0].Value != "default-src 'self'; connect-src 'self' https://api.example.com" {
		t.Fatalf("diagnosis: %+v", d)
	}
	if len(d.Warnings) != 1 || d.Warnings[0].ID != "csp-several-policies" {
		t.Errorf("warnings: %+v", d.Warnings)
	}
	if !strings.HasPrefix(d.Steps[len(d.Steps)-1], "Not CORS:") {
		t.Errorf("steps: %q", d.Steps)
	}
	// Both policies fixed, the gate lets the call go (it then fails on the
	// refusing transport, not on the page's policy).
	page.CSP = []string{d.Fixes[0].Value, allowInConnectSrc(page.CSP[1], "https://api.example.com")}
	res, _ = (&fetch.Browser{Transport: refuse{}}).Fetch(context.Background(), req)
	if res.Err == nil || res.Err.Reason != fetch.ReasonNetwork {
		t.Errorf("with the fixed policies: %+v", res.Err)
	}
}
