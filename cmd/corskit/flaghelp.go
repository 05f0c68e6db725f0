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
// a cache mode reads "(default default)".
//
// Here each flag is spelled as the synopsis spells it (-X, --origin), its
// value is named as in the synopsis (--origin ORIGIN, -H 'Name: value'),
// and a default is shown only when it says something, quoted when it is a
// word: (default "default"), (default 10s).
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
// zero or repeatable flag; a number or duration as is; a word quoted.
func defaultText(f *flag.Flag) string {
	d := f.DefValue
	switch d {
	case "", "false", "0", "0s", "[]":
		return ""
	}
	if _, err := strconv.ParseFloat(d, 64); err == nil {
		return d
	}
	if _, err := time.ParseDuration(d); err == nil {
		return d
	}
	return strconv.Quote(d)
}
