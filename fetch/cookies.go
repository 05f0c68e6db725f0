package fetch

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// Cookies on a credentialed call: a gate that is not CORS. CORS can pass
// and the API still see no cookie, because the browser did not send the
// one it holds (SameSite, Secure, third-party cookie blocking) or never
// stored the one the API set. The rules below follow RFC 6265bis; where
// the engines differ, CookieRules holds each engine's choice as shipped.

// SameSite is a cookie's SameSite attribute.
type SameSite int

// The SameSite values. SameSiteUnset is an absent (or unknown) attribute,
// which each engine treats in its own way (CookieRules.LaxByDefault).
const (
	SameSiteUnset SameSite = iota
	SameSiteNone
	SameSiteLax
	SameSiteStrict
)

func (s SameSite) String() string {
	switch s {
	case SameSiteNone:
		return "None"
	case SameSiteLax:
		return "Lax"
	case SameSiteStrict:
		return "Strict"
	}
	return "unset"
}

// Cookie is a cookie as a browser stored it, or as a Set-Cookie header
// asks it to be stored: the same syntax, "name=value; SameSite=Lax;
// Secure; Partitioned; Domain=api.example; Path=/".
type Cookie struct {
	Name, Value string
	Domain      string // the Domain attribute, lowercased, without a leading dot; "" is host-only
	Path        string // the Path attribute; "" is the default path
	Secure      bool
	HTTPOnly    bool
	// Partitioned is CHIPS's attribute. On a cookie the browser holds,
	// it means "held in the partition of the calling page's top-level
	// site" (set by an earlier call from a page of that site); a cookie
	// without it was stored on a visit to the API's own site.
	Partitioned bool
	SameSite    SameSite
}

// CookieError is a cookie string that does not parse. Field names the
// part at fault ("name", "Domain", "SameSite"...).
type CookieError struct {
	Field string
	Value string
	Msg   string
}

func (e *CookieError) Error() string {
	return fmt.Sprintf("cookie %s %q: %s", e.Field, e.Value, e.Msg)
}

// maxCookieLen bounds a cookie string: browsers refuse a name plus value
// over 4096 bytes, and attributes over 1024 bytes each.
const maxCookieLen = 8192

// ParseCookie parses a cookie in Set-Cookie syntax. Unknown attributes,
// Expires and Max-Age are ignored (the cookie is taken as stored, not
// expired); an unknown SameSite value is an error, although browsers
// read it as unset, because here it is more likely a typo.
func ParseCookie(s string) (Cookie, error) {
	if len(s) > maxCookieLen {
		return Cookie{}, &CookieError{Field: "cookie", Value: s[:32] + "...", Msg: fmt.Sprintf("longer than %d bytes", maxCookieLen)}
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return Cookie{}, &CookieError{Field: "cookie", Value: s, Msg: "contains a control character"}
	}
	first, rest, _ := strings.Cut(s, ";")
	name, value, ok := strings.Cut(first, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Cookie{}, &CookieError{Field: "name", Value: first, Msg: "want name=value first"}
	}
	if strings.ContainsFunc(name, notTokenChar) {
		return Cookie{}, &CookieError{Field: "name", Value: name, Msg: "not a token (RFC 9110): no spaces, quotes or separators"}
	}
	c := Cookie{Name: name, Value: strings.TrimSpace(value)}
	for rest != "" {
		var attr string
		attr, rest, _ = strings.Cut(rest, ";")
		if err := c.setAttr(attr); err != nil {
			return Cookie{}, err
		}
	}
	return c, nil
}

func (c *Cookie) setAttr(attr string) error {
	k, v, _ := strings.Cut(attr, "=")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	switch strings.ToLower(k) {
	case "secure":
		c.Secure = true
	case "httponly":
		c.HTTPOnly = true
	case "partitioned":
		c.Partitioned = true
	case "domain":
		d := strings.ToLower(strings.TrimPrefix(v, "."))
		if d == "" || strings.ContainsAny(d, " /:@") {
			return &CookieError{Field: "Domain", Value: v, Msg: "not a host name"}
		}
		c.Domain = d
	case "path":
		if strings.HasPrefix(v, "/") {
			c.Path = v
		}
	case "samesite":
		switch strings.ToLower(v) {
		case "none":
			c.SameSite = SameSiteNone
		case "lax":
			c.SameSite = SameSiteLax
		case "strict":
			c.SameSite = SameSiteStrict
		default:
			return &CookieError{Field: "SameSite", Value: v, Msg: "want None, Lax or Strict"}
		}
	}
	return nil
}

