package checkjson

import (
	"fmt"
	"net/url"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// Page is the page that makes the call, for the gates a browser applies
// before CORS: check's --page-url (mixed content), --page-csp and
// --page-csp-report-only (connect-src), and --page-coep (with the
// resource's Cross-Origin-Resource-Policy on a no-cors load).
type Page struct {
	URL           string   `json:"url,omitempty"`
	CSP           []string `json:"csp,omitempty"`
	CSPReportOnly []string `json:"csp_report_only,omitempty"`
	COEP          string   `json:"coep,omitempty"`
	// AddressSpace is where the page is served from, for Local Network
	// Access: check's --page-address-space (public, local, loopback; ""
	// from the page's origin). It turns on no gate by itself, as the
	// flag does not.
	AddressSpace string `json:"address_space,omitempty"`
}

// MaxStoredCookies bounds options.stored_cookies, as the model's cookie
// jar bounds what it holds.
const MaxStoredCookies = 50

// Space is the page's address space p names (SpaceUnknown for none).
func (p *Page) Space() (fetch.AddressSpace, error) {
	if p == nil {
		return fetch.SpaceUnknown, nil
	}
	s, ok := ParseAddressSpace(p.AddressSpace)
	if !ok {
		return "", &InputError{"options.page.address_space", fmt.Sprintf("%q: want public, local or loopback", clip(p.AddressSpace))}
	}
	return s, nil
}

// Model checks p and returns the fetch.Page it describes (nil for none),
// with the page's origin its URL implies (zero without a URL).
func (p *Page) Model() (*fetch.Page, origin.Origin, error) {
	if p == nil || (p.URL == "" && len(p.CSP) == 0 && len(p.CSPReportOnly) == 0 && p.COEP == "") {
		return nil, origin.Origin{}, nil
	}
	switch p.COEP {
	case "", fetch.COEPRequireCORP, fetch.COEPCredentialless:
	default:
		return nil, origin.Origin{}, &InputError{"options.page.coep", fmt.Sprintf("%q: want %s or %s", clip(p.COEP), fetch.COEPRequireCORP, fetch.COEPCredentialless)}
	}
	var o origin.Origin
	if p.URL != "" {
		u, err := url.Parse(p.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, o, &InputError{"options.page.url", fmt.Sprintf("%q: want an absolute http:// or https:// URL", clip(p.URL))}
		}
		o = origin.FromURL(u)
	}
	return &fetch.Page{URL: p.URL, CSP: p.CSP, CSPReportOnly: p.CSPReportOnly, COEP: p.COEP}, o, nil
}

// PageOrigin is the page's origin given by the request (or the copy) and
// by the page's URL, which must agree when both are given, as check's
// --origin and --page-url.
func PageOrigin(given string, fromURL origin.Origin, field string) (origin.Origin, error) {
	if given == "" {
		return fromURL, nil
	}
	o, err := origin.Parse(given)
	if err != nil || o.IsOpaque() {
		return o, &InputError{field, fmt.Sprintf("%q: want the page's origin, e.g. https://app.example.com", clip(given))}
	}
	if !fromURL.IsZero() && o.String() != fromURL.String() {
		return o, &InputError{"options.page.url", fmt.Sprintf("the page's origin is %s, but the call names %s: give one of them", fromURL, o)}
	}
	return o, nil
}

// storedCookies parses check's --stored-cookie values: cookies as the
// browser stored them, in Set-Cookie syntax.
func storedCookies(values []string) ([]fetch.Cookie, error) {
	if len(values) > MaxStoredCookies {
		return nil, &InputError{"options.stored_cookies", fmt.Sprintf("%d cookies: at most %d", len(values), MaxStoredCookies)}
	}
	var out []fetch.Cookie
	for i, v := range values {
		c, err := fetch.ParseCookie(v)
		if err != nil {
			return nil, &InputError{fmt.Sprintf("options.stored_cookies[%d]", i), err.Error()}
		}
		out = append(out, c)
	}
	return out, nil
}

// StoredCookies is the cookies' diagnosis of one call, as `check
// --stored-cookie` prints it: nil when there is nothing to say (no cookie
// held, and a call without credentials 'include': a Set-Cookie the browser
// ignores by design is no news). The fix is written for the stack of the
// fixes (sd: detected or chosen; nil or unknown: the Set-Cookie line
// itself).
func StoredCookies(engines []fetch.Profile, results []*fetch.Result, page origin.Origin, held []fetch.Cookie, sd *explain.StackDetection) *explain.CookieDiagnosis {
	if len(held) == 0 && results[0].Request.Credentials != fetch.CredentialsInclude {
		return nil
	}
	var s *stacks.Stack
	if sd != nil {
		s, _ = stacks.Lookup(sd.Name)
	}
	d := explain.ExplainCookies(engines, results, page, held, s)
	if len(d.Notes) == 0 {
		return nil
	}
	return &d
}

// clip bounds a value quoted back in an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
