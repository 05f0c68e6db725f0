package lint

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The cloud stores and CDNs (Google Cloud Storage, Azure Storage,
// CloudFront) do not run here: each reader turns its file into cloudRules
// and a cloudVendor saying how the vendor's documentation says the rules
// are evaluated, and cloudServe answers as that. S3 keeps its own reader
// (s3.go), which predates this one.

// cloudRule is one CORS rule of a vendor's configuration.
type cloudRule struct {
	origins, methods, headers, expose []string
	maxAge                            int
	// credentials says the rule sends Access-Control-Allow-Credentials:
	// true (CloudFront's AccessControlAllowCredentials); vendors that
	// always send it for a named origin say so in cloudVendor.
	credentials bool
}

// cloudVendor is how one vendor evaluates its rules.
type cloudVendor struct {
	// matchOrigin matches one configured origin against the request's.
	matchOrigin func(pattern, origin string) bool
	// starIsStar: a rule matched by "*" answers Allow-Origin "*" (else
	// the request's Origin is echoed).
	starIsStar bool
	// namedCredentials: a rule matched by a named origin also sends
	// Access-Control-Allow-Credentials: true.
	namedCredentials bool
	// checkHeaders: a preflight's requested headers must each match the
	// rule's headers (else the vendor leaves that to the browser and
	// answers the rule's headers).
	checkHeaders bool
	// anyMethod: the vendor adds the headers whatever the method, and
	// the rule's methods are only what it answers.
	anyMethod bool
	// preflightFail is the status of a preflight no rule allows.
	preflightFail int
}

func exactOrStar(pattern, origin string) bool { return pattern == "*" || pattern == origin }

// cloudUnit builds the unit of one vendor configuration: lineOfOrigin
// locates a configured origin in the file.
func cloudUnit(file, stack, name, doc string, rules []cloudRule, v cloudVendor, lineOfOrigin func(string) int) *Unit {
	u := &Unit{File: file, Line: 1, Stack: stack, Name: name, Path: "/", Vendor: doc, layer: "app"}
	lines := map[string]int{}
	for _, r := range rules {
		for _, o := range r.origins {
			if !strings.Contains(o, "*") && !slices.Contains(u.Origins, o) {
				u.Origins = append(u.Origins, o)
				lines[o] = lineOfOrigin(o)
			}
		}
	}
	if len(rules) > 0 && len(rules[0].origins) > 0 {
		if l := lineOfOrigin(rules[0].origins[0]); l > 0 {
			u.Line = l
		}
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cloudServe(rules, v, w, r, track, lineOfOrigin) })
	u.lineOf = track.lineOf
	u.checkDevOrigins(lines)
	u.fixRules("", name, rules, track)
	return u
}

func cloudServe(rules []cloudRule, v cloudVendor, w http.ResponseWriter, r *http.Request, track *lineTracker, lineOfOrigin func(string) int) {
	origin, pre, method, reqHeaders := corsAsk(r)
	if origin != "" {
		for _, rule := range rules {
			matched := ""
			for _, o := range rule.origins {
				if v.matchOrigin(o, origin) {
					matched = o
					break
				}
			}
			if matched == "" || !(v.anyMethod || slices.Contains(rule.methods, method) || slices.Contains(rule.methods, "*")) {
				continue
			}
			if pre && v.checkHeaders && !allMatch(reqHeaders, rule.headers) {
				continue
			}
			cloudAnswer(w.Header(), rule, v, matched, origin, pre, reqHeaders)
			track.hit(origin, matched)
			if matched != "*" {
				track.record(origin, lineOfOrigin(matched))
			}
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	if pre {
		w.WriteHeader(v.preflightFail)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// cloudAnswer sets the CORS headers of an answer a rule allowed.
func cloudAnswer(h http.Header, rule cloudRule, v cloudVendor, matched, origin string, pre bool, reqHeaders []string) {
	h.Set("Vary", "Origin")
	if matched == "*" && v.starIsStar {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		if v.namedCredentials && matched != "*" {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	if rule.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(rule.expose) > 0 && !pre {
		h.Set("Access-Control-Expose-Headers", strings.Join(rule.expose, ", "))
	}
	if !pre {
		return
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.methods, ", "))
	switch {
	case v.checkHeaders && len(reqHeaders) > 0:
		h.Set("Access-Control-Allow-Headers", strings.Join(reqHeaders, ", "))
	case !v.checkHeaders && len(rule.headers) > 0:
		h.Set("Access-Control-Allow-Headers", strings.Join(rule.headers, ", "))
	}
	if rule.maxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(rule.maxAge))
	}
}

// quotedLine returns a lineOfOrigin for JSON files: the line of the
// first quoted occurrence of the origin.
func quotedLine(data []byte) func(string) int {
	return func(o string) int { return lineOf(data, strconv.Quote(o)) }
}
