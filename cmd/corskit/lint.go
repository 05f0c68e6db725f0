package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"slices"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/cmd/corskit/internal/lintterraform"
	"github.com/corskit/corskit/lint"
)

const lintSynopsis = `lint [PATH...] [--format text|json|sarif] [--fail-on high|medium|low|info]

Reads the CORS configuration in files (nginx, Apache, django-cors-headers,
Flask-CORS, Starlette/FastAPI, Express cors, Fastify, Caddyfile, S3, Cloud
Storage, Azure Storage (XML, ARM), Cloudflare R2, CloudFront and API Gateway
CORS, in Terraform (.tf) and serverless.yml too, Spring
application.properties/yml, cors.Config;
lint/README.md says how each is evaluated), turns each policy into a server that
answers as the stack would, runs the audit's probes against it through the
browser model, and reports the audit's findings at the file and line that
cause them, with the origin an attacker would use. Some findings only the
configuration shows (nginx add_header without always, a cached location
without Vary: Origin, two layers adding Access-Control-Allow-Origin,
development origins in a production file).

With no PATH, the current directory is walked, honouring .gitignore; files
are recognised by name and first bytes, and the others cost only that.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error, 3 a recognised file could not be read and nothing was found
at or above --fail-on.`

const lintExamples = `  corskit lint
  corskit lint deploy/nginx.conf mysite/settings.py --fail-on medium
  corskit lint --format sarif > cors-lint.sarif
`

// lintRuleHelp describes the classes only lint reports, for SARIF.
var lintRuleHelp = map[string]string{
	lint.AddHeaderWithoutAlways: "nginx add_header Access-Control-Allow-Origin without always: error answers lose it.",
	lint.TwoLayers:              "Both a proxy and the application add Access-Control-Allow-Origin.",
	lint.CachedWithoutVary:      "A cached location answers per Origin without Vary: Origin.",
	lint.DevOrigin:              "A local development origin is allowed in a production configuration.",
	lint.InvalidConfig:          "A cors.Config that cors.New refuses: the service does not start.",
	lint.NotEvaluated:           "A CORS policy that is decided at run time or uses what lint does not evaluate: audit it live.",
}

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	format := choice{"text", []string{"text", "json", "sarif"}}
	failOn := choice{"low", []string{"high", "medium", "low", "info"}}
	fs := newFlags("lint", lintSynopsis, stderr)
	fs.examples = lintExamples
	fs.Var(&format, "format", "output: text, json or sarif (2.1.0, for GitHub code scanning)")
	fs.Var(&failOn, "fail-on", "exit 1 when a finding is at least this severe")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files, err := lint.Walk(paths)
	if err != nil {
		return usageError{err.Error()}
	}
	rep := lint.Lint(ctx, files, lint.Options{Roots: paths, Readers: []lint.Reader{lintterraform.Reader}})
	switch format.value {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case "sarif":
		err = lintSARIF(stdout, rep)
	default:
		err = lintText(stdout, rep)
	}
	if err != nil {
		return err
	}
	worst := audit.Severity(-1)
	for _, f := range rep.Findings {
		worst = max(worst, f.Severity)
	}
	min, _ := audit.ParseSeverity(failOn.value)
	switch {
	case worst >= min:
		return exitError{code: 1}
	case len(rep.Errors) > 0:
		return exitError{code: 3, msg: fmt.Sprintf("%d file(s) could not be read", len(rep.Errors))}
	}
	return nil
}

