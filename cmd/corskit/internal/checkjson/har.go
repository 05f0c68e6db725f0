// Package checkjson builds the JSON of `corskit check --json`
// (docs/check-json.md) from exchanges that are given, not sent: a HAR, one
// HAR entry, a DevTools copy with its answers, or an exchange written as
// JSON. The CLI's `check --har --json` and the WebAssembly build
// (cmd/corskit/wasm, the page and the DevTools panel) both write their
// reports here, so that the two front ends print the same bytes for the
// same HAR.
//
// Nothing here touches the network or the file system: the model replays
// the answers it is handed.
package checkjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/corskit/corskit/cmd/corskit/internal/har"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/stacks"
)

// HARReport is one call of a HAR in the `--har --json` output: the report
// plus the index of the call's entry in the HAR.
type HARReport struct {
	Entry int `json:"har_entry"`
	explain.Report
	// Cookies is what each engine did with the cookies it held from the
	// HAR's earlier answers, and with this answer's Set-Cookie lines, on a
	// call with credentials 'include': `check --stored-cookie`'s section.
	Cookies *explain.CookieDiagnosis `json:"cookies,omitempty"`
}

// HARCookies is the cookies' diagnosis of a replayed call, nil when there
// is nothing to say: a call without credentials 'include' (its cookies
// stay home by design), or one where no engine held a cookie for the API
// and the answer set none. The fix is written for stack s (nil: the
// Set-Cookie line itself).
func HARCookies(rp har.Replayed, engines []fetch.Profile, s *stacks.Stack) *explain.CookieDiagnosis {
	if rp.Held == nil {
		return nil
	}
	results := rp.Results
	if results == nil {
		results = []*fetch.Result{rp.Result}
	}
	d := explain.ExplainCookieJars(engines[:len(results)], results, rp.Result.Request.Origin, rp.Held, s)
	if len(d.Notes) == 0 {
		return nil
	}
	return &d
}

// HARSkip is an entry of the HAR that could not be read or replayed.
type HARSkip struct {
	Entry  int    `json:"har_entry"`
	Reason string `json:"reason"`
}

// HARWriter streams `{"requests": [...], "blocked": N, "skipped": [...]}`
// one report at a time, so that a large HAR's reports are written and
// forgotten as they come.
type HARWriter struct {
	w              io.Writer
	compact        bool
	calls, blocked int
	err            error
	// One encoder and its buffers serve every report: a 2,000-entry HAR's
	// reports are tens of megabytes, and a fresh encoder per report made
	// most of the allocations (BenchmarkDiagnoseHAR2000).
	enc         *reportEncoder
	line        []byte       // one report, compact
	indentedBuf bytes.Buffer // the same, indented as nested in the object
}

// newHARWriter makes the writer and its reusable encoder.
func newHARWriter(w io.Writer, compact bool) *HARWriter {
	return &HARWriter{w: w, compact: compact, enc: newReportEncoder()}
}

// NewHARWriter starts the object on w, indented as `check --json` writes
// it.
func NewHARWriter(w io.Writer) *HARWriter {
	hw := newHARWriter(w, false)
	_, hw.err = io.WriteString(w, "{\n  \"requests\": [")
	return hw
}

// NewCompactHARWriter is NewHARWriter without the indentation: the same
// JSON value in fewer bytes, for a reader that parses it (the page's
// corskit.diagnose), at half the cost.
func NewCompactHARWriter(w io.Writer) *HARWriter {
	hw := newHARWriter(w, true)
	_, hw.err = io.WriteString(w, `{"requests":[`)
	return hw
}

// Add writes the report of one replayed call.
func (hw *HARWriter) Add(r HARReport) error {
	if hw.err != nil {
		return hw.err
	}
	if r.Verdict != "allowed" {
		hw.blocked++
	}
	hw.calls++
	line := hw.line[:0]
	if hw.calls > 1 {
		line = append(line, ',')
	}
	if hw.compact {
		line, hw.err = hw.enc.appendHARReport(line, &r)
		if hw.err == nil {
			_, hw.err = hw.w.Write(line)
		}
		hw.line = line
		return hw.err
	}
	line = append(line, "\n    "...)
	mark := len(line)
	if line, hw.err = hw.enc.appendHARReport(line, &r); hw.err != nil {
		return hw.err
	}
	// What json.Encoder's SetIndent does: the compact text, indented.
	hw.indentedBuf.Reset()
	hw.indentedBuf.Write(line[:mark])
	if hw.err = json.Indent(&hw.indentedBuf, line[mark:], "    ", "  "); hw.err != nil {
		return hw.err
	}
	hw.line = line
	_, hw.err = hw.w.Write(hw.indentedBuf.Bytes())
	return hw.err
}

// Calls and Blocked count the reports added so far.
func (hw *HARWriter) Calls() int   { return hw.calls }
func (hw *HARWriter) Blocked() int { return hw.blocked }

// Close ends the object with the blocked count and the skipped entries.
func (hw *HARWriter) Close(skipped []har.Skipped) error {
	if hw.err != nil {
		return hw.err
	}
	skips := make([]HARSkip, len(skipped))
	for i, sk := range skipped {
		skips[i] = HARSkip{sk.Entry, sk.Reason}
	}
	data, err := encode(skips, "  ", hw.compact)
	if err != nil {
		return err
	}
	if hw.compact {
		_, err = fmt.Fprintf(hw.w, `],"blocked":%d,"skipped":%s}`+"\n", hw.blocked, data)
		return err
	}
	if hw.calls > 0 {
		fmt.Fprint(hw.w, "\n  ")
	}
	_, err = fmt.Fprintf(hw.w, "],\n  \"blocked\": %d,\n  \"skipped\": %s\n}\n", hw.blocked, data)
	return err
}

// Indented is v as `check --json` writes it (two-space indent, HTML not
// escaped), each line after the first prefixed, without the final newline.
func Indented(v any, prefix string) ([]byte, error) {
	return encode(v, prefix, false)
}

// encode is Indented, or with compact the same value on one line.
func encode(v any, prefix string, compact bool) ([]byte, error) {
	var b bytes.Buffer
	if err := newEncoder(&b, prefix, compact).Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// newEncoder is the one place the format is set: two-space indent after
// prefix (none when compact), HTML not escaped.
func newEncoder(w io.Writer, prefix string, compact bool) *json.Encoder {
	enc := json.NewEncoder(w)
	if !compact {
		enc.SetIndent(prefix, "  ")
	}
	enc.SetEscapeHTML(false)
	return enc
}
