package lint

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The Serverless Framework does not run here, nor does the API Gateway
// it deploys: serverless.yml's CORS is evaluated as the framework's
// documentation says it configures API Gateway.
//
// provider.httpApi.cors (HTTP APIs, serverlessHTTPDoc) becomes the HTTP
// API's CorsConfiguration, evaluated as lint evaluates that
// (apiGatewayDoc): `true` is allowedOrigins "*" with the documented
// default headers; the object's allowedOrigins, allowedHeaders,
// allowedMethods, allowCredentials, exposedResponseHeaders and maxAge map
// one to one.
//
// An http event's cors (REST APIs, serverlessRESTDoc) becomes an OPTIONS
// method answered by a MOCK integration. `true` is origin "*" with the
// default headers. A single origin is answered as it is, whatever the
// request's Origin; a list (origins, or origin with commas) is answered by
// a template that echoes the request's Origin when it matches one entry
// as a Java regex, the entry's dots escaped and its first "*" made ".+";
// allowCredentials adds Access-Control-Allow-Credentials: true. The
// actual answer comes from the function (lambda-proxy), which the
// documentation tells to send the same Access-Control-Allow-Origin and
// Access-Control-Allow-Credentials: lint simulates it doing so.
const (
	serverlessHTTPDoc = "https://www.serverless.com/framework/docs/providers/aws/events/http-api (CORS Setup)"
	serverlessRESTDoc = "https://www.serverless.com/framework/docs/providers/aws/events/apigateway (Enabling CORS)"
)

// serverlessDefaultHeaders are the headers `cors: true` allows.
var serverlessDefaultHeaders = []string{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id"}

func sniffServerless(name string, _ []byte) bool {
	base := strings.ToLower(filepath.Base(name))
	ext := filepath.Ext(base)
	return strings.HasPrefix(base, "serverless") && (ext == ".yml" || ext == ".yaml")
}

// ServerlessError is a serverless.yml CORS value of the wrong shape.
type ServerlessError struct {
	File, Field string
	Line        int
	Err         error
}

func (e *ServerlessError) Error() string {
	return fmt.Sprintf("%s:%d: serverless.yml: %s: %v", e.File, e.Line, e.Field, e.Err)
}

// slsProps are the file's properties under one prefix, with the file.
type slsProps struct {
	file  string
	props map[string]springProp
}

// dynamicValue says why a value is not evaluated here: a Serverless
// variable (${self:...}, ${env:...}, ${ssm:...}) or what the YAML subset
// does not read.
func dynamicValue(p springProp) string {
	switch {
	case p.err != nil:
		return p.err.Error()
	case strings.Contains(p.value, "${"):
		return "the Serverless variable " + strconv.Quote(p.value)
	}
	return ""
}

// list reads key as a YAML list (key[0], key[1]...) or a flow list or a
// comma-separated scalar; it returns the values, their lines and, for a
// value not evaluated here, why.
func (s slsProps) list(key string) ([]string, []int, string) {
	if p, ok := s.props[key]; ok {
		if why := dynamicValue(p); why != "" {
			return nil, nil, key + ": " + why
		}
		vals := commaList(p.value)
		lines := make([]int, len(vals))
		for i := range lines {
			lines[i] = p.line
		}
		return vals, lines, ""
	}
	var vals []string
	var lines []int
	for i := 0; ; i++ {
		p, ok := s.props[key+"["+strconv.Itoa(i)+"]"]
		if !ok {
			return vals, lines, ""
		}
		if why := dynamicValue(p); why != "" {
			return nil, nil, key + ": " + why
		}
		vals, lines = append(vals, p.value), append(lines, p.line)
	}
}

// scalar reads one value: its text, whether it is set, and why it is not
// evaluated here.
func (s slsProps) scalar(key string) (string, bool, string) {
	p, ok := s.props[key]
	if !ok {
		return "", false, ""
	}
	if why := dynamicValue(p); why != "" {
		return "", true, key + ": " + why
	}
	return p.value, true, ""
}

func (s slsProps) boolean(key string, line int) (bool, string, error) {
	v, ok, why := s.scalar(key)
	switch {
	case !ok || why != "":
		return false, why, nil
	case v == "true" || v == "false":
		return v == "true", "", nil
	}
	return false, "", &ServerlessError{s.file, key, line, fmt.Errorf("%q is not true or false", v)}
}

func (s slsProps) number(key string, line int) (int, string, error) {
	v, ok, why := s.scalar(key)
	if !ok || why != "" {
		return 0, why, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, "", &ServerlessError{s.file, key, line, fmt.Errorf("%q is not a number of seconds", v)}
	}
	return n, "", nil
}

// scalarOn reads key's scalar p (cors: true): on is whether it turns CORS
// on; a variable there makes dynamic, the unit that says so.
func (s slsProps) scalarOn(p springProp, name, key string) (on bool, dynamic *Unit) {
	if why := dynamicValue(p); why != "" {
		return false, serverlessDynamic(s.file, p.line, name, key+": "+why)
	}
	return p.value == "true", nil
}

// credentialsAndAge reads allowCredentials and maxAge into rule, unless
// why already names a field that is not a literal; it returns why, or the
// error of a value of the wrong type.
func (s slsProps) credentialsAndAge(rule *cloudRule, line int, why string) (string, error) {
	var err error
	if why == "" {
		rule.credentials, why, err = s.boolean("allowCredentials", line)
	}
	if why == "" && err == nil {
		rule.maxAge, why, err = s.number("maxAge", line)
	}
	return why, err
}

// sub returns the properties under prefix+".", the prefix removed.
func (s slsProps) sub(prefix string) slsProps {
	out := slsProps{file: s.file, props: map[string]springProp{}}
	for k, v := range s.props {
		if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
			out.props[rest] = v
		}
	}
	return out
}

