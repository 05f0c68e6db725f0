package fetch

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/corskit/corskit/internal/fetchspec"
)

// Browsers read a response's header more leniently than net/http: a value
// may hold any byte but NUL, CR and LF ("X-Ctl: a\x18b" is read as
// "a\u0018b" by Chromium and Firefox, where net/http's client refuses the
// whole response as a "malformed MIME header line"), and a line that is
// not a header (no colon, a name that is not a token) is skipped rather
// than fatal. net/http's client also takes "Connection: close" out of the
// header, which a page reads under Access-Control-Expose-Headers: *.
// readResponse reads the status line and the header as browsers do,
// within maxResponseHeader bytes, and leaves the body's framing
// (Content-Length, chunked, until close) to net/http.

// maxResponseHeader bounds the status line and header of one response, as
// the CLI's and the loopback transports' MaxResponseHeaderBytes do.
const maxResponseHeader = 1 << 20

// ResponseError is a response that browsers refuse to read: a NUL byte or
// a bare CR in its header, a status line that is not HTTP's, or a header
// over the limit. Chromium reports it as net::ERR_INVALID_HTTP_RESPONSE
// (or net::ERR_RESPONSE_HEADERS_TOO_BIG); every engine fails the fetch
// with a network error.
type ResponseError struct {
	Line  string // the offending line, without its line break
	Cause string // what is wrong with it
}

func (e *ResponseError) Error() string {
	if e.Cause == causeTooBig {
		return "net::ERR_RESPONSE_HEADERS_TOO_BIG"
	}
	return fmt.Sprintf("net::ERR_INVALID_HTTP_RESPONSE (%s: %q)", e.Cause, e.Line)
}

const (
	causeNUL        = "a NUL byte in the header"
	causeBareCR     = "a CR not followed by LF in the header"
	causeStatusLine = "not an HTTP status line"
	causeTooBig     = "header over the limit"
)

// UnreadableHeaderLine returns the error browsers meet reading the header
// line "name: value" as it is sent, or nil when they read it. In-process
// transports (corstest.HandlerTransport) check a handler's header with it,
// so that they fail where the same response read off the wire fails.
func UnreadableHeaderLine(name, value string) error {
	line := name + ": " + value
	return lineError(line)
}

func lineError(line string) error {
	i := fetchspec.UnreadableResponseHeaderByte(line)
	switch {
	case i < 0:
		return nil
	case line[i] == 0:
		return &ResponseError{Line: line, Cause: causeNUL}
	}
	return &ResponseError{Line: line, Cause: causeBareCR}
}

// readResponse reads one response to req off br: status line and header as
// browsers read them, the body framed by net/http. Informational (1xx)
// responses before it are read and dropped, as net/http drops them.
func readResponse(br *bufio.Reader, req *http.Request) (*http.Response, error) {
	budget := maxResponseHeader
	for {
		line, err := readHeaderLine(br, &budget)
		if err != nil {
			return nil, err
		}
		proto, code, ok := parseStatusLine(line)
		if !ok {
			return nil, &ResponseError{Line: line, Cause: causeStatusLine}
		}
		h, err := readHeader(br, &budget)
		if err != nil {
			return nil, err
		}
		if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
			continue
		}
		resp, err := frameBody(br, req, proto, code, h)
		if err != nil {
			return nil, err
		}
		resp.Status = strings.TrimPrefix(line, proto+" ")
		return resp, nil
	}
}

// readHeaderLine reads one line, without its LF or CRLF, charging it to
// budget.
func readHeaderLine(br *bufio.Reader, budget *int) (string, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if *budget -= len(chunk); *budget < 0 {
			return "", &ResponseError{Cause: causeTooBig}
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		break
	}
	s := string(bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'}))
	return s, lineError(s)
}

// parseStatusLine parses "HTTP/1.1 200 OK": a version, a three-digit code,
// and an optional reason phrase.
func parseStatusLine(line string) (proto string, code int, ok bool) {
	proto, rest, _ := strings.Cut(line, " ")
	if _, _, ok := http.ParseHTTPVersion(proto); !ok {
		return "", 0, false
	}
	codeStr, _, _ := strings.Cut(rest, " ")
	if len(codeStr) != 3 || codeStr[0] < '1' {
		return "", 0, false
	}
	code, err := strconv.Atoi(codeStr)
	return proto, code, err == nil
}

// readHeader reads header lines up to the empty line. A line starting with
// a space or tab continues the previous value (obs-fold, joined with a
// space); a line without a colon, or whose name is not a token, is
// skipped; values lose their leading and trailing spaces and tabs and keep
// every other byte.
func readHeader(br *bufio.Reader, budget *int) (http.Header, error) {
	h := make(http.Header)
	var last string // the canonical name of the previous header line, for obs-fold
	for {
		line, err := readHeaderLine(br, budget)
		if err != nil {
			return nil, err
		}
		if line == "" {
			return h, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if vs := h[last]; len(vs) > 0 {
				if more := trimOWS(line); more != "" {
					vs[len(vs)-1] = trimOWS(vs[len(vs)-1] + " " + more)
				}
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !isToken(name) {
			last = ""
			continue
		}
		last = textproto.CanonicalMIMEHeaderKey(name)
		h[last] = append(h[last], trimOWS(value))
	}
}

// trimOWS trims spaces and tabs, HTTP's optional whitespace, off both ends.
func trimOWS(s string) string { return strings.Trim(s, " \t") }

// frameBody hands the body to net/http: it reads a response made of the
// status line and the framing headers alone, followed by what is left of
// br, and the result gets the header as browsers read it. The framing is
// what browsers make of the header: chunked when the last transfer coding
// is chunked, else the Content-Length when it is a number (one that does
// not parse is ignored, not fatal), else until the connection closes.
// Transfer-Encoding leaves the header for resp.TransferEncoding, as
// net/http's client takes it out.
func frameBody(br *bufio.Reader, req *http.Request, proto string, code int, h http.Header) (*http.Response, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %03d -\r\n", proto, code)
	if te := h["Transfer-Encoding"]; len(te) > 0 && lastCoding(te) == "chunked" {
		b.WriteString("Transfer-Encoding: chunked\r\n")
	} else {
		for _, v := range h["Content-Length"] {
			if n, err := strconv.ParseUint(trimOWS(v), 10, 63); err == nil {
				fmt.Fprintf(&b, "Content-Length: %d\r\n", n)
			}
		}
	}
	b.WriteString("\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(b.String()), br)), req)
	if err != nil {
		return nil, err
	}
	delete(h, "Transfer-Encoding")
	resp.Header = h
	return resp, nil
}

// lastCoding is the last transfer coding the values list, lower case.
func lastCoding(vs []string) string {
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.ToLower(trimOWS(last))
}
