package explain

import (
	"fmt"
	"io"
)

// AdviceLayout is how WriteAdvice sets out a diagnosis's fixes and
// warnings: `corskit check` prints them at the left margin with a blank
// line before each heading and colours on a terminal; corstest indents
// them under a failed assertion.
type AdviceLayout struct {
	Indent string // written before every line
	Spaced bool   // a blank line before each heading
	// Marks for the headings, the header line to send and the word
	// "security:" (colours, say); nil leaves the text as it is.
	Heading, Header, Risk func(string) string
}

// WriteAdvice writes d's fixes (the header line to send, the sentence, the
// cors.Config change, the risk) and warnings, in the layout of `corskit
// check`.
func WriteAdvice(w io.Writer, d Diagnosis, l AdviceLayout) {
	mark := func(f func(string) string, s string) string {
		if f == nil {
			return s
		}
		return f(s)
	}
	heading := func(h string) {
		if l.Spaced {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s%s\n", l.Indent, mark(l.Heading, h))
	}
	in := l.Indent
	if len(d.Fixes) > 0 {
		heading("Fix:")
		for _, f := range d.Fixes {
			if f.Header != "" && f.Value != "" {
				fmt.Fprintf(w, "%s  on the %s response: %s\n", in, f.Response, mark(l.Header, f.Header+": "+f.Value))
				fmt.Fprintf(w, "%s    %s\n", in, f.Text)
			} else {
				fmt.Fprintf(w, "%s  %s: %s\n", in, f.Response, f.Text)
			}
			if f.Config != "" {
				fmt.Fprintf(w, "%s    with corskit's cors middleware: %s\n", in, f.Config)
			}
			if f.Security != "" {
				fmt.Fprintf(w, "%s    %s %s\n", in, mark(l.Risk, "security:"), f.Security)
			}
		}
	}
	if len(d.Warnings) > 0 {
		heading("Warnings:")
		for _, wn := range d.Warnings {
			fmt.Fprintf(w, "%s  [%s] %s\n", in, wn.ID, wn.Text)
		}
	}
}

// ForStack returns d as written for a server on the stack sd names: the
// Config words (corskit's cors.Config) only when that is corskit's
// middleware, detected, chosen or possible ("corskit or rs/cors"), not
// when corskit was merely assumed for want of evidence. The JSON report
// keeps them; this is for text.
func (d Diagnosis) ForStack(sd *StackDetection) Diagnosis {
	if sd != nil && sd.Name == DefaultStack && (sd.Confidence == "chosen" || len(sd.Evidence) > 0) {
		return d
	}
	out := d
	out.Fixes = make([]Fix, len(d.Fixes))
	for i, f := range d.Fixes {
		f.Config = ""
		out.Fixes[i] = f
	}
	return out
}
