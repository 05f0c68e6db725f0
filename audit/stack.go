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
}

// observed is what the answers showed of the stack so far.
type observed struct {
	det stacks.Detection
}

// see takes in one answer: the first one that names a stack decides it
// (later answers may come from error paths that show less); a cache is
// remembered from any answer.
func (o *observed) see(h http.Header, status int) {
	d := stacks.Detect(h, status, nil)
	if o.det.Cache == "" && d.Cache != "" {
		o.det.Cache, o.det.CacheEvidence = d.Cache, d.CacheEvidence
	}
	if o.det.Stack == nil && d.Stack != nil {
		o.det.Stack, o.det.Confidence, o.det.Evidence = d.Stack, d.Confidence, d.Evidence
	}
}

// known reports whether the stack is decided.
func (o *observed) known() bool { return o.det.Stack != nil }

// varnishDuty is the fix's part for a Varnish in front.
const varnishDuty = "Varnish caches by URL and Host: the backend must send Vary: Origin on every answer whose CORS headers depend on Origin (keep it; do not unset Vary in vcl_backend_response), or add req.http.Origin to vcl_hash."

// stack renders the fix for allowed origins (with credentials when
// creds) in the recognised stack's terms, or nil when nothing was
// recognised.
func (o *observed) stack(allowed []string, creds bool) *Stack {
	if o.det.Stack == nil && o.det.Cache == "" {
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
	if s := o.det.Stack; s != nil {
		out.Name, out.Title = s.Name, s.Title
		ev = append(o.det.Evidence, ev...)
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
	return out
}
