package audit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/corskit/corskit/audit"
)

// The classic hole: an API that copies whatever Origin it gets into
// Access-Control-Allow-Origin, with credentials. Any website a logged-in
// user visits can read this endpoint with the user's cookies, so the
// findings are high; the missing Vary: Origin is low on its own.
func Example() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o) // reflects every origin
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		fmt.Fprintln(w, `{"email":"me@example.com"}`)
	}))
	defer api.Close()

	s := audit.New(audit.Options{})
	res := s.Scan(context.Background(), audit.Target{URL: api.URL + "/me"})
	if res.Err != nil {
		panic(res.Err) // unreachable, or not an http(s) URL
	}
	for _, f := range res.Findings { // most severe first
		fmt.Printf("%-6s %-18s Origin: %s (with cookies: %v)\n", f.Severity, f.ID, f.Origin, f.Credentials)
	}
	fmt.Println()
	fmt.Println(res.Findings[0].Explanation)
	fmt.Println("fix:", res.Findings[0].Fix.Config)
	// Output:
	// high   reflect-any-origin Origin: http://corskit-attacker.example (with cookies: true)
	// high   null-origin        Origin: null (with cookies: true)
	// low    missing-vary       Origin: http://corskit-attacker.example (with cookies: true)
	//
	// The server echoes any Origin in Access-Control-Allow-Origin: every website can read this endpoint, with the user's cookies (Access-Control-Allow-Credentials: true).
	// fix: cors.Config{AllowedOrigins: []string{ /* your front ends' origins: not learnable here */ }, AllowCredentials: true}
}

// A subtler hole: the allowlist check is a suffix match, so
// https://corskitapp.example.com, which anyone can register, passes as
// https://app.example.com. Given the real front end in Options.Origins,
// the audit learns that it is allowed, attacks the allowlist around it,
// and writes the fix with the origins that turned out legitimate.
func Example_allowlist() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); strings.HasSuffix(o, "app.example.com") { // the bug
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Add("Vary", "Origin")
		}
		fmt.Fprintln(w, `{"email":"me@example.com"}`)
	}))
	defer api.Close()

	s := audit.New(audit.Options{Origins: []string{"https://app.example.com"}})
	res := s.Scan(context.Background(), audit.Target{URL: api.URL + "/me"})
	if res.Err != nil {
		panic(res.Err)
	}
	fmt.Println("legitimately allowed:", res.Allowed)
	for _, f := range res.Findings {
		fmt.Printf("%-6s %-15s Origin: %s\n", f.Severity, f.ID, f.Origin)
	}
	fmt.Println("fix:", res.Findings[0].Fix.Config)
	// Output:
	// legitimately allowed: [https://app.example.com]
	// high   suffix-match    Origin: https://corskitapp.example.com
	// medium insecure-scheme Origin: http://app.example.com
	// fix: cors.Config{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}
}
