package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// printFlags writes a command's flags for -h. It replaces
// flag.PrintDefaults, whose output reads badly for a CLI that documents
// --long flags: it spells every flag with one dash, names the value of
// every custom flag "value", and prints a choice's default bare, so that
// a cache mode reads "(default default)", and spells a duration as
// time.Duration.String does, so three minutes reads "3m0s".
//
// Here each flag is spelled as the synopsis spells it (-X, --origin), its
// value is named as in the synopsis (--origin ORIGIN, -H 'Name: value'),
// and a default is shown only when it says something, quoted when it is a
// word: (default "default"), (default 10s), (default 3m).
func printFlags(w io.Writer, fs flags) {
	fs.VisitAll(func(f *flag.Flag) {
		line := "  " + dashed(f.Name)
		if p := placeholder(fs, f); p != "" {
			line += " " + p
		}
		usage := f.Usage
		if d := defaultText(f); d != "" {
			usage += " (default " + d + ")"
		}
		fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
	})
}

// dashed spells a flag as the synopses and examples do: one dash for a
// one-letter flag, two for a word. Go's flag package accepts both.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// placeholder names the value a flag takes, or returns "" for a boolean
// flag. The synopsis is the source: "[--targets FILE|-]" gives "FILE|-".
// Failing that, a choice lists its values and a number or duration says so.
func placeholder(fs flags, f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	re := regexp.MustCompile(`(?:^|[\s\[|])--?` + regexp.QuoteMeta(f.Name) + `[ =]('[^']*'|[^\s\]]+)`)
	if m := re.FindStringSubmatch(fs.synopsis); m != nil {
		return m[1]
	}
	if c, ok := f.Value.(*choice); ok {
		return strings.Join(c.allowed, "|")
	}
	switch name, _ := flag.UnquoteUsage(f); name {
	case "int", "uint", "float":
		return "N"
	case "duration":
		return "DUR"
	}
	return strings.ToUpper(f.Name)
}

// defaultText is the default worth printing: nothing for an empty, false,
// zero or repeatable flag; a number as is; a duration as a person writes
// it; a word quoted.
func defaultText(f *flag.Flag) string {
	d := f.DefValue
	switch d {
	case "", "false", "0", "0s", "[]":
		return ""
	}
	if _, err := strconv.ParseFloat(d, 64); err == nil {
		return d
	}
	// Only a duration flag's default is a duration: a string flag whose
	// default happens to read "10s" is still a word. (The type comes from
	// the value; the default from DefValue, as the value may be set by now.)
	if g, ok := f.Value.(flag.Getter); ok {
		if _, isDur := g.Get().(time.Duration); isDur {
			if dur, err := time.ParseDuration(d); err == nil {
				return shortDuration(dur)
			}
		}
	}
	return strconv.Quote(d)
}

// shortDuration spells d as time.Duration.String does, less the zero
// units it pads with: 3m rather than 3m0s, 1h5s rather than 1h0m5s. The
// result still parses with time.ParseDuration, so it can be pasted back.
func shortDuration(d time.Duration) string {
	var b strings.Builder
	for _, part := range durationPart.FindAllString(d.String(), -1) {
		if part[0] == '0' && !strings.HasPrefix(part, "0.") {
			continue // a zero unit: 0m, 0s
		}
		b.WriteString(part)
	}
	if b.Len() == 0 {
		return "0s"
	}
	return b.String()
}

// durationPart is one number-and-unit of a time.Duration's String.
var durationPart = regexp.MustCompile(`[0-9.]+[^0-9.]+`)

// flagError rewords the flag package's parse errors for a CLI whose help
// and docs spell word flags with two dashes: the flag package writes
// "flag provided but not defined: -nope" for --nope and "invalid value
// "x" for flag -timeout: parse error", which names a flag the user never
// typed and does not say what a value should look like. Messages it does
// not recognise, and a value's own error (a choice's "must be one of
// ..."), are kept as they are.
func flagError(fs flags, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag " + dashed(name) + didYouMean(dashed(name), flagNames(fs.FlagSet))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return dashed(name) + ": missing value"
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		// invalid boolean value "V" for -NAME: CAUSE (--json=maybe)
		if value, err := strconv.QuotedPrefix(rest); err == nil {
			if name, _, ok := strings.Cut(strings.TrimPrefix(rest[len(value):], " for -"), ": "); ok {
				return dashed(name) + "=" + value + ": want true or false (or the flag alone)"
			}
		}
		return msg
	}
	// invalid value "V" for flag -NAME: CAUSE
	rest, ok := strings.CutPrefix(msg, "invalid value ")
	if !ok {
		return msg
	}
	value, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return msg
	}
	rest, ok = strings.CutPrefix(rest[len(value):], " for flag -")
	if !ok {
		return msg
	}
	name, cause, ok := strings.Cut(rest, ": ")
	if !ok {
		return msg
	}
	if f := fs.Lookup(name); f != nil && cause == "parse error" {
		cause = want(f)
	}
	return dashed(name) + " " + value + ": " + cause
}

// want says what a flag's value should look like, for a value the flag
// package could not parse.
func want(f *flag.Flag) string {
	if g, ok := f.Value.(flag.Getter); ok {
		if _, isDur := g.Get().(time.Duration); isDur {
			return "want a duration such as 10s, 1m30s or 2h"
		}
	}
	switch name, _ := flag.UnquoteUsage(f); name {
	case "int", "uint":
		return "want a whole number"
	case "float":
		return "want a number"
	}
	return "parse error"
}
