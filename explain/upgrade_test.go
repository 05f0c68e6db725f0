package explain_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// TestUpgradedImage: an https page's http <img> is upgraded, not blocked;
// its verdict is that of the https load, and when nothing answers https
// there the fix says so, as not CORS. Before: blocked as mixed content,
// and the fix was to call the API over https.
func TestUpgradedImage(t *testing.T) {
	image := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a"))
	})
	tlsSrv := httptest.NewTLSServer(image)
	defer tlsSrv.Close()
	plain := httptest.NewServer(image)
	defer plain.Close()
	for _, tc := range []struct {
		name, at, verdict string
		want              []string
	}{
		{"https answers", tlsSrv.URL, "allowed", []string{"[mixed-content-upgraded]"}},
		{"no https there", plain.URL, "network-error", []string{"[mixed-content-upgraded]", "not CORS: the page is https, so the browser loaded this http image over https", "does not answer https there"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := tc.at[strings.LastIndex(tc.at, ":")+1:]
			d := &net.Dialer{}
			tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test's own certificate
				DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					return d.DialContext(ctx, network, "127.0.0.1:"+port)
				}}
			b := &fetch.Browser{Profile: fetch.Chromium, Transport: tr, NoHTTPCache: true}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"),
				URL: "http://img.example.com:" + port + "/logo.gif", Mode: fetch.ModeNoCORS, Credentials: fetch.CredentialsInclude,
				Destination: fetch.DestinationImage, Page: &fetch.Page{URL: "https://app.example.com/"}})
			if err != nil {
				t.Fatal(err)
			}
			if m := res.MixedUpgrade; m == nil || !m.Upgraded {
				t.Fatalf("not upgraded: %+v", m)
			}
			if u, _ := url.Parse(res.Trace[0].URL); u.Scheme != "https" || u.Port() != port {
				t.Errorf("loaded %s, want https on port %s", res.Trace[0].URL, port)
			}
			diag := explain.Explain(res)
			var sb strings.Builder
			explain.WriteAdvice(&sb, diag, explain.AdviceLayout{})
			if diag.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", diag.Verdict, tc.verdict)
			}
			for _, w := range tc.want {
				if !strings.Contains(sb.String(), w) {
					t.Errorf("advice lacks %q:\n%s", w, sb.String())
				}
			}
		})
	}
}

// TestBlockableStaysBlocked: a fetch() of http from an https page is
// blockable mixed content, no-cors or not: refused, never upgraded.
func TestBlockableStaysBlocked(t *testing.T) {
	for _, mode := range []fetch.Mode{fetch.ModeCORS, fetch.ModeNoCORS} {
		b := &fetch.Browser{Profile: fetch.Firefox, NoHTTPCache: true}
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"),
			URL: "http://api.example.com/x", Mode: mode, Page: &fetch.Page{URL: "https://app.example.com/"}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Err == nil || res.Err.Reason != fetch.ReasonMixedContent || res.MixedUpgrade != nil {
			t.Errorf("mode %s: %v, upgrade %+v", mode, res.Err, res.MixedUpgrade)
		}
	}
}
