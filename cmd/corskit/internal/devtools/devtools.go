// Package devtools turns what a browser's DevTools copy out of the network
// panel into the fetch() call the page made, so that the failing call can
// be diagnosed where the developer found it.
//
// Three copy formats are read:
//
//   - "Copy as cURL" in the bash flavour (Chromium's "Copy as cURL (bash)",
//     Firefox's "Copy as cURL" on Linux and macOS): POSIX shell words,
//     'single-quoted' or $'ANSI-C quoted' with \n, \xHH and \uHHHH escapes,
//     lines joined with a backslash.
//   - "Copy as cURL" in the Windows flavour (Chromium's "Copy as cURL
//     (cmd)", Firefox on Windows): cmd.exe words, ^"quoted^", with ^
//     escapes, %^ before variable-like names and lines joined with a caret.
//   - "Copy as fetch" (Chromium, Firefox) and Chromium's "Copy as fetch
//     (Node.js)": a fetch("url", {...}) call whose second argument is a
//     JSON-like object literal. It is read by a small tokenizer for that
//     subset of JavaScript, never evaluated.
//
// # What the copy says, and what it does not
//
// A copy holds every header that went on the wire, but a fetch() call is
// made of the headers the script set. The headers a script cannot set
// (the Fetch Standard's forbidden headers: Origin, Referer, Cookie,
// Sec-Fetch-*, sec-ch-ua*, Accept-Encoding, Host...) and those the browser
// adds by default (User-Agent, Accept-Language, Priority, Accept: */*) are
// set apart in Call.Browser: they inform the rebuilt call instead of being
// part of it. The page's origin is the Origin header; else the origin of
// the Referer header (or of the copy's "referrer" option); else it is
// unknown and Call.Resolve asks for one. The credentials mode is "include"
// when a cookie went out (a Cookie header, curl's -b), because that is the
// only trace credentials leave on the wire; with no cookie the copy cannot
// show the mode (Call.CredentialsKnown). The mode comes from
// Sec-Fetch-Mode.
//
// Quoted values are decoded as the inverse of the DevTools generators,
// which recovers the value the browser sent: where a shell would pass
// something else to curl (bash cannot pass a NUL byte; cmd.exe keeps the
// backslashes that DevTools doubles), the browser's value wins.
//
// Reference: Chromium's front_end/panels/network/NetworkLogView.ts
// (generateCurlCommand, generateFetchCall) and Firefox's
// devtools/client/shared/curl.js and
// devtools/client/netmonitor/src/widgets/RequestListContextMenu.js
// (generateFetchString).
package devtools

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/origin"
)

// MaxInputSize bounds the text the parsers accept, in bytes. A copied
// request with a large body is larger, but a CORS diagnosis does not need
// the body; cut it out of the copy.
const MaxInputSize = 1 << 20

// maxDepth bounds the nesting of values in a fetch() options object.
const maxDepth = 32

// Format names a DevTools copy format.
type Format string

// The formats Parse recognises.
const (
	CurlBash  Format = "curl-bash"    // Copy as cURL (bash)
	CurlCmd   Format = "curl-cmd"     // Copy as cURL (cmd)
	FetchJS   Format = "fetch"        // Copy as fetch
	FetchNode Format = "fetch-nodejs" // Chromium's Copy as fetch (Node.js)
)

