package fetch_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/fetchspec"
)

// FuzzClassify: any method and header a script could pass gives a
// deterministic classification whose parts are consistent.
func FuzzClassify(f *testing.F) {
	for _, s := range [][3]string{
		{"GET", "Accept", "text/html"}, {"put", "X-A", "1"}, {"POST", "Content-Type", "application/json"},
		{"PATCH", "Range", "bytes=0-1"}, {"GET", "DPR", "2.0"}, {"TRACE", "X", ""}, {"GET", "Cookie", "a"},
		{"GET", "X-HTTP-Method-Override", "track, get"}, {"GET", "Accept", strings.Repeat("a", 200)},
		{"get", "Content-Type", `text/plain; a="b"`}, {"HEAD", "Width", "-1"},
	} {
		f.Add(s[0], s[1], s[2], uint8(0))
	}
	modes := []fetch.Mode{fetch.ModeCORS, fetch.ModeNoCORS, fetch.ModeSameOrigin}
	f.Fuzz(func(t *testing.T, method, name, value string, mode uint8) {
		if !isTokenish(method) || !isTokenish(name) || strings.ContainsAny(value, "\r\n\x00") {
			return // fetch() throws before classification; Fetch rejects such requests
		}
		req := fetch.Request{
			Origin: page, Method: method, URL: "https://api.example.com/x",
			Headers: []fetch.Header{{Name: name, Value: value}}, Mode: modes[int(mode)%len(modes)],
		}
		for _, p := range []fetch.Profile{fetch.Chromium, fetch.Spec} {
			c1, err1 := fetch.Classify(req, p)
			c2, err2 := fetch.Classify(req, p)
			if !reflect.DeepEqual(c1, c2) || (err1 == nil) != (err2 == nil) {
				t.Fatalf("not deterministic: %+v %v / %+v %v", c1, err1, c2, err2)
			}
			if err1 != nil {
				if _, ok := err1.(*fetch.Error); !ok {
					t.Fatalf("error of type %T: %v", err1, err1)
				}
				continue
			}
			if !slices.IsSorted(c1.UnsafeHeaders) || len(slices.Compact(slices.Clone(c1.UnsafeHeaders))) != len(c1.UnsafeHeaders) {
				t.Fatalf("unsafe names not sorted and unique: %q", c1.UnsafeHeaders)
			}
			for _, h := range c1.Headers {
				if fetchspec.IsForbiddenRequestHeader(h.Name) || h.Name != strings.ToLower(h.Name) {
					t.Fatalf("header %q survived", h.Name)
				}
			}
			want := req.Mode == fetch.ModeCORS && (c1.UnsafeMethod != "" || len(c1.UnsafeHeaders) > 0)
			if c1.Preflight != want {
				t.Fatalf("Preflight = %v with %+v", c1.Preflight, c1)
			}
		}
	})
}

func isTokenish(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// FuzzCORSCheck: whatever a server answers, the verdict is deterministic,
// nothing panics, an allowed answer really carried an acceptable
// Allow-Origin, and a blocked one has a console message naming the URL.
func FuzzCORSCheck(f *testing.F) {
	f.Add("https://app.example.com", "true", "PUT", "x-a", "600", "", 204, true, false)
	f.Add("*", "", "*", "*", "-1", "X-A", 200, false, false)
	f.Add("https://app.example.com, *", "TRUE", "put", "X-A,,", "abc", "*", 500, true, true)
	f.Add("null", "true\ntrue", "PUT\nGET", "x a", "99999999999999999999", "x-a\nx-b", 302, false, true)
	f.Add(" https://app.example.com ", " true ", ",PUT,", "*, authorization", "0", "set-cookie", 299, true, false)
	f.Fuzz(func(t *testing.T, acao, acac, acam, acah, maxAge, aceh string, status int, include, preflight bool) {
		if status < 100 || status > 999 {
			status = 200
		}
		lines := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hd := w.Header()
			hd["Access-Control-Allow-Origin"] = lines(acao)
			hd["Access-Control-Allow-Credentials"] = lines(acac)
			hd["Access-Control-Allow-Methods"] = lines(acam)
			hd["Access-Control-Allow-Headers"] = lines(acah)
			hd["Access-Control-Max-Age"] = lines(maxAge)
			hd["Access-Control-Expose-Headers"] = lines(aceh)
			hd["Location"] = []string{"/next"}
			w.WriteHeader(status)
		})
		req := fetch.Request{Origin: page, URL: "https://api.example.com/x"}
		if include {
			req.Credentials = fetch.CredentialsInclude
		}
		if preflight {
			req.Method = "PUT"
			req.Headers = []fetch.Header{{Name: "X-A", Value: "1"}, {Name: "Authorization", Value: "t"}}
		}
		var first *fetch.Result
		for range 2 {
			b := &fetch.Browser{Transport: corstest.HandlerTransport(h)}
			res, err := b.Fetch(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = res
			} else if first.Allowed() != res.Allowed() || (first.Err != nil && first.Err.ConsoleMessage() != res.Err.ConsoleMessage()) {
				t.Fatalf("not deterministic")
			}
			if res.Allowed() {
				v := strings.Trim(res.Trace[len(res.Trace)-1].ResponseHeader.Get("Access-Control-Allow-Origin"), " \t")
				if v != page.String() && !(v == "*" && !include) {
					t.Fatalf("allowed with Allow-Origin %q", v)
				}
				for n := range res.Response.Header {
					if strings.EqualFold(n, "Set-Cookie") {
						t.Fatal("Set-Cookie readable")
					}
				}
			} else if res.Err.Reason != fetch.ReasonTooManyRedirects && !strings.Contains(res.Err.ConsoleMessage(), "https://api.example.com/") {
				t.Fatalf("message without the URL: %s", res.Err.ConsoleMessage())
			}
		}
	})
}
