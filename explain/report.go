package explain

import "github.com/corskit/corskit/fetch"

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
// profile.
func NewReport(res *fetch.Result, d Diagnosis, profile string) Report {
	r := Report{
		Verdict: d.Verdict, Message: d.Message, Reason: d.Reason, NetError: d.NetError,
		ReadableHeaders: []string{}, PreflightSent: res.PreflightSent(),
		Fixes: d.Fixes, Warnings: d.Warnings, Trace: []TraceEntry{}, Diagnosis: d,
		Request: RequestJSON{
			Origin: res.Request.Origin.String(), Method: res.Request.Method, URL: res.Request.URL,
			Headers: res.Request.Headers, Mode: string(res.Request.Mode),
			Credentials: string(res.Request.Credentials), Profile: profile,
		},
	}
	if r.Request.Headers == nil {
		r.Request.Headers = []fetch.Header{}
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