// Call is one request as a DevTools copy describes it.
type Call struct {
	Format Format

	// Request is the fetch() call rebuilt from the copy. Its Headers are
	// those the page's script set, in the copy's order. Its Origin is zero
	// when the copy does not show it (see OriginFrom and Resolve).
	Request fetch.Request

	// OriginFrom says where Request.Origin was read: "Origin" or "Referer"
	// (request headers), "referrer" (the fetch() option), or "" when the
	// copy does not show the page's origin.
	OriginFrom string

	// Referrer is the "referrer" option of a Copy as fetch, as written.
	Referrer string

	// Browser are the headers that the browser, not the script, set: the
	// forbidden ones, the browser's defaults, HTTP/2 pseudo-headers, and
	// the Cache-Control/Pragma pair of DevTools' "Disable cache". Each says
	// why it was set apart.
	Browser []BrowserHeader

	// Insecure and Compressed report curl's --insecure (-k) and
	// --compressed; Chromium writes --insecure for a page whose
	// certificate was not trusted.
	Insecure, Compressed bool

	// CredentialsKnown is false when the copy cannot show the credentials
	// mode: no cookie went out and the copy says nothing or "omit". DevTools
	// writes credentials: "include" (or a Cookie header) only when a cookie
	// (or, in Chromium's Copy as fetch, an Authorization header) went out,
	// and Chromium's Copy as fetch writes "omit" otherwise, so a page whose
	// fetch() set "include" with no cookie yet is copied without it.
	// Request.Credentials is then the default, and the caller should say so
	// and consider "include" too.
	CredentialsKnown bool

	// Notes say what the rebuilt call had to assume, one sentence each.
	Notes []string
}

// BrowserHeader is a header of the copy that the script did not set.
type BrowserHeader struct {
	Name, Value string
	Why         string // "forbidden", "browser default", "HTTP/2 pseudo-header", "DevTools Disable cache"
}

// Resolve returns the call's request with the page origin set: page when
// it is not zero (the caller's word wins over the copy's), else the origin
// the copy shows. With neither it returns a *NoOriginError.
func (c *Call) Resolve(page origin.Origin) (fetch.Request, error) {
	req := c.Request
	req.Headers = append([]fetch.Header(nil), c.Request.Headers...)
	if !page.IsZero() {
		req.Origin = page
	}
	if req.Origin.IsZero() {
		return req, &NoOriginError{URL: req.URL}
	}
	return req, nil
}

// NoOriginError reports a copy that shows neither an Origin nor a Referer
// header (nor a "referrer" option), so the page's origin must be given.
type NoOriginError struct{ URL string }

func (e *NoOriginError) Error() string {
	return fmt.Sprintf("devtools: the copied request to %s shows no Origin or Referer header, so the page's origin is unknown: give it", e.URL)
}

// SyntaxError reports malformed input, at a position.
type SyntaxError struct {
	Format       Format
	Offset       int // byte offset in the input
	Line, Column int // 1-based; Column counts bytes
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("devtools: %s: line %d, column %d: %s", e.Format, e.Line, e.Column, e.Msg)
}

// ArgError reports a well-formed argument or option the parser refuses:
// it names the argument and its value.
type ArgError struct {
	Format Format
	Arg    string // a curl option ("-X", "--data-raw") or a fetch() field ("method", "headers")
	Value  string
	Reason string
}

func (e *ArgError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("devtools: %s: %s: %s", e.Format, e.Arg, e.Reason)
	}
	return fmt.Sprintf("devtools: %s: %s %q: %s", e.Format, e.Arg, clip(e.Value), e.Reason)
}

// TooLargeError reports an input over MaxInputSize.
type TooLargeError struct{ Size int }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("devtools: the copy is %d bytes, more than the %d accepted (cut the request body out of it)", e.Size, MaxInputSize)
}

// ErrUnknownFormat is returned by Parse for text that is neither a curl
// command nor a fetch() call.
var ErrUnknownFormat = errors.New(`devtools: not a DevTools copy: expected "curl ..." (Copy as cURL) or "fetch(...)" (Copy as fetch)`)

// Parse reads any of the formats, telling them apart by their first word.
func Parse(text string) (*Call, error) {
	if len(text) > MaxInputSize {
		return nil, &TooLargeError{Size: len(text)}
	}
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	for strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") { // a comment line
		_, t, _ = strings.Cut(t, "\n")
		t = strings.TrimLeft(t, " \t\r\n")
	}
	switch {
	case strings.HasPrefix(t, "curl"):
		return ParseCurl(text)
	case strings.HasPrefix(t, "fetch"), strings.HasPrefix(t, "await"):
		return ParseFetch(text)
	}
	return nil, ErrUnknownFormat
}

