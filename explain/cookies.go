package explain

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
	"github.com/corskit/corskit/stacks"
)

// CookieNote is what one engine does with one cookie on the call: a
// cookie it holds (sent or not) or a Set-Cookie of the answer (stored or
// not).
type CookieNote struct {
	Engine   string `json:"engine"`
	Cookie   string `json:"cookie"` // the cookie's name
	Set      bool   `json:"set"`    // a Set-Cookie of the answer; else a cookie the browser holds
	OK       bool   `json:"ok"`     // sent, or stored
	Reason   string `json:"reason,omitempty"`
	DevTools string `json:"devtools,omitempty"` // Chromium's CookieExclusionReason / SetCookieBlockedReason
	Why      string `json:"why,omitempty"`
}

// CookieDiagnosis is the cookies' part of a diagnosis: not CORS, and no
// Access-Control-* header changes it.
type CookieDiagnosis struct {
	Notes []CookieNote `json:"notes"`
	// Text leads with "not CORS:" when the call passed CORS in an engine
	// and a cookie was not sent (or not stored) there.
	Text  string   `json:"text,omitempty"`
	Fixes []string `json:"fixes,omitempty"` // in the stack's syntax where known
}

// ExplainCookies says, for each engine's result of one call from page,
// which of the held cookies went with it and which Set-Cookie of its
// answer was stored, with the fix in stack s (nil: the header itself).
func ExplainCookies(engines []fetch.Profile, results []*fetch.Result, page origin.Origin, held []fetch.Cookie, s *stacks.Stack) CookieDiagnosis {
	jars := make([][]fetch.Cookie, len(engines))
	for i := range jars {
		jars[i] = held
	}
	return ExplainCookieJars(engines, results, page, jars, s)
}

// ExplainCookieJars is ExplainCookies where each engine holds cookies of
// its own (jars[i] for engines[i]): a replayed HAR, where each engine
// stored the earlier answers' Set-Cookie lines by its own rules.
func ExplainCookieJars(engines []fetch.Profile, results []*fetch.Result, page origin.Origin, jars [][]fetch.Cookie, s *stacks.Stack) CookieDiagnosis {
	var d CookieDiagnosis
	var missed []string
	fixes := map[reason.ID][]string{}
	var misses []cookieMiss
	for i, p := range engines {
		r := results[i]
		call := fetch.CookieCall{Page: page, URL: r.Request.URL, Credentials: r.Request.Credentials}
		var sets []string
		if n := len(r.Trace); n > 0 {
			call.URL = r.Trace[n-1].URL
			sets = r.Trace[n-1].ResponseHeader.Values("Set-Cookie")
		}
		add := func(v fetch.CookieVerdict, err error, set bool) {
			if err != nil {
				return // a held cookie parsed already; an unreadable Set-Cookie is ignored, as browsers do
			}
			n := CookieNote{Engine: p.Name, Cookie: v.Cookie.Name, Set: set, OK: v.OK, Why: v.Why}
			if !v.OK {
				n.Reason = v.Reason.String()
				if p.Name == fetch.Chromium.Name { // the names are Chromium's DevTools'
					n.DevTools = reason.DevToolsCookieReason(v.Reason, set)
				}
				fixes[v.Reason] = append(fixes[v.Reason], v.Cookie.Name)
				m := cookieMiss{p, v.Cookie, call, set}
				misses = append(misses, m)
				if v.Reason == reason.CookieSecureOnly {
					// The Secure gate comes first: over https, the
					// gate behind it (SameSite, third party) needs its
					// fix too.
					if next := m.overHTTPS(); next != reason.None && next != reason.CookieSecureOnly {
						fixes[next] = append(fixes[next], v.Cookie.Name)
					}
				}
				if r.Allowed() {
					missed = append(missed, fmt.Sprintf("%s %s", p.Name, verb(set, v.Cookie.Name)))
				}
			}
			d.Notes = append(d.Notes, n)
		}
		for _, c := range jars[i] {
			v, err := p.CookieSent(c, call)
			add(v, err, false)
		}
		for _, sc := range sets {
			v, err := p.CookieStored(sc, call)
			add(v, err, true)
		}
	}
	if len(missed) > 0 {
		d.Text = "not CORS: the call passed CORS, but " + strings.Join(missed, ", ") + " (why: above). No Access-Control-* header changes this: the cookie's own attributes, or where the API is served, do."
	}
	d.Fixes = cookieFixes(fixes, misses, page, s)
	return d
}

