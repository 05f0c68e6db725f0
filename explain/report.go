package explain

import (
	"strings"

	"github.com/corskit/corskit/fetch"
)

// Report is a diagnosis with the facts it rests on, in the JSON form of
// `corskit check --json` and the playground (docs/check-json.md).
type Report struct {
	Verdict         string       `json:"verdict"`
	Message         string       `json:"message"`
	Reason          string       `json:"reason,omitempty"`
	Status          int          `json:"status"`
	ReadableHeaders []string     `json:"readable_headers"`
	PreflightSent   bool         `json:"preflight_sent"`
	Fixes           []Fix        `json:"fixes"`
	Warnings        []Warning    `json:"warnings"`
	Trace           []TraceEntry `json:"trace"`
	Diagnosis       Diagnosis    `json:"diagnosis"`
	// NetError is Chromium's name of a network failure (verdict
	// "network-error"): "net::ERR_CONNECTION_REFUSED".
	NetError string `json:"net_error,omitempty"`
	// Stack is the server stack the fixes are written for (Fixes[].Stack),
	// when the caller asked for one (ApplyStack).
	Stack   *StackDetection `json:"stack,omitempty"`
	Request RequestJSON     `json:"request"`
	// Console is every line the engine writes in its developer console
	// for the call, in order (warnings on allowed calls included), without
	// generic "Failed to load resource" lines; empty when it writes none.
	Console []string `json:"console"`
	// TypeError is the message of the TypeError fetch() rejects with in
	// the engine ("Failed to fetch", "NetworkError when attempting to fetch
	// resource.", "Load failed"...); "" when allowed.
	TypeError string `json:"type_error,omitempty"`
	// Browsers holds, for `check --browser all`, each engine's report by
	// profile name ("chromium", "firefox", "webkit"); the top-level fields
	// are then Chromium's.
	Browsers map[string]Report `json:"browsers,omitempty"`
	// Gate is Diagnosis.Gate: set when a gate before CORS (the page's CSP,
	// mixed content) refused the call.
	Gate *Gate `json:"gate,omitempty"`
}

// RequestJSON is the checked request.
type RequestJSON struct {
	Origin      string         `json:"origin"`
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	Headers     []fetch.Header `json:"headers"`
	Mode        string         `json:"mode"`
	Credentials string         `json:"credentials"`
	Profile     string         `json:"profile"`
	// Kind is the API that made the request when it is not fetch():
	// xhr, img, script, module, font, stylesheet, eventsource, websocket
	// (fetch.Kind).
	Kind string `json:"kind,omitempty"`
}

// TraceEntry is one exchange.
type TraceEntry struct {
	Kind            string              `json:"kind"`
	Method          string              `json:"method"`
	URL             string              `json:"url"`
	RequestHeaders  map[string][]string `json:"request_headers,omitempty"`
	Credentials     bool                `json:"credentials"`
	Status          int                 `json:"status,omitempty"`
	ResponseHeaders map[string][]string `json:"response_headers,omitempty"`
	DurationMS      float64             `json:"duration_ms"`
	Error           string              `json:"error,omitempty"`
	// BodyError says that the body stopped before its end (the headers,
	// on which the verdict rests, arrived whole).
	BodyError string `json:"body_error,omitempty"`
}

// NewReport builds the report of res, diagnosed as d, by the model named
// profile ("chromium", "firefox", "webkit" or "spec"; an unknown name is
// taken as Chromium). The console lines and the TypeError message are that
// engine's, and so is Message: the engine's console lines, one per line,
// or, when it writes none for the failure (a method fetch() refuses,
// redirect mode "error" in Chromium), the TypeError's message. A network
// failure keeps the transport's cause as Message.
func NewReport(res *fetch.Result, d Diagnosis, profile string) Report {
	p, ok := fetch.ProfileNamed(profile)
	if !ok {
		p = fetch.Chromium
	}
	console := p.ConsoleLines(res)
	if console == nil {
		console = []string{}
	}
	if res.Err != nil && res.Err.Reason != fetch.ReasonNetwork {
		if len(console) > 0 {
			d.Message = strings.Join(console, "\n")
		} else {
			d.Message = p.TypeErrorMessage(res)
		}
	}
	r := Report{Console: console, TypeError: p.TypeErrorMessage(res),
		Verdict: d.Verdict, Message: d.Message, Reason: d.Reason, NetError: d.NetError,
		ReadableHeaders: []string{}, PreflightSent: res.PreflightSent(),
		Fixes: d.Fixes, Warnings: d.Warnings, Trace: []TraceEntry{}, Diagnosis: d, Gate: d.Gate,
		Request: RequestJSON{
			Origin: res.Request.Origin.String(), Method: res.Request.Method, URL: res.Request.URL,
			Headers: res.Request.Headers, Mode: string(res.Request.Mode),
			Credentials: string(res.Request.Credentials), Profile: profile,
		},
	}
	if r.Request.Headers == nil {
		r.Request.Headers = []fetch.Header{}
	}
	switch k := res.Request.Kind; k {
	case fetch.KindFetch, "":
	case fetch.KindImage:
		r.Request.Kind = string(k)
	default:
		// No fetch(), no TypeError: an element's or an XMLHttpRequest's
		// error event, a WebSocket's, say nothing more.
		r.Request.Kind, r.TypeError = string(k), ""
	}
	if res.Response != nil {
		r.Status = res.Response.Status
		r.ReadableHeaders = res.Response.ReadableHeaderNames()
	}
	for _, e := range res.Trace {
		t := TraceEntry{Kind: string(e.Kind), Method: e.Method, URL: e.URL, RequestHeaders: e.RequestHeader,
			Credentials: e.Credentials, Status: e.Status, ResponseHeaders: e.ResponseHeader,
			DurationMS: float64(e.Duration.Microseconds()) / 1000}
		if e.Err != nil {
			t.Error = e.Err.Error()
		}
		if e.BodyErr != nil {
			t.BodyError = fetch.BodyErrorLine(e)
		}
		r.Trace = append(r.Trace, t)
	}
	return r
}
