package checkjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/corskit/corskit/cmd/corskit/internal/devtools"
	"github.com/corskit/corskit/cmd/corskit/internal/har"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/stacks"
)

// Options are the flags of `check` that apply to given exchanges.
type Options struct {
	// Browser is the model: "chromium" (the default, as for check
	// --json), "firefox", "webkit", "spec", or "all" (the three engines,
	// each report under "browsers", the top level Chromium's).
	Browser string `json:"browser,omitempty"`
	// Stack is the server stack the fixes are written for: "auto"
	// (detected from the answers), a stacks name, or "" for none. The
	// CLI's defaults are kept: "auto" for one call, none for a HAR.
	Stack *string `json:"stack,omitempty"`
	// Origin is the page's origin, for a copy that shows none.
	Origin string `json:"origin,omitempty"`
	// Answers are the server's answers to a DevTools copy (which holds
	// only the request).
	Answers *Answers `json:"answers,omitempty"`
	// Page is the page that makes the call, for the gates before CORS
	// (mixed content, its CSP, its COEP), and StoredCookies the cookies the
	// browser holds for the API, as it stored them ('sid=1; SameSite=Lax;
	// Secure'): check's --page-* and --stored-cookie flags. A HAR gives
	// both itself (its document entry, its earlier Set-Cookie lines).
	Page          *Page    `json:"page,omitempty"`
	StoredCookies []string `json:"stored_cookies,omitempty"`
	// Compact writes the JSON without indentation (the same value).
	Compact bool `json:"-"`
}

// Answers are the preflight's and the actual request's answers.
type Answers struct {
	Preflight *Answer `json:"preflight,omitempty"`
	Actual    *Answer `json:"actual,omitempty"`
}

// InputError is input the model cannot take: Field names what is wrong
// ("input", "options.browser", "answers.preflight", "request.url"...).
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

// MaxExchangeSize bounds an exchange given as JSON.
const MaxExchangeSize = 1 << 20

// Diagnose reads input, whatever its kind, and returns the JSON `check
// --json` prints for it (with a final newline): for a HAR (or one HAR
// entry) the `--har` object, one report per cross-origin call; for a
// DevTools copy with its answers, or an exchange given as JSON, one
// report. Nothing is sent: the model replays the given answers.
func Diagnose(ctx context.Context, input []byte, opts Options) ([]byte, error) {
	// One buffer for a HAR's reports, written one by one as they are made.
	// (The wasm build handing each report to JavaScript as it came, to
	// spare the buffer's growth, cost more CPU than it saved, measured
	// through corskit.diagnose in V8.)
	var out bytes.Buffer
	data, err := diagnoseInput(ctx, &out, input, opts)
	if err != nil {
		return nil, err
	}
	if data != nil {
		return data, nil
	}
	return out.Bytes(), nil
}

// diagnoseInput writes a HAR's JSON to w, or returns the JSON of another input.
func diagnoseInput(ctx context.Context, w io.Writer, input []byte, opts Options) ([]byte, error) {
	engines, err := profiles(opts.Browser)
	if err != nil {
		return nil, err
	}
	t := bytes.TrimLeft(input, " \t\r\n\ufeff")
	if len(t) == 0 {
		return nil, &InputError{"input", "empty: paste a DevTools copy, a HAR, or an exchange as JSON"}
	}
	if t[0] != '{' {
		return diagnoseCopy(ctx, string(input), engines, opts)
	}
	if firstKey(t) == "log" {
		// A HAR, as every HAR begins: read once, by har.Parse, without
		// the probe below (which reads the whole text twice more).
		return nil, diagnoseHAR(ctx, w, bytes.NewReader(input), engines, opts)
	}
	var probe map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(t[:min(len(t), MaxExchangeSize)])).Decode(&probe); err != nil && len(t) <= MaxExchangeSize {
		return nil, &InputError{"input", "not JSON: " + err.Error()}
	}
	switch {
	case probe["log"] != nil || len(t) > MaxExchangeSize:
		return nil, diagnoseHAR(ctx, w, bytes.NewReader(input), engines, opts)
	case probe["request"] != nil && probe["response"] != nil:
		// One HAR entry, as DevTools' "Copy as HAR" (one request) gives it.
		wrapped := append(append([]byte(`{"log":{"entries":[`), t...), "]}}"...)
		return nil, diagnoseHAR(ctx, w, bytes.NewReader(wrapped), engines, opts)
	case probe["request"] != nil:
		return diagnoseExchange(ctx, t, engines, opts)
	}
	return nil, &InputError{"input", `JSON with neither "log" (a HAR), "request" and "response" (a HAR entry) nor "request" (an exchange)`}
}

