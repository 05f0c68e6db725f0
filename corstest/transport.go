package corstest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/net/http/httpguts"

	"github.com/corskit/corskit/fetch"
)

// HandlerTransport is an http.RoundTripper that serves every request with
// h in-process: no socket, no port, whatever the URL's host. What the
// handler sees and what comes back are what a net/http server and client
// would give over a connection:
//
//   - The handler gets its own copy of the request's header (names in
//     canonical form) and URL, RequestURI, Host, RemoteAddr 192.0.2.1:1234
//     (as httptest.NewRequest sets it) and, for an https URL, a TLS
//     connection state.
//   - A request header value with a control byte other than tab, NUL, CR
//     and LF, which browsers send and http.Transport refuses to, gets the
//     net/http server's answer to it: 400 Bad Request, before the handler
//     runs (the fetch model sends such values over the wire too).
//   - The response holds the header as it was when the handler wrote the
//     status: later changes are not sent. Names are canonical (a handler
//     that sets w.Header()["access-control-allow-origin"] is read as
//     Access-Control-Allow-Origin, as a client reads it off the wire),
//     names that are not tokens and names without a value are dropped,
//     values are trimmed and their line breaks turned into spaces. Other
//     control bytes stay in the value, as browsers read them (see
//     fetch.RawHeaderTransport); a NUL fails the round trip with a
//     *fetch.ResponseError, as it fails a browser's. "Connection: close"
//     stays in the header, as browsers keep it.
//   - net/http's own headers are added as its server adds them: a sniffed
//     Content-Type when the handler set none and wrote a body,
//     Content-Length when the handler finished within the server's 2 KiB
//     buffer without flushing (else the body is chunked: ContentLength -1),
//     neither on 204 and 304 (which refuse a body, http.ErrBodyNotAllowed),
//     no body for HEAD. The one header left out is Date, so that a
//     Browser with its own clock (Browser.Now) does not see responses
//     dated by the real one; the model ages a response without Date from
//     its arrival, as the HTTP caching rules say.
//
// TestHandlerTransportMatchesNetHTTP holds these claims against a real
// net/http server on a loopback socket, read by net/http's client for what
// the handler sees and by the model's browser reader for what comes back. It is on the path of every
// in-process fetch (corstest suites, the audit of a handler), so a round
// trip makes one allocation for the server-side request, the recorder and
// the response, and the header copies keep their values in it too.
func HandlerTransport(h http.Handler) http.RoundTripper {
	var tlsLast atomic.Pointer[tlsMemo]
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		// What http.Transport refuses, refused with its words.
		switch {
		case req.URL == nil:
			return nil, errors.New("http: nil Request.URL")
		case req.Header == nil:
			return nil, errors.New("http: nil Request.Header")
		}
		x := new(inProcessExchange)
		hdr, err := serverRequestHeader(req, x.reqVals[:0])
		if err == errServerRefuses {
			return serverRefusal(req), nil
		}
		if err != nil {
			return nil, err
		}
		// A server-side request: a shallow copy (as WithContext makes, the
		// context kept) with its own header, and the URL a server parses
		// off the request line: path and query, no scheme or host.
		x.req = *req
		sreq := &x.req
		x.url = url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery, ForceQuery: req.URL.ForceQuery}
		sreq.URL = &x.url
		sreq.Header = hdr
		if req.ContentLength == 0 && req.Body != nil && req.Body != http.NoBody {
			// A body of unknown length goes chunked.
			sreq.ContentLength, sreq.TransferEncoding = -1, []string{"chunked"}
		}
		sreq.RequestURI = req.URL.RequestURI()
		if sreq.Host == "" {
			sreq.Host = req.URL.Host
		}
		sreq.Host = strings.TrimSuffix(sreq.Host, ":") // an empty port, as http.Transport drops it
		sreq.RemoteAddr = "192.0.2.1:1234"
		if req.URL.Scheme == "https" {
			sreq.TLS = tlsState(&tlsLast, sreq.Host)
		}
		if sreq.Body == nil {
			sreq.Body = http.NoBody
		}
		w := &x.w
		w.header = make(http.Header)
		w.snap = headerSnapshot{vals: x.respVals[:0]}
		w.flushedAt, w.declared = -1, -1
		h.ServeHTTP(w, sreq)
		var written http.Header // the handler's header as written
		var facts headerFacts
		if w.wrote {
			written, facts = w.snap.header(w.header), w.facts
		} else {
			// The handler returned without writing: its header is final (a
			// handler may not use w once it has returned), so it is sent as
			// is, without a copy.
			w.code, written = http.StatusOK, w.header
			facts = scanResponseHeader(written)
			w.declared = declaredLength(facts.cl)
		}
		x.resp = http.Response{
			Status: statusLine(w.code), StatusCode: w.code,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Request: req,
		}
		x.finish(written, &facts, req.Method == http.MethodHead)
		if err := unreadable(x.resp.Header); err != nil {
			return nil, err
		}
		return &x.resp, nil
	})
}

