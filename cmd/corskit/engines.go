package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

// engineTitle is an engine's name as people write it.
func engineTitle(name string) string {
	switch name {
	case "chromium":
		return "Chromium"
	case "firefox":
		return "Firefox"
	case "webkit":
		return "WebKit"
	}
	return name
}

// wireOf is what went on the wire for res, one "KIND METHOD URL" per
// exchange (cache hits included): two engines that agree on it and on what
// script sees made the same call.
func wireOf(res *fetch.Result) []string {
	out := make([]string, len(res.Trace))
	for i, e := range res.Trace {
		// Origin too: WebKit loads a font in no-cors mode, without one.
		out[i] = string(e.Kind) + " " + e.Method + " " + e.URL + " " + e.RequestHeader.Get("Access-Control-Request-Headers") + " " + e.RequestHeader.Get("Origin")
	}
	return out
}

// engineRow is one engine's outcome, in the words of the table.
type engineRow struct {
	verdict, preflight, status, headers, reason string
}

func rowOf(res *fetch.Result) engineRow {
	r := engineRow{verdict: "ALLOWED", preflight: "none", status: "-", headers: "-", reason: "-"}
	for _, e := range res.Trace {
		switch e.Kind {
		case fetch.ExchangePreflight:
			r.preflight = "sent"
		case fetch.ExchangeCacheHit:
			if r.preflight == "none" {
				r.preflight = "cache hit"
			}
		}
	}
	if res.Allowed() {
		r.status = fmt.Sprint(res.Response.Status)
		r.headers = strings.Join(nonEmpty(res.Response.ReadableHeaderNames()), ", ")
	} else {
		r.verdict = "BLOCKED"
		r.reason = res.Err.Reason.String()
		if res.Err.Reason == fetch.ReasonNetwork {
			r.verdict = "NETWORK ERROR"
		}
	}
	return r
}

// printEngines prints the same call as each engine makes it: when they
// agree on the verdict, what script sees and the wire, one trace and one
// verdict; else a side-by-side table and each engine's trace where it
// differs. Then each engine's console lines, and the fixes (those of every
// engine that blocks, once each).
// It returns the merged diagnosis, whose fixes it printed.
func printEngines(w io.Writer, engines []fetch.Profile, results []*fetch.Result, diags []explain.Diagnosis, color bool) explain.Diagnosis {
	s := style{color}
	req := results[0].Request
	names := make([]string, len(engines))
	for i, p := range engines {
		names[i] = p.Name
	}
	fmt.Fprintf(w, "%s %s from origin %s (%s, models: %s)\n\n",
		s.bold(req.Method), s.bold(req.URL), s.bold(req.Origin.String()), loadWords(req), strings.Join(names, ", "))
	rows := make([]engineRow, len(results))
	agree := true
	for i, r := range results {
		rows[i] = rowOf(r)
		if rows[i] != rows[0] || !slices.Equal(wireOf(r), wireOf(results[0])) {
			agree = false
		}
	}
	if agree {
		printPreflightWhy(w, req, diags[0])
		printTrace(w, results[0].Trace, s)
		fmt.Fprintln(w)
		verdict := s.green("ALLOWED")
		switch rows[0].verdict {
		case "BLOCKED":
			verdict = s.red("BLOCKED")
		case "NETWORK ERROR":
			// Not a CORS verdict: the server never answered.
			verdict = s.red("NETWORK ERROR "+diags[0].NetError) + " (no answer: not a CORS verdict)"
		}
		fmt.Fprintf(w, "%s in every engine (%s)", verdict, strings.Join(names, ", "))
		if results[0].Allowed() {
			fmt.Fprintf(w, ": status %s, script can read: %s", rows[0].status, rows[0].headers)
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "%s\n\n", s.bold(disagreement(rows, names)))
		printEngineTable(w, names, rows)
	engine:
		for i, r := range results {
			for j := range i {
				if slices.Equal(wireOf(r), wireOf(results[j])) {
					fmt.Fprintf(w, "\n%s: the same requests as %s.\n", engineTitle(names[i]), engineTitle(names[j]))
					continue engine
				}
			}
			fmt.Fprintf(w, "\n%s\n", s.bold(engineTitle(names[i])+":"))
			printPreflightWhy(w, req, diags[i])
			printTrace(w, r.Trace, s)
		}
	}
	fmt.Fprintln(w)
	for i, r := range results {
		fmt.Fprintf(w, "%s:\n", engineTitle(names[i]))
		if r.Allowed() && len(engines[i].ConsoleLines(r)) == 0 {
			fmt.Fprintf(w, "  (no console line)\n")
			continue
		}
		if diags[i].NetError != "" {
			fmt.Fprintf(w, "  no answer (not a CORS verdict): %s\n", diags[i].Message)
		}
		printConsole(w, "  ", engines[i], r)
	}
	merged := mergeDiagnoses(diags)
	printAdvice(w, merged, s)
	return merged
}

// printEngineTable prints one column per engine.
func printEngineTable(w io.Writer, names []string, rows []engineRow) {
	table := [][]string{{""}, {"verdict"}, {"preflight"}, {"status"}, {"script can read"}, {"reason"}}
	for i, n := range names {
		r := rows[i]
		table[0] = append(table[0], engineTitle(n))
		table[1] = append(table[1], r.verdict)
		table[2] = append(table[2], r.preflight)
		table[3] = append(table[3], r.status)
		table[4] = append(table[4], r.headers)
		table[5] = append(table[5], r.reason)
	}
	widths := make([]int, len(table[0]))
	for _, line := range table {
		for j, c := range line {
			widths[j] = max(widths[j], len(c))
		}
	}
	for _, line := range table {
		var b strings.Builder
		b.WriteString("  ")
		for j, c := range line {
			if j == len(line)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c + strings.Repeat(" ", widths[j]-len(c)+3))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// mergeDiagnoses gathers the fixes and warnings of several engines' runs of
// one call, each once, in engine order.
func mergeDiagnoses(ds []explain.Diagnosis) explain.Diagnosis {
	var out explain.Diagnosis
	seen := map[string]bool{}
	for _, d := range ds {
		for _, f := range d.Fixes {
			k := f.Response + "\x00" + f.Header + "\x00" + f.Value + "\x00" + f.Text
			if !seen[k] {
				seen[k] = true
				out.Fixes = append(out.Fixes, f)
			}
		}
		for _, wn := range d.Warnings {
			k := "w\x00" + wn.ID + "\x00" + wn.Text
			if !seen[k] {
				seen[k] = true
				out.Warnings = append(out.Warnings, wn)
			}
		}
	}
	return out
}

// disagreement is the heading of the side-by-side table: "The engines
// disagree" only when their verdicts differ; the same verdict reached
// differently is said as such.
func disagreement(rows []engineRow, names []string) string {
	for _, r := range rows[1:] {
		if r.verdict != rows[0].verdict {
			return "The engines disagree:"
		}
	}
	verdict := map[string]string{"ALLOWED": "Allowed", "BLOCKED": "Blocked", "NETWORK ERROR": "A network error"}[rows[0].verdict]
	for _, r := range rows[1:] {
		if r.reason != rows[0].reason {
			return verdict + " in every engine (" + strings.Join(names, ", ") + "), for different reasons:"
		}
	}
	return verdict + " in every engine (" + strings.Join(names, ", ") + "), by different requests or readings:"
}
