package fetch

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/corskit/corskit/origin"
)

// Mode is a request's mode, as in fetch(url, {mode}).
type Mode string

// The modes a page can choose. The zero Mode means ModeCORS, fetch()'s
// default.
const (
	ModeCORS       Mode = "cors"
	ModeNoCORS     Mode = "no-cors"
	ModeSameOrigin Mode = "same-origin"
)

// Credentials is a request's credentials mode, as in fetch(url,
// {credentials}). The zero value means CredentialsSameOrigin, fetch()'s
// default.
type Credentials string

// The credentials modes.
const (
	CredentialsOmit       Credentials = "omit"
	CredentialsSameOrigin Credentials = "same-origin"
	CredentialsInclude    Credentials = "include"
)

// CacheMode is a request's cache mode, as in fetch(url, {cache}). The zero
// value means CacheDefault.
type CacheMode string

// The cache modes.
const (
	CacheDefault      CacheMode = "default"
	CacheNoStore      CacheMode = "no-store"
	CacheReload       CacheMode = "reload"
	CacheNoCache      CacheMode = "no-cache"
	CacheForceCache   CacheMode = "force-cache"
	CacheOnlyIfCached CacheMode = "only-if-cached"
)

// RedirectMode is a request's redirect mode, as in fetch(url, {redirect}).
// The zero value means RedirectFollow.
type RedirectMode string

// The redirect modes.
const (
	RedirectFollow RedirectMode = "follow"
	RedirectError  RedirectMode = "error"
	RedirectManual RedirectMode = "manual"
)

// Header is one header as a script sets it.
type Header struct{ Name, Value string }

// Request is a fetch() call as a page makes it: the page's origin, and the
// arguments of fetch(url, init). Zero fields take fetch()'s defaults.
type Request struct {
	Origin origin.Origin // the page's origin (the request's initiator)
	Method string        // "" means GET
	URL    string        // absolute
	// Headers in the order the script set them. Names are case-insensitive;
	// a name set twice is combined into one "a, b" value, as Headers does.
	Headers     []Header
	Body        string // "" means no body
	Mode        Mode
	Credentials Credentials
	Cache       CacheMode
	Redirect    RedirectMode
	// Destination is what the request is for: "" a fetch(), or an <img>
	// (its Accept header, and its words in the console).
	Destination Destination
	// Kind is the API that makes the request (kind.go): "" a fetch().
	// Kind.Load sets it with the mode, credentials and destination that
	// go with it.
	Kind Kind
	// Page is the calling document's URL and policies, for the gates
	// before CORS (mixed content, CSP); nil: none.
	Page *Page
}

// normalized returns req with defaults filled in and the method normalised
// as browsers do (the six standard names uppercased).
func (req Request) normalized() Request {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	req.Method = normalizeMethod(req.Method)
	if req.Mode == "" {
		req.Mode = ModeCORS
	}
	if req.Credentials == "" {
		req.Credentials = CredentialsSameOrigin
	}
	if req.Cache == "" {
		req.Cache = CacheDefault
	}
	if req.Redirect == "" {
		req.Redirect = RedirectFollow
	}
	req.Kind = req.kindOf()
	return req
}

// validate reports what makes Go callers' requests unusable: these are
// programming errors, not browser behaviour.
func (req Request) validate() (*url.URL, error) { return req.validateWith(nil) }

