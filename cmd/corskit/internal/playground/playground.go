// Package playground serves `corskit serve`: the page of web/ (the static
// site's one front end) with the model here instead of in WebAssembly, and
// what only a server can add: "Send it for real" (the call made from this
// process, the answers diagnosed) and "Run it in this browser" (the same
// call with fetch() from the page, compared with the model's verdict for
// the browser's engine). One UI, two back ends.
//
// The page is served at / (and /web/, its address before it became the
// only page, redirects there): the same files as the static site, but for
// corskit.js, which is web/corskit-serve.js after the demo's engine.js,
// and index.html, whose connect-src is opened for "Run it in this
// browser".
//
// It listens on loopback only. The page is served from 127.0.0.1; a sample
// API (the demo's: one correct policy, three classic mistakes) runs on
// localhost, so there is something to try out of the box. Opened as
// localhost instead, the page works the same, with the API addressed as
// 127.0.0.1.
//
// # Threat model
//
// This section covers `corskit serve` and `corskit demo` (internal/demo),
// which share their front door, internal/loopback's Guard.
//
// The POST /api/check behind "Send it for real" makes the machine send any method,
// headers and body to any URL it can reach, the intranet included: in the
// wrong hands, a request relay. The user's browser is the attacker's way in:
// any page it visits while the server runs can send requests to
// 127.0.0.1, and through DNS rebinding can even make its own name resolve
// there and read the answers. So the servers trust only their own page:
//
//   - Every request must name the server in Host (127.0.0.1:PORT or
//     localhost:PORT): a rebound attacker.example is refused with 403.
//   - /api/check (and the demo's /predict) accept only requests whose
//     Sec-Fetch-Site, when present, is same-origin or none, and whose
//     Origin, when present, is the page's own (403 otherwise); requests
//     with neither header (curl) pass, since no browser omits both on such
//     a call.
//   - /api/check accepts only Content-Type: application/json (415 otherwise),
//     which no form, beacon or simple fetch() can send: another page must
//     preflight, and the server answers no preflight.
//   - Each run draws a random token that the page reads from /config.json
//     (itself same-origin only and unreadable cross-origin) and sends in
//     X-Corskit-Token; API calls without it get 403.
//   - Every response of the page servers carries X-Content-Type-Options:
//     nosniff, a Content-Security-Policy allowing only the page's own script
//     and style and no framing, and Cross-Origin-Resource-Policy:
//     same-origin. The sample APIs carry nosniff and a CSP but no CORP: they
//     are cross-origin CORS targets by design, CORP does not govern CORS-mode
//     fetches, and in the page's no-cors mode CORP same-origin would make
//     every call fail before the lesson (the page's examples are about
//     CORS; the COEP/CORP gate has an example of its own). Their answers
//     are not secret.
//
// What bounds them: request headers at loopback.MaxHeaderBytes (64 KiB);
// bodies at MaxRequestBody (1 MiB) on the playground, 64 KiB on the sample
// API, 4 KiB on the demo page, answered 413 before any decoding;
// loopback.DefaultTimeouts for reading headers (5 s), a whole request
// (10 s), writing a response (30 s) and idle keep-alives (30 s); and the
// model's work: a POST /api/check runs the call once per engine
// (Chromium, Firefox and WebKit, or the one model the request names), so
// at most three runs, at the same time and under one 15-second deadline
// for them all; a demo prediction likewise, under 10 seconds. What is not
// defended: a local process or user on the same machine can read the token
// from the page like the browser does, and the model's calls go wherever
// the page's user asks; the playground is a tool for that user, not a
// sandbox.
package playground

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
	"github.com/corskit/corskit/cmd/corskit/internal/demo"
	"github.com/corskit/corskit/cmd/corskit/internal/devtools"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/loopback"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
	"github.com/corskit/corskit/web"
)

// Options configure Listen. Zero ports mean "pick free ones".
type Options struct {
	Port    int // the playground, http://127.0.0.1:Port
	APIPort int // the sample API, http://localhost:APIPort
	// Transport sends the model's requests; nil means a fresh
	// http.Transport.
	Transport http.RoundTripper
	// Timeouts bound both servers' connections; zero means
	// loopback.DefaultTimeouts.
	Timeouts loopback.Timeouts
}

// The servers' names, as a *loopback.ListenError reports them.
const (
	PageServer = "playground"
	APIServer  = "sample API"
)

// MaxRequestBody bounds the body of a POST /api/check (the JSON
// CheckRequest, the body to send included); larger ones get 413.
const MaxRequestBody = 1 << 20

