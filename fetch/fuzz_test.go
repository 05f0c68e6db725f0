package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
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
			} else if res.Err.Reason != fetch.ReasonTooManyRedirects && res.Err.Reason != fetch.ReasonNetwork && !strings.Contains(res.Err.ConsoleMessage(), "https://api.example.com/") {
				t.Fatalf("message without the URL: %s", res.Err.ConsoleMessage())
			}
		}
	})
}

// FuzzParseHeader: any -H argument either parses into a name without
// space or tab and a trimmed value that parse back the same, or is
// refused with one line.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"X-A: 1", "Content-Type:application/json", " X-B :  two  ", "NoColon", ": v", "X Y: 1",
		"X-A: a: b", "X-A:", "X-A: a\r\nX-B: 2", "\tX-A\t:\t1\t", "X-\x00: 1", "Ünicode: ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h, err := fetch.ParseHeader(line)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error not one line: %q", err)
			}
			return
		}
		if h.Name == "" || strings.ContainsAny(h.Name, " \t:") || h.Value != strings.TrimSpace(h.Value) {
			t.Fatalf("ParseHeader(%q) = %q", line, h)
		}
		if again, err := fetch.ParseHeader(h.Name + ": " + h.Value); err != nil || again != h {
			t.Fatalf("ParseHeader(%q) = %q, but its round trip gives %q, %v", line, h, again, err)
		}
	})
}

// FuzzFetchRequest: whatever method and header bytes a caller passes,
// Fetch either refuses the request with a *RequestError (one line, nothing
// sent) or sends it, and then no CR, LF or NUL reaches the wire or the
// trace.
func FuzzFetchRequest(f *testing.F) {
	for _, s := range [][3]string{
		{"GET", "X-A", "1"}, {"P T", "X-A", "1"}, {"PUT\r\nX-Injected: 1", "X-A", "1"}, {"put", "X A", "1"},
		{"PATCH", "X-A", "a\r\nX-Injected: 1"}, {"POST", "X-A", " a\r\n"}, {"GET", "X-A", "a\x00b"}, {"", "", ""},
		{"DELETE", "Content-Type", "application/json"}, {"TRACE", "X", ""}, {"G\u00e9T", "X", "\u00e9"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, method, name, value string) {
		var wire []http.Header
		var mu sync.Mutex
		b := &fetch.Browser{Transport: corstest.HandlerTransport(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			wire = append(wire, r.Header.Clone())
			mu.Unlock()
			if strings.ContainsAny(r.Method, "\r\n\x00 ") {
				t.Errorf("method %q on the wire", r.Method)
			}
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Allow-Methods", "*")
			w.Header().Set("Access-Control-Allow-Headers", "*")
		}))}
		req := fetch.Request{Origin: page, Method: method, URL: "https://api.example.com/x"}
		if name != "" || value != "" {
			req.Headers = []fetch.Header{{Name: name, Value: value}}
		}
		res, err := b.Fetch(context.Background(), req)
		if err != nil {
			var re *fetch.RequestError
			if !errors.As(err, &re) || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %T %q, want a one-line *fetch.RequestError", err, err)
			}
			if len(wire) > 0 {
				t.Fatalf("refused, yet %d requests went out", len(wire))
			}
			return
		}
		for _, ex := range res.Trace {
			if strings.ContainsAny(ex.Method, "\r\n\x00") {
				t.Fatalf("method %q in the trace", ex.Method)
			}
			wire = append(wire, ex.RequestHeader)
		}
		for _, h := range wire {
			for n, vs := range h {
				for _, v := range vs {
					if strings.ContainsAny(n+v, "\r\n\x00") {
						t.Fatalf("%q: %q on the wire or in the trace", n, v)
					}
				}
			}
		}
	})
}
