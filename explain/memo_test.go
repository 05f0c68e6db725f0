package explain_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/stacks"
)

// TestStackMemoSameAsApplyStack: one StackMemo shared by every
// conformance case (Chromium's model), in every stack, writes the same fixes as
// ApplyStack without one, and hands each fix a Change of its own.
func TestStackMemoSameAsApplyStack(t *testing.T) {
	var results []*fetch.Result
	for _, c := range corscase.All() {
		if len(c.Fetches) != 1 || c.ServerRefuses {
			continue
		}
		res, _ := run(t, c)
		results = append(results, res)
	}
	memo := &explain.StackMemo{}
	hits := 0
	for _, name := range stacks.Names() {
		s, err := stacks.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		// Twice, so that the second pass is served from the memo.
		for range 2 {
			for _, res := range results {
				want, got := explain.Explain(res), explain.Explain(res)
				explain.ApplyStack(res, &want, s)
				memo.ApplyStack(res, &got, s)
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				if string(w) != string(g) {
					t.Fatalf("%s, %s: with the memo\n%s\nwant\n%s", name, res.Request.URL, g, w)
				}
				again := explain.Explain(res)
				memo.ApplyStack(res, &again, s)
				for i := range got.Fixes {
					if got.Fixes[i].Stack != nil {
						hits++
						if got.Fixes[i].Stack == again.Fixes[i].Stack {
							t.Fatalf("%s: two diagnoses share one *stacks.Change", name)
						}
					}
				}
			}
		}
	}
	if hits < 100 {
		t.Errorf("only %d fixes written in a stack: the cases do not exercise the memo", hits)
	}
}

// TestStackMemoTellsApart: calls that differ in one thing the fixes
// depend on (an answered origin, method, header, exposed header,
// credentials, max-age, what the preflight asked, the fix itself) get
// their own changes from one memo, in every stack.
func TestStackMemoTellsApart(t *testing.T) {
	type variant struct {
		req       fetch.Request
		pre, resp []string // header name, value, ...
	}
	put := func(header string) fetch.Request {
		return fetch.Request{Method: "PUT", Headers: []fetch.Header{{Name: header, Value: "1"}}}
	}
	creds := fetch.Request{Method: "GET", Credentials: fetch.CredentialsInclude}
	allow := []string{"Access-Control-Allow-Origin", page.String()}
	variants := []variant{
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT")},
		{req: put("X-B"), pre: append(allow, "Access-Control-Allow-Methods", "PUT")},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT, DELETE")},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT, PATCH")},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "X-C")},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "X-D")},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "60")},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "600")},
		{req: put("X-A"), pre: []string{"Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "PUT"}},
		{req: put("X-A"), pre: []string{"Access-Control-Allow-Origin", "https://other.example.com", "Access-Control-Allow-Methods", "PUT"}},
		{req: put("X-A"), pre: []string{"Access-Control-Allow-Methods", "PUT"}},
		{req: creds, resp: append(allow, "Access-Control-Expose-Headers", "X-E1")},
		{req: creds, resp: append(allow, "Access-Control-Expose-Headers", "X-E2")},
		{req: creds, resp: []string{"Access-Control-Allow-Origin", "*"}},
		{req: fetch.Request{Method: "GET"}, resp: []string{"Access-Control-Allow-Origin", "https://other.example.com"}},
		{req: fetch.Request{Method: "GET"}},
		// The same fix (add the origin) on answers that differ in what
		// they granted.
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "X-A"),
			resp: []string{"Access-Control-Allow-Origin", "https://other.example.com"}},
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "X-A"),
			resp: []string{"Access-Control-Allow-Origin", "https://another.example.com"}},
		{req: fetch.Request{Method: "GET"}, resp: []string{"Access-Control-Allow-Origin", "https://other.example.com", "Access-Control-Allow-Credentials", "true"}},
		// A max-age of 0 is shown (and is no value); none is unseen.
		{req: put("X-A"), pre: append(allow, "Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "0")},
	}
	memo := &explain.StackMemo{}
	for _, name := range stacks.Names() {
		s, err := stacks.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range variants {
			h := func(w http.ResponseWriter, r *http.Request) {
				lines := v.resp
				if r.Method == http.MethodOptions {
					lines = v.pre
				}
				for j := 0; j+1 < len(lines); j += 2 {
					w.Header().Set(lines[j], lines[j+1])
				}
				if r.Method == http.MethodOptions {
					w.WriteHeader(http.StatusNoContent)
				}
			}
			srv := httptest.NewServer(http.HandlerFunc(h))
			req := v.req
			req.Origin, req.URL = page, srv.URL+"/x"
			res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(context.Background(), req)
			srv.Close()
			if err != nil {
				t.Fatal(err)
			}
			want, got := explain.Explain(res), explain.Explain(res)
			explain.ApplyStack(res, &want, s)
			memo.ApplyStack(res, &got, s)
			w, _ := json.Marshal(want)
			g, _ := json.Marshal(got)
			if string(w) != string(g) {
				t.Fatalf("%s, variant %d: with the memo\n%s\nwant\n%s", name, i, g, w)
			}
		}
	}
}

// TestStackKeyCoversInputs fails when the policy or a fix's change gains
// a field: stackKey (stack.go) must then write it, or two different
// inputs would share a memoized change.
func TestStackKeyCoversInputs(t *testing.T) {
	for _, c := range []struct {
		v    any
		want int
	}{{stacks.Policy{}, 6}, {explain.ConfigChange{}, 9}} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.want {
			t.Errorf("%T has %d fields, stackKey writes %d: add the new ones to the key, then here", c.v, n, c.want)
		}
	}
}
