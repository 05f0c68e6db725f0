package checkjson

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/httplist"
)

// Exchange is one call written as JSON: the request, and the server's
// answers to the preflight (when there was one) and to the request.
//
//	{"request": {"url": "https://api.example.com/items", "method": "PUT",
//	             "origin": "https://app.example.com",
//	             "headers": {"Content-Type": "application/json"},
//	             "credentials": "include"},
//	 "preflight": {"status": 204, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}},
//	 "actual": {"status": 200, "headers": {...}}}
type Exchange struct {
	Request   ExchangeRequest `json:"request"`
	Preflight *Answer         `json:"preflight,omitempty"`
	Actual    *Answer         `json:"actual,omitempty"`
}

// ExchangeRequest is the fetch() call: its fields are fetch()'s options.
type ExchangeRequest struct {
	URL         string  `json:"url"`
	Method      string  `json:"method,omitempty"`
	Origin      string  `json:"origin"`
	Headers     Headers `json:"headers,omitempty"`
	Body        string  `json:"body,omitempty"`
	Mode        string  `json:"mode,omitempty"`
	Credentials string  `json:"credentials,omitempty"`
	Cache       string  `json:"cache,omitempty"`
	Redirect    string  `json:"redirect,omitempty"`
	// As is the API that makes the call, as `check --as` names it (""
	// fetch()); CrossOrigin an element's crossorigin attribute (check's
	// --crossorigin), WithCredentials XMLHttpRequest's and EventSource's
	// (--with-credentials): Load.Apply reads them as check does.
	As              string `json:"as,omitempty"`
	CrossOrigin     string `json:"crossorigin,omitempty"`
	WithCredentials bool   `json:"with_credentials,omitempty"`
}

// Answer is one response: its status and header lines.
type Answer struct {
	Status  int     `json:"status"`
	Headers Headers `json:"headers,omitempty"`
}

// Headers are header lines, in order. In JSON they are an array of
// {"name", "value"} objects (as in a HAR) or an object of name to value
// (or to an array of values, one line each).
type Headers []fetch.Header

// UnmarshalJSON reads either form.
func (h *Headers) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var lines []struct{ Name, Value string }
		if err := json.Unmarshal(data, &lines); err != nil {
			return err
		}
		for _, l := range lines {
			*h = append(*h, fetch.Header{Name: l.Name, Value: l.Value})
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("headers: want an object or an array of {name, value}")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var one string
		var many []string
		switch {
		case json.Unmarshal(raw, &one) == nil:
			many = []string{one}
		case json.Unmarshal(raw, &many) != nil:
			return fmt.Errorf("headers: %q: want a string or an array of strings", t)
		}
		for _, v := range many {
			*h = append(*h, fetch.Header{Name: t.(string), Value: v})
		}
	}
	return nil
}

func (h Headers) http() http.Header {
	out := make(http.Header, len(h))
	for _, l := range h {
		out[http.CanonicalHeaderKey(l.Name)] = append(out[http.CanonicalHeaderKey(l.Name)], l.Value)
	}
	return out
}

// check refuses answers that are not HTTP answers.
func (a Answers) check() error {
	for _, x := range []struct {
		field string
		a     *Answer
	}{{"answers.preflight", a.Preflight}, {"answers.actual", a.Actual}} {
		if x.a == nil {
			continue
		}
		if x.a.Status < 100 || x.a.Status > 999 {
			return &InputError{x.field + ".status", fmt.Sprintf("%d: want an HTTP status (100 to 999)", x.a.Status)}
		}
		for _, l := range x.a.Headers {
			if !httplist.IsToken(l.Name) {
				return &InputError{x.field + ".headers", fmt.Sprintf("header name %q is not a token", l.Name)}
			}
			// As in a HAR: CR, LF and NUL would split or end a line.
			if strings.IndexFunc(l.Value, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) >= 0 {
				return &InputError{x.field + ".headers", fmt.Sprintf("header %s: value contains a control byte", l.Name)}
			}
		}
	}
	return nil
}

