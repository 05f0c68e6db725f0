package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckORB: an <img> (or a no-cors fetch()) of JSON from another
// origin is refused by Opaque Response Blocking in Chromium and Firefox,
// not in WebKit; check exits 1, leads with "not CORS:", names Chromium's
// net::ERR_BLOCKED_BY_ORB and Firefox's console line, and the fix is CORS
// mode for data or the right Content-Type for an image served as another
// type, never a CORS header on the no-cors load.
func TestCheckORB(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/logo.gif":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Write([]byte("GIF89a\x01\x00\x01\x00"))
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"user":"alice"}`))
		}
	}))
	t.Cleanup(srv.Close)
	api := srv.URL + "/api/me"
	checkCases(t, nil, []checkCase{
		{"img of json", []string{api, "--origin", "http://app.example.com", "--as", "img", "--no-probe"}, 1,
			[]string{"Not CORS (orb-blocked):", "Network panel status net::ERR_BLOCKED_BY_ORB", "Issues panel: GenericIssue ResponseWasBlockedByORB",
				"The resource at “" + api + "” was blocked by OpaqueResponseBlocking. Reason: “Javascript validation failed”.",
				"the <img> fires its error event", "not CORS: an <img> without crossorigin is a cross-origin load in no-cors mode",
				"An <img> shows images only", "Access-Control-Allow-Origin: http://app.example.com",
				"[orb-none] WebKit runs no Opaque Response Blocking"},
			[]string{"In corskit cors"}},
		{"image served as json with nosniff", []string{srv.URL + "/logo.gif", "--origin", "http://app.example.com", "--as", "img", "--no-probe"}, 1,
			[]string{"orb-blocked", "nosniff is true and mimeType is an opaque-blocklisted MIME type",
				"the answer's bytes are an image (image/gif)", "must send Content-Type: image/gif"}, nil},
		{"no-cors fetch of json", []string{api, "--origin", "http://app.example.com", "--mode", "no-cors", "--no-probe"}, 0,
			[]string{"orb-emptied", "fetch() resolves with an empty opaque response (Chromium's Network panel: net::ERR_ABORTED)"}, nil},
	})
	out, _, code := cli(t, "check", api, "--origin", "http://app.example.com", "--as", "img", "--no-probe", "--json")
	if code != 1 || !json.Valid([]byte(out)) {
		t.Fatalf("--json: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, `"orb_rule": "not-script"`) || !strings.Contains(out, `"net_error": "net::ERR_BLOCKED_BY_ORB"`) || !strings.Contains(out, `"reason": "orb-blocked"`) {
		t.Errorf("--json lacks the ORB gate:\n%s", out)
	}
}
