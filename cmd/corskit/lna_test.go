package main

import "testing"

// TestCheckLocalNetworkAccess: a public page (--page-address-space, or a
// --page-url on a public IP address) calling a loopback server is stopped
// by Local Network Access in Chromium and Firefox, not in WebKitGTK; the
// diagnosis leads with "not CORS:", names the permission and each
// engine's words. A local page calls loopback freely (measured in
// Chromium 156 and Firefox ESR 153; before, the model gated it).
func TestCheckLocalNetworkAccess(t *testing.T) {
	srv, _ := countingServer(t)
	gatedOut := []string{"not CORS: Local Network Access", `"loopback-network" permission`, "Verdict: blocked pending permission",
		"Permission was denied for this request to access the `loopback` address space.",
		"Local Network Access permission required: top-level site", "Issues panel CorsIssue", "LocalNetworkAccessPermissionDenied"}
	checkCases(t, []string{srv.URL + "/items"}, []checkCase{
		{"public page", []string{"--origin", "https://app.example.com", "--page-address-space", "public"}, 1, gatedOut, nil},
		{"public IP page", []string{"--page-url", "http://203.0.113.5/app"}, 1, gatedOut, nil},
		// Firefox logs that it saw the access, and lets it through.
		{"local page", []string{"--origin", "http://192.168.1.20", "--page-address-space", "local"}, 0,
			[]string{"ALLOWED", "Local Network Access detected: top-level site “http://192.168.1.20/”"}, []string{"not CORS", "permission required"}},
		{"unknown page", []string{"--origin", "https://app.example.com"}, 0, []string{"ALLOWED"}, []string{"Local Network Access"}},
	})
}