func diagnoseExchange(ctx context.Context, data []byte, engines []fetch.Profile, opts Options) ([]byte, error) {
	var x Exchange
	dec := json.NewDecoder(io.LimitReader(bytes.NewReader(data), MaxExchangeSize))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		return nil, &InputError{"input", "exchange: " + err.Error()}
	}
	r := x.Request
	_, fromURL, err := opts.Page.Model()
	if err != nil {
		return nil, err
	}
	page, err := PageOrigin(r.Origin, fromURL, "request.origin")
	if err == nil && page.IsZero() {
		err = &InputError{"request.origin", `"": want the page's origin, e.g. https://app.example.com (or options.page.url)`}
	}
	if err != nil {
		return nil, err
	}
	load := Load{As: r.As, CrossOrigin: r.CrossOrigin, WithCredentials: r.WithCredentials}
	if _, err := load.Kind(); err != nil {
		return nil, &InputError{"request.as", strings.TrimPrefix(err.Error(), "fetch: ")}
	}
	if u, err := url.Parse(r.URL); err != nil || !load.SchemeOK(u.Scheme) || u.Host == "" {
		return nil, &InputError{"request.url", fmt.Sprintf("%q: want an absolute http:// or https:// URL (ws:// or wss:// for a WebSocket)", r.URL)}
	}
	req := fetch.Request{
		Origin: page, Method: r.Method, URL: r.URL, Headers: r.Headers, Body: r.Body,
		Mode: fetch.Mode(r.Mode), Credentials: fetch.Credentials(r.Credentials),
		Cache: fetch.CacheMode(r.Cache), Redirect: fetch.RedirectMode(r.Redirect),
	}
	given := map[string]bool{OptMethod: r.Method != "", OptHeaders: len(r.Headers) > 0, OptBody: r.Body != "",
		OptMode: r.Mode != "", OptCredentials: r.Credentials != ""}
	if err := load.Apply(&req, func(o string) bool { return given[o] }, ExchangeSpelling); err != nil {
		le := err.(*LoadError)
		return nil, &InputError{"request." + ExchangeSpelling[le.Option], le.Msg}
	}
	return diagnoseOne(ctx, req, Answers{Preflight: x.Preflight, Actual: x.Actual}, engines, opts)
}

// answerTransport answers the model's requests from the given answers,
// each once: the preflight's to an OPTIONS carrying
// Access-Control-Request-Method, the actual one to the request. A request
// with no answer given (a preflight the answers lack, a redirect's next
// hop) fails, and missing says which answer to add.
type answerTransport struct {
	answers  Answers
	mu       sync.Mutex
	pre, act bool // served already
	missing  *InputError
}

// Replay is RoundTrip: The given answers, as a fetch.Replayer, which is how the
// model calls a Transport in the WebAssembly build.
func (t *answerTransport) Replay(req *http.Request) (*http.Response, error) { return t.RoundTrip(req) }

func (t *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	preflight := req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != ""
	a, served, field := t.answers.Actual, &t.act, "answers.actual"
	what := "the request's answer (status and headers)"
	if preflight {
		a, served, field = t.answers.Preflight, &t.pre, "answers.preflight"
		what = "the preflight's answer (status and headers): this call is preflighted"
	}
	if *served {
		a, what = nil, "an answer for "+req.Method+" "+req.URL.String()+" (the model follows redirects one hop at a time; give the final answer instead)"
	}
	if a == nil {
		if t.missing == nil {
			t.missing = &InputError{field, "give " + what}
		}
		return nil, t.missing
	}
	*served = true
	status := a.Status
	h := a.Headers.http()
	if status == http.StatusSwitchingProtocols && h.Get("Sec-WebSocket-Accept") == "" {
		// A WebSocket handshake given as "answered 101": the answer a
		// server makes to the model's own key.
		h.Set("Sec-WebSocket-Accept", webSocketAccept(req.Header.Get("Sec-WebSocket-Key")))
		if h.Get("Upgrade") == "" {
			h.Set("Upgrade", "websocket")
		}
	}
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(strings.NewReader("")), Request: req,
	}, nil
}

// webSocketAccept is RFC 6455's Sec-WebSocket-Accept for key.
func webSocketAccept(key string) string {
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(sum[:])
}
