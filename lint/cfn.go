package lint

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// CloudFormation and SAM templates in YAML. The YAML subset reader
// (springconf.go, lenient: a tag such as !Ref, !Sub or !GetAtt is kept as
// the error of its property) reads the template into flat properties,
// which cfnTree turns into the values encoding/json would give for the
// same template in JSON; the JSON readers' evaluation then runs on them
// unchanged: CloudFront's CorsConfig and API Gateway's CorsConfiguration
// (SAM's HttpApi too) as aws.go evaluates them, and an S3 bucket's
// CorsConfiguration.CorsRules as s3.go does. A tagged value, or an
// intrinsic function ({"Ref": ...}, {"Fn::Sub": ...}) in a JSON
// template, where CORS uses it is not-evaluated.

// cfnS3Doc adds the CloudFormation names of S3's rules to S3's semantics.
const cfnS3Doc = s3Doc + "; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-corsrule.html"

func sniffCloudFormationYAML(name string, head []byte) bool {
	base := strings.ToLower(filepath.Base(name))
	ext := filepath.Ext(base)
	// A JSON template is the JSON readers' (CloudFront's, API Gateway's).
	if ext != ".yaml" && ext != ".yml" && !(strings.HasPrefix(base, "template.") && ext != ".json") {
		return false
	}
	return bytes.Contains(head, []byte("AWSTemplateFormatVersion")) || bytes.Contains(head, []byte("AWS::Serverless"))
}

// CloudFormationError is a template that the YAML subset does not read.
type CloudFormationError struct {
	File string
	Err  error
}

func (e *CloudFormationError) Error() string {
	// The YAML subset reader is Spring's; its error names Spring.
	var se *SpringError
	if errors.As(e.Err, &se) {
		return fmt.Sprintf("%s:%d: CloudFormation template: the YAML subset lint reads: %v", e.File, se.Line, se.Err)
	}
	return fmt.Sprintf("%s: CloudFormation template: %v", e.File, e.Err)
}

func (e *CloudFormationError) Unwrap() error { return e.Err }

func readCloudFormationYAML(file string, data []byte) ([]*Unit, error) {
	props, err := readYAML(file, data, true)
	if err != nil {
		return nil, &CloudFormationError{file, err}
	}
	doc := cfnTree(props)
	// An origin's line: the first origin list holding it (an origin
	// listed by two resources points at the first).
	lines := map[string]int{}
	for k, p := range props {
		if kl := strings.ToLower(k); !strings.Contains(kl, "origins") && !strings.HasSuffix(kl, "alloworigin") && !strings.HasSuffix(kl, ".cors") {
			continue
		}
		for _, o := range commaList(p.value) {
			if l, ok := lines[o]; !ok || p.line < l {
				lines[o] = p.line
			}
		}
	}
	return cfnUnits(file, doc, func(o string) int { return lines[o] }), nil
}

// sniffCloudFormationJSON recognises a JSON template: a .json file whose
// head names the template format or SAM's transform. It comes before the
// S3, CloudFront and API Gateway readers, which would each read only
// their own resource's part of it (S3's found no top-level rules, and the
// buckets' CorsRules went unread).
func sniffCloudFormationJSON(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") &&
		(bytes.Contains(head, []byte(`"AWSTemplateFormatVersion"`)) || bytes.Contains(head, []byte(`"AWS::Serverless`)))
}

// readCloudFormationJSON evaluates a JSON template's CORS as the YAML
// reader evaluates a YAML one: the same resources, the same code.
func readCloudFormationJSON(file string, data []byte) ([]*Unit, error) {
	doc, err := decodeJSON(file, "CloudFormation", data)
	if err != nil {
		return nil, err
	}
	return cfnUnits(file, doc, quotedLine(data)), nil
}

// cfnUnits is every CORS object of a template: CloudFront's, API
// Gateway's (SAM's HttpApi), S3 buckets', SAM's REST API, by line.
func cfnUnits(file string, doc any, lineOfOrigin func(string) int) []*Unit {
	units := cloudFrontUnits(file, doc, lineOfOrigin)
	units = append(units, apiGatewayUnits(file, doc, lineOfOrigin)...)
	units = append(units, cfnS3Units(file, doc, lineOfOrigin)...)
	units = append(units, samAPIUnits(file, doc, lineOfOrigin)...)
	slices.SortStableFunc(units, func(a, b *Unit) int { return a.Line - b.Line })
	return units
}

