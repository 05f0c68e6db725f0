// Package lintterraform reads the CORS configuration of Terraform files
// (.tf, HCL native syntax) for corskit lint: S3 buckets, CloudFront
// response headers policies, API Gateway HTTP APIs, Cloud Storage buckets
// and Azure storage accounts. The files are parsed with HashiCorp's hcl
// (github.com/hashicorp/hcl/v2), which the lint package may not import
// (standard library only, for the WebAssembly build): so the reader lives
// beside the CLI and joins lint through lint.Options.Readers, and each
// resource becomes the unit of its vendor's simulation (lint.VendorUnit),
// the same one the vendor's own file format gets.
package lintterraform

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/corskit/corskit/lint"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Reader is the Terraform reader, for lint.Options.Readers.
var Reader = lint.Reader{Format: "terraform", Sniff: sniff, Read: Read}

// sniff takes every .tf file: the resource that declares CORS may lie
// past the first 4 KiB, and a repository has few of them.
func sniff(name string, _ []byte) bool { return strings.HasSuffix(strings.ToLower(name), ".tf") }

// Error is a Terraform file that does not parse, or a CORS attribute of
// the wrong type, naming the file, the line and the field.
type Error struct {
	File  string
	Line  int
	Field string // "" for a syntax error
	Err   error
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: Terraform: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: Terraform: %s: %v", e.File, e.Line, e.Field, e.Err)
}

// maxNesting bounds the brackets a file may open before it is parsed:
// hcl's parser recurses per level.
const maxNesting = 200

// Sibling files of a module (variables.tf beside main.tf) give variable
// defaults and locals, within these bounds: the files, and their bytes
// in all.
const (
	maxSiblings      = 64
	maxSiblingsBytes = 4 << 20
)

// Read reads one .tf file; the module's other .tf files in its folder
// give the variable defaults and locals it refers to.
func Read(file string, data []byte) ([]*lint.Unit, error) {
	return read(file, data, func() []*hclsyntax.Body { return siblings(file) })
}

// siblings parses the other .tf files of file's folder, bounded.
func siblings(file string) []*hclsyntax.Body {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "*.tf"))
	var out []*hclsyntax.Body
	left := int64(maxSiblingsBytes)
	for _, m := range matches {
		if len(out) >= maxSiblings {
			break
		}
		if filepath.Clean(m) == filepath.Clean(file) {
			continue
		}
		st, err := os.Stat(m)
		if err != nil || !st.Mode().IsRegular() || st.Size() > left {
			continue
		}
		left -= st.Size()
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		if body, err := parse(m, data); err == nil {
			out = append(out, body)
		}
	}
	return out
}

// parse parses HCL native syntax into its body.
func parse(file string, data []byte) (body *hclsyntax.Body, err error) {
	if d, line := nesting(data); d > maxNesting {
		return nil, &Error{File: file, Line: line, Err: fmt.Errorf("brackets nested deeper than %d", maxNesting)}
	}
	defer func() {
		// hcl is fuzzed upstream; a panic it still has is this file's
		// error, not the lint's end.
		if r := recover(); r != nil {
			body, err = nil, &Error{File: file, Line: 1, Err: fmt.Errorf("hcl: %v", r)}
		}
	}()
	f, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	if diags.HasErrors() {
		line := 1
		if d := diags[0]; d.Subject != nil {
			line = d.Subject.Start.Line
		}
		return nil, &Error{File: file, Line: line, Err: errors.New(diags[0].Summary + ": " + diags[0].Detail)}
	}
	b, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, &Error{File: file, Line: 1, Err: errors.New("not HCL native syntax")}
	}
	return b, nil
}

// nesting returns the deepest bracket nesting of data and its line,
// counting brackets inside strings too (an over-count only refuses a
// file sooner).
func nesting(data []byte) (int, int) {
	depth, deepest, line, at := 0, 0, 1, 1
	for _, c := range data {
		switch c {
		case '\n':
			line++
		case '{', '[', '(':
			depth++
			if depth > deepest {
				deepest, at = depth, line
			}
		case '}', ']', ')':
			depth = max(0, depth-1)
		}
	}
	return deepest, at
}