// errServerRefuses marks a request that a net/http server answers with
// 400 before any handler runs: a header value with a control byte other
// than tab, NUL, CR and LF.
var errServerRefuses = errors.New("corstest: the server refuses the request")

// serverRefusal is net/http's server's answer to a request whose header it
// cannot read (server.go, "400 Bad Request" with errorHeaders), as browsers
// read it: the body ends when the connection closes.
func serverRefusal(req *http.Request) *http.Response {
	const body = "400 Bad Request"
	return &http.Response{
		Status: "400 Bad Request", StatusCode: http.StatusBadRequest,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "Connection": {"close"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: -1, Close: true, Request: req,
	}
}

// unreadable is the error a browser meets reading h off the wire (a NUL in
// a value: see fetch.ResponseError), nil when it reads it.
func unreadable(h http.Header) error {
	var first error // of the first name in order, so that the error is the same each time
	firstKey := ""
	for k, vs := range h {
		for _, v := range vs {
			if classes(v)&clsCTL == 0 {
				continue // the common case, without a copy of the line
			}
			if err := fetch.UnreadableHeaderLine(k, v); err != nil && (first == nil || k < firstKey) {
				first, firstKey = err, k
				break
			}
		}
	}
	return first
}

// inProcessExchange is what one HandlerTransport round trip allocates, in
// one piece (1,152 bytes).
type inProcessExchange struct {
	req      http.Request
	url      url.URL
	w        responseWriter
	resp     http.Response
	reqVals  [7]string // the values of the handler's copy of the request header (a preflight has 6)
	respVals [8]string // the values of the header as sent
	added    [3]string // the values of the headers net/http adds
}

// bufferBeforeChunking is the size of net/http's response buffer: a body
// that outgrows it before the handler returns is sent chunked, without a
// Content-Length.
const bufferBeforeChunking = 2048

// finish adds what net/http's server adds to the header (server.go,
// chunkWriter.writeHeader), deciding as it does from the handler's header
// as written, and sets the body and length the client reads.
func (x *inProcessExchange) finish(written http.Header, f *headerFacts, head bool) {
	w, resp := &x.w, &x.resp
	body := w.body.Bytes()
	// What the server writes first: all of the body when the handler
	// returns within the buffer (it then knows the length), else what
	// filled the buffer or was flushed.
	first, done := body, w.flushedAt < 0 && len(body) <= bufferBeforeChunking
	if w.flushedAt >= 0 {
		first = body[:w.flushedAt]
	}
	code, te := w.code, f.te

	// The server's decisions, from the handler's header by exact names.
	var dropped [5]string // names it leaves out of the handler's header
	drop := dropped[:0]
	var length, sniffed, connection string // headers of its own
	contentLength := w.declared
	if !f.hasCL && !f.trailers && te == "" && bodyAllowed(code) && done && (!head || len(first) > 0) {
		length = strconv.Itoa(len(first))
		contentLength = int64(len(first))
	}
	if bodyAllowed(code) {
		if !f.hasType && f.ce == "" && te == "" && len(first) > 0 {
			sniffed = http.DetectContentType(first)
		}
	} else {
		drop = append(drop, "Content-Length", "Transfer-Encoding")
		if code == http.StatusNotModified {
			drop = append(drop, "Content-Type")
		}
	}
	if contentLength >= 0 && te != "" && te != "identity" {
		drop = append(drop, "Content-Length") // both: the length is ignored
		contentLength = -1
	}
	chunked := false
	switch {
	case head || !bodyAllowed(code) || contentLength >= 0:
	case te == "identity":
		connection = "close" // the body ends when the connection does
		drop = append(drop, "Connection")
	default:
		chunked = true
		drop = append(drop, "Content-Length")
	}
	for _, k := range drop {
		delete(written, k) // the handler is done with it
	}

	// What crosses the wire, and what the client makes of it.
	h := written
	if !f.clean {
		h = rebuildHeader(written, false)
	}
	added := x.added[:0]
	set := func(key, v string) {
		if v == "" {
			return
		}
		if h == nil {
			h = make(http.Header)
		}
		added = append(added, v)
		v1 := added[len(added)-1 : len(added) : len(added)]
		if old := h[key]; len(old) > 0 {
			// After the handler's lines (of another spelling of the
			// name), as the server writes its own.
			v1 = append(old[:len(old):len(old)], v)
		}
		h[key] = v1
	}
	set("Content-Length", length)
	set("Content-Type", sniffed)
	set("Connection", connection)
	resp.Header = h
	delete(h, "Transfer-Encoding") // the client takes it out
	if chunked {
		delete(h, "Content-Length")
	}
	switch cl := h["Content-Length"]; {
	case head:
		resp.ContentLength = -1
		if len(cl) > 0 {
			resp.ContentLength = parseLength(cl[0])
		}
	case !bodyAllowed(code):
		resp.ContentLength = 0
	case chunked:
		resp.ContentLength, resp.TransferEncoding = -1, []string{"chunked"}
	case len(cl) > 0:
		resp.ContentLength = parseLength(cl[0])
	default:
		resp.ContentLength = -1
	}
	if head || !bodyAllowed(code) || len(body) == 0 {
		resp.Body = http.NoBody
		return
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
}

// declaredLength is a handler's Content-Length as net/http's server reads
// it, the value as it is; -1 when there is none or it does not parse.
func declaredLength(v string) int64 {
	if v == "" {
		return -1
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// parseLength is a Content-Length as net/http's client reads it: the
// server's reading, once trimmed.
func parseLength(v string) int64 { return declaredLength(textproto.TrimString(v)) }

func bodyAllowed(code int) bool {
	return !(code >= 100 && code <= 199 || code == http.StatusNoContent || code == http.StatusNotModified)
}

// tlsState is the connection state a server's handler sees for host, one
// per host in a row (read-only, as handlers treat it), so that https round
// trips allocate none.
func tlsState(memo *atomic.Pointer[tlsMemo], host string) *tls.ConnectionState {
	if m := memo.Load(); m != nil && m.host == host {
		return m.state
	}
	// The name a client sends (SNI): the host without its port, none for
	// an IP address.
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if net.ParseIP(name) != nil {
		name = ""
	}
	m := &tlsMemo{host: host, state: &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: name}}
	memo.Store(m)
	return m.state
}

type tlsMemo struct {
	host  string
	state *tls.ConnectionState
}

// headerFacts is what one pass over a handler's header learns: whether it
// crosses the wire unchanged (see rebuildHeader), and what net/http's
// server decides from (by these exact names, as it looks them up).
type headerFacts struct {
	clean          bool
	hasCL, hasType bool   // the names are there, with a nil value too (which suppresses)
	trailers       bool   // a Trailer header or a "Trailer:" name: the length is not set
	cl, te, ce     string // the first Content-Length, Transfer-Encoding, Content-Encoding
}

func (f *headerFacts) note(k string, vs []string) {
	if f.clean && (len(vs) == 0 || !isCanonicalToken(k) || !wireValues(vs, true)) {
		f.clean = false
	}
	switch k {
	case "Content-Length":
		f.hasCL = true
		if len(vs) > 0 {
			f.cl = vs[0]
		}
	case "Content-Type":
		f.hasType = true
	case "Transfer-Encoding":
		if len(vs) > 0 {
			f.te = vs[0]
		}
	case "Content-Encoding":
		if len(vs) > 0 {
			f.ce = vs[0]
		}
	case "Trailer":
		f.trailers = f.trailers || len(vs) > 0
	default:
		f.trailers = f.trailers || strings.HasPrefix(k, http.TrailerPrefix)
	}
}

func scanResponseHeader(h http.Header) headerFacts {
	f := headerFacts{clean: true}
	for k, vs := range h {
		f.note(k, vs)
	}
	return f
}

// rebuildHeader is h as a net/http peer reads it after it crossed the wire:
// names canonical, names that are not tokens and names without a value
// dropped (with several names of one canonical form merged in the order a
// server writes them, sorted), values trimmed of spaces, tabs and line
// breaks, and line breaks inside turned into spaces; for a request, the
// names that http.Transport writes from the request's fields instead
// (Host, Content-Length, Transfer-Encoding, Trailer) dropped too. Most
// headers are in that form already: see headerFacts.clean.
func rebuildHeader(h http.Header, request bool) http.Header {
	keys := make([]string, 0, len(h))
	for k, vs := range h {
		if len(vs) > 0 && httpguts.ValidHeaderFieldName(k) && !(request && fromRequestFields(http.CanonicalHeaderKey(k))) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	h2 := make(http.Header, len(keys)+1)
	for _, k := range keys {
		ck := http.CanonicalHeaderKey(k)
		for _, v := range h[k] {
			h2[ck] = append(h2[ck], wireValue(v))
		}
	}
	for k, vs := range h2 {
		h2[k] = slices.Clip(vs)
	}
	return h2
}

// fromRequestFields reports whether http.Transport writes the header named
// k (canonical) from the request's fields, ignoring a value in its header.
func fromRequestFields(k string) bool {
	switch k {
	case "Host", "Content-Length", "Transfer-Encoding", "Trailer":
		return true
	}
	return false
}

// serverRequestHeader is the header a server reads of req, in one pass:
// refused as http.Transport refuses it (a name that is not a token, a
// value with NUL, CR or LF; errServerRefuses for a value with another
// control byte, which browsers send and the server refuses), else as it crosses the wire (see
// rebuildHeader), with its values in dst's array while they fit (each
// name's values capped, so that an append copies them out), and with the
// Content-Length that http.Transport and browsers send: the body's length
// when it is known and not zero, 0 for POST, PUT and PATCH without a body.
func serverRequestHeader(req *http.Request, dst []string) (http.Header, error) {
	h := make(http.Header, len(req.Header)+1)
	clean := true
	for k, vs := range req.Header {
		canonical := isCanonicalToken(k)
		if !canonical && !httpguts.ValidHeaderFieldName(k) {
			return nil, fmt.Errorf("net/http: invalid header field name %q", k)
		}
		for _, v := range vs {
			if classes(v)&clsCTL == 0 { // httpguts.ValidHeaderFieldValue, by the table
				continue
			}
			if strings.ContainsAny(v, "\x00\r\n") {
				return nil, fmt.Errorf("net/http: invalid header field value for %q", k)
			}
			// Another control byte: browsers (and the fetch model over
			// the wire) send it, and a net/http server refuses the
			// request before any handler runs.
			return nil, errServerRefuses
		}
		if !clean {
			continue
		}
		if len(vs) == 0 || !canonical || fromRequestFields(k) || !wireValues(vs, false) {
			clean = false
			continue
		}
		i := len(dst)
		dst = append(dst, vs...)
		h[k] = dst[i:len(dst):len(dst)]
	}
	if !clean {
		h = rebuildHeader(req.Header, true)
	}
	var cl string
	switch n := req.ContentLength; {
	case n > 0:
		cl = strconv.FormatInt(n, 10)
	case n == 0 && (req.Body == nil || req.Body == http.NoBody) &&
		(req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch):
		cl = "0"
	default:
		return h, nil
	}
	dst = append(dst[len(dst):], cl)
	h["Content-Length"] = dst[0:1:1]
	return h, nil
}

// Byte classes, for the checks that run on every header byte of a round
// trip: each loop ORs the classes of its bytes and looks at the result
// once, rather than branching on every byte.
const (
	clsNotToken = 1 << iota // not RFC 9110's tchar
	clsUpper
	clsLower
	clsSpace // space, tab, CR, LF: trimmed off values
	clsBreak // CR, LF: turned into spaces in values
	clsCTL   // a control byte other than tab, which http.Transport refuses in a value
)

var byteClass, nextWrongCase = func() (t, next [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z':
			t[c] = clsLower
		case 'A' <= c && c <= 'Z':
			t[c] = clsUpper
		case '0' <= c && c <= '9', strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0:
		default:
			t[c] = clsNotToken
		}
		if c < ' ' && c != '\t' || c == 0x7f {
			t[c] |= clsCTL
		}
		next[c] = clsUpper // canonical: lower case after a letter or digit...
	}
	next['-'] = clsLower // ...upper case after a hyphen
	t[' '] |= clsSpace
	t['\t'] |= clsSpace
	t['\r'] |= clsSpace | clsBreak
	t['\n'] |= clsSpace | clsBreak
	return t, next
}()

// isCanonicalToken reports whether k is a token in canonical form: the
// first letter and each letter after a hyphen upper case, the others lower.
func isCanonicalToken(k string) bool {
	switch k {
	// The names CORS and fetch() traffic carries most, known canonical:
	// comparing is cheaper than reading them byte by byte (the constants
	// the middleware and the model set are often the very same strings).
	case "Accept", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
		"Access-Control-Max-Age", "Access-Control-Request-Headers", "Access-Control-Request-Method",
		"Authorization", "Cache-Control", "Content-Length", "Content-Type", "Origin", "Pragma", "Vary":
		return true
	}
	var bad uint8
	wrong := uint8(clsLower)
	for i := 0; i < len(k); i++ {
		b := k[i]
		bad |= byteClass[b] & (wrong | clsNotToken)
		wrong = nextWrongCase[b]
	}
	return k != "" && bad == 0
}

// classes is the OR of the classes of v's bytes.
func classes(v string) uint8 {
	var c uint8
	for i := 0; i < len(v); i++ {
		c |= byteClass[v[i]]
	}
	return c
}

// wireValues reports whether vs cross the wire unchanged: nothing to trim
// at their ends and, when breaks is set, no line break to turn into a
// space (a request's values are checked for those already).
func wireValues(vs []string, breaks bool) bool {
	for _, v := range vs {
		if !isWireValue(v, breaks) {
			return false
		}
	}
	return true
}

func isWireValue(v string, breaks bool) bool {
	if v == "" {
		return true
	}
	if byteClass[v[0]]&clsSpace != 0 || byteClass[v[len(v)-1]]&clsSpace != 0 {
		return false
	}
	return !breaks || classes(v)&clsBreak == 0
}

// wireValue is v as a peer reads it: line breaks turned into spaces (as
// net/http writes them), then trimmed (as it reads them).
func wireValue(v string) string {
	if isWireValue(v, true) {
		return v
	}
	return textproto.TrimString(lineBreaksToSpaces.Replace(v))
}

// lineBreaksToSpaces is net/http's headerNewlineToSpace.
var lineBreaksToSpaces = strings.NewReplacer("\n", " ", "\r", " ")

// statusLines are the status lines of the codes net/http names, built
// once rather than per response.
var statusLines = func() map[int]string {
	m := make(map[int]string)
	for code := 100; code < 600; code++ {
		if t := http.StatusText(code); t != "" {
			m[code] = strconv.Itoa(code) + " " + t
		}
	}
	return m
}()

// statusLine is http.Response.Status for code: "200 OK".
func statusLine(code int) string {
	if s, ok := statusLines[code]; ok {
		return s
	}
	return fmt.Sprintf("%03d %s", code, http.StatusText(code))
}

// responseWriter records a handler's response, with less work than
// httptest.ResponseRecorder: the header is taken down when the status is
// written, so that later changes are not sent, as on the wire.
type responseWriter struct {
	header    http.Header // what Header returns
	snap      headerSnapshot
	facts     headerFacts // of the header as written
	wrote     bool
	code      int
	flushedAt int   // the body's length at the first Flush; -1 before
	declared  int64 // the Content-Length the header had when written; -1: none
	body      bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.wrote || code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// A second status is ignored, as net/http ignores it; an
		// informational one goes out ahead of the response and leaves
		// its status to come.
		return
	}
	w.wrote, w.code = true, code
	w.facts = w.snap.take(w.header)
	// As net/http's WriteHeader: an invalid length is dropped from the
	// handler's header (not from the copy it took just before, which still
	// goes out).
	if w.declared = declaredLength(w.facts.cl); w.declared < 0 && w.facts.cl != "" {
		delete(w.header, "Content-Length")
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	switch {
	case len(p) == 0:
		return 0, nil
	case !bodyAllowed(w.code):
		return 0, http.ErrBodyNotAllowed
	case w.declared >= 0 && int64(w.body.Len()+len(p)) > w.declared:
		return 0, http.ErrContentLength
	}
	return w.body.Write(p)
}

// Flush sends what was written so far, as net/http's does: the header goes
// out, and the body is then chunked unless the handler set a
// Content-Length.
func (w *responseWriter) Flush() {
	w.WriteHeader(http.StatusOK)
	if w.flushedAt < 0 {
		w.flushedAt = w.body.Len()
	}
}

// headerSnapshot is a header as it was when the status was written, kept
// as flat lists rather than as a map: most handlers leave their header
// alone after that, and then the live map itself can be sent, which spares
// a map per response. The map is built only when the header changed.
type headerSnapshot struct {
	keys  []string
	spans []span   // keys[i]'s values are vals[spans[i].start:spans[i].end]
	vals  []string // copies of the values, so that an edit in place shows
}

// span is where a name's values are in headerSnapshot.vals. 32 bits are
// enough: 2^31 values would take 32 GiB of string headers.
type span struct {
	start, end int32
	isNil      bool // the value was nil, not empty
}

// snapshotIndex is room for the names and spans of a short header, in one
// allocation of 224 bytes where a map of the same takes two and 400.
type snapshotIndex struct {
	keys  [8]string
	spans [8]span
}

// take records h, and returns what it learnt of it on the way.
func (s *headerSnapshot) take(h http.Header) headerFacts {
	if len(h) <= 8 {
		idx := new(snapshotIndex)
		s.keys, s.spans = idx.keys[:0], idx.spans[:0]
	}
	f := headerFacts{clean: true}
	for k, vs := range h {
		n := len(s.vals)
		s.vals = append(s.vals, vs...)
		s.keys = append(s.keys, k)
		s.spans = append(s.spans, span{start: int32(n), end: int32(len(s.vals)), isNil: vs == nil})
		f.note(k, vs)
	}
	return f
}

// values is keys[i]'s values as taken, capped so that an append copies
// them out.
func (s *headerSnapshot) values(i int) []string {
	if sp := s.spans[i]; !sp.isNil {
		return s.vals[sp.start:sp.end:sp.end]
	}
	return nil
}

// header is the header as taken: live itself when it still holds exactly
// that, a new map otherwise.
func (s *headerSnapshot) header(live http.Header) http.Header {
	if s.unchanged(live) {
		return live
	}
	h := make(http.Header, len(s.keys))
	for i, k := range s.keys {
		h[k] = s.values(i)
	}
	return h
}

func (s *headerSnapshot) unchanged(live http.Header) bool {
	if len(live) != len(s.keys) {
		return false
	}
	for i, k := range s.keys {
		vs, ok := live[k]
		want := s.values(i)
		if !ok || (vs == nil) != (want == nil) || len(vs) != len(want) {
			return false
		}
		for j := range vs {
			if vs[j] != want[j] {
				return false
			}
		}
	}
	return true
}
