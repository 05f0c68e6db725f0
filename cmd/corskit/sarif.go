package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/corskit/corskit/audit"
)

// ruleHelp describes each finding class for SARIF consumers (GitHub code
// scanning shows these).
var ruleHelp = map[string]string{
	audit.ReflectAnyOrigin:        "The server reflects any Origin in Access-Control-Allow-Origin.",
	audit.NullOrigin:              "The server allows Origin: null (sandboxed iframes, data: URLs).",
	audit.PrefixMatch:             "The allowlist accepts origins that start with a trusted host.",
	audit.SuffixMatch:             "The allowlist accepts origins that end with the trusted domain.",
	audit.SubstringMatch:          "The allowlist accepts origins that merely contain or are contained in a trusted host.",
	audit.UnescapedDot:            "The allowlist pattern leaves a dot unescaped.",
	audit.SpecialChars:            "The allowlist accepts a trusted host followed by special characters under another domain.",
	audit.InsecureScheme:          "An https endpoint trusts http:// origins.",
	audit.AnySubdomain:            "The server trusts every subdomain.",
	audit.ThirdPartyOrigin:        "The server trusts origins where anyone can host script.",
	audit.LocalhostOrigin:         "The server trusts localhost origins.",
	audit.WildcardOrigin:          "Access-Control-Allow-Origin: *.",
	audit.WildcardWithCredentials: "Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true.",
	audit.MissingVary:             "A response that depends on Origin lacks Vary: Origin.",
	audit.PermissivePreflight:     "Preflights approve any method or header, with credentials.",
	audit.HeaderInjection:         "Line breaks in the Origin reach the response headers.",
	audit.InvalidACAO:             "Access-Control-Allow-Origin is not a single valid origin.",
	audit.AnyPort:                 "The allowlist accepts a trusted host on any port.",
	audit.TrailingDot:             "The allowlist accepts a trusted host with a trailing dot.",
	audit.PrivateNetwork:          "Preflights grant private-network access.",
	audit.CachePoisoning:          "A shared cache serves one origin's CORS answer to other origins.",
	audit.CacheIgnoresQuery:       "A shared cache ignores the query string: the audit stopped, to avoid poisoning the entry real users get.",
	audit.CrossSiteWebSocket:      "A WebSocket endpoint accepts handshakes from any site's origin (cross-site WebSocket hijacking).",
	audit.EmbeddableWithoutCORP:   "An answer that holds the user's data (it differs with the cookie) has no Cross-Origin-Resource-Policy: any site can embed it in a no-cors load (img, script, link, media).",
}

// sarifLevel maps severities to SARIF levels; securitySeverity is GitHub's
// numeric scale for security rules.
func sarifLevel(s audit.Severity) (level, securitySeverity string) {
	switch s {
	case audit.High:
		return "error", "8.1"
	case audit.Medium:
		return "warning", "5.3"
	case audit.Low:
		return "note", "3.1"
	}
	return "note", "0.0"
}