// checkTimeout bounds the model's runs for one request, every engine and
// every exchange included.
const checkTimeout = 15 * time.Second

// Playground is the pair of servers.
type Playground struct {
	PageURL string
	APIURL  string

	page, api *loopback.Server
	token     string
	transport http.RoundTripper
}

// Listen opens both listeners.
func Listen(opts Options) (*Playground, error) {
	ss, err := loopback.ListenAll([]string{PageServer, APIServer},
		[]string{"127.0.0.1", "localhost"}, []int{opts.Port, opts.APIPort})
	if err != nil {
		return nil, err
	}
	if opts.Timeouts != (loopback.Timeouts{}) {
		for _, s := range ss {
			s.SetTimeouts(opts.Timeouts)
		}
	}
	p := &Playground{PageURL: ss[0].URL, APIURL: ss[1].URL, page: ss[0], api: ss[1],
		token: loopback.NewToken(), transport: opts.Transport}
	if p.transport == nil {
		p.transport = loopback.Transport()
	}
	// The page may be opened under either loopback name; the API allows
	// both, and the page is told to call it under the other one.
	api, err := demo.NewAPI(p.page.Origins()...)
	if err != nil {
		loopback.Close(ss...)
		return nil, err
	}
	p.api.Handle(api.Guard(p.api.Port))
	p.page.Handle(p.Handler())
	return p, nil
}

// Serve serves until ctx is done, then shuts down gracefully.
func (p *Playground) Serve(ctx context.Context) error { return loopback.Serve(ctx, p.page, p.api) }

// Run listens, prints where to go, and serves until ctx is done.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	p, err := Listen(opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "corskit serve\n  page:       %s   (open this in a browser: the static site's page, the model here, \"Send it for real\" and \"Run it in this browser\")\n  sample API: %s\n",
		p.PageURL, p.APIURL)
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	return p.Serve(ctx)
}

// Handler serves the page, its assets, and the model's API, behind
// loopback's guard: Host checked on every request, /config.json (which
// holds the run's token) only to the page's own origin, /api/check only to
// the page's own origin with JSON and the token.
func (p *Playground) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /config.json", loopback.SameOrigin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"page": loopback.Origin(r), "api": loopback.PeerURL(r, p.api.Port), "token": p.token,
			"stacks": stackChoices()})
	})))
	mux.Handle("POST /api/check", loopback.API(p.token, http.HandlerFunc(p.check)))
	mux.Handle("POST /api/devtools", loopback.API(p.token, http.HandlerFunc(pasteDevTools)))
	mux.Handle("POST /api/diagnose", loopback.API(p.token, http.HandlerFunc(diagnose)))
	// The front end the static site serves (web/), with the model here:
	// its corskit.js calls /api/diagnose instead of loading the wasm. Its
	// old address, /web/, leads to it.
	mux.Handle("GET /web/", http.RedirectHandler("/", http.StatusMovedPermanently))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.Handle("GET /", webPage())
	// connect-src is open: "Run it in this browser" calls whatever URL the
	// user typed, and a CSP refusal there would be a verdict the model
	// never predicts. Everything else is the page's own, but for the
	// page's empty icon (data:,), which keeps browsers from asking for one.
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src *; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return loopback.Guard{Port: p.page.Port, CSP: csp, CORP: "same-origin", MaxBody: MaxRequestBody}.Wrap(mux)
}

// CheckRequest is what the page posts to /api/check.
type CheckRequest struct {
	URL         string `json:"url"`
	Origin      string `json:"origin"`
	Method      string `json:"method"`
	Headers     string `json:"headers"` // "Name: value" lines
	Body        string `json:"body"`
	Credentials string `json:"credentials"`
	Mode        string `json:"mode"`
	// Profile names the models to run: "" or "all" for Chromium, Firefox
	// and WebKit, each in a browser of its own; or one of "chromium",
	// "firefox", "webkit" and "spec".
	Profile string `json:"profile"`
	// Stack is the server stack to write the fix for: "" or "auto"
	// (detected from the answers, as check --stack auto), or a name.
	Stack string `json:"stack"`
	// Page is the page that makes the call, for the gates before CORS
	// (check's --page-*); its URL gives the origin when Origin is empty.
	Page *checkjson.Page `json:"page,omitempty"`
	// As, CrossOrigin and WithCredentials say what loads the URL, as
	// check's --as, --crossorigin and --with-credentials: read by
	// checkjson.Load, as check and the page's model read them.
	As              string `json:"as,omitempty"`
	CrossOrigin     string `json:"crossorigin,omitempty"`
	WithCredentials bool   `json:"with_credentials,omitempty"`
}

