package har

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// jar is one engine's cookies, as the replay stores them from the
// Set-Cookie lines of the HAR's answers, by that engine's rules
// (fetch.Profile.CookieStored): a page's own visits, its subresources and
// its cross-origin calls. Expires and Max-Age are not read (as in
// fetch.ParseCookie): a cookie once stored stays.
type jar struct {
	m     map[jarKey]jarCookie
	order []jarSeq // the keys in the order they were set, some replaced since
	seq   int
}

// jarKey is what makes a cookie another: a Set-Cookie of the same name,
// domain, path and partition (and host, for a host-only cookie) replaces
// the cookie, as in a browser.
type jarKey struct {
	name, domain, path, host string
	partition                origin.Origin
	partitioned              bool
}

type jarSeq struct {
	key jarKey
	seq int
}

// A jar keeps at most maxJar cookies, the oldest going first, and holds
// at most maxHeld for one call: Chromium's own limits (3,300 cookies in
// all, 180 per domain), which also bound the replay's work on a hostile
// HAR (a million Set-Cookie lines, a million calls).
const (
	maxJar  = 3300
	maxHeld = 180
)

type jarCookie struct {
	fetch.Cookie
	seq       int           // when it was set
	host      string        // the host whose answer set it: a host-only cookie goes back there only
	partition origin.Origin // the page whose top-level site holds it, when Partitioned
}

// store keeps the cookies of e's answer that engine p stores, the call
// being call.
func (j *jar) store(p fetch.Profile, e *Entry, call fetch.CookieCall) {
	sets := HTTPHeader(e.Response.Headers).Values("Set-Cookie")
	if len(sets) == 0 {
		return
	}
	u, err := url.Parse(call.URL)
	if err != nil {
		return
	}
	for _, sc := range sets {
		v, err := p.CookieStored(sc, call)
		if err != nil || !v.OK {
			continue // refused, or unreadable: browsers ignore it
		}
		c := jarCookie{Cookie: v.Cookie, host: strings.ToLower(u.Hostname())}
		if r := p.CookieRules(); !r.CHIPS && r.ThirdParty != fetch.ThirdPartyPartitioned {
			c.Partitioned = false // an engine without CHIPS ignores the attribute
		}
		if c.Partitioned {
			c.partition = call.Page
		}
		j.put(c)
	}
}

// put adds c, replacing the cookie of the same key.
func (j *jar) put(c jarCookie) {
	if j.m == nil {
		j.m = make(map[jarKey]jarCookie)
	}
	k := jarKey{name: c.Name, domain: c.Domain, path: c.Path, partition: c.partition, partitioned: c.Partitioned}
	if c.Domain == "" {
		k.host = c.host
	}
	j.seq++
	c.seq = j.seq
	j.m[k] = c
	j.order = append(j.order, jarSeq{k, c.seq})
	for len(j.m) > maxJar {
		old := j.order[0]
		j.order = j.order[1:]
		if j.m[old.key].seq == old.seq {
			delete(j.m, old.key)
		}
	}
	if len(j.order) > 2*maxJar { // replaced keys pile up: keep the live ones
		live := j.order[:0]
		for _, o := range j.order {
			if j.m[o.key].seq == o.seq {
				live = append(live, o)
			}
		}
		j.order = live
	}
}

// held returns the cookies the engine holds for a call from page to u:
// those of u's host or domain, in the jar of a visit to the API's own
// site or in the partition of the page's site. fetch.CookieSent decides,
// for each, whether it goes with the call.
func (j *jar) held(page origin.Origin, u *url.URL) []fetch.Cookie {
	host := strings.ToLower(u.Hostname())
	var out []fetch.Cookie
	for _, o := range j.order { // oldest first, as a browser orders them
		c, ok := j.m[o.key]
		if !ok || c.seq != o.seq {
			continue
		}
		switch {
		case c.Domain == "" && c.host != host,
			c.Domain != "" && host != c.Domain && !strings.HasSuffix(host, "."+c.Domain),
			c.Partitioned && !page.SameSite(c.partition):
			continue
		}
		if out = append(out, c.Cookie); len(out) == maxHeld {
			break
		}
	}
	return out
}

// cookieCall is the call under which an entry's Set-Cookie lines are
// stored: a replayed call as it was made; a document as a visit to its
// own site; another entry (a script, an image, a same-origin fetch) as
// its page's, the page being the Origin or Referer it carries.
func cookieCall(e *Entry, req fetch.Request, isCall bool) fetch.CookieCall {
	if isCall {
		return fetch.CookieCall{Page: req.Origin, URL: e.Request.URL, Credentials: req.Credentials}
	}
	call := fetch.CookieCall{URL: e.Request.URL, Credentials: fetch.CredentialsInclude}
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return call
	}
	call.Page = origin.FromURL(u)
	if e.ResourceType == "document" {
		return call
	}
	h := HTTPHeader(e.Request.Headers)
	if o, err := origin.Parse(h.Get("Origin")); err == nil && !o.IsOpaque() {
		call.Page = o
	} else if ref, err := url.Parse(h.Get("Referer")); err == nil && ref.Host != "" {
		call.Page = origin.FromURL(ref)
	}
	return call
}

// isPreflight: a preflight's Set-Cookie is never stored.
func isPreflight(e *Entry) bool {
	return e.ResourceType == "preflight" ||
		e.Request.Method == http.MethodOptions && HTTPHeader(e.Request.Headers).Get("Access-Control-Request-Method") != ""
}