func readServerless(file string, data []byte) ([]*Unit, error) {
	if !bytes.Contains(data, []byte("cors")) {
		return nil, nil
	}
	props, err := readYAML(file, data, true)
	if err != nil {
		return nil, &ServerlessError{file, "", errLine(err), err}
	}
	all := slsProps{file: file, props: props}
	var units []*Unit
	if u, err := serverlessHTTPAPI(all); err != nil {
		return nil, err
	} else if u != nil {
		units = append(units, u)
	}
	rest, err := serverlessREST(all)
	if err != nil {
		return nil, err
	}
	return append(units, rest...), nil
}

// errLine is the line a YAML subset error names.
func errLine(err error) int {
	if e, ok := err.(*SpringError); ok {
		return e.Line
	}
	return 0
}

// serverlessHTTPAPI reads provider.httpApi.cors.
func serverlessHTTPAPI(all slsProps) (*Unit, error) {
	const key = "provider.httpApi.cors"
	name := key
	line := 0
	rule := cloudRule{}
	p, scalar := all.props[key]
	s := all.sub(key)
	switch {
	case scalar:
		line = p.line
		on, dynamic := all.scalarOn(p, name, key)
		if !on {
			return dynamic, nil // false, no CORS, or a variable
		}
		rule = cloudRule{origins: []string{"*"}, methods: []string{"*"}, headers: serverlessDefaultHeaders}
	case len(s.props) > 0:
		line = minLine(s.props)
		var why string
		var lines []int
		rule.origins, lines, why = s.list("allowedOrigins")
		for _, f := range []struct {
			key string
			to  *[]string
		}{{"allowedHeaders", &rule.headers}, {"allowedMethods", &rule.methods}, {"exposedResponseHeaders", &rule.expose}} {
			if why == "" {
				*f.to, _, why = s.list(f.key)
			}
		}
		why, err := s.credentialsAndAge(&rule, line, why)
		if err != nil {
			return nil, err
		}
		if why != "" {
			return serverlessDynamic(all.file, line, name, key+"."+why), nil
		}
		if len(rule.origins) == 0 {
			// The framework's default when only other fields are given.
			rule.origins, lines = []string{"*"}, []int{line}
		}
		return serverlessUnit(all.file, "apigateway", name, serverlessHTTPDoc+"; "+apiGatewayDoc, rule, apiGatewayVendor, line, lines), nil
	default:
		return nil, nil
	}
	return serverlessUnit(all.file, "apigateway", name, serverlessHTTPDoc+"; "+apiGatewayDoc, rule, apiGatewayVendor, line, []int{line}), nil
}

