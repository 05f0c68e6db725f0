package lint

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// S3 does not run here: its semantics are taken from the vendor's
// documentation (s3Doc), and every finding on an S3 configuration says so.
// S3 uses the first CORSRule whose AllowedOrigins match the Origin (each
// entry may hold one "*" that matches any characters), whose
// AllowedMethods hold the method (a preflight's requested method) and,
// for a preflight, whose AllowedHeaders match every requested header
// ("*" allowed). A rule whose matching origin is "*" answers
// Access-Control-Allow-Origin: * without credentials; any other answers
// the request's Origin with Access-Control-Allow-Credentials: true.
// Answers carry Vary: Origin, Access-Control-Request-Headers,
// Access-Control-Request-Method; a preflight no rule allows gets 403.
const s3Doc = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html (How does Amazon S3 evaluate the CORS configuration on a bucket?; Elements of a CORS configuration)"

type s3Rule struct {
	Origins []string `json:"AllowedOrigins" xml:"AllowedOrigin"`
	Methods []string `json:"AllowedMethods" xml:"AllowedMethod"`
	Headers []string `json:"AllowedHeaders" xml:"AllowedHeader"`
	Expose  []string `json:"ExposeHeaders" xml:"ExposeHeader"`
	MaxAge  int      `json:"MaxAgeSeconds" xml:"MaxAgeSeconds"`
	ID      string   `json:"ID" xml:"ID"`
	line    int
}

type s3Config struct {
	Rules []s3Rule `json:"CORSRules" xml:"CORSRule"`
}

func sniffS3(name string, head []byte) bool {
	switch {
	case strings.HasSuffix(name, ".xml"):
		return bytes.Contains(head, []byte("<CORSConfiguration"))
	case strings.HasSuffix(name, ".json"):
		return bytes.Contains(head, []byte(`"CORSRules"`)) || bytes.Contains(head, []byte(`"AllowedOrigins"`))
	}
	return false
}

// S3Error is an S3 CORS configuration that does not decode.
type S3Error struct {
	File string
	Err  error
}

func (e *S3Error) Error() string { return fmt.Sprintf("%s: S3 CORS configuration: %v", e.File, e.Err) }

func readS3(file string, data []byte) ([]*Unit, error) {
	var cfg s3Config
	var err error
	switch {
	case bytes.Contains(data, []byte("<CORSConfiguration")):
		err = xml.Unmarshal(data, &cfg)
	case bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")):
		err = json.Unmarshal(data, &cfg.Rules) // the console's form: the rules alone
	default:
		err = json.Unmarshal(data, &cfg)
	}
	if err != nil {
		return nil, &S3Error{file, err}
	}
	if len(cfg.Rules) == 0 {
		return nil, nil
	}
	if len(cfg.Rules) > 100 { // S3's own limit
		return nil, &S3Error{file, fmt.Errorf("%d rules: S3 allows at most 100", len(cfg.Rules))}
	}
	for i := range cfg.Rules {
		cfg.Rules[i].line = lineOfNth(data, []string{"AllowedOrigin"}, i)
	}
	stack, doc := "s3", s3Doc
	if r2Path(file) { // R2's S3-compatible API takes the same rules
		stack, doc = "r2", r2Doc
	}
	u := s3Unit(file, stack, "CORSRules", doc, cfg.Rules, func(o string) int { return lineOf(data, strconv.Quote(o), ">"+o+"<") })
	u.fix.stack = "s3" // the S3 API's JSON, R2's S3-compatible form too
	if bytes.Contains(data, []byte("<CORSConfiguration")) {
		u.fix.stack = "s3-xml"
	}
	return []*Unit{u}, nil
}

