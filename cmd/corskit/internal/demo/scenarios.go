package demo

import (
	"context"
	"net/http"
	"time"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/loopback"
	"github.com/corskit/corskit/origin"
)

// Scenario is one fetch() of the walkthrough. The page renders and runs the
// scenarios; the server predicts each with the fetch model, so the page
// shows the prediction next to what the browser did.
type Scenario struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Tag         string         `json:"tag"`
	Explain     string         `json:"explain"`
	Target      string         `json:"-"` // "api" or "page"
	Path        string         `json:"-"`
	URL         string         `json:"url"`
	Method      string         `json:"method,omitempty"`
	Headers     []fetch.Header `json:"headers,omitempty"`
	Body        string         `json:"body,omitempty"`
	Credentials string         `json:"credentials,omitempty"`
	ReadHeader  string         `json:"readHeader,omitempty"` // a response header the page shows
}

const putBody = `{"name":"corskit"}`

var jsonAndToken = []fetch.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Demo-Token", Value: "s3cret"}}

var scenarios = []Scenario{
	{ID: "same-origin", Title: "Same-origin GET", Tag: "no CORS at all", Target: "page", Path: "/same/hello",
		Explain: "The page calls its own origin. The same-origin policy has nothing to check: no Origin header matters, no CORS header is needed."},
	{ID: "simple-get", Title: "Simple cross-origin GET", Tag: "no preflight", Target: "api", Path: "/api/good/hello", ReadHeader: "X-Request-Id",
		Explain: "A GET with no custom header is a 'simple' request: the browser sends it at once with an Origin header, then lets the page read the answer only because it carries Access-Control-Allow-Origin naming this page's origin. X-Request-Id is readable because the API lists it in Access-Control-Expose-Headers."},
	{ID: "preflight-put", Title: "Preflighted PUT with JSON and a custom header", Tag: "preflight", Target: "api", Path: "/api/good/items/1",
		Method: "PUT", Headers: jsonAndToken, Body: putBody,
		Explain: "PUT, Content-Type: application/json and X-Demo-Token are things a plain HTML form cannot send, so the browser first asks permission with an OPTIONS preflight. The API counts preflights; the count in the answer shows that one happened, although JavaScript never sees it."},
	{ID: "credentials", Title: "Credentialed GET", Tag: "credentials: 'include'", Target: "api", Path: "/api/good/me", Credentials: "include",
		Explain: "With credentials the browser sends cookies, and demands more of the answer: Access-Control-Allow-Origin must name the origin (never *) and Access-Control-Allow-Credentials must be exactly true."},
	{ID: "bad-origin", Title: "Simple GET, wrong allowed origin", Tag: "misconfigured", Target: "api", Path: "/api/bad/hello",
		Explain: "The API only allows http://localhost:3000, the origin of a development server, not this page."},
	{ID: "bad-header", Title: "Preflighted PUT, custom header not allowed", Tag: "misconfigured", Target: "api", Path: "/api/bad/items/1",
		Method: "PUT", Headers: jsonAndToken, Body: putBody,
		Explain: "The API allows this origin and PUT, and Content-Type, but nobody added X-Demo-Token to its allowed headers. The preflight answer lists what is allowed, so the browser names the culprit."},
	{ID: "bad-credentials", Title: "Credentialed GET, credentials not allowed", Tag: "misconfigured", Target: "api", Path: "/api/bad/me", Credentials: "include",
		Explain: "The API allows this origin but never enabled credentials, so its answer lacks Access-Control-Allow-Credentials: true. The same call without credentials would succeed."},
}

// Scenarios returns the walkthrough with URLs on this demo's servers, for
// the page opened at PageURL.
func (d *Demo) Scenarios() []Scenario { return d.scenarios(d.PageURL, d.APIURL) }

// scenarios returns the walkthrough for a page on origin page calling the
// API at api.
func (d *Demo) scenarios(page, api string) []Scenario {
	out := make([]Scenario, len(scenarios))
	for i, s := range scenarios {
		base := api
		if s.Target == "page" {
			base = page
		}
		s.URL = base + s.Path
		out[i] = s
	}
	return out
}

// predict runs scenario s, for a page on origin page, through the browser
// model against the live API, once per engine (fetch.Profiles), all under
// one 10-second deadline.
func (d *Demo) predict(ctx context.Context, page string, s Scenario) (explain.Report, error) {
	o, err := origin.Parse(page)
	if err != nil {
		return explain.Report{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := Predict(ctx, d.transport, fetch.Request{
		Origin: o, Method: s.Method, URL: s.URL, Headers: s.Headers, Body: s.Body,
		Credentials: fetch.Credentials(s.Credentials),
	}, fetch.Profiles, fetch.SpaceUnknown)
	if err != nil {
		return explain.Report{}, err
	}
	return p.Report(), nil
}

// servePrediction predicts a scenario for the page that asks: its origin
// is the one the browser used to open it.
func (d *Demo) servePrediction(w http.ResponseWriter, r *http.Request) {
	page := loopback.Origin(r)
	for _, s := range d.scenarios(page, loopback.PeerURL(r, d.api.Port)) {
		if s.ID == r.PathValue("id") {
			rep, err := d.predict(r.Context(), page, s)
			if err != nil {
				writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
				return
			}
			writeJSON(w, http.StatusOK, rep)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such scenario"})
}