func position(f Format, in string, off int, msg string) *SyntaxError {
	if off > len(in) {
		off = len(in)
	}
	line := 1 + strings.Count(in[:off], "\n")
	col := off - strings.LastIndexByte(in[:off], '\n')
	return &SyntaxError{Format: f, Offset: off, Line: line, Column: col, Msg: msg}
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// pseudoHeaders are the names Chromium's curl generator writes for HTTP/2
// pseudo-headers once it has dropped their leading colon (older versions
// wrote "authority"; all skip method, path, scheme and version).
var pseudoHeaders = map[string]bool{
	"authority": true, "method": true, "path": true, "scheme": true, "version": true, "protocol": true,
}

// builder gathers a call from the copy's parts, format-independently.
type builder struct {
	call        Call
	cookie      bool
	credentials string // the copy's own credentials field (fetch copies)
	modeField   string
	hasAuthz    bool
}

// header sorts one header of the copy into the script's or the browser's.
func (b *builder) header(name, value string, nodeStyle bool) {
	lower := strings.ToLower(name)
	// fetch() normalizes a value by trimming HTTP whitespace (tab, space,
	// CR, LF) at both ends; trimming the same set here for every option
	// (-H, -A, -e...) keeps "-A $'\n'" and "-H 'User-Agent;'" one call.
	value = strings.Trim(value, " \t\r\n")
	why := ""
	switch {
	case strings.HasPrefix(name, ":") || pseudoHeaders[name]:
		why = "HTTP/2 pseudo-header"
	case fetchspec.IsForbiddenRequestHeader(name):
		why = "forbidden"
	case fetchspec.IsBrowserDefaultRequestHeader(name, value):
		why = "browser default"
	case nodeStyle && lower == "referrer-policy":
		// Chromium's Node.js flavour moves the referrerPolicy option into
		// a header of this name: it never went on the wire.
		why = "fetch() option"
	}
	if why == "" {
		if lower == "authorization" {
			b.hasAuthz = true
		}
		b.call.Request.Headers = append(b.call.Request.Headers, fetch.Header{Name: name, Value: value})
		return
	}
	b.call.Browser = append(b.call.Browser, BrowserHeader{Name: name, Value: value, Why: why})
	if lower == "cookie" && strings.TrimSpace(value) != "" {
		b.cookie = true
	}
}

// finish derives the origin, credentials and mode, and the notes.
func (b *builder) finish() *Call {
	c := &b.call
	b.disableCache()
	get := func(name string) (string, bool) {
		for _, h := range c.Browser {
			if strings.EqualFold(h.Name, name) {
				return h.Value, true
			}
		}
		return "", false
	}
	if v, ok := get("Origin"); ok {
		if o, err := origin.Parse(strings.TrimSpace(v)); err == nil {
			c.Request.Origin, c.OriginFrom = o, "Origin"
		} else {
			c.Notes = append(c.Notes, fmt.Sprintf("the Origin header %q is not an origin; ignored", clip(v)))
		}
	}
	if c.Request.Origin.IsZero() {
		if v, ok := get("Referer"); ok {
			if o, ok := urlOrigin(v); ok {
				c.Request.Origin, c.OriginFrom = o, "Referer"
			}
		} else if c.Referrer != "" {
			if o, ok := urlOrigin(c.Referrer); ok {
				c.Request.Origin, c.OriginFrom = o, "referrer"
			}
		}
	}
	c.CredentialsKnown = b.cookie || b.credentials != "" && b.credentials != "omit"
	switch {
	case b.cookie:
		c.Request.Credentials = fetch.CredentialsInclude
	case b.credentials == "include" && b.hasAuthz:
		// Chromium and Firefox write "include" for an Authorization header
		// as well as for cookies; the copy cannot tell which.
		c.Request.Credentials = fetch.CredentialsInclude
		c.Notes = append(c.Notes, `credentials: "include" assumed from the copy, which says "include" for an Authorization header too; the page may have used the default`)
	case b.credentials == "include":
		// The browser flavour of Copy as fetch leaves the Cookie header
		// out but says "include" when cookies went out.
		c.Request.Credentials = fetch.CredentialsInclude
	case b.credentials != "" && b.credentials != "omit":
		c.Request.Credentials = fetch.Credentials(b.credentials)
	}
	if v, ok := get("Sec-Fetch-Mode"); ok {
		switch m := fetch.Mode(strings.TrimSpace(v)); m {
		case fetch.ModeCORS, fetch.ModeNoCORS, fetch.ModeSameOrigin:
			c.Request.Mode = m
		default:
			c.Notes = append(c.Notes, fmt.Sprintf("Sec-Fetch-Mode is %q: this request was not made by fetch() or XHR", clip(v)))
		}
	} else if b.modeField != "" {
		c.Request.Mode = fetch.Mode(b.modeField)
	}
	if c.Request.Origin.IsZero() {
		c.Notes = append(c.Notes, "the copy shows no Origin or Referer header: the page's origin must be given")
	}
	return c
}

// disableCache sets apart the Cache-Control: no-cache and Pragma: no-cache
// pair that Chromium and Firefox add to every request while DevTools'
// "Disable cache" box is ticked: a script setting both, with exactly these
// values, is far less likely, and taking them for the script's would
// invent a preflight the page never made.
func (b *builder) disableCache() {
	hs := b.call.Request.Headers
	cc, pr := -1, -1
	for i, h := range hs {
		switch {
		case cc < 0 && strings.EqualFold(h.Name, "Cache-Control") && h.Value == "no-cache":
			cc = i
		case pr < 0 && strings.EqualFold(h.Name, "Pragma") && h.Value == "no-cache":
			pr = i
		}
	}
	if cc < 0 || pr < 0 {
		return
	}
	var kept []fetch.Header
	for i, h := range hs {
		if i == cc || i == pr {
			b.call.Browser = append(b.call.Browser, BrowserHeader{Name: h.Name, Value: h.Value, Why: "DevTools Disable cache"})
			continue
		}
		kept = append(kept, h)
	}
	b.call.Request.Headers = kept
	b.call.Notes = append(b.call.Notes, `Cache-Control and Pragma "no-cache" taken for DevTools' "Disable cache", not the script's headers`)
}

// urlOrigin returns the origin of an absolute http(s) URL.
func urlOrigin(raw string) (origin.Origin, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return origin.Origin{}, false
	}
	o := origin.FromURL(u)
	return o, !o.IsZero()
}

// joiner writes code points decoded from escapes, joining a UTF-16
// surrogate pair (\uD83D\uDE00, as JavaScript and Firefox's curl copy
// write an emoji) into one code point; a lone surrogate becomes U+FFFD,
// so what it writes is always valid UTF-8.
type joiner struct {
	out  *strings.Builder
	high rune // a pending high surrogate, or -1
}

// flush writes a pending high surrogate, which no low one followed.
func (j *joiner) flush() {
	if j.high >= 0 {
		j.out.WriteRune(utf8.RuneError)
		j.high = -1
	}
}

func (j *joiner) emit(r rune) {
	switch {
	case 0xD800 <= r && r <= 0xDBFF:
		j.flush()
		j.high = r
	case 0xDC00 <= r && r <= 0xDFFF:
		if j.high >= 0 {
			j.out.WriteRune(0x10000 + (j.high-0xD800)<<10 + (r - 0xDC00))
			j.high = -1
		} else {
			j.out.WriteRune(utf8.RuneError)
		}
	default:
		j.flush()
		j.out.WriteRune(r)
	}
}
