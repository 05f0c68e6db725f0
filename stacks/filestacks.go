package stacks

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The stacks of this file write a configuration file of a cloud vendor
// (Cloud Storage, Azure Storage, Cloudflare R2, CloudFront) or of a tool
// that deploys one (Terraform, the Serverless Framework), or Hono's cors
// middleware. A vendor's file holds several rules, in order, in one
// resource: RulesSnippet writes them all, under the resource's own name,
// so that lint's fix is the file it read with the change, in that file's
// syntax.

// RulesSnippet writes rules, in order, as the CORS configuration of the
// resource called name ("aws_s3_bucket_cors_configuration.site" for
// Terraform, "provider.httpApi.cors" for serverless.yml; "" for the
// stack's placeholder). Every rule is written as it is: a stack whose
// configuration holds one rule refuses more. The rules are a file's own
// (lint's fix: the file's rules less the origins that let an attacker
// in), so an origin entry is written as the vendor's entry it is (S3's
// "https://*example.com", a port wildcard), escaped for the syntax, and
// refused only when it could not be one entry (empty, a space, a comma,
// a control or non-ASCII byte); a vendor's own wildcard in a method or
// header list ("*", CloudFront's ALL) is allowed with credentials; the
// max-age is the vendor's (any whole number of seconds). The lists are
// validated as Validate does otherwise.
func (s *Stack) RulesSnippet(name string, rules []Policy) (string, error) {
	if len(rules) == 0 {
		return "", &PolicyError{Field: "Origins", Reason: "no rule to write"}
	}
	if !utf8.ValidString(name) {
		return "", &PolicyError{Field: "Name", Value: name, Reason: "not UTF-8"}
	}
	if (s.rules == nil || s.single) && len(rules) > 1 {
		return "", &PolicyError{Field: "Origins", Reason: s.Title + " has one CORS configuration, not a list of rules"}
	}
	vs := make([]view, len(rules))
	for i, p := range rules {
		q := p
		q.Origins, q.MaxAge = []string{"https://example.com"}, 0 // checked below
		q.Methods, q.Headers, q.Exposed = noStar(p.Methods, p.Credentials), noStar(p.Headers, p.Credentials), noStar(p.Exposed, p.Credentials)
		if err := q.Validate(); err != nil {
			return "", err
		}
		if len(p.Origins) == 0 {
			return "", &PolicyError{Field: "Origins", Reason: "a rule without origins"}
		}
		for _, o := range p.Origins {
			if why := vendorEntry(o); why != "" {
				return "", &PolicyError{Field: "Origins", Value: o, Reason: why}
			}
		}
		if p.MaxAge < 0 || p.MaxAge > 1<<31-1 {
			return "", &PolicyError{Field: "MaxAge", Value: strconv.Itoa(p.MaxAge), Reason: "not a number of seconds"}
		}
		if err := s.check(p); err != nil {
			return "", err
		}
		vs[i] = view{Policy: p, st: s}
	}
	if s.rules == nil {
		return s.render(vs[0]), nil
	}
	if name == "" {
		name = s.defaultName
	}
	return s.rules(name, vs), nil
}

// vendorEntry says why o cannot be one origin entry of a vendor's list,
// "" when it can.
func vendorEntry(o string) string {
	if o == "" || len(o) > 2048 {
		return "an origin entry must be 1 to 2048 bytes"
	}
	for i := 0; i < len(o); i++ {
		if c := o[i]; c <= ' ' || c == ',' || c >= 0x7f {
			return "an origin entry holds no space, comma, control or non-ASCII byte"
		}
	}
	return ""
}

// noStar leaves out "*" when creds: with credentials Validate reads it
// as the literal name, which a vendor's list never means.
func noStar(vals []string, creds bool) []string {
	if !creds {
		return vals
	}
	var out []string
	for _, v := range vals {
		if v != "*" {
			out = append(out, v)
		}
	}
	return out
}

// draw renders one policy: through the stack's rules writer under its
// placeholder name, or its own renderer.
func (s *Stack) draw(v view) string {
	if s.rules != nil {
		return s.rules(s.defaultName, []view{v})
	}
	return s.render(v)
}

