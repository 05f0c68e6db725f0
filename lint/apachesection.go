package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Apache merges the sections that apply to a request onto the virtual
// host's configuration in a fixed order (https://httpd.apache.org/docs/2.4/sections.html#merging):
// <Location> and <LocationMatch> in the order they are written, then the
// <If> sections, those of the virtual host before those nested in a
// <Location> (core's merge appends the nested ones). mod_headers runs
// the merged Header directives in that order (the virtual host's first),
// so a section's "Header set" replaces the host's. <Location /p> matches
// /p and /p/... but not /pother; <LocationMatch> is a PCRE found anywhere
// in the path. <IfModule> is read as if the module were loaded (mod_headers
// has to be, for any of this to matter). <Directory> and <Files> sections
// with CORS headers are not evaluated: which applies depends on the file
// system, and in front of an application (ProxyPass) none does.

// apSection is a <Location> or <LocationMatch> of a virtual host.
type apSection struct {
	d      *apDirective
	prefix string         // <Location>: the URL-path
	re     *regexp.Regexp // <LocationMatch>, <Location ~>
	path   string         // where the audit requests it ("": not derived)
	own    []*apDirective
	ifs    []apIfChain
}

// apIf is one branch of an <If>/<ElseIf>/<Else> chain.
type apIf struct {
	d    *apDirective
	cond *apExpr // nil: <Else>
	own  []*apDirective
}

type apIfChain []apIf

// apScope is a configuration level split into its own directives, its
// locations and its If chains.
type apScope struct {
	own  []*apDirective
	locs []*apSection
	ifs  []apIfChain
}

// splitScope reads ds; inLoc says it is a <Location>'s body, inIf an
// <If>'s, where other sections are not evaluated.
func splitScope(ds []*apDirective, inLoc, inIf bool) (apScope, error) {
	var sc apScope
	lastIf := false
	for _, d := range ds {
		name := strings.ToLower(d.Name)
		wasIf := lastIf
		lastIf = false
		switch {
		case !d.Has:
			if (inLoc || inIf) && strings.HasPrefix(name, "rewrite") {
				return sc, fmt.Errorf("%s inside a section (line %d): per-directory rewriting", d.Name, d.Line)
			}
			sc.own = append(sc.own, d)
		case name == "ifmodule":
			if len(d.Args) > 0 && strings.HasPrefix(d.Args[0], "!") {
				continue
			}
			inner, err := splitScope(d.Block, inLoc, inIf)
			if err != nil {
				return sc, err
			}
			sc.own = append(sc.own, inner.own...)
			sc.locs = append(sc.locs, inner.locs...)
			sc.ifs = append(sc.ifs, inner.ifs...)
		case (name == "if" || name == "elseif" || name == "else") && !inIf:
			b := apIf{d: d}
			if name != "else" {
				if len(d.Args) != 1 {
					return sc, fmt.Errorf("<%s> at line %d wants one quoted expression", d.Name, d.Line)
				}
				cond, err := parseApExpr(d.Args[0])
				if err != nil {
					return sc, fmt.Errorf("<%s %q> (line %d): %v", d.Name, d.Args[0], d.Line, err)
				}
				b.cond = cond
			}
			inner, err := splitScope(d.Block, inLoc, true)
			if err != nil {
				return sc, err
			}
			b.own = inner.own
			if name == "if" {
				sc.ifs = append(sc.ifs, apIfChain{b})
			} else {
				if !wasIf {
					return sc, fmt.Errorf("<%s> at line %d does not follow an <If> or <ElseIf>", d.Name, d.Line)
				}
				sc.ifs[len(sc.ifs)-1] = append(sc.ifs[len(sc.ifs)-1], b)
			}
			lastIf = name != "else"
		case (name == "location" || name == "locationmatch") && !inLoc && !inIf:
			loc, err := newLocation(d)
			if err != nil {
				return sc, err
			}
			sc.locs = append(sc.locs, loc)
		default:
			if apacheCORS(d.Block) {
				return sc, fmt.Errorf("CORS headers inside <%s> (line %d)", d.Name, d.Line)
			}
		}
	}
	return sc, nil
}

func newLocation(d *apDirective) (*apSection, error) {
	args := d.Args
	regex := strings.EqualFold(d.Name, "LocationMatch")
	if len(args) == 2 && args[0] == "~" {
		regex, args = true, args[1:]
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("<%s> at line %d wants one path", d.Name, d.Line)
	}
	loc := &apSection{d: d}
	if regex {
		re, err := compileRegex("pcre", args[0], Search, false)
		if err != nil {
			return nil, fmt.Errorf("<%s %q> (line %d): %v", d.Name, args[0], d.Line, err)
		}
		loc.re = re
		if p := literalPrefix(args[0]); strings.HasPrefix(args[0], "^/") && strings.HasPrefix(p, "/") && re.MatchString(p) {
			loc.path = p
		}
	} else {
		if strings.ContainsAny(args[0], "*?[") {
			return nil, fmt.Errorf("<Location %q> (line %d): a wildcard path", args[0], d.Line)
		}
		loc.prefix, loc.path = args[0], args[0]
	}
	inner, err := splitScope(d.Block, true, false)
	if err != nil {
		return nil, err
	}
	loc.own, loc.ifs = inner.own, inner.ifs
	return loc, nil
}

// matches reports whether the location applies to a URL path, as
// ap_location_walk decides.
func (l *apSection) matches(path string) bool {
	if l.re != nil {
		return l.re.MatchString(path)
	}
	p := l.prefix
	if !strings.HasPrefix(path, p) {
		return false
	}
	return strings.HasSuffix(p, "/") || len(path) == len(p) || path[len(p)] == '/'
}

// pick returns the directives of the chain's first branch that holds.
func (c apIfChain) pick(q *apReq) []*apDirective {
	for _, b := range c {
		if b.cond == nil || b.cond.eval(q) {
			if b.cond.readsOrigin() {
				q.decided = b.d.Line
			}
			return b.own
		}
	}
	return nil
}

// effective returns the directives that apply to q's request, in the
// order Apache runs them.
func (s *apacheServer) effective(q *apReq) []*apDirective {
	out := slices.Clone(s.scope.own)
	var hit []*apSection
	for _, l := range s.scope.locs {
		if l.matches(q.r.URL.Path) {
			out = append(out, l.own...)
			hit = append(hit, l)
		}
	}
	for _, c := range s.scope.ifs {
		out = append(out, c.pick(q)...)
	}
	for _, l := range hit {
		for _, c := range l.ifs {
			out = append(out, c.pick(q)...)
		}
	}
	return out
}

// chainDirectives lists every branch's directives of chains.
func chainDirectives(chains []apIfChain) []*apDirective {
	var out []*apDirective
	for _, c := range chains {
		for _, b := range c {
			out = append(out, b.own...)
		}
	}
	return out
}

// chainOrigins lists the origins the chains' conditions name.
func chainOrigins(chains []apIfChain) []string {
	var out []string
	for _, c := range chains {
		for _, b := range c {
			out = append(out, b.cond.origins()...)
		}
	}
	return out
}