// check runs the model on a CheckRequest, once per engine the request
// names (at most the three), and answers an explain.Report whose browsers
// object holds each engine's report, or 400 with {"error": ...} for input
// the model cannot take.
func (p *Playground) check(w http.ResponseWriter, r *http.Request) {
	var in CheckRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("request body: %v", err)})
		return
	}
	req, profiles, err := in.request()
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	space, err := in.Page.Space()
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	var chosen *stacks.Stack
	if in.Stack != "" && in.Stack != "auto" {
		if chosen, err = stacks.Lookup(in.Stack); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("stack %q: want auto or one of %s", clip(in.Stack), strings.Join(stacks.Names(), ", "))})
			return
		}
	}
	// One deadline for the whole request, all engines together.
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	pred, err := demo.Predict(ctx, p.transport, req, profiles, space)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": strings.TrimPrefix(err.Error(), "fetch: ")})
		return
	}
	// The stack is detected from the first engine's answers (the server
	// answers every engine alike) and the fixes of each are written for it,
	// as check --stack does.
	var sd *explain.StackDetection
	var stack *stacks.Stack
	for i, res := range pred.Results {
		if pred.Diags[i].NetError != "" {
			continue
		}
		if sd == nil {
			s, det := explain.DetectStack(res)
			if chosen != nil {
				s, det = chosen, explain.StackDetection{Name: chosen.Name, Title: chosen.Title, Confidence: "chosen"}
			}
			stack, sd = s, &det
		}
		explain.ApplyStack(res, &pred.Diags[i], stack)
	}
	rep := pred.Report()
	rep.Stack = sd
	for name, b := range rep.Browsers {
		b.Stack = sd
		rep.Browsers[name] = b
	}
	writeJSON(w, http.StatusOK, rep)
}

// StackChoice is one entry of the page's stack picker.
type StackChoice struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Family string `json:"family"`
}

func stackChoices() []StackChoice {
	var out []StackChoice
	for _, s := range stacks.All() {
		out = append(out, StackChoice{s.Name, s.Title, string(s.Family)})
	}
	return out
}

// PasteRequest is what the page posts to /api/devtools: a DevTools copy
// ("Copy as cURL", bash or cmd, or "Copy as fetch").
type PasteRequest struct {
	Text string `json:"text"`
}

// PasteResult is the copy as the form's fields, with what the parse had
// to assume.
type PasteResult struct {
	CheckRequest
	Format     string   `json:"format"`
	OriginFrom string   `json:"origin_from"` // "" when the copy shows no page origin: the form keeps its own
	Notes      []string `json:"notes"`
}

// pasteDevTools parses a DevTools copy with internal/devtools (bounded by
// the guard's MaxBody and devtools.MaxInputSize) and answers the form's
// fields, or 400 with {"error": ...} naming what is wrong.
func pasteDevTools(w http.ResponseWriter, r *http.Request) {
	var in PasteRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("request body: %v", err)})
		return
	}
	call, err := devtools.Parse(in.Text)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": strings.TrimPrefix(err.Error(), "devtools: ")})
		return
	}
	req := call.Request
	out := PasteResult{Format: string(call.Format), OriginFrom: call.OriginFrom, Notes: call.Notes}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	var lines []string
	for _, h := range req.Headers {
		lines = append(lines, h.Name+": "+h.Value)
	}
	out.CheckRequest = CheckRequest{URL: req.URL, Method: req.Method, Headers: strings.Join(lines, "\n"), Body: req.Body,
		Credentials: string(req.Credentials), Mode: string(req.Mode)}
	if !req.Origin.IsZero() {
		out.Origin = req.Origin.String()
	}
	writeJSON(w, http.StatusOK, out)
}

// clip bounds a value quoted back in an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// decodeCheck reads a CheckRequest (JSON, bounded by the guard) and turns
// it into the model's request and the engines to run it in; errors name
// the field at fault.
func decodeCheck(body io.Reader) (fetch.Request, []fetch.Profile, error) {
	var in CheckRequest
	if err := json.NewDecoder(body).Decode(&in); err != nil {
		return fetch.Request{}, nil, fmt.Errorf("request body: %w", err)
	}
	return in.request()
}

// profiles are the models CheckRequest.Profile names: "" or "all" for the
// three engines (fetch.Profiles), or one profile by name ("chromium",
// "firefox", "webkit", or "spec", the Fetch Standard as written, which no
// browser is). Never more than the three: that bounds a request's work.
func (in CheckRequest) profiles() ([]fetch.Profile, error) {
	if in.Profile == "" || in.Profile == "all" {
		return fetch.Profiles, nil
	}
	if p, ok := fetch.ProfileNamed(in.Profile); ok {
		return []fetch.Profile{p}, nil
	}
	return nil, fmt.Errorf("profile %q: want all, chromium, firefox, webkit or spec", clip(in.Profile))
}

