package main

import (
	"fmt"
	"runtime/debug"
	"slices"

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

// sarifLog renders findings and unreachable targets as SARIF 2.1.0.
func sarifLog(findings []audit.Finding, errs []targetError) map[string]any {
	var ids []string
	worst := map[string]audit.Severity{}
	for _, f := range findings {
		if !slices.Contains(ids, f.ID) {
			ids = append(ids, f.ID)
		}
		if f.Severity > worst[f.ID] {
			worst[f.ID] = f.Severity
		}
	}
	slices.Sort(ids)
	rules := []any{}
	for _, id := range ids {
		level, sec := sarifLevel(worst[id])
		rules = append(rules, map[string]any{
			"id": id, "name": id,
			"shortDescription":     map[string]any{"text": ruleHelp[id]},
			"fullDescription":      map[string]any{"text": ruleHelp[id]},
			"help":                 map[string]any{"text": ruleHelp[id] + " See `corskit audit -h`."},
			"defaultConfiguration": map[string]any{"level": level},
			"properties":           map[string]any{"tags": []string{"security", "cors"}, "security-severity": sec},
		})
	}
	results := []any{}
	for _, f := range findings {
		level, _ := sarifLevel(f.Severity)
		msg := f.Explanation + " Fix: " + f.Fix.Headers
		if f.Origin != "" {
			msg = fmt.Sprintf("Origin %s: %s", f.Origin, msg)
		}
		results = append(results, map[string]any{
			"ruleId": f.ID, "ruleIndex": slices.Index(ids, f.ID), "level": level,
			"message":             map[string]any{"text": msg},
			"locations":           []any{map[string]any{"physicalLocation": map[string]any{"artifactLocation": map[string]any{"uri": f.URL}}}},
			"partialFingerprints": map[string]any{"corskit/v1": f.ID + " " + f.URL},
			"properties": map[string]any{"severity": f.Severity.String(), "origin": f.Origin, "credentials": f.Credentials,
				"fix": f.Fix.Headers, "config": f.Fix.Config},
		})
	}
	notifications := []any{}
	for _, e := range errs {
		notifications = append(notifications, map[string]any{
			"level": "error", "message": map[string]any{"text": e.URL + ": " + e.Error},
		})
	}
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		version = bi.Main.Version
	}
	return map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "corskit", "informationUri": "https://github.com/corskit/corskit", "version": version,
				"language": "en-US", "rules": rules,
			}},
			"language":         "en-US",
			"newlineSequences": []string{"\r\n", "\n"},
			"invocations":      []any{map[string]any{"executionSuccessful": true, "toolExecutionNotifications": notifications}},
			"results":          results,
		}},
	}
}
