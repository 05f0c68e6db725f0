package corscase

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// GateCase is one fetch() from a page whose own URL and headers decide a
// gate before CORS: mixed content (the page over https) and the page's
// Content Security Policy. Each case has a page of its own, at
// /gp/<case>, served with the case's policies; it fetches Target once and
// reports. The API answers every CORS request with its Origin allowed, so
// a fetch the gates let through is allowed.
//
// The origins: {page} http://127.0.0.1:P1, {spage} https://127.0.0.1:P2
// (a self-signed certificate the engines are told to accept), {api}
// http://localhost:P3 and {v6} http://[::1]:P4.
type GateCase struct {
	Name  string
	About string
	// Secure serves the page from {spage} rather than {page}; NamedPage
	// too, under the name PageHost rather than 127.0.0.1 (upgrade.go).
	Secure, NamedPage bool
	// CSP and CSPReportOnly are the page's Content-Security-Policy and
	// Content-Security-Policy-Report-Only header lines, placeholders
	// expanded.
	CSP, CSPReportOnly []string
	// Target is the URL fetched, placeholders expanded; "" means
	// {api}/g/{case}/0. Its path must be /g/{case}/0.
	Target string
	// Redirect, when set, makes the first URL answer 302 to this URL
	// (placeholders expanded), whose path must be /g/{case}/1.
	Redirect string
	Want     string // allowed or blocked
	// COEP is the page's Cross-Origin-Embedder-Policy, CORP the target's
	// Cross-Origin-Resource-Policy (see coep.go).
	COEP, CORP string
	// As is how the page loads Target: "" a fetch() in cors mode, AsNoCORS
	// a fetch() in no-cors mode, AsImg an <img>.
	As string
	// CrossOrigin is the <img>'s crossorigin attribute ("" for none).
	CrossOrigin string
	// NoACAO: the target answers without Access-Control-Allow-Origin.
	NoACAO bool
	// Answer, when set, is what the target answers instead of an image
	// (the ORB cases, orb.go).
	Answer *Answer
	// WSRefuse: a WebSocket target answers the handshake 403, as a
	// server that checks Origin refuses another site's page (kinds.go).
	WSRefuse bool
	// Engines holds the outcome of an engine that differs from Want.
	Engines map[string]string
	// PendingAfterMS, when set, makes a load still unsettled after that
	// many milliseconds the outcome "pending" (a permission prompt no one
	// answers: see LNACases).
	PendingAfterMS int
}

// WantIn is the expected outcome in engine (a profile name).
func (c GateCase) WantIn(engine string) string {
	if w, ok := c.Engines[engine]; ok {
		return w
	}
	return c.Want
}

// GateURLs are the origins of a gates run.
type GateURLs struct{ Page, SPage, API, V6, Peer string }

func (u GateURLs) expand(s, name string) string {
	return strings.NewReplacer("{case}", name, "{tls-host}", u.namedHost(u.SPage, UpgradeHost), "{plain-host}", u.namedHost(u.API, UpgradeHost), "{peer}", u.Peer, "{spage}", u.SPage, "{page}", u.Page, "{api}", u.API, "{v6}", u.V6,
		"{sub-api}", strings.Replace(u.API, "://localhost", "://app.localhost", 1),
		"{zero-api}", strings.Replace(u.API, "://localhost", "://0.0.0.0", 1),
		"{ws-api}", "ws"+strings.TrimPrefix(u.API, "http")).Replace(s)
}

// Normalize replaces the run's origins in s by their placeholders.
func (u GateURLs) Normalize(s string) string {
	return strings.NewReplacer(append(u.endpointPairs(), "ws"+strings.TrimPrefix(u.API, "http"), "{ws-api}",
		"https://"+u.namedHost(u.SPage, PageHost), "{named-spage}", u.namedHost(u.SPage, UpgradeHost), "{tls-host}", u.namedHost(u.API, UpgradeHost), "{plain-host}",
		u.Peer, "{peer}", u.SPage, "{spage}", u.Page, "{page}", strings.Replace(u.API, "://localhost", "://app.localhost", 1), "{sub-api}",
		strings.Replace(u.API, "://localhost", "://0.0.0.0", 1), "{zero-api}",
		u.API, "{api}", u.V6, "{v6}")...).Replace(s)
}

// PageURL is the address of case c's page.
func (u GateURLs) PageURL(c GateCase) string {
	base := u.Page
	switch {
	case c.NamedPage:
		base = "https://" + u.namedHost(u.SPage, PageHost)
	case c.Secure:
		base = u.SPage
	}
	return base + "/gp/" + c.Name
}

// TargetURL is the URL case c fetches.
func (u GateURLs) TargetURL(c GateCase) string {
	t := c.Target
	if t == "" {
		t = "{api}/g/{case}/0"
	}
	return u.expand(t, c.Name)
}

