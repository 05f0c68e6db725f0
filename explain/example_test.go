package explain_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// A front end on http://localhost:3000 sends an API key the server's CORS
// policy does not allow. Explain says where the browser stopped, why, and
// the header line and cors.Config change that fix it; applying the change
// lets the same call through.
func Example() {
	cfg := cors.Config{
		AllowedOrigins: []string{"http://localhost:3000"},
		AllowedMethods: []string{http.MethodPut},
		AllowedHeaders: []string{"Content-Type"},
	}
	mw, err := cors.New(cfg)
	if err != nil {
		panic(err)
	}
	api := httptest.NewServer(mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"ok":true}`)
	})))
	defer api.Close()

	// The call as the page's script makes it:
	//
	//	fetch(api + "/items/1", {method: "PUT",
	//		headers: {"Content-Type": "application/json", "X-Api-Key": "k"}})
	req := fetch.Request{
		Origin: origin.MustParse("http://localhost:3000"),
		Method: http.MethodPut,
		URL:    api.URL + "/items/1",
		Headers: []fetch.Header{
			{Name: "Content-Type", Value: "application/json"},
			{Name: "X-Api-Key", Value: "k"},
		},
	}
	res, err := (&fetch.Browser{}).Fetch(context.Background(), req)
	if err != nil {
		panic(err) // a malformed request, not a blocked one
	}

	d := explain.Explain(res)
	fmt.Println(d.Verdict, "at the", d.StoppedAt+":", d.Reason)
	for _, why := range d.PreflightWhy {
		fmt.Println("preflight because", why)
	}
	for _, f := range d.Fixes {
		fmt.Printf("on the %s response: %s: %s\n", f.Response, f.Header, f.Value)
		if f.Config != "" {
			fmt.Println("  in cors.Config:", f.Config)
		}
		if f.Change != nil {
			cfg.AllowedHeaders = append(cfg.AllowedHeaders, f.Change.AddHeaders...)
		}
	}

	// The fix, applied: the same call now passes.
	if err := mw.Reconfigure(cfg); err != nil {
		panic(err)
	}
	res, err = (&fetch.Browser{}).Fetch(context.Background(), req)
	if err != nil {
		panic(err)
	}
	fmt.Println("after the fix:", explain.Explain(res).Verdict)
	// Output:
	// blocked at the preflight: header-not-allowed
	// preflight because the method PUT is not GET, HEAD or POST
	// preflight because Content-Type "application/json" is not application/x-www-form-urlencoded, multipart/form-data or text/plain
	// preflight because the header x-api-key is not CORS-safelisted
	// on the preflight response: Access-Control-Allow-Headers: content-type, x-api-key
	//   in cors.Config: AllowedHeaders: add "x-api-key" (unless it is "*")
	// after the fix: allowed
}

// An allowed call can still be fragile. This hand-written handler echoes
// the origin it trusts but forgets Vary: Origin, so a shared cache may
// hand one origin's answer to another: the call passes today, with a
// warning.
func Example_warnings() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "https://app.example.com" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		}
		fmt.Fprintln(w, "[]")
	}))
	defer api.Close()

	res, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{
		Origin: origin.MustParse("https://app.example.com"),
		URL:    api.URL + "/items",
	})
	if err != nil {
		panic(err)
	}
	d := explain.Explain(res)
	fmt.Println(d.Verdict, len(d.Fixes), "fixes")
	for _, w := range d.Warnings {
		fmt.Printf("[%s] %s\n", w.ID, w.Text)
	}
	// Output:
	// allowed 0 fixes
	// [missing-vary] The response allows "https://app.example.com" but has no Vary: Origin: a shared cache (CDN, proxy) may serve it to another origin, which the browser then blocks, or serve another origin's answer here.
}
