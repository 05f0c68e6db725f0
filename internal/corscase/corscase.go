// Package corscase is the conformance table shared by the fetch model's
// unit tests and the Chromium conformance suite (conformance/): each Case is
// one or more fetch() calls from a page plus the exact behaviour of the
// server they reach. Both runners produce Observations in the same
// normalised form, so the model, the recorded Chromium results and a live
// Chromium can be compared field by field.
//
// Three origins take part, all on loopback: the page ({page},
// http://127.0.0.1:P1), the API ({api}, http://localhost:P2) and a second
// API ({api2}, http://localhost:P3) for cross-origin redirects. Every
// server answers /c/<case>/<hop> from the case's Server.
package corscase

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/loopback"
)

// Case is one conformance case.
type Case struct {
	Name    string  // unique; lowercase letters, digits and dashes
	About   string  // the rule it pins
	Fetches []Fetch // run in order, sharing the preflight cache
	Server  Server
	// Want is the expected outcome of each fetch, "allowed" or "blocked",
	// written by hand: a check on the harness as much as on the browser.
	Want []string
	// Engines holds, for an engine ("firefox", "webkit") whose outcomes
	// differ from Want, that engine's expected outcomes.
	Engines map[string][]string
	// ServerRefuses is set when Go's HTTP server itself answers the actual
	// request (a 400 for a header value it refuses) before the case's
	// handler runs: no change to the case's replies can fix it.
	ServerRefuses bool
}

// WantIn is the expected outcome of each fetch in engine (a profile name).
func (c Case) WantIn(engine string) []string {
	if w, ok := c.Engines[engine]; ok {
		return w
	}
	return c.Want
}

// Fetch is one fetch() call, relative to the case.
type Fetch struct {
	Target      string // "api" (default) or "page" (same-origin) or "api2", or "port:N" (localhost:N)
	Method      string
	Headers     []fetch.Header
	Body        string
	Mode        fetch.Mode
	Credentials fetch.Credentials
	Cache       fetch.CacheMode
	Redirect    fetch.RedirectMode
	// After is how long to wait before this fetch: the browser runners
	// sleep, the model advances its clock. Keep it to a few seconds.
	After time.Duration
}

// Server is what every server answers for the case: Preflight to OPTIONS
// requests carrying Access-Control-Request-Method, Hops[n] to any other
// request for /c/<case>/<n> (the last entry answers any later hop).
type Server struct {
	Preflight Reply
	Hops      []Reply
	// NotModified, when set, answers a request whose If-None-Match equals
	// the ETag its hop's reply would send: a 304 revalidation.
	NotModified *Reply
}

// Reply is one response.
type Reply struct {
	Status int // 0 means 200
	// Headers are sent as given, one line each: "Name: value". In values,
	// {origin} becomes the request's Origin header, and {page}, {api} and
	// {api2} the three origins.
	Headers []string
	// Redirect, when set to "page", "api" or "api2", adds a Location to the
	// next hop of this case on that origin. Location sets it verbatim
	// (after placeholder expansion) instead.
	Redirect string
	Location string
	Body     string
}

// URLs are the three origins of a run.
type URLs struct{ Page, API, API2 string }

func (u URLs) base(target string) string {
	switch target {
	case "page":
		return u.Page
	case "api2":
		return u.API2
	}
	// "port:N" is the API's host on port N, where nothing need listen: the
	// bad-port cases, which no browser lets reach the network.
	if port, ok := strings.CutPrefix(target, "port:"); ok {
		return "http://localhost:" + port
	}
	return u.API
}

// URL is the address of hop n of case c on target.
func (u URLs) URL(target, c string, hop int) string {
	return fmt.Sprintf("%s/c/%s/%d", u.base(target), c, hop)
}

// userinfoPlaceholder is "{page@user:password}", "{api@:pw}"...: the
// origin with that userinfo, for Locations with credentials.
var userinfoPlaceholder = regexp.MustCompile(`\{(page|api2|api)@([^{}]*)\}`)

func (u URLs) expand(s, reqOrigin string) string {
	s = userinfoPlaceholder.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfoPlaceholder.FindStringSubmatch(m)
		return strings.Replace(u.base(sub[1]), "://", "://"+sub[2]+"@", 1)
	})
	return strings.NewReplacer(
		"{origin}", reqOrigin,
		"{PAGE}", strings.ToUpper(u.Page), // the page's origin in capitals
		"{page/}", u.Page+"/", // with a trailing slash
		"{page}", u.Page, "{api2}", u.API2, "{api}", u.API,
		"{api2-userinfo}", strings.Replace(u.API2, "://", "://user:pw@", 1),
		"{api-userinfo}", strings.Replace(u.API, "://", "://user:pw@", 1),
		"{page-userinfo}", strings.Replace(u.Page, "://", "://user:pw@", 1),
		"{api-empty-userinfo}", strings.Replace(u.API, "://", "://@", 1),
	).Replace(s)
}