func (in CheckRequest) request() (fetch.Request, []fetch.Profile, error) {
	page, fromURL, err := in.Page.Model()
	if err != nil {
		return fetch.Request{}, nil, err
	}
	o := fromURL
	if given := strings.TrimSpace(in.Origin); given != "" || fromURL.IsZero() {
		if o, err = origin.Parse(given); err != nil {
			return fetch.Request{}, nil, fmt.Errorf("origin: %w", err)
		}
		if !fromURL.IsZero() && o != fromURL {
			return fetch.Request{}, nil, fmt.Errorf("origin %s: the page's URL is on %s; give one of them", o, fromURL)
		}
	}
	req := fetch.Request{
		Origin: o, Method: strings.TrimSpace(in.Method), URL: strings.TrimSpace(in.URL), Body: in.Body,
		Credentials: fetch.Credentials(in.Credentials), Mode: fetch.Mode(in.Mode), Page: page,
	}
	for i, line := range strings.Split(in.Headers, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		h, err := fetch.ParseHeader(line)
		if err != nil {
			return req, nil, fmt.Errorf("headers, line %d: %w", i+1, err)
		}
		req.Headers = append(req.Headers, h)
	}
	load := checkjson.Load{As: in.As, CrossOrigin: in.CrossOrigin, WithCredentials: in.WithCredentials}
	given := map[string]bool{checkjson.OptMethod: req.Method != "", checkjson.OptHeaders: len(req.Headers) > 0, checkjson.OptBody: req.Body != "",
		checkjson.OptMode: req.Mode != "", checkjson.OptCredentials: req.Credentials != ""}
	if err := load.Apply(&req, func(o string) bool { return given[o] }, checkjson.ExchangeSpelling); err != nil {
		le := err.(*checkjson.LoadError)
		return req, nil, fmt.Errorf("%s: %s", checkjson.ExchangeSpelling[le.Option], le.Msg)
	}
	profiles, err := in.profiles()
	if err != nil {
		return req, nil, err
	}
	return req, profiles, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// webPage serves the page of web/ as is, except two files. corskit.js is
// the demo's engine.js (which engine this browser is, for "Run it in this
// browser") and corskit-serve.js: the same JavaScript API, backed by
// /api/diagnose. index.html keeps its CSP but for connect-src, which the
// static site restricts to 'self' (the wasm) and "Run it in this browser"
// needs open, as the header CSP has it.
func webPage() http.Handler {
	files := http.FileServerFS(web.Files)
	api, err := web.Files.ReadFile("corskit-serve.js")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	script := append(append(append([]byte{}, demo.EngineScript...), '\n'), api...)
	index := servedIndex()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/corskit.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Write(script)
		case "/", "/index.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(index)
		case "/corskit-serve.js":
			http.NotFound(w, r)
		default:
			files.ServeHTTP(w, r)
		}
	})
}

// staticConnectSrc is the connect-src of the static page's CSP, which
// servedIndex opens.
const staticConnectSrc = "connect-src 'self';"

// servedIndex is web/index.html with connect-src open.
func servedIndex() []byte {
	page, err := web.Files.ReadFile("index.html")
	if err != nil || bytes.Count(page, []byte(staticConnectSrc)) != 1 {
		panic("web/index.html: want one " + staticConnectSrc + " in its CSP") // caught by TestWebPageServed
	}
	return bytes.Replace(page, []byte(staticConnectSrc), []byte("connect-src *;"), 1)
}

// DiagnoseRequest is what the page's corskit.diagnose posts to
// /api/diagnose: the input and options of the JavaScript API.
type DiagnoseRequest struct {
	Input   string            `json:"input"`
	Options checkjson.Options `json:"options"`
}

// diagnose answers the JSON of `check --json` for the input, as the wasm
// build does in the static page (checkjson, compact), or 400 with
// {"error", "field"} naming what is wrong. Nothing is sent: the model
// replays the answers given, bounded by the guard's MaxBody.
func diagnose(w http.ResponseWriter, r *http.Request) {
	var in DiagnoseRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("request body: %v", err), "field": "body"})
		return
	}
	in.Options.Compact = true
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	out, err := checkjson.Diagnose(ctx, []byte(in.Input), in.Options)
	if err != nil {
		field := "input"
		var ie *checkjson.InputError
		if errors.As(err, &ie) {
			field = ie.Field
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error(), "field": field})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}