// s3Unit builds the unit of S3 rules, read from any file that declares
// them (the S3 API's JSON or XML, Terraform): lineOfOrigin locates a
// configured origin in the file.
func s3Unit(file, stack, name, doc string, rules []s3Rule, lineOfOrigin func(string) int) *Unit {
	u := &Unit{File: file, Line: 1, Stack: stack, Name: name, Path: "/", Vendor: doc, layer: "app"}
	if len(rules) > 0 && rules[0].line > 0 {
		u.Line = rules[0].line
	}
	lines := map[string]int{}
	for _, r := range rules {
		for _, o := range r.Origins {
			if !strings.Contains(o, "*") && !slices.Contains(u.Origins, o) {
				u.Origins = append(u.Origins, o)
				lines[o] = lineOfOrigin(o)
			}
		}
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s3Serve(rules, w, r, track, lineOfOrigin) })
	u.lineOf = track.lineOf
	u.checkDevOrigins(lines)
	cr := make([]cloudRule, len(rules))
	for i, r := range rules {
		cr[i] = cloudRule{origins: r.Origins, methods: r.Methods, headers: r.Headers, expose: r.Expose, maxAge: r.MaxAge}
	}
	u.fixRules("", name, cr, track)
	return u
}

// lineOf returns the line of the first of the needles found in data.
func lineOf(data []byte, needles ...string) int {
	for _, n := range needles {
		if i := bytes.Index(data, []byte(n)); i >= 0 {
			return 1 + bytes.Count(data[:i], []byte("\n"))
		}
	}
	return 0
}

// lineOfNth returns the line of the n-th rule's first AllowedOrigin(s).
func lineOfNth(data []byte, needles []string, n int) int {
	off := 0
	for k := 0; ; k++ {
		i := bytes.Index(data[off:], []byte(needles[0]))
		if i < 0 {
			return 0
		}
		if k == n {
			return 1 + bytes.Count(data[:off+i], []byte("\n"))
		}
		// The next rule's origins: skip this element's run.
		off += i + len(needles[0])
		if j := bytes.Index(data[off:], []byte("AllowedMethod")); j >= 0 {
			off += j
		}
	}
}

// s3Wildcard matches an AllowedOrigin (or AllowedHeader) with at most one
// "*" against v; headers compare case-insensitively.
func s3Wildcard(pattern, v string, fold bool) bool {
	if fold {
		pattern, v = strings.ToLower(pattern), strings.ToLower(v)
	}
	before, after, star := strings.Cut(pattern, "*")
	if !star {
		return pattern == v
	}
	return len(v) >= len(before)+len(after) && strings.HasPrefix(v, before) && strings.HasSuffix(v, after)
}

func s3Serve(rules []s3Rule, w http.ResponseWriter, r *http.Request, track *lineTracker, lineOfOrigin func(string) int) {
	h := w.Header()
	origin, pre, method, reqHeaders := corsAsk(r)
	if origin != "" {
		for _, rule := range rules {
			matched := ""
			for _, o := range rule.Origins {
				if s3Wildcard(o, origin, false) {
					matched = o
					break
				}
			}
			if matched == "" || !slices.Contains(rule.Methods, method) {
				continue
			}
			if !allMatch(reqHeaders, rule.Headers) {
				continue
			}
			h.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
			track.hit(origin, matched)
			if matched == "*" {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Credentials", "true")
				track.record(origin, lineOfOrigin(matched))
			}
			h.Set("Access-Control-Allow-Methods", strings.Join(rule.Methods, ", "))
			if pre && len(reqHeaders) > 0 {
				h.Set("Access-Control-Allow-Headers", strings.Join(reqHeaders, ", "))
			}
			if len(rule.Expose) > 0 {
				h.Set("Access-Control-Expose-Headers", strings.Join(rule.Expose, ", "))
			}
			if pre && rule.MaxAge > 0 {
				h.Set("Access-Control-Max-Age", strconv.Itoa(rule.MaxAge))
			}
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	if pre {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func allMatch(names, patterns []string) bool {
	for _, n := range names {
		if !slices.ContainsFunc(patterns, func(p string) bool { return s3Wildcard(p, n, true) }) {
			return false
		}
	}
	return true
}

// corsAsk is what a request asks of a storage service's CORS rules: its
// Origin, whether it is a preflight, the method it asks for (a
// preflight's requested method) and the headers a preflight asks for,
// split on commas and trimmed as these services split them.
func corsAsk(r *http.Request) (origin string, preflight bool, method string, headers []string) {
	origin, method = r.Header.Get("Origin"), r.Method
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return origin, false, method, nil
	}
	for _, x := range strings.Split(r.Header.Get("Access-Control-Request-Headers"), ",") {
		if x = strings.TrimSpace(x); x != "" {
			headers = append(headers, x)
		}
	}
	return origin, true, r.Header.Get("Access-Control-Request-Method"), headers
}
