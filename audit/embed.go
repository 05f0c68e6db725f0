package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// EmbeddableWithoutCORP is user data another site can embed: the answer
// to a GET with the user's cookie differs from the answer without it
// (so it holds the user's data), and it carries no
// Cross-Origin-Resource-Policy that refuses another site (none, an
// unknown value, or cross-origin). Any site can then load it in no-cors
// mode (<img>, <script>, <link rel=stylesheet>, <video>, <audio>): the
// page cannot read it, but its bytes reach that page's process, where,
// without site isolation, side channels (Spectre) can read them, and the
// load's outcome, timing and size leak too. Info: exploiting it needs
// such a side channel, and the cookie is sent only where its SameSite
// and the browser's third-party cookie rules let it go.
const EmbeddableWithoutCORP = "embeddable-without-corp"

// embedOrigin is the attacker's page the embed probe is sent from.
const embedOrigin = "https://" + attackerDomain

// errEmbedRedirect stops the model at a redirect: the probe judges the
// target's own answer, and a page never reads a redirect.
var errEmbedRedirect = errors.New("the embed probe follows no redirect")

// embedLoad is one <img> load of the target from the attacker's page.
type embedLoad struct {
	ex *exchange
	// refused: the browser's CORP check refused the answer.
	refused bool
}

// embedTransport sends the model's <img> request as the audit's probe:
// with the headers the model writes (Accept), those a browser adds to a
// no-cors load from another site (Sec-Fetch-*, Referer), the target's
// cookie when cookie is set, and the probe's cache-buster; counted like
// every probe. It sends one request: a redirect is not followed.
type embedTransport struct {
	a      *auditor
	cookie bool
	ex     *exchange
}

func (t *embedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.ex != nil {
		return nil, errEmbedRedirect
	}
	h := r.Header.Clone()
	if fetch.Chromium.PotentiallyTrustworthy(t.a.u) {
		// Browsers send fetch metadata to https and loopback URLs only.
		h.Set("Sec-Fetch-Site", "cross-site")
		h.Set("Sec-Fetch-Mode", "no-cors")
		h.Set("Sec-Fetch-Dest", "image")
	}
	// strict-origin-when-cross-origin, the default referrer policy: the
	// page's origin alone (and none from https to http).
	if t.a.u.Scheme == "https" {
		h.Set("Referer", embedOrigin+"/")
	}
	ex, err := t.a.sendAs(r.Context(), r.Method, h, t.cookie)
	if err != nil {
		return nil, err
	}
	t.ex = ex
	return &http.Response{StatusCode: ex.status, Header: ex.resp.Clone(), Body: http.NoBody, Request: r}, nil
}

// embed loads the target as an <img> on the attacker's page, through the
// browser model (its request, its CORP check), with or without the
// user's cookie.
func (a *auditor) embed(ctx context.Context, cookie bool) (*embedLoad, error) {
	tr := &embedTransport{a: a, cookie: cookie}
	b := &fetch.Browser{Profile: fetch.Chromium, Transport: tr, NoHTTPCache: true}
	res, err := b.Fetch(ctx, fetch.Request{Origin: origin.MustParse(embedOrigin), URL: a.t.URL, Mode: fetch.ModeNoCORS,
		Credentials: fetch.CredentialsInclude, Destination: fetch.DestinationImage, Cache: fetch.CacheNoStore})
	if err != nil {
		return nil, err
	}
	if tr.ex == nil {
		return nil, errors.New("the embed probe sent nothing")
	}
	return &embedLoad{ex: tr.ex, refused: res.Err != nil && res.Err.Reason.IsCORP()}, nil
}

// sameAnswer reports whether two answers are alike for the embed
// comparison (status and body), and whether that can be told at all: a
// body cut off says nothing.
func sameAnswer(x, y *exchange) (same, known bool) {
	if x.status != y.status {
		return false, true
	}
	if x.cut || y.cut {
		return false, false
	}
	return x.sum == y.sum, true
}

