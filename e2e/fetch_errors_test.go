package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// TestRequestErrorMessagesInChromium pins fetch.RequestError.TypeError to
// what Chromium's fetch() throws for a method or header that is not valid
// HTTP, byte for byte, and checks that Chromium, like the model, sends
// nothing for them.
func TestRequestErrorMessagesInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var apiHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api" {
			apiHits.Add(1)
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>errors</title>"))
	}))
	defer srv.Close()
	cases := []struct {
		method string
		header fetch.Header
	}{
		{method: "P T"},
		{method: "PUT\r\nX-Injected: 1"},
		{method: "G(ET"},
		{method: "GET\n"},
		{method: "GET", header: fetch.Header{Name: "x y", Value: "1"}},
		{method: "GET", header: fetch.Header{Name: "X-A", Value: "a\nb"}},
		{method: "GET", header: fetch.Header{Name: "X-A", Value: "a\r\nX-Injected: 1"}},
		{method: "GET", header: fetch.Header{Name: "X-A", Value: "a\x00b"}},
	}
	tab := browser.OpenTab(ctx, t)
	if err := chromedp.Do(tab.Ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	page := origin.MustParse(srv.URL)
	for _, tc := range cases {
		init := map[string]any{"method": tc.method}
		if tc.header.Name != "" {
			init["headers"] = [][2]string{{tc.header.Name, tc.header.Value}}
		}
		arg, err := json.Marshal(init)
		if err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](
			`fetch("/api", `+string(arg)+`).then(() => "no error", e => e.name + ": " + e.message)`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		req := fetch.Request{Origin: page, Method: tc.method, URL: srv.URL + "/api"}
		if tc.header.Name != "" {
			req.Headers = []fetch.Header{tc.header}
		}
		_, ferr := (&fetch.Browser{}).Fetch(ctx, req)
		var re *fetch.RequestError
		if !errors.As(ferr, &re) {
			t.Fatalf("%q %q: the model did not refuse it (%v); Chromium said %q", tc.method, tc.header, ferr, got)
		}
		if want := "TypeError: " + re.TypeError; got != want {
			t.Errorf("%q %q:\n  Chromium: %q\n  model:    %q", tc.method, tc.header, got, want)
		}
	}
	if n := apiHits.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}
