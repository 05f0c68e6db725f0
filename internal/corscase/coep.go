package corscase

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/corskit/corskit/fetch"
)

// How a gate case's page loads its target (GateCase.As).
const (
	AsNoCORS = "no-cors" // fetch(url, {mode: "no-cors"})
	AsImg    = "img"     // an <img>, crossorigin as GateCase.CrossOrigin
)

// gif1x1 is the smallest GIF every engine decodes: an <img> whose load
// is let through fires onload, not onerror, and ORB lets an image through.
var gif1x1 = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// subresource reports whether c is a COEP/CORP case: its target is an
// image, served with the case's CORP.
func (c GateCase) subresource() bool {
	return c.COEP != "" || c.CORP != "" || c.As != ""
}

// serveImage answers a COEP/CORP case's target.
func serveImage(w http.ResponseWriter, c GateCase) {
	if c.CORP != "" {
		w.Header().Set("Cross-Origin-Resource-Policy", c.CORP)
	}
	if c.CrossOrigin == "use-credentials" {
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}
	w.Header().Set("Content-Type", "image/gif")
	w.Write(gif1x1)
}

// loadScript is the page's statement that loads target and sets r to
// what the page saw: a fetch's type and status, an <img>'s onload
// (allowed) or onerror (blocked; an <img> says nothing more).
func (c GateCase) loadScript(target string) string {
	s := c.load(target)
	if c.subresource() {
		s = coepCookieScript + s
	}
	if c.PendingAfterMS > 0 {
		s = pendingRace(s, c.PendingAfterMS) // lnacases.go
	}
	return s
}

func (c GateCase) load(target string) string {
	if s, ok := c.kindLoad(target); ok {
		return s
	}
	switch c.As {
	case AsImg:
		co := ""
		if c.CrossOrigin != "" {
			co = fmt.Sprintf("i.crossOrigin = %q;", c.CrossOrigin)
		}
		return fmt.Sprintf(`r = await new Promise(done => { const i = new Image(); %s
      i.onload = () => done({outcome: "allowed", status: 0}); i.onerror = () => done({outcome: "blocked", status: 0});
      i.src = %q; });`, co, target)
	case AsNoCORS:
		return fmt.Sprintf(`const resp = await fetch(%q, {mode: "no-cors"});
    try { await resp.arrayBuffer(); } catch (e) {}
    r = {outcome: "allowed", type: resp.type, status: resp.status};`, target)
	}
	return fmt.Sprintf(`const resp = await fetch(%q);
    try { await resp.arrayBuffer(); } catch (e) {}
    r = {outcome: "allowed", type: resp.type, status: resp.status};`, target)
}

// subresourceRequest is req as the page of c makes it: a no-cors fetch()
// or an <img> (no-cors, or CORS with crossorigin).
func (c GateCase) subresourceRequest(req fetch.Request) fetch.Request {
	switch c.As {
	case AsNoCORS:
		req.Mode = fetch.ModeNoCORS
	case "":
	default:
		// An <img> and the other kinds, as the model's kind makes them.
		if err := c.kind().Load(&req, fetch.CrossOrigin(c.CrossOrigin)); err != nil {
			panic("corscase: case " + c.Name + ": " + err.Error())
		}
	}
	return req
}

// coepCookie is the cookie a COEP case's page stores for its own host,
// 127.0.0.1: every engine sends it to {page} and {peer} (cookies ignore
// ports, and the load is same-site) when the load carries credentials,
// so the wire shows whether COEP credentialless stripped them. {api}
// (localhost) never has it.
const coepCookie = "corskit-coep=1"

const coepCookieScript = `document.cookie = "` + coepCookie + `; path=/";
    `

func hasCOEPCookie(r *http.Request) bool {
	c, err := r.Cookie("corskit-coep")
	return err == nil && c.Value == "1"
}

// modelCookies marks the model's requests that would carry the page's
// cookie: those it sent with credentials to the page's host. The model
// keeps no cookie store of its own here; the wire is in the order of its
// exchanges.
func modelCookies(wire []Wire, res *fetch.Result) {
	pageHost := "127.0.0.1"
	if p := res.Request.Page; p != nil {
		if u, err := url.Parse(p.URL); err == nil {
			pageHost = u.Hostname() // the upgrade cases' named page stores it for its name
		}
	}
	i := 0
	for _, ex := range res.Trace {
		if ex.Kind == fetch.ExchangeCacheHit {
			continue
		}
		if i >= len(wire) {
			return
		}
		if u, err := url.Parse(ex.URL); err == nil && u.Hostname() == pageHost {
			wire[i].Cookie = ex.Credentials
		}
		i++
	}
}

// namesCase reports whether a console line names case name's URLs. A
// browser's line that names none (WebKit's "Origin ... is not allowed by
// Access-Control-Allow-Origin." for an <img>, which MiniBrowser prints
// without the page as its source) cannot be given to a case when the
// pages run one after another, so the harness leaves such lines out, and
// the model's are left out alike.
func namesCase(line, name string) bool {
	return strings.Contains(line, "/g/"+name+"/") || strings.Contains(line, "/gp/"+name)
}