// cfnS3Units evaluates the CorsConfiguration.CorsRules of S3 buckets.
func cfnS3Units(file string, doc any, lineOfOrigin func(string) int) []*Unit {
	var objs []map[string]any
	findObjects(doc, "CorsConfiguration", 0, &objs)
	var units []*Unit
	for _, o := range objs {
		raw, ok := field(o, "CorsRules").([]any)
		if !ok {
			continue
		}
		if why, line := templateValue(o); why != "" {
			units = append(units, DynamicUnit(file, line, "s3", "CorsRules", why))
			continue
		}
		var rules []s3Rule
		for _, x := range raw {
			m, _ := x.(map[string]any)
			r := s3Rule{Origins: stringList(field(m, "AllowedOrigins")), Methods: stringList(field(m, "AllowedMethods")),
				Headers: stringList(field(m, "AllowedHeaders")), Expose: stringList(field(m, "ExposedHeaders")), MaxAge: jsonInt(field(m, "MaxAge"))}
			if len(r.Origins) > 0 {
				r.line = lineOfOrigin(r.Origins[0])
			}
			rules = append(rules, r)
		}
		if len(rules) == 0 || len(rules) > 100 {
			continue
		}
		u := s3Unit(file, "s3", "CorsRules", cfnS3Doc, rules, lineOfOrigin)
		u.fix.noSnippet = true // stacks/ writes S3's API form (MaxAgeSeconds, ExposeHeaders), not CloudFormation's names
		units = append(units, u)
	}
	return units
}

// yamlTagged is a template value the YAML subset kept unread (a tag such
// as !Ref, an anchor, a flow mapping), with its line.
type yamlTagged struct {
	why  string
	line int
}

// templateValue says why a CORS object holds a value known only at
// deploy time: a YAML tag, or a JSON intrinsic function; "" when none.
func templateValue(v any) (string, int) {
	return templateValueAt(v, 0)
}

func templateValueAt(v any, depth int) (string, int) {
	if depth > maxJSONDepth {
		return "", 0
	}
	switch x := v.(type) {
	case yamlTagged:
		return x.why, x.line
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if k == "Ref" || strings.HasPrefix(k, "Fn::") {
				return "the intrinsic function " + k + " is resolved at deploy time", 0
			}
			if why, line := templateValueAt(x[k], depth+1); why != "" {
				return why, line
			}
		}
	case []any:
		for _, e := range x {
			if why, line := templateValueAt(e, depth+1); why != "" {
				return why, line
			}
		}
	}
	return "", 0
}

// cfnTree turns the flat properties (a.b[0].c) into nested maps and
// lists, the scalars typed as JSON types: an unquoted true/false is a
// bool, an unquoted number a float64, a flow list a list.
func cfnTree(props map[string]springProp) any {
	root := map[string]any{}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cfnSet(root, cfnPath(k), cfnValue(props[k]))
	}
	return cfnLists(root, 0)
}

// cfnStep is one step of a property path: a key or a list index.
type cfnStep struct {
	key   string
	index int // -1: a key
}

