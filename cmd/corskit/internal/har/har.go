// Package har reads HTTP Archive (HAR 1.2) files, as browser DevTools
// export them, far enough to replay their exchanges through the fetch
// model: requests, responses, headers, and Chromium's resource types.
//
// Reading is bounded: Open refuses a file over MaxSize, or one that is not
// a regular file (a device, a pipe), before reading a byte; Parse streams
// the JSON entry by entry through a reader limited to MaxSize, keeping
// only the fields replay needs. One malformed entry does not spoil the
// file: it is listed in Log.Skipped with the reason, and the rest is read.
package har

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/corskit/corskit/internal/httplist"
)

// MaxSize bounds how much of a HAR file Open and Parse read.
const MaxSize = 256 << 20

// maxRead is MaxSize; tests lower it to check the bound without reading
// 256 MiB.
var maxRead int64 = MaxSize

// Log is a HAR file's log.
type Log struct {
	Creator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"creator"`
	// Entries are all the file's entries, in order, so that an index is
	// the entry's index in the file. A skipped entry is present but
	// zero-valued.
	Entries []Entry `json:"entries"`
	// Skipped lists the entries that could not be read, in order.
	Skipped []Skipped `json:"-"`
}

// Skipped is an entry that could not be read or replayed, and why.
type Skipped struct {
	Entry  int    // index in the file's entries
	Reason string // one line
}

// Entry is one exchange.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	// ResourceType is Chromium's "_resourceType": "fetch", "xhr",
	// "preflight", "document"...
	ResourceType string `json:"_resourceType,omitempty"`
	// ServerIPAddress is the address the browser connected to (HAR 1.2,
	// optional; Chromium writes "[::1]" for IPv6): its address space
	// decides Local Network Access (page.go).
	ServerIPAddress string `json:"serverIPAddress,omitempty"`
}

// Request is an entry's request.
type Request struct {
	Method   string   `json:"method"`
	URL      string   `json:"url"`
	Headers  []Header `json:"headers"`
	PostData *struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
	} `json:"postData,omitempty"`
}

// Response is an entry's response. Status 0 means no response was
// received (or DevTools recorded none).
type Response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	Headers     []Header `json:"headers"`
	RedirectURL string   `json:"redirectURL"`
	Error       string   `json:"_error,omitempty"`
	// Content is the body as the browser recorded it: empty where it
	// kept none (a response CORS refused, mostly). Replay hands it to the
	// model, so that a guard's 403 page can be recognised.
	Content struct {
		Text     contentText `json:"text"`
		Encoding string      `json:"encoding"` // "base64", or "" for text
	} `json:"content"`
}

// maxContent is how much of a recorded body a Log keeps: a guard's page
// is a few KiB, and a HAR's images and scripts need not stay in memory.
const maxContent = 64 << 10

// contentText is a recorded body, cut to maxContent bytes (a multiple of
// 4, so that base64 still decodes).
type contentText string

func (c *contentText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if len(s) > maxContent {
		s = strings.Clone(s[:maxContent])
	}
	*c = contentText(s)
	return nil
}

// Body is the recorded body: Content.Text, decoded when it is base64 (a
// text that does not decode is no body).
func (r *Response) Body() string {
	if r.Content.Encoding != "base64" {
		return string(r.Content.Text)
	}
	b, err := base64.StdEncoding.DecodeString(string(r.Content.Text))
	if err != nil {
		return ""
	}
	return string(b)
}

// Header is one header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// HTTPHeader returns headers as an http.Header, lines kept in order.
// HTTP/2 pseudo-headers (":authority") are left out, and a Set-Cookie
// value holding several lines separated by LF (as Firefox exports them)
// becomes several lines.
func HTTPHeader(hs []Header) http.Header {
	h := make(http.Header, len(hs))
	for _, x := range hs {
		if strings.HasPrefix(x.Name, ":") {
			continue // HTTP/2 pseudo-headers
		}
		if strings.EqualFold(x.Name, "Set-Cookie") && strings.Contains(x.Value, "\n") {
			for _, line := range strings.Split(x.Value, "\n") {
				h.Add(x.Name, line)
			}
			continue
		}
		h.Add(x.Name, x.Value)
	}
	return h
}

// Open reads the HAR file at path. It refuses, before reading anything, a
// file that is not a regular file (a device such as /dev/zero, a pipe, a
// directory) or that is larger than MaxSize.
func Open(path string) (*Log, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkFile(st); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have changed between Stat and Open: check what was
	// opened too.
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := checkFile(st); err != nil {
		return nil, err
	}
	return Parse(f)
}

func checkFile(st os.FileInfo) error {
	switch {
	case st.IsDir():
		return errors.New("har: a directory, not a HAR file")
	case !st.Mode().IsRegular():
		return errors.New("har: not a regular file (a device, pipe or socket): refused without reading")
	case st.Size() > MaxSize:
		return fmt.Errorf("har: file of %d bytes, larger than %d MiB", st.Size(), MaxSize>>20)
	}
	return nil
}

// countingReader counts the bytes read through it, and notes whether any
// was not JSON whitespace (to tell an empty file from a truncated one).
type countingReader struct {
	r        io.Reader
	n        int64
	nonSpace bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if !c.nonSpace && len(bytes.TrimLeft(p[:n], " \t\r\n\ufeff")) > 0 {
		c.nonSpace = true
	}
	return n, err
}

// Parse reads a HAR file, streaming: the entries are decoded one at a
// time and only the fields replay needs are kept, so memory follows the
// number of entries, not the size of the file (response bodies, timings
// and cookies are skipped). It reads at most MaxSize bytes. Errors say
// what is wrong and where (line and column when r can seek back to count
// them). An entry that does not decode, or has no method or URL, a method
// that is not a token, a URL that is not http(s), a header name that is
// not a token or a header value with a control byte other than HTAB, is
// listed in
// Log.Skipped, and the rest is read.
func Parse(r io.Reader) (*Log, error) {
	cr := &countingReader{r: io.LimitReader(r, maxRead+1)}
	br := bufio.NewReaderSize(cr, 64<<10)
	// A UTF-8 byte order mark, which some Windows tools write before JSON,
	// is not JSON: skip it.
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3)
	}
	dec := json.NewDecoder(br)
	l, err := parseLog(dec)
	if cr.n > maxRead {
		return nil, fmt.Errorf("har: file larger than %d MiB", maxRead>>20)
	}
	if err != nil {
		if errors.Is(err, io.EOF) && cr.nonSpace {
			err = io.ErrUnexpectedEOF // the JSON stopped between two values
		}
		return nil, describe(err, r)
	}
	return l, nil
}

// errNotHAR is a file that is JSON but not a HAR.
var errNotHAR = errors.New(`har: no "log" object: not a HAR file`)

func parseLog(dec *json.Decoder) (*Log, error) {
	var l *Log
	err := object(dec, func(key string) error {
		if key != "log" {
			return skipValue(dec)
		}
		l = &Log{}
		err := object(dec, func(key string) error {
			switch key {
			case "creator":
				return dec.Decode(&l.Creator)
			case "entries":
				return entries(dec, l)
			}
			return skipValue(dec)
		})
		if err == errNull {
			l = nil // "log": null
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, errNotHAR
	}
	// Nothing may follow the top-level object.
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, fmt.Errorf("har: data after the top-level object at byte %d", dec.InputOffset())
		}
		return nil, err
	}
	return l, nil
}

// object reads a JSON object, calling field for each key with the decoder
// positioned at the value, which field must consume.
func object(dec *json.Decoder, field func(key string) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return errNull
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return errNotObject
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if err := field(t.(string)); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

var (
	errNotObject = errors.New("har: not a JSON object where the HAR format has one")
	errNull      = errors.New("har: null where the HAR format has an object")
)

// skipValue consumes one JSON value token by token, without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// tokenKind names the JSON type of a token as encoding/json's type errors
// do, never its text: a string token may hold a line break or a terminal
// control, and the error is one line on the user's terminal.
func tokenKind(t json.Token) string {
	switch t := t.(type) {
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	case json.Delim:
		if t == '[' {
			return "array"
		}
		return "object"
	}
	return "null"
}

// entries reads the entries array one entry at a time.
func entries(dec *json.Decoder, l *Log) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("har: log.entries has the wrong type (%s, want an array)", tokenKind(t))
	}
	for i := 0; dec.More(); i++ {
		var e Entry
		err := dec.Decode(&e)
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			// The value was read whole; only its shape is wrong.
			e = Entry{}
			l.Skipped = append(l.Skipped, Skipped{i, fmt.Sprintf("%s has the wrong type (%s, want %s)", te.Field, te.Value, te.Type)})
		case err != nil:
			return err
		default:
			if reason := invalid(&e); reason != "" {
				e = Entry{}
				l.Skipped = append(l.Skipped, Skipped{i, reason})
			}
		}
		l.Entries = append(l.Entries, e)
	}
	_, err = dec.Token() // ']'
	return err
}

// invalid says what makes an entry unusable, or "".
func invalid(e *Entry) string {
	if e.Request.Method == "" || e.Request.URL == "" {
		return "no request method or URL"
	}
	if !httplist.IsToken(e.Request.Method) {
		return fmt.Sprintf("request method %s is not a token", short(e.Request.Method))
	}
	u, err := url.Parse(e.Request.URL)
	ws := (u != nil && (u.Scheme == "ws" || u.Scheme == "wss")) && e.ResourceType == "websocket" // a WebSocket's handshake (kinds.go)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && !ws) || u.Host == "" {
		return fmt.Sprintf("URL %s is not an absolute http(s) URL", short(e.Request.URL))
	}
	for _, part := range []struct {
		what string
		hs   []Header
	}{{"request", e.Request.Headers}, {"response", e.Response.Headers}} {
		for _, h := range part.hs {
			name := strings.TrimPrefix(h.Name, ":") // HTTP/2 pseudo-headers
			if !httplist.IsToken(name) {
				return fmt.Sprintf("%s header name %s is not a token", part.what, short(h.Name))
			}
			// Control bytes other than HTAB are refused: CR, LF and NUL
			// would split or end a header line, and the others (ESC above
			// all) would reach the user's terminal through the text report,
			// from a file that often comes from someone else. Go's HTTP
			// stack refuses them on a live exchange too.
			lfOK := strings.EqualFold(name, "Set-Cookie") // Firefox separates Set-Cookie lines with LF
			if i := controlByte(h.Value, lfOK); i >= 0 {
				return fmt.Sprintf("%s header %s: value contains control byte 0x%02X", part.what, short(h.Name), h.Value[i])
			}
		}
	}
	return ""
}

// controlByte returns the index of the first control byte in v other than
// HTAB (and LF when lfOK), or -1.
func controlByte(v string, lfOK bool) int {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < 0x20 && c != '\t' && !(lfOK && c == '\n')) || c == 0x7f {
			return i
		}
	}
	return -1
}

// short quotes s, cut to 64 bytes, so that a reason stays one line.
func short(s string) string {
	if len(s) > 64 {
		return fmt.Sprintf("%q... (%d bytes)", s[:64], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// describe turns a decoding error into one line that says where.
func describe(err error, r io.Reader) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("har: the file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("har: the file is truncated (the JSON ends early)")
	case errors.As(err, &se):
		if line, col, ok := position(r, se.Offset); ok {
			return fmt.Errorf("har: not valid JSON at line %d, column %d: %v", line, col, se)
		}
		return fmt.Errorf("har: not valid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		return fmt.Errorf("har: %s has the wrong type (%s, want %s)", te.Field, te.Value, te.Type)
	case errors.Is(err, errNotObject), errors.Is(err, errNull):
		return errNotHAR
	case strings.HasPrefix(err.Error(), "har: "):
		return err
	}
	return fmt.Errorf("har: %w", err)
}

// position finds the line and column of byte offset off by reading r
// again from its start, when r can seek (a file, a bytes.Reader).
func position(r io.Reader, off int64) (line, col int, ok bool) {
	s, isSeeker := r.(io.Seeker)
	if !isSeeker {
		return 0, 0, false
	}
	if _, err := s.Seek(0, io.SeekStart); err != nil {
		return 0, 0, false
	}
	br := bufio.NewReader(io.LimitReader(r, off))
	line, col = 1, 1
	for {
		c, err := br.ReadByte()
		if err != nil {
			return line, col, true
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
}