// read reads one file; others, when not nil, returns the module's
// other files, asked for only when a name is not declared in this one.
func read(file string, data []byte, others func() []*hclsyntax.Body) ([]*lint.Unit, error) {
	body, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	sc := newScope()
	sc.collect(body)
	sc.more = others
	var units []*lint.Unit
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		res, ok := resources[b.Labels[0]]
		if !ok {
			continue
		}
		r := &resource{file: file, name: b.Labels[0] + "." + b.Labels[1], sc: sc}
		u, err := r.unit(res, b)
		if err != nil {
			return nil, err
		}
		if u != nil {
			units = append(units, u)
		}
	}
	return units, nil
}

// resource is one resource being read.
type resource struct {
	file, name string
	sc         *scope
}

// rulesOf reads a resource's rules; a nil slice means it declares no CORS.
type rulesOf func(r *resource, b *hclsyntax.Block) ([]lint.VendorRule, error)

// resourceKind is a resource type's vendor and how its CORS blocks read.
type resourceKind struct {
	vendor string
	rules  rulesOf
}

// resources maps each resource type to its vendor and how its CORS
// blocks read.
var resources = map[string]resourceKind{
	// aws_s3_bucket_cors_configuration and the legacy aws_s3_bucket
	// argument: cors_rule blocks, in order.
	"aws_s3_bucket_cors_configuration":       {lint.VendorS3, s3Rules},
	"aws_s3_bucket":                          {lint.VendorS3, s3Rules},
	"aws_cloudfront_response_headers_policy": {lint.VendorCloudFront, cloudFrontRules},
	"aws_apigatewayv2_api":                   {lint.VendorAPIGateway, apiGatewayRules},
	"google_storage_bucket":                  {lint.VendorGCS, gcsRules},
	"azurerm_storage_account":                {lint.VendorAzure, azureRules},
}

func (r *resource) unit(res resourceKind, b *hclsyntax.Block) (*lint.Unit, error) {
	rules, err := res.rules(r, b)
	var d *dynamicError
	switch {
	case asDynamic(err, &d):
		return lint.DynamicUnit(r.file, b.DefRange().Start.Line, res.vendor, r.name, r.name+": "+d.why), nil
	case err != nil:
		return nil, err
	case len(rules) == 0:
		return nil, nil
	}
	u, err := lint.VendorUnit(r.file, res.vendor, r.name, rules)
	if err != nil {
		return nil, &Error{File: r.file, Line: b.DefRange().Start.Line, Field: r.name, Err: err}
	}
	// The fix is this resource, in HCL: stacks' Terraform stack of the
	// vendor ("terraform-s3"), under the resource's own type and name.
	u.WriteFixIn("terraform-" + res.vendor)
	return u, nil
}

// blocks returns b's nested blocks of a type; a dynamic block of that
// type is not evaluated here.
func blocks(b *hclsyntax.Body, typ string) ([]*hclsyntax.Block, error) {
	var out []*hclsyntax.Block
	for _, x := range b.Blocks {
		switch {
		case x.Type == typ:
			out = append(out, x)
		case x.Type == "dynamic" && len(x.Labels) == 1 && x.Labels[0] == typ:
			return nil, dynamic("a dynamic %q block (line %d)", typ, x.DefRange().Start.Line)
		}
	}
	return out, nil
}

// field names what is read, for errors: cors_rule.allowed_origins.
func field(parts ...string) string { return strings.Join(parts, ".") }

