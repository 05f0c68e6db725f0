// Package har reads HTTP Archive (HAR 1.2) files, as browser DevTools
// export them, far enough to replay their exchanges through the fetch
// model: requests, responses, headers, and Chromium's resource types.
package har

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// MaxSize bounds how much of a HAR file Parse reads.
const MaxSize = 256 << 20

// Log is a HAR file's log.
type Log struct {
	Creator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"creator"`
	Entries []Entry `json:"entries"`
}

// Entry is one exchange.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	// ResourceType is Chromium's "_resourceType": "fetch", "xhr",
	// "preflight", "document"...
	ResourceType string `json:"_resourceType,omitempty"`
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
}

// Header is one header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// HTTPHeader returns headers as an http.Header, lines kept in order.
func HTTPHeader(hs []Header) http.Header {
	h := make(http.Header, len(hs))
	for _, x := range hs {
		if strings.HasPrefix(x.Name, ":") {
			continue // HTTP/2 pseudo-headers
		}
		h.Add(x.Name, x.Value)
	}
	return h
}

// Parse reads a HAR file. Errors say what is wrong and where.
func Parse(r io.Reader) (*Log, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("har: reading: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("har: file larger than %d MiB", MaxSize>>20)
	}
	var doc struct {
		Log *Log `json:"log"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se) && se.Offset >= int64(len(data)):
			if len(strings.TrimSpace(string(data))) == 0 {
				return nil, errors.New("har: the file is empty")
			}
			return nil, errors.New("har: the file is truncated (the JSON ends early)")
		case errors.As(err, &se):
			line, col := position(data, se.Offset)
			return nil, fmt.Errorf("har: not valid JSON at line %d, column %d: %v", line, col, se)
		case errors.As(err, &te):
			return nil, fmt.Errorf("har: %s has the wrong type (%s, want %s)", te.Field, te.Value, te.Type)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, errors.New("har: the file is truncated")
		}
		return nil, fmt.Errorf("har: %w", err)
	}
	if doc.Log == nil {
		return nil, errors.New(`har: no "log" object: not a HAR file`)
	}
	for i, e := range doc.Log.Entries {
		if e.Request.Method == "" || e.Request.URL == "" {
			return nil, fmt.Errorf("har: entry %d has no request method or URL", i)
		}
	}
	return doc.Log, nil
}

func position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