// String writes the cookie back in Set-Cookie syntax, attributes in a
// fixed order.
func (c Cookie) String() string {
	var b strings.Builder
	b.WriteString(c.Name + "=" + c.Value)
	if c.Domain != "" {
		b.WriteString("; Domain=" + c.Domain)
	}
	if c.Path != "" {
		b.WriteString("; Path=" + c.Path)
	}
	if c.SameSite != SameSiteUnset {
		b.WriteString("; SameSite=" + c.SameSite.String())
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if c.HTTPOnly {
		b.WriteString("; HttpOnly")
	}
	if c.Partitioned {
		b.WriteString("; Partitioned")
	}
	return b.String()
}

// ThirdPartyCookies is what an engine does, by default, with cookies in a
// third-party context (the call's site is not the top-level page's site).
type ThirdPartyCookies int

// The policies.
const (
	// ThirdPartyAllowed: the cookies stored on a first-party visit are sent.
	ThirdPartyAllowed ThirdPartyCookies = iota
	// ThirdPartyPartitioned: each top-level site has its own cookie jar
	// for third parties, so a cookie stored on a first-party visit is not
	// sent; a cookie set in a third-party context is stored in the jar of
	// the page's site and sent from that site only.
	ThirdPartyPartitioned
	// ThirdPartyBlocked: no third-party cookie is sent or stored, except
	// a Partitioned (CHIPS) one where the engine supports CHIPS.
	ThirdPartyBlocked
	// ThirdPartyNoStore: cookies stored on a first-party visit are sent,
	// but a third-party answer stores none (libsoup's
	// ACCEPT_NO_THIRD_PARTY, WebKitGTK's default).
	ThirdPartyNoStore
)

// CookieRules are an engine's cookie rules, as shipped by default.
type CookieRules struct {
	// LaxByDefault treats a cookie without SameSite as Lax. Chromium: yes
	// (since 80). Firefox: no, network.cookie.sameSite.laxByDefault is
	// false in release. WebKit: no.
	LaxByDefault bool
	// NoneRequiresSecure refuses to store SameSite=None without Secure.
	// Chromium: yes (since 80). Firefox: yes
	// (network.cookie.sameSite.noneRequiresSecure). WebKit: no.
	NoneRequiresSecure bool
	// SecureOnLoopback stores and sends Secure cookies over http to
	// localhost and loopback addresses, which are potentially
	// trustworthy. Chromium: yes (89+). Firefox: yes (75+). WebKitGTK:
	// no, as measured.
	SecureOnLoopback bool
	// ThirdParty is the default third-party cookie policy.
	// Chromium: blocked, as measured in the Chromium build this project
	// tests (see the reference page: headless Chromium with a fresh
	// profile blocks them; Chrome users may have them allowed).
	// Firefox: partitioned (Total Cookie Protection, cookieBehavior 5).
	// WebKit: as measured in WebKitGTK (the WebKit this project drives),
	// no third-party store; Safari's Intelligent Tracking Prevention
	// goes further and blocks third-party cookies outright, which is
	// not measured here.
	ThirdParty ThirdPartyCookies
	// CHIPS lets a Partitioned cookie through third-party blocking, in
	// the partition of the page's site. Chromium: yes. Firefox: its
	// partitioning already does this. WebKit: no.
	CHIPS bool
}

// cookieRules is the one table of each engine's cookie rules. The spec
// profile follows RFC 6265bis (Lax by default, None needs Secure) and
// allows third-party cookies, which no standard forbids.
var cookieRules = map[string]CookieRules{
	"chromium": {LaxByDefault: true, NoneRequiresSecure: true, SecureOnLoopback: true, ThirdParty: ThirdPartyBlocked, CHIPS: true},
	"firefox":  {NoneRequiresSecure: true, SecureOnLoopback: true, ThirdParty: ThirdPartyPartitioned, CHIPS: true},
	"webkit":   {ThirdParty: ThirdPartyNoStore},
	"spec":     {LaxByDefault: true, NoneRequiresSecure: true, SecureOnLoopback: true},
}

// CookieRules returns the engine's cookie rules.
func (p Profile) CookieRules() CookieRules { return cookieRules[p.Name] }

// CookieCall is the call a cookie may go with.
type CookieCall struct {
	Page        origin.Origin // the top-level page that calls fetch()
	URL         string        // the API's URL
	Credentials Credentials   // "" is same-origin, fetch()'s default
}

// CookieVerdict says whether one cookie went with the call (or was
// stored), and why not.
type CookieVerdict struct {
	Cookie Cookie
	OK     bool      // sent (CookieSent) or stored (CookieStored)
	Reason reason.ID // why not; reason.None when OK
	Why    string    // one sentence, for people
}

// CookieSent says whether the engine sends c, a cookie it holds for the
// API's site, with the call. A cookie without Partitioned is one stored
// on a first-party visit to the API; a Partitioned one was stored under
// the page's site (set by an earlier call from the page).
func (p Profile) CookieSent(c Cookie, call CookieCall) (CookieVerdict, error) {
	return p.CookieRules().Sent(c, call)
}

// Sent is CookieSent under rules r: for a browser whose settings differ
// from the engine's default (Chrome with third-party cookies allowed).
func (r CookieRules) Sent(c Cookie, call CookieCall) (CookieVerdict, error) {
	u, err := url.Parse(call.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return CookieVerdict{}, &CookieError{Field: "url", Value: call.URL, Msg: "want an http or https URL"}
	}
	v := CookieVerdict{Cookie: c}
	api := urlOrigin(u)
	crossSite := !call.Page.SameSite(api)
	if id, why := credentialsGate(call, api); id != reason.None {
		return v.no(id, why), nil
	}
	host := strings.ToLower(u.Hostname())
	if c.Domain != "" && !domainMatch(host, c.Domain) {
		return v.no(reason.CookieDomainMismatch, fmt.Sprintf("its Domain=%s does not match %s", c.Domain, host)), nil
	}
	if c.Path != "" && !pathMatch(u.EscapedPath(), c.Path) {
		return v.no(reason.CookieNotOnPath, fmt.Sprintf("its Path=%s does not cover %s", c.Path, u.EscapedPath())), nil
	}
	if c.Secure && !secureForCookies(u, r) {
		return v.no(reason.CookieSecureOnly, secureWhy(u, r, "the URL is")), nil
	}
	if c.SameSite == SameSiteNone && !c.Secure && r.NoneRequiresSecure {
		return v.no(reason.CookieSameSiteNoneInsecure, "SameSite=None without Secure is refused"), nil
	}
	if crossSite {
		if id, why := sameSiteGate(c, r); id != reason.None {
			return v.no(id, why), nil
		}
		if id, why := thirdPartyGate(c, r); id != reason.None {
			return v.no(id, why), nil
		}
	}
	v.OK = true
	return v, nil
}

func (v CookieVerdict) no(id reason.ID, why string) CookieVerdict {
	v.OK, v.Reason, v.Why = false, id, why
	return v
}

// credentialsGate: only credentials mode include sends or stores cookies
// on a cross-origin call; same-origin (fetch()'s default) does so only
// for a same-origin URL, and omit never.
func credentialsGate(call CookieCall, api origin.Origin) (reason.ID, string) {
	switch call.Credentials {
	case CredentialsInclude:
		return reason.None, ""
	case CredentialsOmit:
		return reason.CookieCredentialsMode, "the call's credentials mode is 'omit'"
	}
	if call.Page.SameOrigin(api) {
		return reason.None, ""
	}
	return reason.CookieCredentialsMode, "the call is cross-origin and its credentials mode is 'same-origin' (fetch()'s default): only credentials: 'include' sends cookies"
}

// sameSiteGate: a fetch() is never a top-level navigation, so on a
// cross-site call Lax and Strict cookies stay home.
func sameSiteGate(c Cookie, r CookieRules) (reason.ID, string) {
	switch {
	case c.SameSite == SameSiteStrict:
		return reason.CookieSameSiteStrict, "it is SameSite=Strict and the call is cross-site"
	case c.SameSite == SameSiteLax:
		return reason.CookieSameSiteLax, "it is SameSite=Lax and the call is cross-site"
	case c.SameSite == SameSiteUnset && r.LaxByDefault:
		return reason.CookieUnspecifiedLax, "it has no SameSite, which this engine treats as Lax, and the call is cross-site"
	}
	return reason.None, ""
}

func thirdPartyGate(c Cookie, r CookieRules) (reason.ID, string) {
	switch r.ThirdParty {
	case ThirdPartyBlocked:
		if c.Partitioned && r.CHIPS {
			return reason.None, ""
		}
		return reason.CookieThirdPartyBlocked, "the engine blocks third-party cookies by default"
	case ThirdPartyPartitioned:
		if c.Partitioned {
			return reason.None, ""
		}
		return reason.CookieThirdPartyPartitioned, "the engine keeps a separate cookie jar per top-level site (Total Cookie Protection): the cookie stored on a visit to the API's own site is not in the page's jar"
	}
	return reason.None, ""
}

// CookieStored says whether the engine stores the cookie that a
// Set-Cookie header in the call's answer asks for. The verdict's Cookie
// is the cookie as stored: Partitioned when it went into the partition
// of the page's site, as CookieSent reads it.
func (p Profile) CookieStored(setCookie string, call CookieCall) (CookieVerdict, error) {
	return p.CookieRules().Stored(setCookie, call)
}

// Stored is CookieStored under rules r.
func (r CookieRules) Stored(setCookie string, call CookieCall) (CookieVerdict, error) {
	c, err := ParseCookie(setCookie)
	if err != nil {
		return CookieVerdict{}, err
	}
	u, err := url.Parse(call.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return CookieVerdict{}, &CookieError{Field: "url", Value: call.URL, Msg: "want an http or https URL"}
	}
	v := CookieVerdict{Cookie: c}
	api := urlOrigin(u)
	if id, why := credentialsGate(call, api); id != reason.None {
		return v.no(id, why+": the Set-Cookie is ignored"), nil
	}
	host := strings.ToLower(u.Hostname())
	if c.Domain != "" && !domainMatch(host, c.Domain) {
		return v.no(reason.CookieDomainMismatch, fmt.Sprintf("its Domain=%s does not match %s", c.Domain, host)), nil
	}
	if c.Secure && !secureForCookies(u, r) {
		return v.no(reason.CookieSecureOnly, secureWhy(u, r, "was set over")), nil
	}
	if c.SameSite == SameSiteNone && !c.Secure && r.NoneRequiresSecure {
		return v.no(reason.CookieSameSiteNoneInsecure, "SameSite=None without Secure is refused"), nil
	}
	if !call.Page.SameSite(api) {
		if id, why := sameSiteGate(c, r); id != reason.None {
			return v.no(id, why), nil
		}
		switch {
		case r.ThirdParty == ThirdPartyBlocked && !(c.Partitioned && r.CHIPS):
			return v.no(reason.CookieThirdPartyBlocked, "the engine blocks third-party cookies by default"), nil
		case r.ThirdParty == ThirdPartyNoStore:
			return v.no(reason.CookieThirdPartyBlocked, "the engine stores no cookie from a third-party answer (it sends those stored on a visit to the API's own site)"), nil
		}
		// Stored in the page's partition: the engine partitions every
		// third-party cookie, or honours CHIPS's attribute.
		v.Cookie.Partitioned = r.ThirdParty == ThirdPartyPartitioned || c.Partitioned && r.CHIPS
	}
	v.OK = true
	return v, nil
}

// domainMatch is RFC 6265's domain-match: host is domain, or ends with
// "."+domain. (A Domain on a public suffix is refused when stored; a
// stored cookie cannot carry one.)
func domainMatch(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// pathMatch is RFC 6265's path-match.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == "" {
		reqPath = "/"
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return len(reqPath) == len(cookiePath) || strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}

// secureForCookies: https, or http to localhost or a loopback address
// where the engine treats those as secure for cookies.
func secureForCookies(u *url.URL, r CookieRules) bool {
	if u.Scheme == "https" {
		return true
	}
	if !r.SecureOnLoopback {
		return false
	}
	h := strings.ToLower(u.Hostname())
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	return origin.IsLoopbackHost(h)
}

// urlOrigin is the origin of an http(s) URL already checked; a host that
// origin.Parse refuses gives the zero Origin, same-site with nothing.
func urlOrigin(u *url.URL) origin.Origin {
	o, err := origin.Parse(u.Scheme + "://" + u.Host)
	if err != nil {
		return origin.Origin{}
	}
	return o
}

func secureWhy(u *url.URL, r CookieRules, what string) string {
	if r.SecureOnLoopback {
		return "it is Secure and " + what + " http (not localhost)"
	}
	return "it is Secure and " + what + " http (this engine does not count localhost as secure for cookies)"
}

// notTokenChar: a cookie name is an RFC 9110 token.
func notTokenChar(r rune) bool {
	return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
}