// serverlessREST reads each functions.NAME.events[i].http.cors.
func serverlessREST(all slsProps) ([]*Unit, error) {
	var keys []string
	for k := range all.props {
		if strings.HasPrefix(k, "functions.") && (strings.HasSuffix(k, ".http.cors") || strings.Contains(k, ".http.cors.")) {
			k = k[:strings.Index(k, ".http.cors")+len(".http.cors")]
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	var units []*Unit
	for _, key := range keys {
		u, err := serverlessRESTEvent(all, key)
		if err != nil {
			return nil, err
		}
		if u != nil {
			units = append(units, u)
		}
	}
	slices.SortFunc(units, func(a, b *Unit) int { return a.Line - b.Line })
	return units, nil
}

func serverlessRESTEvent(all slsProps, key string) (*Unit, error) {
	event := strings.TrimSuffix(key, ".cors")
	method, _, _ := all.scalar(event + ".method")
	path, _, _ := all.scalar(event + ".path")
	name := strings.TrimSpace(key + " (" + strings.ToUpper(method) + " /" + strings.TrimPrefix(path, "/") + ")")
	rule := cloudRule{methods: []string{"*"}, headers: serverlessDefaultHeaders}
	p, scalar := all.props[key]
	s := all.sub(key)
	var line int
	var lines []int
	var list bool
	switch {
	case scalar:
		line = p.line
		on, dynamic := all.scalarOn(p, name, key)
		if !on {
			return dynamic, nil // false, no CORS, or a variable
		}
		rule.origins, lines = []string{"*"}, []int{line}
	case len(s.props) > 0:
		line = minLine(s.props)
		// A list (origins, or origin with commas) is matched by the
		// template; a single origin is sent as it is.
		origins, olines, why := s.list("origins")
		list = len(origins) > 0
		if o, ok := s.props["origin"]; why == "" && !list && ok {
			if why = dynamicValue(o); why != "" {
				why = "origin: " + why
			}
			origins = commaList(o.value)
			list = len(origins) > 1
			olines = slices.Repeat([]int{o.line}, len(origins))
		}
		if len(origins) == 0 {
			origins, olines = []string{"*"}, []int{line}
		}
		rule.origins, lines = origins, olines
		if why == "" {
			if h, _, w := s.list("headers"); w != "" {
				why = w
			} else if len(h) > 0 {
				rule.headers = h
			}
		}
		why, err := s.credentialsAndAge(&rule, line, why)
		if err != nil {
			return nil, err
		}
		if why != "" {
			return serverlessDynamic(all.file, line, name, key+"."+why), nil
		}
	default:
		return nil, nil
	}
	v := cloudVendor{matchOrigin: exactOrStar, starIsStar: true, anyMethod: true, preflightFail: 200}
	if list {
		res := map[string]*regexp.Regexp{}
		for _, o := range rule.origins {
			re, err := regexp.Compile("^(?:" + serverlessRegex(o) + ")$")
			if err != nil {
				return serverlessDynamic(all.file, line, name, fmt.Sprintf("%s: the origin %q is a regex Go's RE2 does not run", key, o)), nil
			}
			res[o] = re
		}
		v = cloudVendor{matchOrigin: func(p, o string) bool { return res[p] != nil && res[p].MatchString(o) }, anyMethod: true, preflightFail: 200}
	}
	return serverlessUnit(all.file, "apigateway", name, serverlessRESTDoc, rule, v, line, lines), nil
}

// serverlessRegex is the framework's regexifyWildcards: dots escaped as
// [.], the first "*" made ".+".
func serverlessRegex(origin string) string {
	return strings.Replace(strings.ReplaceAll(origin, ".", "[.]"), "*", ".+", 1)
}

func serverlessUnit(file, stack, name, doc string, rule cloudRule, v cloudVendor, line int, lines []int) *Unit {
	at := map[string]int{}
	for i, o := range rule.origins {
		if _, ok := at[o]; !ok && i < len(lines) {
			at[o] = lines[i]
		}
	}
	u := cloudUnit(file, stack, name, doc, []cloudRule{rule}, v, func(o string) int { return at[o] })
	u.fix.stack = "serverless"
	u.fix.name, _, _ = strings.Cut(name, " (") // the key: functions.F.events[N].http.cors
	if u.Line <= 1 {
		u.Line = line
	}
	return u
}

func serverlessDynamic(file string, line int, name, why string) *Unit {
	return DynamicUnit(file, line, "apigateway", name, why)
}

// minLine is the first line among props.
func minLine(props map[string]springProp) int {
	line := 0
	for _, p := range props {
		if line == 0 || p.line < line {
			line = p.line
		}
	}
	return line
}
