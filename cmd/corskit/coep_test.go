package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCheckCOEP: --page-coep and --as img; a load CORP refused was sent
// (the answer came and was thrown away), exits 1, leads with "not CORS:"
// and names the resource's server and the CORP header in each stack,
// never a CORS header as the fix; <img crossorigin> is CORS and needs no
// CORP.
func TestCheckCOEP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("corp"); v != "" {
			w.Header().Set("Cross-Origin-Resource-Policy", v)
		}
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a"))
	}))
	t.Cleanup(srv.Close)
	img := srv.URL + "/logo.gif"
	checkCases(t, nil, []checkCase{
		{"coep img without corp", []string{img, "--origin", "http://app.example.com", "--page-coep", "require-corp", "--as", "img", "--no-probe"}, 1,
			[]string{"mode no-cors", "> Accept: image/", "not CORS: the page sends Cross-Origin-Embedder-Policy: require-corp",
				"Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep",
				"The resource at “" + img + "” was blocked due to its Cross-Origin-Resource-Policy header",
				"Cannot load image " + img + " due to access control checks.", "the <img> fires its error event",
				"(blocked:corp-not-same-origin-after-defaulted-to-same-origin-by-coep)",
				`add_header Cross-Origin-Resource-Policy "cross-origin" always;`,
				`helmet.crossOriginResourcePolicy({ policy: "cross-origin" })`,
				`w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")`, "<img crossorigin>"},
			[]string{"Access-Control-Allow-Origin: http://app.example.com\n", "In corskit cors"}},
		{"coep img with corp", []string{img + "?corp=cross-origin", "--origin", "http://app.example.com", "--page-coep", "require-corp", "--as", "img", "--no-probe"}, 0,
			[]string{"ALLOWED"}, []string{"not CORS"}},
		{"credentialless", []string{img, "--origin", "http://app.example.com", "--page-coep", "credentialless", "--as", "img", "--no-probe"}, 0,
			[]string{"ALLOWED"}, []string{"not CORS"}},
		{"crossorigin is CORS", []string{img, "--origin", "http://app.example.com", "--page-coep", "require-corp", "--as", "img", "--crossorigin", "anonymous", "--no-probe"}, 0,
			[]string{"ALLOWED", "mode cors"}, []string{"not CORS"}},
		{"corp without coep", []string{img + "?corp=same-origin", "--origin", "http://app.example.com", "--mode", "no-cors", "--no-probe"}, 1,
			[]string{"not CORS: the resource answers Cross-Origin-Resource-Policy: same-origin", "Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin",
				"fetch() rejects with TypeError: Failed to fetch", "CORS mode (fetch() without mode: 'no-cors')"}, nil},
	})
}

func TestCheckCOEPUsage(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		args      []string
	}{
		{"bad coep", "--page-coep", []string{"https://api.example.com/", "--origin", page, "--page-coep", "require-cors"}},
		{"bad as", "--as", []string{"https://api.example.com/", "--origin", page, "--as", "video"}},
		{"crossorigin without img", "--crossorigin: only with --as img", []string{"https://api.example.com/", "--origin", page, "--crossorigin", "anonymous"}},
		{"img with method", "--X: not with --as img", []string{"https://api.example.com/", "--origin", page, "--as", "img", "-X", "POST"}},
		{"img with mode", "--mode: not with --as img", []string{"https://api.example.com/", "--origin", page, "--as", "img", "--mode", "cors"}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkMisuse(t, tc.args, tc.msg) })
	}
}

// TestCheckCOEPJSON: the CORP gate in check's JSON.
func TestCheckCOEPJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("x")) }))
	t.Cleanup(srv.Close)
	var r struct {
		Reason string `json:"reason"`
		Gate   struct {
			ID, Layer, COEP, CORP string
			DevToolsIssue         string `json:"devtools_issue"`
			DevToolsReason        string `json:"devtools_reason"`
		} `json:"gate"`
	}
	checkJSONInto(t, 1, &r, srv.URL+"/a.png", "--origin", page, "--page-coep", "require-corp", "--as", "img")
	if r.Reason != "coep-corp-missing" || r.Gate.Layer != "resource-server" || r.Gate.CORP != "cross-origin" || r.Gate.COEP != "require-corp" ||
		r.Gate.DevToolsIssue != "BlockedByResponseIssue" || r.Gate.DevToolsReason != "CorpNotSameOriginAfterDefaultedToSameOriginByCoep" {
		t.Errorf("%+v", r)
	}
}