// firstKey is the first member's name of the JSON object t, "" when t
// does not start with one.
func firstKey(t []byte) string {
	dec := json.NewDecoder(bytes.NewReader(t))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	key, _ := dec.Token()
	s, _ := key.(string)
	return s
}

// profiles are the models Browser names.
func profiles(name string) ([]fetch.Profile, error) {
	switch name {
	case "", "chromium":
		return []fetch.Profile{fetch.Chromium}, nil
	case "all":
		return fetch.Profiles, nil
	}
	if p, ok := fetch.ProfileNamed(name); ok {
		return []fetch.Profile{p}, nil
	}
	return nil, &InputError{"options.browser", fmt.Sprintf("%q: want all, chromium, firefox, webkit or spec", name)}
}

// stackChoice is what Options.Stack asks for: apply reports whether fixes
// are written for a stack at all, chosen the stack when one is named.
func stackChoice(s *string, def string) (apply bool, chosen *stacks.Stack, err error) {
	name := def
	if s != nil {
		name = *s
	}
	switch name {
	case "":
		return false, nil, nil
	case "auto":
		return true, nil, nil
	}
	st, err := stacks.Lookup(name)
	if err != nil {
		return false, nil, &InputError{"options.stack", fmt.Sprintf("%q: want auto or one of %s", name, strings.Join(stacks.Names(), ", "))}
	}
	return true, st, nil
}

// reports turns the results of one call in each engine into its report,
// as check does: the first engine's at the top level, every engine's
// under "browsers" when all were asked for, fixes in the stack asked for.
// memo, when not nil, remembers the fixes written in a stack from one
// call to the next (a HAR's calls share most of them).
func reports(results []*fetch.Result, engines []fetch.Profile, all, apply bool, chosen *stacks.Stack, memo *explain.StackMemo) (explain.Report, *explain.StackDetection) {
	diags := make([]explain.Diagnosis, len(results))
	for i, r := range results {
		diags[i] = explain.Explain(r)
	}
	var sd *explain.StackDetection
	if apply {
		sd = memo.ApplyStacks(results, diags, chosen)
	}
	rep := explain.NewReport(results[0], diags[0], engines[0].Name)
	if all {
		rep.Browsers = make(map[string]explain.Report, len(engines))
		// The first engine's report is the top level's, without the
		// stack: the same values, which its JSON encoding then shares.
		first := rep
		first.Browsers = nil
		rep.Browsers[engines[0].Name] = first
		for i, p := range engines[1:] {
			rep.Browsers[p.Name] = explain.NewReport(results[i+1], diags[i+1], p.Name)
		}
	}
	rep.Stack = sd
	return rep, sd
}

// diagnoseHAR writes the `--har --json` object for the HAR in r to w,
// through the same replay and report as the CLI's `check --har --json`.
func diagnoseHAR(ctx context.Context, w io.Writer, r *bytes.Reader, engines []fetch.Profile, opts Options) error {
	if opts.Page != nil || len(opts.StoredCookies) > 0 {
		return &InputError{"options.page", "a HAR gives the page and its cookies itself (its document entry, earlier Set-Cookie lines): leave them out"}
	}
	apply, chosen, err := stackChoice(opts.Stack, "")
	if err != nil {
		return err
	}
	l, err := har.Parse(r)
	if err != nil {
		return &InputError{"input", strings.TrimPrefix(err.Error(), "har: ")}
	}
	newWriter := NewHARWriter
	if opts.Compact {
		newWriter = NewCompactHARWriter
	}
	hw := newWriter(w)
	memo := &explain.StackMemo{}
	skipped, err := har.ReplayEngines(ctx, l, engines, func(rp har.Replayed) error {
		return hw.Add(harReport(rp, engines, apply, chosen, memo))
	})
	if err != nil {
		return err
	}
	return hw.Close(skipped)
}