func verb(set bool, name string) string {
	if set {
		return "did not store " + name
	}
	return "did not send " + name
}

// cookieFixes turns the reasons met into the fixes, most general first:
// the Set-Cookie attributes in the stack's syntax, then the page's side.
func cookieFixes(by map[reason.ID][]string, misses []cookieMiss, page origin.Origin, s *stacks.Stack) []string {
	var out []string
	names := func(ids ...reason.ID) []string {
		var n []string
		for _, id := range ids {
			n = append(n, by[id]...)
		}
		slices.Sort(n)
		return slices.Compact(n)
	}
	third := names(reason.CookieThirdPartyBlocked, reason.CookieThirdPartyPartitioned)
	sameSite := names(reason.CookieSameSiteLax, reason.CookieSameSiteStrict, reason.CookieUnspecifiedLax, reason.CookieSameSiteNoneInsecure)
	all := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(third), sameSite...))))
	partitioned := false
	for _, n := range all {
		a := stacks.CookieAttrs{SameSiteNone: true, Secure: true, Partitioned: needsPartitioned(n, misses)}
		partitioned = partitioned || a.Partitioned
		out = append(out, "where the API sets the cookie: "+stacks.CookieSetting(s, n, a))
	}
	if partitioned {
		out = append(out, "a Partitioned cookie lives in the page's partition: the API must set it in its answer to the page's credentialed call, not on a visit to its own site; better, serve the API on the page's site ("+sameSiteHint(page)+"), where neither SameSite nor third-party blocking applies")
	}
	if len(by[reason.CookieSecureOnly]) > 0 {
		out = append(out, "serve the API over https: a Secure cookie goes only to https URLs (and, in Chromium and Firefox, to localhost)")
	}
	if len(by[reason.CookieCredentialsMode]) > 0 {
		out = append(out, `the page: fetch(url, {credentials: "include"}), and the API answers Access-Control-Allow-Credentials: true with the page's origin in Access-Control-Allow-Origin`)
	}
	if n := names(reason.CookieDomainMismatch, reason.CookieNotOnPath); len(n) > 0 {
		out = append(out, "the API's Set-Cookie for "+strings.Join(n, ", ")+": a Domain and Path that cover the URL called (Path=/)")
	}
	return out
}

func sameSiteHint(page origin.Origin) string {
	site := page.Site()
	if _, err := netip.ParseAddr(strings.Trim(site, "[]")); err == nil || !strings.Contains(site, ".") {
		return "a host of the page's own site"
	}
	return "such as api." + site
}

// cookieMiss is a cookie an engine left out, kept to try the fix on.
type cookieMiss struct {
	p      fetch.Profile
	cookie fetch.Cookie
	call   fetch.CookieCall
	set    bool
}

// needsPartitioned reports whether SameSite=None; Secure alone still
// leaves the cookie out in one of the engines that left it out, for
// third-party cookie blocking or partitioning: the fix must then add
// Partitioned. It tries the fix on the model rather than guessing from
// the first reason met, which hides the gates after it.
func needsPartitioned(name string, misses []cookieMiss) bool {
	for _, m := range misses {
		if m.cookie.Name != name {
			continue
		}
		m.cookie.SameSite, m.cookie.Secure, m.cookie.Partitioned = fetch.SameSiteNone, true, false
		if r := m.overHTTPS(); r == reason.CookieThirdPartyBlocked || r == reason.CookieThirdPartyPartitioned {
			return true
		}
	}
	return false
}

// overHTTPS is the reason the engine leaves the cookie out when the call
// goes to https, as the Secure fix has it (reason.None: it goes with it):
// otherwise the Secure gate hides the ones behind it.
func (m cookieMiss) overHTTPS() reason.ID {
	m.call.URL = strings.Replace(m.call.URL, "http://", "https://", 1)
	var v fetch.CookieVerdict
	var err error
	if m.set {
		v, err = m.p.CookieStored(m.cookie.String(), m.call)
	} else {
		v, err = m.p.CookieSent(m.cookie, m.call)
	}
	if err != nil {
		return reason.None
	}
	return v.Reason
}