// sarif writes a SARIF 2.1.0 log that GitHub code scanning accepts: every
// result is located at a file of the repository (the --targets file, on
// the URL's line, or --sarif-location), never at the http(s) URL audited,
// which code scanning cannot map to a file; the URL is in the message and
// the properties. Results and notifications stream from the spill file.
func (o *auditOutput) sarif() error {
	ids := o.ruleIDs()
	rules := []any{}
	for _, id := range ids {
		level, sec := sarifLevel(o.rules[id])
		rules = append(rules, map[string]any{
			"id": id, "name": id,
			"shortDescription":     map[string]any{"text": ruleHelp[id]},
			"fullDescription":      map[string]any{"text": ruleHelp[id]},
			"help":                 map[string]any{"text": ruleHelp[id] + " See `corskit audit -h` and audit/README.md."},
			"defaultConfiguration": map[string]any{"level": level},
			"properties":           map[string]any{"tags": []string{"security", "cors"}, "security-severity": sec},
		})
	}
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	tool, err := json.Marshal(map[string]any{"driver": map[string]any{
		"name": "corskit", "informationUri": "https://github.com/corskit/corskit", "version": version,
		"language": "en-US", "rules": rules,
	}})
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(o.w)
	fmt.Fprintf(bw, `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":%s,"language":"en-US","newlineSequences":["\r\n","\n"],"originalUriBaseIds":{"SRCROOT":{"description":{"text":"The repository root."}}},`, tool)
	stream := func(name string, items func(*record, func(any) error) error) error {
		fmt.Fprintf(bw, "%q:[", name)
		n := 0
		err := o.each(func(r *record) error {
			return items(r, func(v any) error {
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				if n > 0 {
					bw.WriteByte(',')
				}
				n++
				bw.WriteByte('\n')
				_, err = bw.Write(b)
				return err
			})
		})
		bw.WriteString("]")
		return err
	}
	fmt.Fprintf(bw, `"invocations":[{"executionSuccessful":%t,`, !o.failed)
	if err := stream("toolExecutionNotifications", func(r *record, emit func(any) error) error {
		e := r.targetError()
		if e == nil {
			return nil
		}
		text := e.Error
		if e.URL != "" {
			text = e.Method + " " + e.URL + ": " + text
		} else {
			text = o.loc.path + " " + text
		}
		n := map[string]any{"level": "error", "message": map[string]any{"text": text}}
		if e.Line > 0 {
			n["locations"] = []any{o.location(e.Line)}
		}
		return emit(n)
	}); err != nil {
		return err
	}
	bw.WriteString(`}],`)
	if err := stream("results", func(r *record, emit func(any) error) error {
		if r.Result == nil {
			return nil
		}
		for _, f := range r.Result.Findings {
			level, _ := sarifLevel(f.Severity)
			msg := f.Method + " " + f.URL + ": " + f.Explanation + " Fix: " + f.Fix.Headers
			if f.Origin != "" {
				msg = fmt.Sprintf("%s %s: Origin %s: %s Fix: %s", f.Method, f.URL, f.Origin, f.Explanation, f.Fix.Headers)
			}
			props := map[string]any{"url": f.URL, "method": f.Method, "severity": f.Severity.String(), "origin": f.Origin,
				"credentials": f.Credentials, "fix": f.Fix.Headers, "config": f.Fix.Config}
			if f.Fix.Stack != "" {
				props["stackFix"] = f.Fix.Stack
			}
			if err := emit(map[string]any{
				"ruleId": f.ID, "ruleIndex": slices.Index(ids, f.ID), "level": level,
				"message":             map[string]any{"text": msg},
				"locations":           []any{o.location(r.Line)},
				"partialFingerprints": map[string]any{"corskit/v1": f.ID + " " + f.Method + " " + f.URL},
				"properties":          props,
			}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	bw.WriteString("}]}\n")
	return bw.Flush()
}

// location is the repository file (and line, when the target came from
// it) a result points at.
func (o *auditOutput) location(line int) map[string]any {
	art := map[string]any{"uri": sarifURI(o.loc.path), "uriBaseId": "SRCROOT"}
	phys := map[string]any{"artifactLocation": art}
	if line > 0 && o.loc.lines {
		phys["region"] = map[string]any{"startLine": line}
	}
	return map[string]any{"physicalLocation": phys}
}

// sarifURI turns a file path into a relative URI reference: slashes,
// no leading ./, percent-encoded where a URI needs it. An absolute path
// is made relative to the working directory when it lies below it, and
// cut to its base name otherwise.
func sarifURI(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
				p = r
			}
		}
		if filepath.IsAbs(p) {
			// Outside the working tree: code scanning could not place an
			// absolute path; the file's name is the best guess
			// (--sarif-location says where it lives in the repository).
			p = filepath.Base(p)
		}
	}
	p = strings.TrimPrefix(filepath.ToSlash(p), "./")
	return (&url.URL{Path: p}).EscapedPath()
}
