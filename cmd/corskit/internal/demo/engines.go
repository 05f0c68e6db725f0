package demo

import (
	"context"
	_ "embed"
	"net/http"

	"github.com/corskit/corskit/cmd/corskit/internal/sendonce"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

// A Prediction is one call run through the model once per engine: the
// engines' results, in the order of the profiles asked for, with each
// one's diagnosis. Both pages (the demo's and the playground's) build
// their answer from it, so they show the same thing `check --browser all
// --json` prints.
type Prediction struct {
	Profiles []fetch.Profile
	Results  []*fetch.Result
	Diags    []explain.Diagnosis
}

// Predict runs req through the model once per profile, each in a fresh
// fetch.Browser of its own (so no engine sees another's preflight cache),
// all at the same time and under ctx's one deadline: the work of a
// request is len(profiles) model runs, never more. The error is the first
// engine's that fails (a request the model refuses fails in every engine
// alike, and so does a deadline). space is the page's address space, for
// Local Network Access (SpaceUnknown: from the page's origin).
func Predict(ctx context.Context, tr http.RoundTripper, req fetch.Request, profiles []fetch.Profile, space fetch.AddressSpace) (*Prediction, error) {
	results, err := sendonce.FetchEach(ctx, tr, profiles, space, req)
	if err != nil {
		return nil, err
	}
	p := &Prediction{Profiles: profiles, Results: results, Diags: make([]explain.Diagnosis, len(profiles))}
	for i, r := range p.Results {
		p.Diags[i] = explain.Explain(r)
	}
	return p, nil
}

// Report is the prediction as JSON: the first engine's report at the top
// level (the shape the pages had when they knew only Chromium), and every
// engine's under Browsers, keyed by profile name, as `check --browser all
// --json` prints it (docs/check-json.md).
func (p *Prediction) Report() explain.Report {
	r := explain.NewReport(p.Results[0], p.Diags[0], p.Profiles[0].Name)
	r.Browsers = make(map[string]explain.Report, len(p.Profiles))
	for i, prof := range p.Profiles {
		r.Browsers[prof.Name] = explain.NewReport(p.Results[i], p.Diags[i], prof.Name)
	}
	return r
}

// EngineScript is the pages' shared engine.js: which engine the visitor's
// browser is, from its User-Agent. Both pages serve it as /engine.js.
//
//go:embed static/engine.js
var EngineScript []byte

// ServeEngineScript serves EngineScript.
func ServeEngineScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write(EngineScript)
}
