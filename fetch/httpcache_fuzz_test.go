package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// FuzzHTTPCacheHeaders feeds hostile caching headers (Cache-Control,
// Expires, Last-Modified, Date, Age, ETag, Vary) to a sequence of three
// calls in one browser: no panic, a verdict for every call, and the
// stored response served only as the outcome says.
func FuzzHTTPCacheHeaders(f *testing.F) {
	f.Add("max-age=60", "", "", "", "", `"v1"`, "Origin", int64(30))
	f.Add("no-cache, max-age=5", "Thu, 01 Jan 2026 00:10:00 GMT", "Mon, 22 Dec 2025 00:00:00 GMT", "Thu, 01 Jan 2026 00:00:00 GMT", "100", `W/"x"`, "*", int64(3600))
	f.Add(`max-age="9999999999999999999999", no-store=`, "0", "garbage", "", "-5", "", ",,,", int64(-1))
	f.Add("max-age=-1,max-age=10", "", "Thu, 01 Jan 2099 00:00:00 GMT", "Mon, 01 Jan 1900 00:00:00 GMT", "9223372036854775807", `"v1"`, "Accept, Origin", int64(1<<40))
	f.Fuzz(func(t *testing.T, cc, expires, lastModified, date, age, etag, vary string, after int64) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			for k, v := range map[string]string{"Cache-Control": cc, "Expires": expires, "Last-Modified": lastModified,
				"Date": date, "Age": age, "Etag": etag, "Vary": vary} {
				if v != "" {
					w.Header()[k] = []string{v}
				}
			}
			if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
				w.WriteHeader(http.StatusNotModified)
			}
		})
		c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		b := &fetch.Browser{Transport: corstest.HandlerTransport(h), Now: c.now}
		for i, mode := range []fetch.CacheMode{"", fetch.CacheNoCache, fetch.CacheForceCache} {
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: "https://api.example.com/r", Cache: mode})
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
			if !res.Allowed() {
				var re *fetch.ResponseError
				if strings.Contains(cc+expires+lastModified+date+age+etag+vary, "\x00") &&
					res.Err.Reason == fetch.ReasonNetwork && errors.As(res.Err.Err, &re) {
					return // a NUL in a header: unreadable, in browsers too
				}
				if i > 0 && strings.ContainsFunc(etag+lastModified, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) &&
					res.Err.Reason == fetch.ReasonMissingAllowOrigin {
					// A validator with a control byte goes back as is in the
					// revalidation, and the server refuses it (400).
					return
				}
				t.Fatalf("call %d blocked: %v", i, res.Err)
			}
			hit := res.HTTPCache.Outcome == fetch.HTTPCacheFresh || res.HTTPCache.Outcome == fetch.HTTPCacheStale
			if onWire := len(res.Trace) > 0 && res.Trace[0].Kind == fetch.ExchangeRequest; hit == onWire {
				t.Fatalf("call %d: outcome %s but a request on the wire: %v", i, res.HTTPCache.Outcome, onWire)
			}
			c.advance(time.Duration(after))
		}
	})
}