// validateWith is validate, with the URL parsed by b (nil: url.Parse).
func (req Request) validateWith(b *Browser) (*url.URL, error) {
	if req.Origin.IsZero() {
		return nil, fmt.Errorf("fetch: request has no initiating origin")
	}
	u, err := b.parseURL(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch: request URL: %w", err)
	}
	if err := req.validateScheme(u); err != nil {
		return nil, err
	}
	if u.Host == "" {
		return nil, fmt.Errorf("fetch: request URL %q has no host", req.URL)
	}
	if err := req.validatePage(); err != nil {
		return nil, err
	}
	switch req.Mode {
	case ModeCORS, ModeNoCORS, ModeSameOrigin:
	default:
		return nil, fmt.Errorf("fetch: unknown mode %q", req.Mode)
	}
	switch req.Credentials {
	case CredentialsOmit, CredentialsSameOrigin, CredentialsInclude:
	default:
		return nil, fmt.Errorf("fetch: unknown credentials mode %q", req.Credentials)
	}
	switch req.Cache {
	case CacheDefault, CacheNoStore, CacheReload, CacheNoCache, CacheForceCache, CacheOnlyIfCached:
	default:
		return nil, fmt.Errorf("fetch: unknown cache mode %q", req.Cache)
	}
	switch req.Redirect {
	case RedirectFollow, RedirectError, RedirectManual:
	default:
		return nil, fmt.Errorf("fetch: unknown redirect mode %q", req.Redirect)
	}
	// fetch() checks the method and the headers before anything else and
	// throws a TypeError for any of these; Chromium's messages are pinned
	// by TestRequestErrorsMatchChromium.
	if !isToken(req.Method) {
		return nil, &RequestError{Field: "method", Value: req.Method, Problem: "not a valid HTTP method (not a token)",
			TypeError: typeErrorPrefix + "'" + req.Method + "' is not a valid HTTP method."}
	}
	if err := checkHeaderBounds(req.Headers); err != nil {
		return nil, err
	}
	for _, h := range req.Headers {
		if !isToken(h.Name) {
			return nil, &RequestError{Field: "header name", Value: h.Name, Problem: "not a token", TypeError: typeErrorInvalidName}
		}
		// The value is checked once normalised (trimmed), as Headers does:
		// " a\r" is the valid value "a".
		if strings.ContainsAny(trimHTTPWhitespace(h.Value), "\r\n\x00") {
			return nil, &RequestError{Field: "header value", Value: h.Value, Problem: "contains CR, LF or NUL", TypeError: typeErrorInvalidValue}
		}
	}
	return u, nil
}

// combined returns the script's headers with names lowercased and repeated
// names combined, in first-set order, as a Headers object holds them. Its
// work is linear in the headers' size: one map lookup per header (beyond a
// few), and each combined value is joined once. The headers are appended to dst[:0]
// (nil: a new slice).
func combined(hs []Header, dst []Header) []Header {
	out := dst[:0]
	if cap(out) < len(hs) {
		out = make([]Header, 0, len(hs))
	}
	// A few headers (the usual case) are looked up among those kept so far,
	// which costs less than hashing; more go through a map, so that the work
	// stays linear.
	const fewHeaders = 8
	var index map[string]int
	if len(hs) > fewHeaders {
		index = make(map[string]int, len(hs))
	}
	seen := func(name string) (int, bool) {
		if index != nil {
			i, ok := index[name]
			return i, ok
		}
		for i := range out {
			if out[i].Name == name {
				return i, true
			}
		}
		return 0, false
	}
	var more map[int][]string // values after the first, by index in out
	for _, h := range hs {
		name := lowerName(h.Name)
		v := trimHTTPWhitespace(h.Value)
		if i, ok := seen(name); ok {
			if more == nil {
				more = make(map[int][]string)
			}
			if more[i] == nil {
				more[i] = []string{out[i].Value}
			}
			more[i] = append(more[i], v)
			continue
		}
		if index != nil {
			index[name] = len(out)
		}
		out = append(out, Header{name, v})
	}
	for i, vs := range more {
		out[i].Value = strings.Join(vs, ", ")
	}
	return out
}

// trimHTTPWhitespace removes leading and trailing tab, space, CR and LF, as
// Headers normalises a value (textproto.TrimString's set).
func trimHTTPWhitespace(s string) string { return textproto.TrimString(s) }

// ParseHeader parses a header written as "Name: value", as curl -H and the
// tools' forms take it: the name and value are trimmed, and the name must
// be one word. (Whether the name is a valid token is left to Fetch, which
// refuses it as fetch() would.)
func ParseHeader(line string) (Header, error) {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return Header{}, fmt.Errorf("want 'Name: value', got %q", line)
	}
	return Header{Name: name, Value: strings.TrimSpace(value)}, nil
}