// policies is the case's page headers, expanded; the enforced policy also
// lets the page's own inline script run (a nonce no case uses otherwise),
// by a script-src of its own unless the case's policy names the nonce
// itself (the script-src and default-src cases of kindcases.go).
func (u GateURLs) policies(c GateCase) (csp, ro []string) {
	for _, p := range c.CSP {
		if !strings.Contains(p, gateScriptNonce) {
			p += "; script-src 'nonce-" + gateScriptNonce + "'"
		}
		csp = append(csp, u.expand(p, c.Name))
	}
	for _, p := range c.CSPReportOnly {
		ro = append(ro, u.expand(p, c.Name))
	}
	return csp, ro
}

// gateScriptNonce lets the runner's inline script run under the cases'
// policies: it is added to each enforced policy as its script-src.
const gateScriptNonce = "corskit-gate"

// gatePage is the page of one case: it fetches the target, then goes to
// the report URL with what it saw (a navigation, which no connect-src
// governs), and the server sends it on to the next case.
const gatePage = `<!doctype html><meta charset="utf-8"><title>corskit gate %s</title>
<script nonce="` + gateScriptNonce + `">
(async () => {
  let r;
  try {
    %s
  } catch (e) {
    r = {outcome: "blocked", error: e.message, status: 0};
  }
  setTimeout(() => location.replace("/gr/%s?r=" + encodeURIComponent(JSON.stringify(r))), 100);
})();
</script>`

// GateServers are the servers of a gates run; the browser starts at
// Start and walks through every case's page by itself.
type GateServers struct {
	URLs     GateURLs
	Recorder *Recorder
	Start    string // the first case's page
	// Spaces, when set, are the address spaces the model gives the run's
	// endpoints (fetch.Browser.AddressSpaceOverrides): see LNACases.
	Spaces map[string]fetch.AddressSpace
	// Granted, when set, are the Local Network Access permissions the
	// user granted the run's pages (fetch.Browser.LocalNetworkGranted).
	Granted []string

	cases   []GateCase
	servers []*httptest.Server
	mu      sync.Mutex
	results map[string]Observation
	done    chan struct{}
}

// ServeGates starts the servers for cases.
func ServeGates(cases []GateCase) (*GateServers, error) {
	if len(cases) == 0 {
		return nil, fmt.Errorf("corscase: no gate cases")
	}
	s := &GateServers{Recorder: &Recorder{}, cases: cases, results: map[string]Observation{}, done: make(chan struct{})}
	type spec struct{ label, addr, host string }
	specs := []spec{{"page", "127.0.0.1:0", "127.0.0.1"}, {"spage", "127.0.0.1:0", "127.0.0.1"}, {"api", "127.0.0.1:0", "localhost"}, {"v6", "[::1]:0", "[::1]"}, {"peer", "127.0.0.1:0", "127.0.0.1"}}
	// Every URL is known before any server starts: the handlers read
	// s.URLs, and a request may come in as soon as a server runs.
	urls := make([]string, len(specs))
	for i, sp := range specs {
		ln, err := net.Listen("tcp", sp.addr)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("corscase: gate server %s: %w", sp.label, err)
		}
		s.servers = append(s.servers, &httptest.Server{Listener: ln, Config: &http.Server{Handler: s.handler(sp.label), ReadHeaderTimeout: 10 * time.Second}})
		scheme := "http"
		if sp.label == "spage" {
			scheme = "https"
		}
		urls[i] = scheme + "://" + sp.host + ":" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	}
	s.URLs = GateURLs{Page: urls[0], SPage: urls[1], API: urls[2], V6: urls[3], Peer: urls[4]}
	for i, ts := range s.servers {
		if specs[i].label == "spage" {
			ts.StartTLS()
		} else {
			ts.Start()
		}
	}
	s.Start = s.URLs.PageURL(cases[0])
	return s, nil
}

// Close stops the servers.
func (s *GateServers) Close() {
	for _, ts := range s.servers {
		ts.Close()
	}
}

