package reason

// IsCookie reports whether the reason says why a cookie was not sent with
// a call, or why a Set-Cookie was not stored: not CORS, and no
// Access-Control-* header fixes it.
func (r ID) IsCookie() bool {
	return r >= CookieCredentialsMode && r <= CookieThirdPartyPartitioned
}

// DevToolsCookieReason returns the name Chromium's DevTools protocol gives
// the reason, in Network.CookieExclusionReason (a cookie not sent) or
// Network.SetCookieBlockedReason when set is true (a Set-Cookie not
// stored), so that a report can be matched with the Issues panel and
// the Network panel's "show filtered out request cookies". It returns ""
// for a reason that is not a cookie's, and for the one DevTools has no
// name for (the credentials mode, which DevTools does not list at all:
// the cookie is not even considered).
func DevToolsCookieReason(r ID, set bool) string {
	var sent, stored string
	switch r {
	case CookieDomainMismatch:
		sent, stored = "ExcludeDomainMismatch", "DomainMismatch"
	case CookieNotOnPath:
		sent, stored = "ExcludeNotOnPath", "" // a Set-Cookie's Path never blocks it
	case CookieSecureOnly:
		sent, stored = "ExcludeSecureOnly", "SecureOnly"
	case CookieSameSiteStrict:
		sent, stored = "ExcludeSameSiteStrict", "SameSiteStrict"
	case CookieSameSiteLax:
		sent, stored = "ExcludeSameSiteLax", "SameSiteLax"
	case CookieUnspecifiedLax:
		sent, stored = "ExcludeSameSiteUnspecifiedTreatedAsLax", "SameSiteUnspecifiedTreatedAsLax"
	case CookieSameSiteNoneInsecure:
		sent, stored = "ExcludeSameSiteNoneInsecure", "SameSiteNoneInsecure"
	case CookieThirdPartyBlocked:
		sent, stored = "ExcludeThirdPartyPhaseout", "ThirdPartyPhaseout"
	}
	if set {
		return stored
	}
	return sent
}