// Normalize replaces the run's origins in s by {page}, {api} and {api2}, so
// that observations from runs on different ports compare equal.
func (u URLs) Normalize(s string) string {
	return strings.NewReplacer(strings.Replace(u.API2, "://", "://user:pw@", 1), "{api2-userinfo}",
		strings.Replace(u.API, "://", "://user:pw@", 1), "{api-userinfo}",
		strings.Replace(u.Page, "://", "://user:pw@", 1), "{page-userinfo}",
		strings.Replace(u.API, "://", "://@", 1), "{api-empty-userinfo}",
		u.Page, "{page}", strings.ToUpper(u.Page), "{PAGE}", u.API2, "{api2}", u.API, "{api}").Replace(u.normalizeUserinfo(s))
}

// normalizeUserinfo writes the origins of the run with a userinfo as the
// {label@userinfo} placeholders that make them.
func (u URLs) normalizeUserinfo(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	for _, o := range []struct{ label, url string }{{"page", u.Page}, {"api", u.API}, {"api2", u.API2}} {
		scheme, host, ok := strings.Cut(o.url, "://")
		if !ok {
			continue
		}
		re := regexp.MustCompile(regexp.QuoteMeta(scheme+"://") + `([^@/\s'"{}]*)@` + regexp.QuoteMeta(host) + `\b`)
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			info := re.FindStringSubmatch(m)[1]
			if info == "user:pw" || info == "" && o.label == "api" {
				return m // {api2-userinfo} and its family, which the replacer writes
			}
			return "{" + o.label + "@" + info + "}"
		})
	}
	return s
}

// Wire is one request as a server received it.
type Wire struct {
	Server string `json:"server"` // page, api or api2
	Method string `json:"method"`
	Path   string `json:"path"`
	Origin string `json:"origin,omitempty"` // normalised
	ACRM   string `json:"acrm,omitempty"`
	ACRH   string `json:"acrh,omitempty"`
	Accept string `json:"accept,omitempty"`
	// Authorization is set when the request carried that header.
	Authorization bool `json:"authorization,omitempty"`
	// Cookie is set when a COEP case's request carried the cookie its page
	// stored (see coepCookie).
	Cookie bool `json:"cookie,omitempty"`
	// The HTTP cache's request headers: the cache mode's own, and a
	// revalidation's validators.
	CacheControl    string `json:"cache_control,omitempty"`
	Pragma          string `json:"pragma,omitempty"`
	IfNoneMatch     string `json:"if_none_match,omitempty"`
	IfModifiedSince string `json:"if_modified_since,omitempty"`
}

// Observation is what one fetch() showed to the page, and what went on
// the wire for it.
type Observation struct {
	Outcome string   `json:"outcome"`           // allowed or blocked
	Error   string   `json:"error,omitempty"`   // the rejection's message
	Type    string   `json:"type,omitempty"`    // Response.type
	Status  int      `json:"status"`            // Response.status
	Headers []string `json:"headers,omitempty"` // readable names, sorted
	Wire    []Wire   `json:"wire,omitempty"`
}

// Result is what a whole case showed: each fetch, and the console lines
// that name the case's URLs, normalised, in order ("Failed to load
// resource" lines are left out: they only repeat that a load failed).
type Result struct {
	Fetches []Observation `json:"fetches"`
	Console []string      `json:"console,omitempty"`
}

// Recorder is the servers' log of requests, by case.
type Recorder struct {
	mu   sync.Mutex
	seen map[string][]Wire
}

// Take returns and forgets what was recorded for case c.
func (r *Recorder) Take(c string) []Wire {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.seen[c]
	delete(r.seen, c)
	return w
}

func (r *Recorder) add(c string, w Wire) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string][]Wire{}
	}
	r.seen[c] = append(r.seen[c], w)
}