// stringList reads a list-of-strings attribute: its values and each one's
// line (an element's own line when the list is written out).
func (r *resource) stringList(body *hclsyntax.Body, block, name string) ([]string, []int, error) {
	a, ok := body.Attributes[name]
	if !ok {
		return nil, nil, nil
	}
	v, err := r.sc.eval(a.Expr, 0)
	if err != nil {
		return nil, nil, r.wrap(err, block, name)
	}
	if v.kind != 'l' {
		return nil, nil, &Error{File: r.file, Line: a.SrcRange.Start.Line, Field: field(r.name, block, name), Err: errors.New("want a list of strings")}
	}
	var lit []hclsyntax.Expression
	if t, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == len(v.list) {
		lit = t.Exprs
	}
	out, lines := make([]string, len(v.list)), make([]int, len(v.list))
	for i, el := range v.list {
		s, ok := el.str()
		if !ok {
			return nil, nil, &Error{File: r.file, Line: a.SrcRange.Start.Line, Field: field(r.name, block, name), Err: fmt.Errorf("element %d is not a string", i)}
		}
		out[i], lines[i] = s, a.SrcRange.Start.Line
		if lit != nil {
			lines[i] = lit[i].Range().Start.Line
		}
	}
	return out, lines, nil
}

// number reads a whole-number attribute (0 when absent).
func (r *resource) number(body *hclsyntax.Body, block, name string) (int, error) {
	a, ok := body.Attributes[name]
	if !ok {
		return 0, nil
	}
	v, err := r.sc.eval(a.Expr, 0)
	if err != nil {
		return 0, r.wrap(err, block, name)
	}
	if v.kind != 'n' {
		return 0, &Error{File: r.file, Line: a.SrcRange.Start.Line, Field: field(r.name, block, name), Err: errors.New("want a number")}
	}
	n, acc := v.n.Int64()
	if acc != big.Exact || n < 0 || n > 1<<31 {
		return 0, &Error{File: r.file, Line: a.SrcRange.Start.Line, Field: field(r.name, block, name), Err: fmt.Errorf("%s is not a number of seconds", v.n.String())}
	}
	return int(n), nil
}

// boolean reads a boolean attribute (false when absent).
func (r *resource) boolean(body *hclsyntax.Body, block, name string) (bool, error) {
	a, ok := body.Attributes[name]
	if !ok {
		return false, nil
	}
	v, err := r.sc.eval(a.Expr, 0)
	if err != nil {
		return false, r.wrap(err, block, name)
	}
	if v.kind == 's' && (v.s == "true" || v.s == "false") { // Terraform converts
		return v.s == "true", nil
	}
	if v.kind != 'b' {
		return false, &Error{File: r.file, Line: a.SrcRange.Start.Line, Field: field(r.name, block, name), Err: errors.New("want a boolean")}
	}
	return v.b, nil
}

// wrap names the attribute in a dynamic reason.
func (r *resource) wrap(err error, block, name string) error {
	var d *dynamicError
	if asDynamic(err, &d) {
		return dynamic("%s = %s", field(block, name), d.why)
	}
	return err
}

// ruleFields are one vendor's attribute names for a rule's lists.
type ruleFields struct {
	block                                     string
	origins, methods, headers, expose, maxAge string
}