// NewHARReport is the report of one call replayed by har.ReplayEngines in
// engines, as `check --har --json` writes it: the first engine's report,
// with every engine's under "browsers" when there are several. (A call
// that one engine's model refuses, as fetch() would throw there, is skipped
// by the replay, with its reason.)
func NewHARReport(rp har.Replayed, engines []fetch.Profile) HARReport {
	return harReport(rp, engines, false, nil, nil)
}

func harReport(rp har.Replayed, engines []fetch.Profile, apply bool, chosen *stacks.Stack, memo *explain.StackMemo) HARReport {
	cookies := HARCookies(rp, engines, chosen)
	if len(engines) == 1 && !apply {
		return HARReport{Entry: rp.Entry, Report: explain.NewReport(rp.Result, explain.Explain(rp.Result), engines[0].Name), Cookies: cookies}
	}
	results := rp.Results
	if results == nil {
		results = []*fetch.Result{rp.Result}
	}
	rep, _ := reports(results, engines, len(engines) > 1, apply, chosen, memo)
	return HARReport{Entry: rp.Entry, Report: rep, Cookies: cookies}
}

// diagnoseCopy diagnoses a DevTools copy (Copy as cURL, Copy as fetch)
// with the answers given in opts.
func diagnoseCopy(ctx context.Context, text string, engines []fetch.Profile, opts Options) ([]byte, error) {
	c, err := devtools.Parse(text)
	if err != nil {
		return nil, &InputError{"input", strings.TrimPrefix(err.Error(), "devtools: ")}
	}
	_, fromURL, err := opts.Page.Model()
	if err != nil {
		return nil, err
	}
	page, err := PageOrigin(opts.Origin, fromURL, "options.origin")
	if err != nil {
		return nil, err
	}
	req, err := c.Resolve(page)
	if err != nil {
		var noOrigin *devtools.NoOriginError
		if errors.As(err, &noOrigin) {
			return nil, &InputError{"options.origin", "the copy shows no Origin or Referer header: give the page's origin"}
		}
		return nil, &InputError{"input", err.Error()}
	}
	var ans Answers
	if opts.Answers != nil {
		ans = *opts.Answers
	}
	return diagnoseOne(ctx, req, ans, engines, opts)
}

// diagnoseOne replays req against the given answers in each engine and
// writes its report.
func diagnoseOne(ctx context.Context, req fetch.Request, ans Answers, engines []fetch.Profile, opts Options) ([]byte, error) {
	apply, chosen, err := stackChoice(opts.Stack, "auto")
	if err != nil {
		return nil, err
	}
	if err := ans.check(); err != nil {
		return nil, err
	}
	page, _, err := opts.Page.Model()
	if err != nil {
		return nil, err
	}
	req.Page = page
	space, err := opts.Page.Space()
	if err != nil {
		return nil, err
	}
	held, err := storedCookies(opts.StoredCookies)
	if err != nil {
		return nil, err
	}
	results := make([]*fetch.Result, len(engines))
	for i, p := range engines {
		tr := &answerTransport{answers: ans}
		b := &fetch.Browser{Profile: p, Transport: tr, NoHTTPCache: true, PageAddressSpace: space}
		res, err := b.Fetch(ctx, req)
		if err != nil {
			return nil, &InputError{"request", strings.TrimPrefix(err.Error(), "fetch: ")}
		}
		if tr.missing != nil {
			return nil, tr.missing
		}
		results[i] = res
	}
	rep, sd := reports(results, engines, len(engines) > 1, apply, chosen, nil)
	// The fields of check's report that a replay can have: its copy and
	// its reflection probe are the sending CLI's.
	out := struct {
		explain.Report
		Cookies *explain.CookieDiagnosis `json:"cookies,omitempty"`
	}{rep, StoredCookies(engines, results, req.Origin, held, sd)}
	data, err := encode(out, "", opts.Compact)
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