// Handler serves the cases for the server named label ("page", "api" or
// "api2"), recording each request in rec. *urls must be filled in before
// the first request. Unknown paths get 404.
func Handler(label string, cases []Case, urls *URLs, rec *Recorder) http.Handler {
	byName := make(map[string]*Case, len(cases))
	for i := range cases {
		byName[cases[i].Name] = &cases[i]
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The path is /c/<case>/<hop>.
		rest, _ := strings.CutPrefix(r.URL.Path, "/c/")
		name, hopStr, _ := strings.Cut(rest, "/")
		hop, err := strconv.Atoi(hopStr)
		c := byName[name]
		if err != nil || hop < 0 || c == nil {
			http.NotFound(w, r)
			return
		}
		reqOrigin := r.Header.Get("Origin")
		rec.add(name, Wire{
			Server: label, Method: r.Method, Path: r.URL.Path,
			Origin: urls.Normalize(reqOrigin),
			ACRM:   r.Header.Get("Access-Control-Request-Method"),
			ACRH:   r.Header.Get("Access-Control-Request-Headers"),
			Accept: r.Header.Get("Accept"),

			Authorization: r.Header.Get("Authorization") != "",

			CacheControl: r.Header.Get("Cache-Control"), Pragma: r.Header.Get("Pragma"),
			IfNoneMatch: r.Header.Get("If-None-Match"), IfModifiedSince: r.Header.Get("If-Modified-Since"),
		})
		var reply Reply
		switch {
		case r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "":
			reply = c.Server.Preflight
		case len(c.Server.Hops) == 0:
			reply = Reply{}
		default:
			reply = c.Server.Hops[min(hop, len(c.Server.Hops)-1)]
		}
		if nm := c.Server.NotModified; nm != nil && r.Method != http.MethodOptions {
			if inm := r.Header.Get("If-None-Match"); inm != "" && slices.Contains(reply.Headers, "ETag: "+inm) {
				reply = *nm
				reply.Status = http.StatusNotModified
			}
		}
		h := w.Header()
		for _, line := range reply.Headers {
			k, v, _ := strings.Cut(line, ":")
			// Set the key as written: the case decides the exact line.
			h[k] = append(h[k], urls.expand(strings.TrimLeft(v, " "), reqOrigin))
		}
		if loc := reply.Location; loc != "" {
			h["Location"] = []string{urls.expand(loc, reqOrigin)}
		} else if reply.Redirect != "" {
			h["Location"] = []string{urls.URL(reply.Redirect, name, hop+1)}
		}
		if reply.Body != "" && h.Get("Content-Type") == "" {
			h["Content-Type"] = []string{"text/plain; charset=utf-8"}
		}
		status := reply.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write([]byte(reply.Body))
		}
	})
}

// Names returns the case names, checking they are unique and URL-safe.
func Names(cases []Case) ([]string, error) {
	var names []string
	for _, c := range cases {
		for _, ch := range c.Name {
			if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
				return nil, fmt.Errorf("case %q: name must be lowercase letters, digits and dashes", c.Name)
			}
		}
		if slices.Contains(names, c.Name) {
			return nil, fmt.Errorf("case %q: duplicate name", c.Name)
		}
		if len(c.Want) != len(c.Fetches) {
			return nil, fmt.Errorf("case %q: %d fetches but %d wants", c.Name, len(c.Fetches), len(c.Want))
		}
		for e, w := range c.Engines {
			if len(w) != len(c.Fetches) {
				return nil, fmt.Errorf("case %q: %d fetches but %d wants in %s", c.Name, len(c.Fetches), len(w), e)
			}
		}
		names = append(names, c.Name)
	}
	return names, nil
}

// Servers are the three case servers of a run, on loopback.
type Servers struct {
	URLs     URLs
	Recorder *Recorder
	servers  []*loopback.Server
	cancel   context.CancelFunc
}

// Serve starts the page, API and second API servers for cases on free
// loopback ports. The API servers are addressed as localhost, the page as
// 127.0.0.1, so all three are different origins. page, when not nil, also
// serves the page origin's paths outside /c/ (the conformance runner page).
func Serve(cases []Case, page http.Handler) (*Servers, error) {
	ss, err := loopback.ListenAll([]string{"corscase: page", "corscase: api", "corscase: api2"},
		[]string{"127.0.0.1", "localhost", "localhost"}, []int{0, 0, 0})
	if err != nil {
		return nil, err
	}
	s := &Servers{Recorder: &Recorder{}, servers: ss}
	s.URLs = URLs{Page: ss[0].URL, API: ss[1].URL, API2: ss[2].URL}
	for i, label := range []string{"page", "api", "api2"} {
		h := Handler(label, cases, &s.URLs, s.Recorder)
		if label == "page" && page != nil {
			mux := http.NewServeMux()
			mux.Handle("/c/", h)
			mux.Handle("/", page)
			h = mux
		}
		ss[i].Handle(h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go loopback.Serve(ctx, ss...)
	return s, nil
}

// Close stops the servers.
func (s *Servers) Close() {
	s.cancel()
	loopback.Close(s.servers...)
}
