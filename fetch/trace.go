package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// FormatTrace renders exchanges in the style of curl -v: "> " for what the
// browser sent, "< " for what came back, "= " for a preflight-cache hit.
// Header lines are sorted by name so traces compare easily.
func FormatTrace(trace []Exchange) string {
	var b strings.Builder
	for _, e := range trace {
		if e.Kind == ExchangeCacheHit {
			fmt.Fprintf(&b, "  = preflight cache hit: no OPTIONS sent for %s\n", e.URL)
			continue
		}
		if e.Kind == ExchangeHTTPCacheHit || e.Kind == ExchangeHTTPCacheUpdated {
			fmt.Fprintf(&b, "  = %s\n", HTTPCacheLine(e))
			fmt.Fprintf(&b, "  < %d %s\n", e.Status, http.StatusText(e.Status))
			writeHeader(&b, "  < ", e.ResponseHeader)
			continue
		}
		fmt.Fprintf(&b, "  > %s %s  (%s", e.Method, e.URL, e.Kind)
		if e.Credentials {
			b.WriteString(", with credentials")
		}
		fmt.Fprintf(&b, ", %s)\n", e.Duration.Round(time.Microsecond))
		writeHeader(&b, "  > ", e.RequestHeader)
		if e.Err != nil {
			fmt.Fprintf(&b, "  ! %v\n", e.Err)
			continue
		}
		fmt.Fprintf(&b, "  < %d %s\n", e.Status, http.StatusText(e.Status))
		writeHeader(&b, "  < ", e.ResponseHeader)
		if e.BodyErr != nil {
			fmt.Fprintf(&b, "  ! %s\n", BodyErrorLine(e))
		}
	}
	return b.String()
}

func writeHeader(b *strings.Builder, prefix string, h http.Header) {
	for _, l := range HeaderLines(h) {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, l.Name, l.Value)
	}
}

// HeaderLines returns h's lines sorted by name, each name's lines in order,
// as traces print them.
func HeaderLines(h http.Header) []Header {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []Header
	for _, n := range names {
		for _, v := range h[n] {
			out = append(out, Header{n, v})
		}
	}
	return out
}

// BodyErrorLine says in one line that e's body stopped early, after how
// many bytes and why, and that the headers above are complete.
func BodyErrorLine(e Exchange) string {
	why := e.BodyErr.Error()
	if errors.Is(e.BodyErr, context.DeadlineExceeded) {
		why = "timed out"
	}
	return fmt.Sprintf("body %s after %d bytes; the headers arrived whole, and the verdict rests on them", why, e.BodyBytes)
}

// HTTPCacheLine describes an exchange of kind ExchangeHTTPCacheHit or
// ExchangeHTTPCacheUpdated in one line, before its stored response.
func HTTPCacheLine(e Exchange) string {
	if e.Kind == ExchangeHTTPCacheUpdated {
		return "HTTP cache: the stored response, its headers updated by the 304 (what the CORS check sees):"
	}
	return "HTTP cache hit: no " + e.Method + " sent for " + e.URL + "; the stored response:"
}
