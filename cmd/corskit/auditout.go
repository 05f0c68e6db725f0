package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/corskit/corskit/audit"
)

// progressLine shows endpoints done on a terminal's stderr.
type progressLine struct {
	w     io.Writer
	rate  float64
	last  time.Time
	feed  *feeder   // the endpoints queued so far, and whether that is all
	start time.Time // of the run, for the time left
}

func (p *progressLine) update(endpoints, hosts int) {
	if p == nil || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\x1b[K%s", p.text(endpoints, hosts, p.last))
	if p.rate > 0 {
		// Hosts run in parallel (each from its own queue); the endpoints of
		// one host share its rate, which bounds a long list of its paths.
		fmt.Fprintf(p.w, " (at most %g probes/s per host: many paths on one host are bounded by it)", p.rate)
	}
}

// text is the progress line: "audited 9/12 endpoints on 3 hosts, about
// 20s left" once the list is read, "audited 9 of 12+ endpoints" while it
// is being read (from a file or stdin that has more to come).
func (p *progressLine) text(endpoints, hosts int, now time.Time) string {
	done, total := int64(endpoints), p.feed.queued.Load()
	on := " on " + count(int64(hosts), "host")
	if !p.feed.fed.Load() {
		return fmt.Sprintf("audited %d of %d+ endpoints%s…", done, total, on)
	}
	s := fmt.Sprintf("audited %d/%s%s", done, count(total, "endpoint"), on)
	if done > 0 && done < total {
		left := time.Duration(float64(now.Sub(p.start)) / float64(done) * float64(total-done))
		s += ", about " + shortDuration(left.Round(time.Second)) + " left"
	}
	return s + "…"
}

func (p *progressLine) done() {
	if p != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// record is one line of the spill file: an audited endpoint or a
// malformed --targets line, as the report needs it.
type record struct {
	Result  *audit.Result `json:"r,omitempty"`
	Line    int           `json:"line,omitempty"`
	Error   string        `json:"error,omitempty"`   // the endpoint could not be audited
	LineErr string        `json:"lineerr,omitempty"` // a malformed --targets line
	Value   string        `json:"value,omitempty"`   // that line's text
}

// targetError is a report's entry for an endpoint that could not be
// audited, or for a malformed line of --targets.
type targetError struct {
	URL    string `json:"url,omitempty"`
	Method string `json:"method,omitempty"`
	Line   int    `json:"line,omitempty"`
	Error  string `json:"error"`
}

func (r *record) targetError() *targetError {
	switch {
	case r.LineErr != "":
		return &targetError{Line: r.Line, Error: r.LineErr}
	case r.Error != "":
		return &targetError{URL: r.Result.URL, Method: r.Result.Method, Line: r.Line, Error: r.Error}
	}
	return nil
}

// sarifLoc is the repository file SARIF results point at; lines says
// whether a target's line number in --targets is a line of that file.
type sarifLoc struct {
	path  string
	lines bool
}

// auditOutput writes results in one of the formats. jsonl streams each
// finding as it comes; the other formats need the whole run (grouped,
// counted, wrapped in one document), so results go to a temporary spill
// file and are read back at the end, a record at a time: memory stays
// bounded whatever the number of targets.
type auditOutput struct {
	format  string
	w, errw io.Writer
	loc     sarifLoc
	spill   *os.File
	spillW  *bufio.Writer
	enc     *json.Encoder

	endpoints, reached, partial, probes, errs int
	lineErrs                                  int
	firstLineErr                              string
	hosts                                     int
	seenHosts                                 map[string]bool // bounded: see add
	worst                                     audit.Severity
	counts                                    [4]int
	rules                                     map[string]audit.Severity // class -> worst severity (≤ 30 classes)
	cookie                                    bool
	color                                     bool // --color
	// failed marks a run that did not do all it was asked (malformed
	// --targets lines, an interruption): SARIF's executionSuccessful.
	failed bool
}

// lineErrsWhere says where the malformed --targets lines were reported.
func (o *auditOutput) lineErrsWhere() string {
	switch o.format {
	case "json":
		return "listed in the report's errors"
	case "sarif":
		return "listed in the SARIF's toolExecutionNotifications"
	}
	return "reported above"
}

func newAuditOutput(format string, w, errw io.Writer, loc sarifLoc) (*auditOutput, error) {
	o := &auditOutput{format: format, w: w, errw: errw, loc: loc, worst: -1, rules: map[string]audit.Severity{}, seenHosts: map[string]bool{}}
	if format == "jsonl" {
		o.enc = json.NewEncoder(w)
		o.enc.SetEscapeHTML(false)
		return o, nil
	}
	f, err := os.CreateTemp("", "corskit-audit-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("a temporary file for the report: %w", err)
	}
	os.Remove(f.Name()) // gone when closed, even if the run is killed (on Unix)
	o.spill, o.spillW = f, bufio.NewWriterSize(f, 64<<10)
	o.enc = json.NewEncoder(o.spillW)
	o.enc.SetEscapeHTML(false)
	return o, nil
}

func (o *auditOutput) close() {
	if o.spill != nil {
		o.spill.Close()
	}
}

func (o *auditOutput) add(oc outcome) error {
	rec := record{Line: oc.line}
	if oc.lineErr != nil {
		o.lineErrs++
		rec.LineErr, rec.Value = oc.lineErr.Error(), oc.lineErr.Value
		if o.firstLineErr == "" {
			o.firstLineErr = rec.LineErr
		}
		if o.format == "jsonl" || o.format == "text" {
			fmt.Fprintf(o.errw, "corskit audit: --targets %s\n", rec.LineErr)
		}
		if o.format == "jsonl" {
			return nil
		}
		return o.enc.Encode(rec)
	}
	r := oc.res
	o.endpoints++
	o.probes += r.Probes
	o.cookie = o.cookie || r.CookieSent
	if h := hostKey(r.URL); !o.seenHosts[h] {
		o.hosts++
		if len(o.seenHosts) < 100_000 { // a count for the progress line, not a promise
			o.seenHosts[h] = true
		}
	}
	if r.Err == nil {
		o.reached++
	} else {
		o.errs++
		// The line names the endpoint already; an error that names it too
		// (one the browser model refuses before any probe) would say it twice.
		rec.Error = strings.TrimPrefix(describeError(r.Err), r.Method+" "+r.URL+": ")
		if o.format == "jsonl" || o.format == "text" {
			fmt.Fprintf(o.errw, "corskit audit: %s %s: %s\n", r.Method, r.URL, rec.Error)
		}
	}
	if r.Partial != "" {
		o.partial++
		if o.format == "jsonl" || o.format == "text" {
			fmt.Fprintf(o.errw, "corskit audit: %s %s: %s\n", r.Method, r.URL, r.Partial)
		}
	}
	for _, f := range r.Findings {
		o.worst = max(o.worst, f.Severity)
		o.counts[f.Severity]++
		if w, ok := o.rules[f.ID]; !ok || f.Severity > w {
			o.rules[f.ID] = f.Severity
		}
	}
	if o.format == "jsonl" {
		for _, f := range r.Findings {
			if err := o.enc.Encode(f); err != nil {
				return err
			}
		}
		return nil
	}
	rec.Result = &r
	return o.enc.Encode(rec)
}

// each reads the spill file back, one record at a time.
func (o *auditOutput) each(fn func(*record) error) error {
	if err := o.spillW.Flush(); err != nil {
		return fmt.Errorf("the report's temporary file: %w", err)
	}
	if _, err := o.spill.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(o.spill, 64<<10))
	for {
		var r record
		if err := dec.Decode(&r); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("the report's temporary file: %w", err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
}

// describeError names the cause of a target's failure in one line.
func describeError(err error) string {
	msg := networkCause(err)
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		msg += " (use -k to audit anyway)"
	}
	return msg
}

func (o *auditOutput) finish() error {
	switch o.format {
	case "jsonl":
		return nil
	case "json":
		return o.json()
	case "sarif":
		return o.sarif()
	}
	return o.text()
}

// json writes one document: totals, every finding, every endpoint's
// summary and every error, each array streamed from the spill file.
func (o *auditOutput) json() error {
	bw := bufio.NewWriter(o.w)
	fmt.Fprintf(bw, "{\n  \"targets\": %d,\n  \"probes\": %d,\n  \"cookie_sent\": %v,\n", o.endpoints, o.probes, o.cookie)
	array := func(name string, last bool, items func(*record, func(any) error) error) error {
		fmt.Fprintf(bw, "  %q: [", name)
		n := 0
		emit := func(v any) error {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			if n > 0 {
				bw.WriteString(",")
			}
			n++
			bw.WriteString("\n    ")
			_, err = bw.Write(b)
			return err
		}
		if err := o.each(func(r *record) error { return items(r, emit) }); err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	if err := array("findings", false, func(r *record, emit func(any) error) error {
		if r.Result == nil {
			return nil
		}
		for _, f := range r.Result.Findings {
			if err := emit(f); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := array("endpoints", false, func(r *record, emit func(any) error) error {
		if r.Result == nil || r.Error != "" {
			return nil
		}
		res := r.Result
		return emit(struct {
			URL      string         `json:"url"`
			Method   string         `json:"method"`
			Line     int            `json:"line,omitempty"`
			Probes   int            `json:"probes"`
			Findings int            `json:"findings"`
			Allowed  []string       `json:"allowed_origins"`
			Stack    *audit.Stack   `json:"stack,omitempty"`
			Partial  string         `json:"partial,omitempty"`
			Requests map[string]int `json:"requests,omitempty"`
		}{res.URL, res.Method, r.Line, res.Probes, len(res.Findings), res.Allowed, res.Stack, res.Partial, res.Requests})
	}); err != nil {
		return err
	}
	if err := array("errors", true, func(r *record, emit func(any) error) error {
		if e := r.targetError(); e != nil {
			return emit(e)
		}
		return nil
	}); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// text prints the endpoints grouped, the worst first (one pass over the
// spill file per severity), each with its findings.
func (o *auditOutput) text() error {
	bw := bufio.NewWriter(o.w)
	s := style{o.color}
	color := map[audit.Severity]func(string) string{audit.High: s.red, audit.Medium: s.red, audit.Low: s.bold, audit.Info: s.dim}
	for sev := audit.High; sev >= audit.Info; sev-- {
		err := o.each(func(r *record) error {
			res := r.Result
			if res == nil || len(res.Findings) == 0 || res.Findings[0].Severity != sev {
				return nil // Findings are sorted, the worst first
			}
			fmt.Fprintf(bw, "%s  %s %s", color[sev](strings.ToUpper(sev.String())), res.Method, res.URL)
			var notes []string
			if res.CookieSent {
				notes = append(notes, "cookie sent")
			}
			if res.Stack != nil {
				notes = append(notes, res.Stack.Name)
			}
			if res.Partial != "" {
				notes = append(notes, res.Partial)
			}
			if len(notes) > 0 {
				fmt.Fprintf(bw, "  (%s)", strings.Join(notes, "; "))
			}
			fmt.Fprintln(bw)
			for _, f := range res.Findings {
				o.textFinding(bw, s, f)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if o.errs+o.lineErrs > 0 {
		fmt.Fprintln(bw, "\nNot audited:")
		o.each(func(r *record) error {
			if e := r.targetError(); e != nil {
				switch {
				case e.URL == "":
					fmt.Fprintf(bw, "  --targets %s\n", e.Error)
				default:
					fmt.Fprintf(bw, "  %s %s: %s\n", e.Method, e.URL, e.Error)
				}
			}
			return nil
		})
	}
	if o.cookie {
		fmt.Fprintln(bw, "\nAudited as a logged-in user: the given cookie was sent with every probe (its value is not shown), not with the two anonymous GETs that first check the cache key, nor with the embed probe's loads that compare the answer without it.")
	}
	fmt.Fprintf(bw, "\n%s, %d unreachable, %d partially audited, %s: %d high, %d medium, %d low, %d info.\n",
		count(int64(o.endpoints), "endpoint"), o.errs, o.partial, count(int64(o.probes), "probe"), o.counts[audit.High], o.counts[audit.Medium], o.counts[audit.Low], o.counts[audit.Info])
	return bw.Flush()
}

func (o *auditOutput) textFinding(w io.Writer, s style, f audit.Finding) {
	cred := ""
	if f.Credentials {
		cred = " (readable with the user's cookies)"
	}
	fmt.Fprintf(w, "  %s %s\n", s.bold(f.ID), f.Severity)
	if f.Origin != "" {
		fmt.Fprintf(w, "    Origin: %s%s\n", f.Origin, cred)
	}
	for _, ev := range []*audit.Evidence{&f.Evidence, f.Followup} {
		if ev == nil {
			continue
		}
		if acao := ev.ResponseHeaders.Get("Access-Control-Allow-Origin"); acao != "" {
			fmt.Fprintf(w, "    answer: %d, Access-Control-Allow-Origin: %s", ev.Status, acao)
			if acac := ev.ResponseHeaders.Get("Access-Control-Allow-Credentials"); acac != "" {
				fmt.Fprintf(w, ", Access-Control-Allow-Credentials: %s", acac)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "    %s\n    fix: %s\n", f.Explanation, f.Fix.Headers)
	if f.Fix.Config != "" {
		fmt.Fprintf(w, "    with corskit: %s\n", f.Fix.Config)
	}
	if f.Fix.Stack != "" {
		fmt.Fprintf(w, "    in this stack: %s\n", f.Fix.Stack)
	}
}

// ruleIDs returns the classes found, sorted: SARIF's rule order.
func (o *auditOutput) ruleIDs() []string {
	ids := make([]string, 0, len(o.rules))
	for id := range o.rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