func lintText(w io.Writer, rep *lint.Report) error {
	bw := bufio.NewWriter(w)
	for _, f := range rep.Findings {
		fmt.Fprintf(bw, "%s:%d: %s [%s] (%s)", f.File, f.Line, f.ID, f.Severity, f.Stack)
		if f.Origin != "" {
			fmt.Fprintf(bw, " Origin %s", f.Origin)
		}
		fmt.Fprintf(bw, "\n    %s\n", f.Explanation)
		if f.Fix.Headers != "" {
			fmt.Fprintf(bw, "    fix: %s\n", f.Fix.Headers)
		}
		if f.Fix.Stack != "" {
			fmt.Fprintf(bw, "    in %s\n", f.Fix.Stack)
		}
		if f.Source != "" {
			fmt.Fprintf(bw, "    %s\n", f.Source)
		}
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(bw, "%s: not read: %s\n", e.File, e.Error)
	}
	fmt.Fprintf(bw, "%d files, %d CORS policies, %d findings\n", rep.Files, len(rep.Units), len(rep.Findings))
	return bw.Flush()
}

// lintSARIF writes a SARIF 2.1.0 log: each result at its file and line,
// with the same rule metadata as audit's.
func lintSARIF(w io.Writer, rep *lint.Report) error {
	worst := map[string]audit.Severity{}
	for _, f := range rep.Findings {
		if s, ok := worst[f.ID]; !ok || f.Severity > s {
			worst[f.ID] = f.Severity
		}
	}
	var ids []string
	for id := range worst {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rules := []any{}
	for _, id := range ids {
		help := ruleHelp[id]
		if help == "" {
			help = lintRuleHelp[id]
		}
		level, sec := sarifLevel(worst[id])
		rules = append(rules, map[string]any{
			"id": id, "name": id,
			"shortDescription":     map[string]any{"text": help},
			"fullDescription":      map[string]any{"text": help},
			"help":                 map[string]any{"text": help + " See `corskit lint -h` and lint/README.md."},
			"defaultConfiguration": map[string]any{"level": level},
			"properties":           map[string]any{"tags": []string{"security", "cors"}, "security-severity": sec},
		})
	}
	results := []any{}
	for _, f := range rep.Findings {
		level, _ := sarifLevel(f.Severity)
		msg := f.Explanation
		if f.Origin != "" {
			msg = "Origin " + f.Origin + ": " + msg
		}
		if f.Fix.Headers != "" {
			msg += " Fix: " + f.Fix.Headers
		}
		if f.Source != "" {
			msg += " (" + f.Source + ")"
		}
		phys := map[string]any{"artifactLocation": map[string]any{"uri": sarifURI(f.File), "uriBaseId": "SRCROOT"}}
		if f.Line > 0 {
			phys["region"] = map[string]any{"startLine": f.Line}
		}
		results = append(results, map[string]any{
			"ruleId": f.ID, "ruleIndex": slices.Index(ids, f.ID), "level": level,
			"message":             map[string]any{"text": msg},
			"locations":           []any{map[string]any{"physicalLocation": phys}},
			"partialFingerprints": map[string]any{"corskit/v1": fmt.Sprintf("%s %s:%d %s", f.ID, sarifURI(f.File), f.Line, f.Origin)},
			"properties":          map[string]any{"severity": f.Severity.String(), "origin": f.Origin, "credentials": f.Credentials, "stack": f.Stack, "fix": f.Fix.Headers, "stackFix": f.Fix.Stack},
		})
	}
	notes := []any{}
	for _, e := range rep.Errors {
		notes = append(notes, map[string]any{"level": "error", "message": map[string]any{"text": e.Error},
			"locations": []any{map[string]any{"physicalLocation": map[string]any{"artifactLocation": map[string]any{"uri": sarifURI(e.File), "uriBaseId": "SRCROOT"}}}}})
	}
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{"name": "corskit", "informationUri": "https://github.com/corskit/corskit",
				"version": version, "language": "en-US", "rules": rules}},
			"language": "en-US", "newlineSequences": []string{"\r\n", "\n"},
			"originalUriBaseIds": map[string]any{"SRCROOT": map[string]any{"description": map[string]any{"text": "The repository root."}}},
			"invocations":        []any{map[string]any{"executionSuccessful": true, "toolExecutionNotifications": notes}},
			"results":            results,
		}},
	}
	enc := json.NewEncoder(w)
	return enc.Encode(log)
}