// cfnPath splits a.b[0].c into its steps.
func cfnPath(k string) []cfnStep {
	var out []cfnStep
	for _, part := range strings.Split(k, ".") {
		name, rest, _ := strings.Cut(part, "[")
		out = append(out, cfnStep{key: name, index: -1})
		for rest != "" {
			n, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(n)
			if err != nil || i > 1<<16 {
				break
			}
			out = append(out, cfnStep{index: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

// cfnSet stores v at path in m; lists are built as maps keyed by index
// (cfnLists turns them into lists), so that items may come in any order.
func cfnSet(m map[string]any, path []cfnStep, v any) {
	cur := m
	for i, s := range path {
		key := s.key
		if s.index >= 0 {
			key = "\x00" + strconv.Itoa(s.index) // an index, never a YAML key
		}
		if i == len(path)-1 {
			if _, ok := cur[key].(map[string]any); !ok {
				cur[key] = v
			}
			return
		}
		next, ok := cur[key].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[key] = next
		}
		cur = next
	}
}

// cfnLists turns the maps keyed by index into lists, in index order.
func cfnLists(v any, depth int) any {
	m, ok := v.(map[string]any)
	if !ok || depth > 256 {
		return v
	}
	indexed := len(m) > 0
	for k := range m {
		indexed = indexed && strings.HasPrefix(k, "\x00")
	}
	if !indexed {
		for k, x := range m {
			m[k] = cfnLists(x, depth+1)
		}
		return m
	}
	idx := make([]int, 0, len(m))
	for k := range m {
		n, _ := strconv.Atoi(k[1:])
		idx = append(idx, n)
	}
	slices.Sort(idx)
	out := make([]any, 0, len(idx))
	for _, n := range idx {
		out = append(out, cfnLists(m["\x00"+strconv.Itoa(n)], depth+1))
	}
	return out
}

// cfnValue types one scalar as JSON would hold it.
func cfnValue(p springProp) any {
	switch {
	case p.err != nil:
		why := p.err.Error()
		var se *SpringError
		if errors.As(p.err, &se) {
			why = se.Err.Error()
		}
		return yamlTagged{why: "a value the YAML subset does not evaluate (" + why + "): a tag such as !Ref, !Sub or !GetAtt is resolved at deploy time", line: p.line}
	case p.flow:
		var out []any
		for _, x := range commaList(p.value) {
			out = append(out, x)
		}
		return out
	case p.quoted:
		return p.value
	case p.value == "true" || p.value == "false":
		return p.value == "true"
	}
	if f, err := strconv.ParseFloat(p.value, 64); err == nil {
		return f
	}
	return p.value
}

// SAM's REST API (AWS::Serverless::Api, and Globals.Api) takes Cors: a
// string, the Allow-Origin value, or an object (AllowOrigin,
// AllowMethods, AllowHeaders, MaxAge, AllowCredentials) whose strings are
// header values in single quotes ("'https://app.example.com'"). SAM
// answers preflights with them from a MOCK OPTIONS method: one origin, sent
// as it is; the function's own answer is told to send the same, and is
// simulated doing so (as serverless.yml's REST events are).
const samAPIDoc = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-corsconfiguration.html"

// samAPIUnits evaluates the Cors of SAM's REST APIs.
func samAPIUnits(file string, doc any, lineOfOrigin func(string) int) []*Unit {
	top, _ := doc.(map[string]any)
	var units []*Unit
	add := func(name string, cors any) {
		if cors == nil {
			return
		}
		if u := samAPIUnit(file, name, cors, lineOfOrigin); u != nil {
			units = append(units, u)
		}
	}
	if g, ok := field(top, "Globals").(map[string]any); ok {
		if api, ok := field(g, "Api").(map[string]any); ok {
			add("Globals.Api.Cors", field(api, "Cors"))
		}
	}
	res, _ := field(top, "Resources").(map[string]any)
	for _, k := range sortedKeys(res) {
		r, _ := res[k].(map[string]any)
		if field(r, "Type") != "AWS::Serverless::Api" {
			continue
		}
		if props, ok := field(r, "Properties").(map[string]any); ok {
			add("Resources."+k+".Properties.Cors", field(props, "Cors"))
		}
	}
	return units
}

func samAPIUnit(file, name string, cors any, lineOfOrigin func(string) int) *Unit {
	if why, line := templateValue(cors); why != "" {
		return DynamicUnit(file, line, "apigateway", name, why)
	}
	rule := cloudRule{methods: []string{"*"}}
	origin := cors
	m, isMap := cors.(map[string]any)
	if isMap {
		origin = field(m, "AllowOrigin")
		if ms := commaList(samHeader(field(m, "AllowMethods"))); len(ms) > 0 {
			rule.methods = ms
		}
		rule.headers = commaList(samHeader(field(m, "AllowHeaders")))
		if n, err := strconv.Atoi(samHeader(field(m, "MaxAge"))); err == nil {
			rule.maxAge = n
		}
		rule.credentials = field(m, "AllowCredentials") == true
	}
	o := samHeader(origin)
	if o == "" {
		return nil
	}
	rule.origins = []string{o}
	v := cloudVendor{matchOrigin: exactOrStar, starIsStar: true, anyMethod: true, preflightFail: 200}
	u := cloudUnit(file, "apigateway", name, samAPIDoc, []cloudRule{rule}, v, func(x string) int { return lineOfOrigin("'" + x + "'") })
	// stacks/ has no stack for SAM's quoted values (its API Gateway stack
	// is the HTTP API's CorsConfiguration): the audit's fix only.
	u.fix = fileFix{stack: "sam-api"}
	return u
}

// samHeader is a SAM header value without its single quotes ("" when it
// is not a quoted string: SAM requires the quotes).
func samHeader(v any) string {
	s, _ := v.(string)
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return ""
	}
	return s[1 : len(s)-1]
}