// listRules reads rules written as repeated blocks of flat attributes
// (S3's cors_rule, Cloud Storage's cors, Azure's cors_rule).
func (r *resource) listRules(body *hclsyntax.Body, f ruleFields) ([]lint.VendorRule, error) {
	bs, err := blocks(body, f.block)
	if err != nil {
		return nil, err
	}
	var out []lint.VendorRule
	for _, b := range bs {
		var rule lint.VendorRule
		rule.Line = b.DefRange().Start.Line
		if rule.Origins, rule.OriginLines, err = r.stringList(b.Body, f.block, f.origins); err != nil {
			return nil, err
		}
		if rule.Methods, _, err = r.stringList(b.Body, f.block, f.methods); err != nil {
			return nil, err
		}
		if rule.Headers, _, err = r.stringList(b.Body, f.block, f.headers); err != nil {
			return nil, err
		}
		if f.expose != "" {
			if rule.Expose, _, err = r.stringList(b.Body, f.block, f.expose); err != nil {
				return nil, err
			}
		}
		if rule.MaxAge, err = r.number(b.Body, f.block, f.maxAge); err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	return out, nil
}

// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_cors_configuration
func s3Rules(r *resource, b *hclsyntax.Block) ([]lint.VendorRule, error) {
	return r.listRules(b.Body, ruleFields{"cors_rule", "allowed_origins", "allowed_methods", "allowed_headers", "expose_headers", "max_age_seconds"})
}

// https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_bucket#cors
// Cloud Storage answers an entry's response_header both as
// Access-Control-Allow-Headers and as Access-Control-Expose-Headers, as
// lint's own reader of the bucket's JSON does.
func gcsRules(r *resource, b *hclsyntax.Block) ([]lint.VendorRule, error) {
	rules, err := r.listRules(b.Body, ruleFields{"cors", "origin", "method", "response_header", "", "max_age_seconds"})
	for i := range rules {
		rules[i].Expose = rules[i].Headers
	}
	return rules, err
}

// https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account#cors_rule
// The Blob service's rules (blob_properties); the queue and file
// services' have endpoints of their own and are not read.
func azureRules(r *resource, b *hclsyntax.Block) ([]lint.VendorRule, error) {
	bs, err := blocks(b.Body, "blob_properties")
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return r.listRules(bs[0].Body, ruleFields{"cors_rule", "allowed_origins", "allowed_methods", "allowed_headers", "exposed_headers", "max_age_in_seconds"})
}

// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/apigatewayv2_api#cors_configuration
func apiGatewayRules(r *resource, b *hclsyntax.Block) ([]lint.VendorRule, error) {
	bs, err := blocks(b.Body, "cors_configuration")
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	c := bs[0]
	var rule lint.VendorRule
	rule.Line = c.DefRange().Start.Line
	const blk = "cors_configuration"
	if rule.Origins, rule.OriginLines, err = r.stringList(c.Body, blk, "allow_origins"); err != nil {
		return nil, err
	}
	if rule.Methods, _, err = r.stringList(c.Body, blk, "allow_methods"); err != nil {
		return nil, err
	}
	if rule.Headers, _, err = r.stringList(c.Body, blk, "allow_headers"); err != nil {
		return nil, err
	}
	if rule.Expose, _, err = r.stringList(c.Body, blk, "expose_headers"); err != nil {
		return nil, err
	}
	if rule.MaxAge, err = r.number(c.Body, blk, "max_age"); err != nil {
		return nil, err
	}
	if rule.Credentials, err = r.boolean(c.Body, blk, "allow_credentials"); err != nil {
		return nil, err
	}
	if len(rule.Origins) == 0 {
		return nil, nil
	}
	return []lint.VendorRule{rule}, nil
}

// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_response_headers_policy#cors_config
// Each list is a nested block holding items; methods "ALL" is any.
func cloudFrontRules(r *resource, b *hclsyntax.Block) ([]lint.VendorRule, error) {
	bs, err := blocks(b.Body, "cors_config")
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	c := bs[0]
	var rule lint.VendorRule
	rule.Line = c.DefRange().Start.Line
	items := func(name string) ([]string, []int, error) {
		ibs, err := blocks(c.Body, name)
		if err != nil || len(ibs) == 0 {
			return nil, nil, err
		}
		return r.stringList(ibs[0].Body, "cors_config."+name, "items")
	}
	if rule.Origins, rule.OriginLines, err = items("access_control_allow_origins"); err != nil {
		return nil, err
	}
	if rule.Methods, _, err = items("access_control_allow_methods"); err != nil {
		return nil, err
	}
	for i, m := range rule.Methods {
		if m == "ALL" {
			rule.Methods[i] = "*"
		}
	}
	if rule.Headers, _, err = items("access_control_allow_headers"); err != nil {
		return nil, err
	}
	if rule.Expose, _, err = items("access_control_expose_headers"); err != nil {
		return nil, err
	}
	if rule.MaxAge, err = r.number(c.Body, "cors_config", "access_control_max_age_sec"); err != nil {
		return nil, err
	}
	if rule.Credentials, err = r.boolean(c.Body, "cors_config", "access_control_allow_credentials"); err != nil {
		return nil, err
	}
	if len(rule.Origins) == 0 {
		return nil, nil
	}
	return []lint.VendorRule{rule}, nil
}

// Types lists the resource types read, sorted.
func Types() []string {
	out := make([]string, 0, len(resources))
	for t := range resources {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}