// embedProbe reports EmbeddableWithoutCORP: for a GET target audited
// with a cookie, the <img> load with the cookie, and when the browser's
// CORP check lets it through, the same load without it. Answers that
// differ hold the user's data; when only their bodies differ, a second
// load without the cookie must give the first one's body again, or the
// body changes by itself and the comparison tells nothing. At most three
// GETs, the attacker's page's own: no Origin, nothing a browser would not
// send from another site's <img>.
func (a *auditor) embedProbe(ctx context.Context) {
	if a.t.Method != http.MethodGet || a.t.Cookie == "" || a.cached != nil || ctx.Err() != nil {
		return
	}
	user, err := a.embed(ctx, true)
	if err != nil || user.refused || user.ex.status < 200 || user.ex.status > 299 {
		return // no answer, CORP refuses it, or no user data to embed (a 3xx: the page reads the final answer)
	}
	anon, err := a.embed(ctx, false)
	if err != nil {
		return
	}
	if same, known := sameAnswer(user.ex, anon.ex); same || !known {
		return
	}
	if user.ex.status == anon.ex.status {
		again, err := a.embed(ctx, false)
		if err != nil {
			return
		}
		if same, known := sameAnswer(anon.ex, again.ex); !same || !known {
			return // the body changes without the cookie too: nothing to tell
		}
	}
	ev := anon.ex.evidence()
	a.add(Finding{ID: EmbeddableWithoutCORP, Severity: Info, Credentials: true, Evidence: user.ex.evidence(), Followup: &ev,
		Explanation: embedExplanation(user.ex, anon.ex),
		Fix: Fix{Headers: "Send Cross-Origin-Resource-Policy: same-origin on answers that hold a user's data (same-site where your own sites on other subdomains embed them with a plain <img>, <script> or <link>). CORP refuses only no-cors loads from other origins: your front end's CORS fetch() and same-origin pages are unaffected. " +
			"A Fetch Metadata check that refuses Sec-Fetch-Site: cross-site with Sec-Fetch-Mode: no-cors does the same on the server's side.",
			Config: "not a CORS setting: the cors middleware never sends Cross-Origin-Resource-Policy; set it in the handler or the server that serves the answer"}})
}

// embedExplanation says what the two answers showed, where CORP stands,
// and which embeds ORB would stop anyway.
func embedExplanation(user, anon *exchange) string {
	diff := fmt.Sprintf("status %d with the user's cookie, %d without", user.status, anon.status)
	if user.status == anon.status {
		diff = fmt.Sprintf("status %d both, another body with the user's cookie than without (the same twice without)", user.status)
	}
	corp := "It carries no Cross-Origin-Resource-Policy"
	switch v := strings.Join(user.resp.Values(fetch.HeaderCORP), ", "); v {
	case "":
	case "cross-origin":
		corp = "Its Cross-Origin-Resource-Policy: cross-origin lets every site embed it"
	default:
		corp = fmt.Sprintf("Its Cross-Origin-Resource-Policy %q is no value browsers know, so they ignore it", v)
	}
	return "The answer to a GET with the user's cookie differs from the answer without it (" + diff + "), so it holds the user's data. " +
		corp + ": any site can load it with the user's cookie as an <img>, <script>, <link rel=stylesheet>, <video> or <audio> (a no-cors load, which sends the cookie where its SameSite=None and the browser's third-party cookie rules let it go). " +
		"The page cannot read the answer, but it learns an image's dimensions or a video's duration, whether the load succeeded and how long it took, and the bytes enter that page's process, where, in a browser that does not give every site a process of its own (Safari; Chrome and Firefox on Android isolate only some sites), side channels such as Spectre read them. " +
		orbWords(user) + " Not CORS: no Access-Control-* header is read on a no-cors load."
}

// orbWords says which engines' Opaque Response Blocking would keep the
// answer out of another site's no-cors load anyway, as the browser model
// decides it from the answer's headers and first bytes (fetch's ORB, one
// rule for check and the audit). ORB spares what a no-cors load may
// receive (images, media, scripts, style sheets), which only CORP keeps
// out; WebKit has no ORB.
func orbWords(ex *exchange) string {
	resp := &http.Response{StatusCode: ex.status, Header: ex.resp}
	var refuse, pass []string
	for _, e := range []struct {
		name string
		p    fetch.Profile
	}{{"Chromium", fetch.Chromium}, {"Firefox", fetch.Firefox}, {"WebKit", fetch.WebKit}} {
		n, ok := e.p.ORB(resp, ex.head)
		switch {
		case !ok:
			pass = append(pass, e.name+" (no ORB)")
		case n.Blocked:
			refuse = append(refuse, fmt.Sprintf("%s (ORB step %s)", e.name, n.Rule))
		default:
			pass = append(pass, e.name)
		}
	}
	t := cmp.Or(mimeType(ex.resp), "an answer without a Content-Type")
	if len(refuse) == 0 {
		return fmt.Sprintf("Opaque Response Blocking lets %s through in every engine (an image, media, a script or a style sheet is what a no-cors load may receive; WebKit has no ORB): only CORP keeps it out.", t)
	}
	return fmt.Sprintf("Opaque Response Blocking refuses %s in %s, but not in %s: CORP keeps it out everywhere.",
		t, strings.Join(refuse, " and "), strings.Join(pass, " and "))
}

// mimeType is the Content-Type's essence, "" when it has none that parses.
func mimeType(h http.Header) string {
	t, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return t
}

// corpStackFix is the CORP snippet for the recognised stack, as the
// stacks package writes it for the COEP gate, or "".
func corpStackFix(s *stacks.Stack) string {
	if s == nil {
		return ""
	}
	name := s.Name
	if s.Family == stacks.FamilyGo {
		name = "go"
	}
	for _, sn := range stacks.CORPSnippets("same-origin") {
		if sn.Stack == name {
			return sn.Title + ": " + sn.Code
		}
	}
	return ""
}
