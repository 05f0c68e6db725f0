package audit

import (
	"net/http"
	"strings"

	"github.com/corskit/corskit/stacks"
)

// Stack is the server stack recognised from the answers, and its
// allowlist fix in its own configuration. Recognition and rendering are
// the stacks package's (the one knowledge base check, explain and the
// playground use too); the audit adds only what it found: the origins
// to allow and whether credentials are.
type Stack struct {
	// Name is the stacks name (a `corskit check --stack` value).
	Name  string `json:"name"`
	Title string `json:"title"`
	// Setting names the stack's allowlist setting and what to put there.
	Setting string `json:"setting"`
	// Snippet is the stack's whole configuration for the allowlist found.
	Snippet  string           `json:"snippet,omitempty"`
	Pitfalls []stacks.Pitfall `json:"pitfalls,omitempty"`
	// Evidence is what gave the stack away ("X-Powered-By: Express").
	Evidence string `json:"evidence"`
	// Cache names a shared cache in front ("varnish"), whose duty the fix
	// names too.
	Cache string `json:"cache,omitempty"`
	// Layers names both layers when the answers show a server in front
	// (its Server header) and an application behind it (its own
	// headers), the one that sends the CORS headers, which the fix is
	// for, first.
	Layers []string `json:"layers,omitempty"`
}

// observed is what the answers showed of the stack so far.
type observed struct {
	det stacks.Detection
	// front and app are the two layers when the answers show both: the
	// server named by Server (a reverse proxy) and the application whose
	// own headers passed through it.
	front, app stacks.Detection
	// frontCORS: an answer had CORS headers and not the application's
	// signature, so the front layer wrote them itself (nginx answering a
	// preflight with add_header and return 204).
	frontCORS bool
}

// see takes in one answer: the first one that names a stack decides it
// (later answers may come from error paths that show less); a cache is
// remembered from any answer. Every answer with CORS headers also says
// which layer wrote them.
func (o *observed) see(h http.Header, status int) {
	d := stacks.Detect(h, status, nil)
	if o.det.Cache == "" && d.Cache != "" {
		o.det.Cache, o.det.CacheEvidence = d.Cache, d.CacheEvidence
	}
	if o.det.Stack == nil && d.Stack != nil {
		o.det.Stack, o.det.Confidence, o.det.Evidence = d.Stack, d.Confidence, d.Evidence
	}
	if len(h.Values("Server")) == 0 {
		return
	}
	// The Server header is the front layer's (a proxy replaces the
	// application's); what the rest shows is the application's.
	front := stacks.Detect(http.Header{"Server": h.Values("Server")}, 0, nil)
	rest := h.Clone()
	rest.Del("Server")
	app := stacks.Detect(rest, status, nil)
	switch {
	case front.Stack == nil:
		return
	case app.Stack != nil && app.Stack != front.Stack:
		if o.app.Stack == nil {
			o.front, o.app = front, app
		}
	case app.Stack == nil && h.Get("Access-Control-Allow-Origin") != "":
		if o.front.Stack == nil || o.front.Stack == front.Stack {
			o.frontCORS = true
		}
	}
}

// emitter is the detection the fix is for: with two layers, the one that
// sends the CORS headers (the application, unless the front layer was
// seen writing them itself), else the one stack recognised.
func (o *observed) emitter() stacks.Detection {
	switch {
	case o.app.Stack == nil:
		return o.det
	case o.frontCORS:
		return o.front
	}
	return o.app
}

// layers names the two layers, the emitter first, or nil for one.
func (o *observed) layers() []string {
	if o.app.Stack == nil {
		return nil
	}
	front := o.front.Stack.Title + " in front (" + strings.Join(o.front.Evidence, ", ") + ")"
	app := o.app.Stack.Title + " behind it (" + strings.Join(o.app.Evidence, ", ") + ")"
	if o.frontCORS {
		return []string{front + ": it writes the CORS headers itself (an answer with them lacked the application's headers)", app}
	}
	return []string{app + ": it sends the CORS headers, which the front layer passes on", front}
}

// varnishDuty is the fix's part for a Varnish in front.
const varnishDuty = "Varnish caches by URL and Host: the backend must send Vary: Origin on every answer whose CORS headers depend on Origin (keep it; do not unset Vary in vcl_backend_response), or add req.http.Origin to vcl_hash."

// stack renders the fix for allowed origins (with credentials when
// creds) in the recognised stack's terms, or nil when nothing was
// recognised.
func (o *observed) stack(allowed []string, creds bool) *Stack {
	det := o.emitter()
	if det.Stack == nil && o.det.Cache == "" {
		return nil
	}
	list := allowed
	if len(list) == 0 {
		list = []string{"https://your-front-end.example"}
	}
	out := &Stack{}
	var ev []string
	if o.det.Cache != "" {
		out.Cache = o.det.Cache
		ev = append(ev, o.det.CacheEvidence)
	}
	if s := det.Stack; s != nil {
		out.Name, out.Title = s.Name, s.Title
		ev = append(det.Evidence, ev...)
		p := stacks.Policy{Origins: list, Credentials: creds}
		// The probes show the origins and credentials, not the rest: the
		// other settings are "keep yours" comments (issue 18 §3(a)).
		keep := stacks.Kept{stacks.FieldMethods: nil, stacks.FieldHeaders: nil, stacks.FieldExposed: nil, stacks.FieldMaxAge: nil}
		if snippet, err := s.SnippetKeeping(p, keep); err == nil {
			out.Snippet = snippet
			out.Pitfalls = s.Pitfalls(p)
		}
		out.Setting = "set " + "`" + s.Setting(stacks.FieldOrigins) + "` to exactly " + strings.Join(list, ", ")
		if creds {
			out.Setting += ", with `" + s.Setting(stacks.FieldCredentials) + "` on"
		}
		out.Setting += " (an exact list: no reflection of any Origin, no unanchored pattern)"
	} else {
		out.Name, out.Title = o.det.Cache, "Varnish (in front)"
		out.Setting = "fix the backend's allowlist to the exact origins " + strings.Join(list, ", ")
	}
	if out.Cache == "varnish" {
		out.Setting = varnishDuty + " " + out.Setting
	}
	out.Evidence = strings.Join(ev, "; ")
	if out.Layers = o.layers(); out.Layers != nil {
		other := o.front.Stack.Title
		if !o.frontCORS {
			other = "the " + other + " in front"
		}
		out.Setting = "fix it in " + out.Title + ", which writes the CORS headers, not in " + other + ": " + out.Setting
	}
	return out
}
