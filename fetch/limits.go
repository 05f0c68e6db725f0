package fetch

import (
	"errors"
	"fmt"
)

// The model's bounds on the headers a script sets on one Request. A
// browser has no such limit of its own, but no server accepts more (nginx
// answers 400 beyond 32 KiB of headers by default, Go's net/http beyond
// 1 MiB), and the bound keeps the model's work small and proportional to
// its input whatever a caller passes. Fetch and Classify refuse a request
// beyond either bound with a *RequestError wrapping ErrHeaderLimit, before
// looking at any header.
const (
	// MaxHeaders is the most Request.Headers entries the model accepts.
	MaxHeaders = 256
	// MaxHeaderBytes bounds the total length of the headers' names and
	// values.
	MaxHeaderBytes = 256 << 10
)

// ErrHeaderLimit is wrapped by the *RequestError for a Request beyond
// MaxHeaders or MaxHeaderBytes.
var ErrHeaderLimit = errors.New("fetch: request headers exceed the model's bound")

// RequestError is a Request that Fetch and Classify refuse before sending
// anything: either fetch() itself would throw a TypeError (a method that
// is not an HTTP token, a header name that is not a token, a header value
// with CR, LF or NUL once trimmed), or the request is beyond the model's
// bounds (Err is ErrHeaderLimit).
type RequestError struct {
	// Field is "method", "header name", "header value" or "headers".
	Field string
	// Value is the offending method, header name or value ("" for
	// "headers"). It may hold any byte: print it quoted.
	Value string
	// TypeError is the message of the TypeError Chromium's fetch() throws
	// for this request, byte for byte; "" when the refusal is the model's
	// own bound.
	TypeError string
	// Problem says what is wrong, in a few words.
	Problem string
	// Err is ErrHeaderLimit for a bound, else nil.
	Err error
}

func (e *RequestError) Unwrap() error { return e.Err }

// Error returns one line: the field, the value quoted (and shortened),
// what is wrong, and what fetch() does about it.
func (e *RequestError) Error() string {
	s := "fetch: " + e.Field
	if e.Field != "headers" {
		s += " " + quoteShort(e.Value)
	}
	s += ": " + e.Problem
	if e.TypeError != "" {
		s += " (fetch() throws a TypeError)"
	}
	return s
}

// quoteShort quotes v as Go does, cut to 64 bytes so that an error line
// stays one readable line whatever the input.
func quoteShort(v string) string {
	const max = 64
	if len(v) > max {
		return fmt.Sprintf("%q... (%d bytes)", v[:max], len(v))
	}
	return fmt.Sprintf("%q", v)
}

// Chromium's TypeError messages for a request fetch() refuses to make.
const (
	typeErrorPrefix       = "Failed to execute 'fetch' on 'Window': "
	typeErrorInvalidName  = typeErrorPrefix + "Invalid name"
	typeErrorInvalidValue = typeErrorPrefix + "Invalid value"
)

// checkHeaderBounds refuses hs beyond MaxHeaders or MaxHeaderBytes. It
// looks at no more than MaxHeaders entries, so its cost is bounded too.
func checkHeaderBounds(hs []Header) error {
	if len(hs) > MaxHeaders {
		return &RequestError{Field: "headers", Err: ErrHeaderLimit,
			Problem: fmt.Sprintf("%d headers, more than the model's bound of %d", len(hs), MaxHeaders)}
	}
	total := 0
	for _, h := range hs {
		total += len(h.Name) + len(h.Value)
	}
	if total > MaxHeaderBytes {
		return &RequestError{Field: "headers", Err: ErrHeaderLimit,
			Problem: fmt.Sprintf("%d bytes of names and values, more than the model's bound of %d", total, MaxHeaderBytes)}
	}
	return nil
}