// jsonArr writes a JSON array of strings through encoding/json.
func jsonArr(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = jsonString(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// jsonObj writes a JSON object of the members that are not "" (each
// `"name": value`, already indented), closed at indent.
func jsonObj(indent string, members ...string) string {
	var ms []string
	for _, m := range members {
		if m != "" {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return "{}"
	}
	return "{\n" + strings.Join(ms, ",\n") + "\n" + indent + "}"
}

// jsonRules writes the rules as a JSON array, one object each.
func jsonRules(indent string, vs []view, rule func(v view, in string) string) string {
	items := make([]string, len(vs))
	for i, v := range vs {
		items[i] = indent + "  " + rule(v, indent+"  ")
	}
	return "[\n" + strings.Join(items, ",\n") + "\n" + indent + "]"
}

// exactOrStar are the origins of vendors that match an origin exactly or
// "*" (Cloud Storage, Azure, API Gateway): subdomain patterns are left
// out, and a pitfall says so.
func exactOrStar(p Policy) []string {
	if p.anyOrigin() {
		return p.Origins
	}
	return p.exact()
}

// union is a then the values of b not in it (case-insensitive).
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		found := false
		for _, y := range out {
			found = found || strings.EqualFold(x, y)
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// gcsRule is one entry of a Cloud Storage bucket's cors list. Its
// responseHeader is both the allowed and the exposed headers.
func gcsRule(v view, in string) string {
	p := v.Policy
	hdrs := union(p.Headers, p.Exposed)
	return jsonObj(in,
		v.set(FieldOrigins, true, in+`  "origin": `+jsonArr(exactOrStar(p))),
		v.set(FieldMethods, true, in+`  "method": `+jsonArr(p.methods())),
		iff(v.shows(FieldHeaders) && v.shows(FieldExposed) && len(hdrs) > 0, in+`  "responseHeader": `+jsonArr(hdrs)),
		v.set(FieldMaxAge, p.MaxAge > 0, in+`  "maxAgeSeconds": `+strconv.Itoa(p.MaxAge)),
	)
}

// renderGCS writes the file `gcloud storage buckets update --cors-file`
// takes: the list of entries.
func renderGCS(_ string, vs []view) string { return jsonRules("", vs, gcsRule) + "\n" }

// azureRule is one CorsRule of Azure Storage's XML. Every element is
// required; the lists are comma-separated.
func azureRule(v view, in string) string {
	p := v.Policy
	el := func(f Field, tag string, vals []string) string {
		return v.set(f, true, in+"  <"+tag+">"+strings.Join(v.esc(vals), ",")+"</"+tag+">")
	}
	return lines(in+"<CorsRule>",
		el(FieldOrigins, "AllowedOrigins", exactOrStar(p)),
		el(FieldMethods, "AllowedMethods", p.methods()),
		el(FieldHeaders, "AllowedHeaders", p.Headers),
		el(FieldExposed, "ExposedHeaders", p.Exposed),
		v.set(FieldMaxAge, true, in+"  <MaxAgeInSeconds>"+strconv.Itoa(p.MaxAge)+"</MaxAgeInSeconds>"),
		in+"</CorsRule>")
}

// renderAzure writes the Cors element of Set Blob Service Properties.
func renderAzure(_ string, vs []view) string {
	rules := make([]string, len(vs))
	for i, v := range vs {
		rules[i] = azureRule(v, "    ")
	}
	return lines(`<?xml version="1.0" encoding="utf-8"?>`, "<StorageServiceProperties>",
		comment(syntaxes["xml"], "  ", "Logging, HourMetrics, MinuteMetrics, DefaultServiceVersion: keep yours"),
		"  <Cors>", strings.Join(rules, "\n"), "  </Cors>", "</StorageServiceProperties>") + "\n"
}

// armRule is one entry of an ARM template's corsRules: every property is
// required.
func armRule(v view, in string) string {
	p := v.Policy
	return jsonObj(in,
		v.set(FieldOrigins, true, in+`  "allowedOrigins": `+jsonArr(exactOrStar(p))),
		v.set(FieldMethods, true, in+`  "allowedMethods": `+jsonArr(p.methods())),
		v.set(FieldHeaders, true, in+`  "allowedHeaders": `+jsonArr(p.Headers)),
		v.set(FieldExposed, true, in+`  "exposedHeaders": `+jsonArr(p.Exposed)),
		v.set(FieldMaxAge, true, in+`  "maxAgeInSeconds": `+strconv.Itoa(p.MaxAge)),
	)
}

// renderAzureARM writes the cors property of a storage account's
// blobServices (fileServices, queueServices, tableServices alike).
func renderAzureARM(_ string, vs []view) string {
	return "{\n  \"cors\": {\n    \"corsRules\": " + jsonRules("    ", vs, armRule) + "\n  }\n}\n"
}

// r2Rule is one rule of wrangler's `r2 bucket cors set --file`.
func r2Rule(v view, in string) string {
	p := v.Policy
	return jsonObj(in,
		in+`  "allowed": `+jsonObj(in+"  ",
			v.set(FieldOrigins, true, in+`    "origins": `+jsonArr(p.Origins)),
			v.set(FieldMethods, true, in+`    "methods": `+jsonArr(s3Methods(p))),
			v.set(FieldHeaders, len(p.Headers) > 0, in+`    "headers": `+jsonArr(p.Headers)),
		),
		v.set(FieldExposed, len(p.Exposed) > 0, in+`  "exposeHeaders": `+jsonArr(p.Exposed)),
		v.set(FieldMaxAge, p.MaxAge > 0, in+`  "maxAgeSeconds": `+strconv.Itoa(p.MaxAge)),
	)
}

func renderR2(_ string, vs []view) string {
	return "{\n  \"rules\": " + jsonRules("  ", vs, r2Rule) + "\n}\n"
}

// cloudFrontMethods writes "*" as CloudFront's ALL.
func cloudFrontMethods(p Policy) []string {
	out := make([]string, len(p.methods()))
	for i, m := range p.methods() {
		out[i] = m
		if m == "*" {
			out[i] = "ALL"
		}
	}
	return out
}

// renderCloudFront writes a response headers policy's CorsConfig, as
// CloudFormation's ResponseHeadersPolicyConfig holds it (the API's form
// adds a Quantity beside each Items).
func renderCloudFront(_ string, vs []view) string {
	v := vs[0]
	p := v.Policy
	items := func(vals []string) string { return `{"Items": ` + jsonArr(vals) + "}" }
	return "{\n  \"CorsConfig\": " + jsonObj("  ",
		v.set(FieldOrigins, true, `    "AccessControlAllowOrigins": `+items(p.Origins)),
		v.set(FieldMethods, true, `    "AccessControlAllowMethods": `+items(cloudFrontMethods(p))),
		v.set(FieldHeaders, true, `    "AccessControlAllowHeaders": `+items(p.Headers)),
		v.set(FieldExposed, len(p.Exposed) > 0, `    "AccessControlExposeHeaders": `+items(p.Exposed)),
		v.set(FieldCredentials, true, `    "AccessControlAllowCredentials": `+strconv.FormatBool(p.Credentials)),
		v.set(FieldMaxAge, p.MaxAge > 0, `    "AccessControlMaxAgeSec": `+strconv.Itoa(p.MaxAge)),
	) + "\n}\n"
}

// yamlList writes a YAML block list at indent.
func yamlList(indent string, vals []string) string {
	items := make([]string, len(vals))
	for i, v := range vals {
		items[i] = indent + "- " + yamlString(v)
	}
	return strings.Join(items, "\n")
}

// renderServerless writes serverless.yml's CORS: the HTTP API's
// provider.httpApi.cors, or, for a name "functions.F.events[N].http.cors",
// that REST event's cors (the framework's OPTIONS template).
func renderServerless(name string, vs []view) string {
	fn, event, rest := serverlessEvent(name)
	if !rest {
		return serverlessHTTPAPI(vs[0])
	}
	v := vs[0]
	p := v.Policy
	const in = "          "
	return lines(
		"functions:",
		"  "+yamlKey(fn)+":",
		"    # the function's handler and other settings: keep yours",
		"    events:",
		iff(event > 0, "      # the "+strconv.Itoa(event)+" events before this one: keep yours"),
		"      - http:",
		"          # path, method and the event's other settings: keep yours",
		"          cors:",
		v.set(FieldOrigins, true, in+"  origins:\n"+yamlList(in+"    ", p.Origins)),
		v.set(FieldHeaders, len(p.Headers) > 0, in+"  headers:\n"+yamlList(in+"    ", p.Headers)),
		v.set(FieldCredentials, p.Credentials, in+"  allowCredentials: true"),
		v.set(FieldMaxAge, p.MaxAge > 0, in+"  maxAge: "+strconv.Itoa(p.MaxAge)),
	) + "\n"
}

func serverlessHTTPAPI(v view) string {
	p := v.Policy
	const in = "    "
	return lines(
		"provider:",
		"  # name, runtime and the provider's other settings: keep yours",
		"  httpApi:",
		"    cors:",
		v.set(FieldOrigins, true, in+"  allowedOrigins:\n"+yamlList(in+"    ", exactOrStar(p))),
		v.set(FieldHeaders, len(p.Headers) > 0, in+"  allowedHeaders:\n"+yamlList(in+"    ", p.Headers)),
		v.set(FieldMethods, true, in+"  allowedMethods:\n"+yamlList(in+"    ", p.methods())),
		v.set(FieldCredentials, p.Credentials, in+"  allowCredentials: true"),
		v.set(FieldExposed, len(p.Exposed) > 0, in+"  exposedResponseHeaders:\n"+yamlList(in+"    ", p.Exposed)),
		v.set(FieldMaxAge, p.MaxAge > 0, in+"  maxAge: "+strconv.Itoa(p.MaxAge)),
	) + "\n"
}

// serverlessEvent reads "functions.F.events[N].http.cors": the function,
// the event's index, and whether the name is such an event.
func serverlessEvent(name string) (fn string, event int, ok bool) {
	rest, found := strings.CutPrefix(name, "functions.")
	if !found {
		return "", 0, false
	}
	fn, rest, found = strings.Cut(rest, ".events[")
	if !found {
		return "", 0, false
	}
	idx, tail, found := strings.Cut(rest, "].http.cors")
	n, err := strconv.Atoi(idx)
	if !found || tail != "" || err != nil || n < 0 || fn == "" {
		return "", 0, false
	}
	return fn, n, true
}

// yamlKey writes a mapping key: plain when it is a simple name, quoted
// otherwise.
func yamlKey(k string) string {
	for _, c := range k {
		if !(c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return yamlString(k)
		}
	}
	return k
}

// hclList writes an HCL tuple of strings.
func hclList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = hclString(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// hclResource opens `resource "TYPE" "NAME" {` from a name "TYPE.NAME",
// with typ and label when name is not one.
func hclResource(name, typ, label string) string {
	if t, l, ok := strings.Cut(name, "."); ok && t != "" && l != "" {
		typ, label = t, l
	}
	return "resource " + hclString(typ) + " " + hclString(label) + " {"
}

// terraformRules builds the renderer of one Terraform resource type:
// keep names its other arguments, rule writes one rule's block.
func terraformRules(typ, keep string, rule func(v view, in string) string) func(string, []view) string {
	return func(name string, vs []view) string {
		var b strings.Builder
		b.WriteString(hclResource(name, typ, "this") + "\n")
		b.WriteString("  # " + keep + ": keep yours\n")
		for _, v := range vs {
			b.WriteString("\n" + rule(v, "  ") + "\n")
		}
		b.WriteString("}\n")
		return b.String()
	}
}

// tfBlock writes a block of attributes that are not "".
func tfBlock(in, typ string, attrs ...string) string {
	return lines(append(append([]string{in + typ + " {"}, attrs...), in+"}")...)
}

func tfS3Rule(v view, in string) string {
	p := v.Policy
	a := in + "  "
	return tfBlock(in, "cors_rule",
		v.set(FieldOrigins, true, a+"allowed_origins = "+hclList(p.Origins)),
		v.set(FieldMethods, true, a+"allowed_methods = "+hclList(s3Methods(p))),
		v.set(FieldHeaders, len(p.Headers) > 0, a+"allowed_headers = "+hclList(p.Headers)),
		v.set(FieldExposed, len(p.Exposed) > 0, a+"expose_headers  = "+hclList(p.Exposed)),
		v.set(FieldMaxAge, p.MaxAge > 0, a+"max_age_seconds = "+strconv.Itoa(p.MaxAge)),
	)
}

func tfGCSRule(v view, in string) string {
	p := v.Policy
	a := in + "  "
	hdrs := union(p.Headers, p.Exposed)
	return tfBlock(in, "cors",
		v.set(FieldOrigins, true, a+"origin          = "+hclList(exactOrStar(p))),
		v.set(FieldMethods, true, a+"method          = "+hclList(p.methods())),
		iff(v.shows(FieldHeaders) && v.shows(FieldExposed) && len(hdrs) > 0, a+"response_header = "+hclList(hdrs)),
		iff(!v.shows(FieldHeaders), v.kept(FieldHeaders, a)),
		iff(!v.shows(FieldExposed), v.kept(FieldExposed, a)),
		v.set(FieldMaxAge, p.MaxAge > 0, a+"max_age_seconds = "+strconv.Itoa(p.MaxAge)),
	)
}

func tfAzureRule(v view, in string) string {
	p := v.Policy
	a := in + "  "
	return tfBlock(in, "cors_rule",
		v.set(FieldOrigins, true, a+"allowed_origins    = "+hclList(exactOrStar(p))),
		v.set(FieldMethods, true, a+"allowed_methods    = "+hclList(p.methods())),
		v.set(FieldHeaders, true, a+"allowed_headers    = "+hclList(p.Headers)),
		v.set(FieldExposed, true, a+"exposed_headers    = "+hclList(p.Exposed)),
		v.set(FieldMaxAge, true, a+"max_age_in_seconds = "+strconv.Itoa(p.MaxAge)),
	)
}

// renderTerraformAzure writes the rules inside blob_properties.
func renderTerraformAzure(name string, vs []view) string {
	var rules []string
	for _, v := range vs {
		rules = append(rules, tfAzureRule(v, "    "))
	}
	return hclResource(name, "azurerm_storage_account", "this") + "\n" +
		"  # name, resource_group_name, location and the account's other arguments: keep yours\n\n" +
		"  blob_properties {\n    # the blob properties' other arguments: keep yours\n\n" +
		strings.Join(rules, "\n") + "\n  }\n}\n"
}

func tfAPIGatewayRule(v view, in string) string {
	p := v.Policy
	a := in + "  "
	return tfBlock(in, "cors_configuration",
		v.set(FieldOrigins, true, a+"allow_origins     = "+hclList(exactOrStar(p))),
		v.set(FieldMethods, true, a+"allow_methods     = "+hclList(p.methods())),
		v.set(FieldHeaders, len(p.Headers) > 0, a+"allow_headers     = "+hclList(p.Headers)),
		v.set(FieldExposed, len(p.Exposed) > 0, a+"expose_headers    = "+hclList(p.Exposed)),
		v.set(FieldCredentials, p.Credentials, a+"allow_credentials = true"),
		v.set(FieldMaxAge, p.MaxAge > 0, a+"max_age           = "+strconv.Itoa(p.MaxAge)),
	)
}

func tfCloudFrontRule(v view, in string) string {
	p := v.Policy
	a := in + "  "
	items := func(typ string, vals []string) string {
		return a + typ + " {\n" + a + "  items = " + hclList(vals) + "\n" + a + "}"
	}
	return tfBlock(in, "cors_config",
		a+"# origin_override: keep yours",
		v.set(FieldCredentials, true, a+"access_control_allow_credentials = "+strconv.FormatBool(p.Credentials)),
		v.set(FieldOrigins, true, items("access_control_allow_origins", p.Origins)),
		v.set(FieldMethods, true, items("access_control_allow_methods", cloudFrontMethods(p))),
		v.set(FieldHeaders, true, items("access_control_allow_headers", p.Headers)),
		v.set(FieldExposed, len(p.Exposed) > 0, items("access_control_expose_headers", p.Exposed)),
		v.set(FieldMaxAge, p.MaxAge > 0, a+"access_control_max_age_sec = "+strconv.Itoa(p.MaxAge)),
	)
}

// honoOrigin is the origin option of Hono's cors: "*", an array (which
// hono compares with ===), or, for subdomain patterns, a function: a
// RegExp in the array never matches.
func honoOrigin(p Policy) string {
	if p.anyOrigin() {
		return `"*"`
	}
	if len(p.patterns()) == 0 {
		return "[" + quoted(p.exact()) + "]"
	}
	var tests []string
	if ex := p.exact(); len(ex) > 0 {
		tests = append(tests, "["+quoted(ex)+"].includes(origin)")
	}
	for _, pat := range p.patterns() {
		tests = append(tests, jsRegexp(patternRegexp(pat))+".test(origin)")
	}
	return "(origin) => (" + strings.Join(tests, " || ") + " ? origin : null)"
}

func renderHono(v view) string {
	p := v.Policy
	return fmt.Sprintf(`const { Hono } = require('hono');
const { cors } = require('hono/cors');
const { serve } = require('@hono/node-server');

const app = new Hono();
// Before every route, so that it answers preflights itself.
app.use('*', cors({
%s
}));
app.all('*', (c) => c.text('ok\n')); // your routes
serve({ fetch: app.fetch, port: %s, hostname: '127.0.0.1' });
`, lines(
		v.set(FieldOrigins, true, "  origin: "+honoOrigin(p)+","),
		v.set(FieldMethods, true, "  allowMethods: ["+quoted(p.methods())+"],"),
		v.set(FieldHeaders, len(p.Headers) > 0, "  allowHeaders: ["+quoted(p.Headers)+"],"),
		v.set(FieldExposed, len(p.Exposed) > 0, "  exposeHeaders: ["+quoted(p.Exposed)+"],"),
		v.set(FieldCredentials, p.Credentials, "  credentials: true,"),
		v.set(FieldMaxAge, p.MaxAge > 0, "  maxAge: "+strconv.Itoa(p.MaxAge)+","),
	), ListenPort)
}
