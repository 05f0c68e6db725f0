package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// A preflighted PUT against a server that forgot to allow the header.
func ExampleBrowser_Fetch() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		w.Header().Set("Access-Control-Allow-Methods", "PUT")
	}))
	defer srv.Close()

	b := &fetch.Browser{}
	res, err := b.Fetch(context.Background(), fetch.Request{
		Origin:  origin.MustParse("https://app.example.com"),
		Method:  "PUT",
		URL:     srv.URL + "/items/1",
		Headers: []fetch.Header{{Name: "X-Api-Key", Value: "k"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Allowed(), res.PreflightSent())
	fmt.Println(res.Err.Reason, res.Err.Value)
	fmt.Println(res.Err.Detail())
	// Output:
	// false true
	// header-not-allowed x-api-key
	// Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.
}

// Classify tells, without sending anything, whether a request needs a
// preflight, and why.
func ExampleClassify() {
	c, err := fetch.Classify(fetch.Request{
		Origin: origin.MustParse("https://app.example.com"),
		Method: "POST",
		URL:    "https://api.example.com/login",
		Headers: []fetch.Header{
			{Name: "Content-Type", Value: "application/json"},
			{Name: "Cookie", Value: "a=b"}, // scripts cannot set it
		},
	}, fetch.Chromium)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Preflight, c.UnsafeHeaders, c.Dropped)
	// Output: true [content-type] [cookie]
}