// Wait waits until the browser has reported every case, and returns what
// it reported, by case.
func (s *GateServers) Wait(ctx context.Context) (map[string]Observation, error) {
	select {
	case <-s.done:
	case <-ctx.Done():
		s.mu.Lock()
		n := len(s.results)
		s.mu.Unlock()
		return nil, fmt.Errorf("the browser reported %d of %d gate cases: %w", n, len(s.cases), ctx.Err())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results, nil
}

func (s *GateServers) handler(label string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		name, _, _ := strings.Cut(rest, "/")
		i := s.index(name)
		if i < 0 {
			w.WriteHeader(http.StatusNoContent) // favicon and the like
			return
		}
		c := s.cases[i]
		w.Header().Set("Cache-Control", "no-store")
		switch kind {
		case "gp":
			csp, ro := s.URLs.policies(c)
			for _, p := range csp {
				w.Header().Add("Content-Security-Policy", p)
			}
			for _, p := range ro {
				w.Header().Add("Content-Security-Policy-Report-Only", p)
			}
			if c.COEP != "" {
				w.Header().Set("Cross-Origin-Embedder-Policy", c.COEP)
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, gatePage, html.EscapeString(c.Name), c.loadScript(s.URLs.TargetURL(c)), c.Name)
		case "gr":
			var o Observation
			if err := json.Unmarshal([]byte(r.URL.Query().Get("r")), &o); err != nil {
				http.Error(w, "bad report", http.StatusBadRequest)
				return
			}
			o.Wire = s.Recorder.Take(c.Name)
			s.mu.Lock()
			s.results[c.Name] = o
			if len(s.results) == len(s.cases) {
				close(s.done)
			}
			s.mu.Unlock()
			if i+1 < len(s.cases) {
				http.Redirect(w, r, s.URLs.PageURL(s.cases[i+1]), http.StatusFound)
				return
			}
			w.Write([]byte("done"))
		case "g":
			s.Recorder.add(c.Name, Wire{Server: label, Method: r.Method, Path: r.URL.Path,
				Origin: s.URLs.Normalize(r.Header.Get("Origin")), Accept: r.Header.Get("Accept"), Cookie: hasCOEPCookie(r)})
			if o := r.Header.Get("Origin"); o != "" && !c.NoACAO {
				w.Header().Set("Access-Control-Allow-Origin", o)
			}
			if c.Redirect != "" && strings.HasSuffix(r.URL.Path, "/0") {
				w.Header().Set("Location", s.URLs.expand(c.Redirect, c.Name))
				w.WriteHeader(http.StatusFound)
				return
			}
			if c.Answer != nil {
				serveAnswer(w, c.Answer)
				return
			}
			if serveKind(w, r, c) {
				return
			}
			if c.subresource() {
				serveImage(w, c)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ok"))
		default:
			http.NotFound(w, r)
		}
	})
}

func (s *GateServers) index(name string) int {
	for i := range s.cases {
		if s.cases[i].Name == name {
			return i
		}
	}
	return -1
}

// Request is case c as the model takes it.
func (c GateCase) Request(urls GateURLs) fetch.Request {
	pu, _ := url.Parse(urls.PageURL(c))
	csp, ro := urls.policies(c)
	req := fetch.Request{Origin: origin.FromURL(pu), URL: urls.TargetURL(c),
		Page: &fetch.Page{URL: pu.String(), CSP: csp, CSPReportOnly: ro, COEP: c.COEP}}
	return c.subresourceRequest(req)
}

// gateTransport reaches the gate servers: localhost (and names under
// .localhost, as browsers resolve them) at 127.0.0.1, [::1]
// at ::1, and the test's own https server without checking its
// certificate.
func gateTransport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, _ := net.SplitHostPort(addr)
			if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == UpgradeHost || host == PageHost {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return d.DialContext(ctx, "tcp", addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test's self-signed page server only
	}
}

// ModelGate makes case c's fetch in the model with profile p, against s.
func ModelGate(ctx context.Context, p fetch.Profile, c GateCase, s *GateServers) (*fetch.Result, error) {
	b := &fetch.Browser{Profile: p, Transport: gateTransport(), NoHTTPCache: true, AddressSpaceOverrides: s.Spaces, LocalNetworkGranted: s.Granted}
	res, err := b.Fetch(ctx, c.Request(s.URLs))
	if err != nil {
		return nil, fmt.Errorf("gate case %s: %w", c.Name, err)
	}
	return res, nil
}

// RunGates runs every case in the model with profile p against s, and
// returns the results by case; console lines are normalised.
func RunGates(ctx context.Context, p fetch.Profile, cases []GateCase, s *GateServers) (map[string]Result, error) {
	out := make(map[string]Result, len(cases))
	for _, c := range cases {
		s.Recorder.Take(c.Name)
		res, err := ModelGate(ctx, p, c, s)
		if err != nil {
			return nil, err
		}
		obs := Observation{Outcome: "allowed"}
		var r Result
		for _, l := range p.ConsoleLines(res) {
			// WebKit's "Not allowed to request resource" names no URL but
			// comes with the page as its source, so the browsers' runs keep it.
			if c.subresource() && !namesCase(l, c.Name) && l != reason.WebKitNotAllowed {
				continue // as the browsers' runs leave it out (conformance's gateLines)
			}
			r.Console = append(r.Console, s.URLs.Normalize(l))
		}
		switch {
		case pendingIn(p, c, res): // lnacases.go
			obs.Outcome = pending
		case res.Err != nil:
			obs.Outcome = "blocked"
			if c.As == "" || c.As == AsNoCORS { // an element's onerror says nothing, nor XHR's
				obs.Error = p.TypeErrorMessage(res)
			} else {
				obs.Error = p.ConstructorError(res) // what a constructor throws, if it does
			}
		case c.As == AsImg && !c.isImage():
			obs.Outcome = "blocked" // let through, but no image: onerror all the same
		case c.As == "" || c.As == AsNoCORS: // nor does its onload
			obs.Type = string(res.Response.Type)
			obs.Status = res.Response.Status
		case c.As == AsXHR:
			obs.Status = res.Response.Status
		}
		obs.Wire = s.Recorder.Take(c.Name)
		if c.subresource() {
			modelCookies(obs.Wire, res)
		}
		r.Fetches = []Observation{obs}
		out[c.Name] = r
	}
	return out, nil
}
