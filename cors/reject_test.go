package cors_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/reason"
)

// rejectCfg is the policy the rejection tests refuse requests with.
func rejectCfg(hook func(*http.Request, cors.Rejection)) cors.Config {
	return cors.Config{AllowedOrigins: []string{"https://app.example"}, AllowedMethods: []string{"PUT"},
		AllowedHeaders: []string{"x-a"}, OnReject: hook}
}

// TestOnRejectOncePerRejection: the hook runs exactly once for each refused
// request, with its reason, bounded value and status, and never for a
// request the policy allows or does not judge.
func TestOnRejectOncePerRejection(t *testing.T) {
	long := "https://" + strings.Repeat("a", 5000) + ".example"
	for _, tc := range []struct {
		name string
		r    req
		want *cors.Rejection // nil: no call
	}{
		{"no Origin", get(""), nil},
		{"allowed GET", get("https://app.example"), nil},
		{"allowed preflight", preflight("https://app.example", "PUT", "x-a"), nil},
		{"OPTIONS without ACRM", req{method: "OPTIONS", origin: "https://app.example"}, nil},
		{"origin", get("https://evil.example"),
			&cors.Rejection{Reason: reason.MissingAllowOrigin, Value: "https://evil.example", Origin: "https://evil.example"}},
		{"long origin", get(long),
			&cors.Rejection{Reason: reason.MissingAllowOrigin, Value: long[:128] + "...", Origin: long[:128] + "..."}},
		{"preflight origin", preflight("https://evil.example", "PUT"),
			&cors.Rejection{Reason: reason.MissingAllowOrigin, Preflight: true, Value: "https://evil.example", Origin: "https://evil.example", Status: 403}},
		{"method", preflight("https://app.example", "DELETE"),
			&cors.Rejection{Reason: reason.MethodNotAllowed, Preflight: true, Value: "DELETE", Origin: "https://app.example", Status: 204}},
		{"header", preflight("https://app.example", "PUT", "x-a,x-b"),
			&cors.Rejection{Reason: reason.HeaderNotAllowed, Preflight: true, Value: "x-b", Origin: "https://app.example", Status: 204}},
		{"malformed method", preflight("https://app.example", "P T"),
			&cors.Rejection{Reason: reason.InvalidRequestMethod, Preflight: true, Value: "P T", Origin: "https://app.example", Status: 403}},
		{"malformed headers", preflight("https://app.example", "PUT", strings.Repeat("x y,", 3000)),
			&cors.Rejection{Reason: reason.InvalidRequestHeaders, Preflight: true, Value: strings.Repeat("x y,", 32) + "...", Origin: "https://app.example", Status: 403}},
	} {
		var got []cors.Rejection
		mw := mustNew(t, rejectCfg(func(_ *http.Request, rj cors.Rejection) { got = append(got, rj) }))
		serve(t, mw, tc.r)
		switch {
		case tc.want == nil && len(got) != 0:
			t.Errorf("%s: %d calls for a request the policy does not refuse: %+v", tc.name, len(got), got)
		case tc.want != nil && len(got) != 1:
			t.Errorf("%s: %d calls, want 1", tc.name, len(got))
		case tc.want != nil:
			w := *tc.want
			w.Generation, w.URL = 1, "http://api.example/resource"
			if got[0] != w {
				t.Errorf("%s:\n got  %+v\n want %+v", tc.name, got[0], w)
			}
		}
	}
}

// TestRejectionGeneration: after Reconfigure, rejections name the new
// policy's generation; a refused Reconfigure keeps the old one.
func TestRejectionGeneration(t *testing.T) {
	var gens []uint64
	hook := func(_ *http.Request, rj cors.Rejection) { gens = append(gens, rj.Generation) }
	mw := mustNew(t, rejectCfg(hook))
	serve(t, mw, get("https://evil.example"))
	if err := mw.Reconfigure(rejectCfg(hook)); err != nil {
		t.Fatal(err)
	}
	serve(t, mw, get("https://evil.example"))
	if err := mw.Reconfigure(cors.Config{}); err == nil {
		t.Fatal("an empty Config was accepted")
	}
	serve(t, mw, get("https://evil.example"))
	if want := []uint64{1, 2, 2}; !slices.Equal(gens, want) {
		t.Errorf("generations %v, want %v", gens, want)
	}
}

// TestRejectionConsoleIsTheModels: for every reason the middleware gives,
// in every engine, Console renders the lines the browser model prints for
// the middleware's real answer (the model's lines are pinned to the real
// engines by conformance/).
func TestRejectionConsoleIsTheModels(t *testing.T) {
	const handlerStatus = 201
	for _, tc := range []struct {
		name   string
		origin string
		method string
		opts   []corstest.Option
		want   reason.ID
	}{
		{"actual, origin", "https://evil.example", "GET", nil, reason.MissingAllowOrigin},
		{"preflight, origin", "https://evil.example", "PUT", nil, reason.MissingAllowOrigin},
		{"method", "https://app.example", "DELETE", nil, reason.MethodNotAllowed},
		// Lowercase, as the server sees it: WebKit's line names the header as
		// the script spelled it (see Rejection.Console).
		{"header", "https://app.example", "GET", []corstest.Option{corstest.Header("x-b", "1")}, reason.HeaderNotAllowed},
	} {
		var got []cors.Rejection
		mw := mustNew(t, rejectCfg(func(_ *http.Request, rj cors.Rejection) { got = append(got, rj) }))
		h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(handlerStatus) }))
		page := corstest.NewPage(t, tc.origin, h)
		calls := page.FetchEverywhere(tc.method, "https://api.example/items?page=2", tc.opts...)
		if len(got) != len(calls) {
			t.Fatalf("%s: %d rejections for %d engines' calls, want one each", tc.name, len(got), len(calls))
		}
		for i, call := range calls {
			rj := got[i]
			if rj.Reason != tc.want {
				t.Errorf("%s: reason %v, want %v", tc.name, rj.Reason, tc.want)
			}
			if !rj.Preflight {
				rj.Status = handlerStatus // the handler's, which the hook cannot know
			}
			rj.URL = strings.Replace(rj.URL, "http://", "https://", 1) // in process, TLS is not seen
			want := call.Profile.ConsoleLines(call.Result)
			if lines := rj.Console(call.Profile.Messages); !slices.Equal(lines, want) {
				t.Errorf("%s in %s:\n Console %q\n model   %q", tc.name, call.Profile.Name, lines, want)
			}
		}
	}
}

// TestRejectionConsoleIsTheEngines: for every reason the middleware gives,
// Console renders, byte for byte, the lines real Chromium, Firefox and
// WebKit printed for the same answer in the conformance table
// (internal/corscase/testdata, recorded by conformance/).
func TestRejectionConsoleIsTheEngines(t *testing.T) {
	recorded := map[string]map[string]struct{ Console []string }{}
	for _, e := range []reason.Engine{reason.Chromium, reason.Firefox, reason.WebKit} {
		data, err := os.ReadFile("../internal/corscase/testdata/" + e.String() + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]struct{ Console []string }{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		recorded[e.String()] = m
	}
	for _, tc := range []struct {
		kase string // the case whose answer is the middleware's answer for this reason
		rj   cors.Rejection
		// scriptName is the header name as the case's script spelled it,
		// which WebKit prints and a server never sees.
		scriptName string
	}{
		{"acao-missing", cors.Rejection{Reason: reason.MissingAllowOrigin, Status: 200}, ""},
		// The middleware's refused preflight has no CORS header and a
		// non-ok status, like this case's (404 instead of 403).
		{"pf-status-404-no-acao", cors.Rejection{Reason: reason.MissingAllowOrigin, Preflight: true, Status: 404}, ""},
		{"pf-status-404-no-acao", cors.Rejection{Reason: reason.InvalidRequestHeaders, Preflight: true, Status: 404}, ""},
		{"pf-status-404-no-acao", cors.Rejection{Reason: reason.InvalidRequestMethod, Preflight: true, Status: 404}, ""},
		{"pf-put-no-acam", cors.Rejection{Reason: reason.MethodNotAllowed, Preflight: true, Value: "PUT", Status: 204}, ""},
		{"pf-header-one-missing", cors.Rejection{Reason: reason.HeaderNotAllowed, Preflight: true, Value: "x-b", Status: 204}, "X-B"},
	} {
		rj := tc.rj
		rj.Origin, rj.URL = "{page}", "{api}/c/"+tc.kase+"/0"
		for _, e := range []reason.Engine{reason.Chromium, reason.Firefox, reason.WebKit} {
			want := recorded[e.String()][tc.kase].Console
			if len(want) == 0 {
				t.Fatalf("%s: no console lines recorded for %s", tc.kase, e)
			}
			got := rj.Console(e)
			if e == reason.WebKit && tc.scriptName != "" {
				got[0] = strings.Replace(got[0], rj.Value, tc.scriptName, 1)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%v in %s (%s):\n Console  %q\n recorded %q", rj.Reason, e, tc.kase, got, want)
			}
		}
	}
	// Every reason the middleware gives is covered above; the others
	// render nothing rather than a line no engine prints for them.
	for _, id := range reason.All() {
		switch id {
		case reason.MissingAllowOrigin, reason.MethodNotAllowed, reason.HeaderNotAllowed,
			reason.InvalidRequestMethod, reason.InvalidRequestHeaders:
			continue
		}
		if got := (cors.Rejection{Reason: id}).Console(reason.Chromium); got != nil {
			t.Errorf("%v: Console %q for a reason the middleware never gives", id, got)
		}
	}
}

// The model's engines are package reason's.
var _ reason.Engine = fetch.EngineWebKit

// TestLogFloodIsLimited: a client that makes every request a rejection gets
// at most 10 Info records a second into the log, and the first record of
// the next second says how many were left out.
func TestLogFloodIsLimited(t *testing.T) {
	var buf bytes.Buffer
	cfg := rejectCfg(nil)
	cfg.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
	mw := mustNew(t, cfg)
	now := time.Unix(1_800_000_000, 0)
	cors.SetLogClock(mw, func() time.Time { return now })
	for range 1000 {
		serve(t, mw, get("https://evil.example"))
	}
	if n := strings.Count(buf.String(), "\n"); n != 10 {
		t.Fatalf("%d records for 1000 rejections in one second, want 10", n)
	}
	buf.Reset()
	now = now.Add(time.Second)
	serve(t, mw, preflight("https://app.example", "DELETE"))
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("%v: %q", err, buf.String())
	}
	if rec["suppressed"] != float64(990) || rec["reason"] != "method-not-allowed" || rec["requested_method"] != "DELETE" {
		t.Errorf("next second's record: %v", rec)
	}
	// The hook is never limited: it sees every rejection.
	calls := 0
	cfg.OnReject = func(*http.Request, cors.Rejection) { calls++ }
	if err := mw.Reconfigure(cfg); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		serve(t, mw, get("https://evil.example"))
	}
	if calls != 1000 {
		t.Errorf("hook called %d times for 1000 rejections", calls)
	}
}

// TestDebugRecords: at Debug level the log says why a request was let
// through without CORS checks; at Info it says nothing about them.
func TestDebugRecords(t *testing.T) {
	var buf bytes.Buffer
	cfg := rejectCfg(nil)
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mw := mustNew(t, cfg)
	for _, tc := range []struct {
		r    req
		want string
	}{
		{get(""), `level=DEBUG msg="cors: not a CORS request" why="no Origin header" method=GET path=/resource`},
		{req{method: "OPTIONS", origin: "https://app.example"},
			`level=DEBUG msg="cors: not a preflight" why="OPTIONS without Access-Control-Request-Method: an actual request" method=OPTIONS`},
		{get("https://app.example"), ``},
		{preflight("https://app.example", "PUT"), ``},
	} {
		buf.Reset()
		serve(t, mw, tc.r)
		if got := buf.String(); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%v: log %q, want %q", tc.r, got, tc.want)
		}
	}
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	mw = mustNew(t, cfg)
	buf.Reset()
	serve(t, mw, get(""))
	serve(t, mw, req{method: "OPTIONS", origin: "https://app.example"})
	if buf.Len() != 0 {
		t.Errorf("Debug records at Info level: %q", buf.String())
	}
}

// TestPolicyLogValue: the start-up record shows the policy as applied.
func TestPolicyLogValue(t *testing.T) {
	var buf bytes.Buffer
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://app.example", "https://*.tenant.example"},
		AllowCredentials: true, AllowedMethods: []string{"put", "GET"}, AllowedHeaders: []string{"X-B", "x-a"},
		ExposedHeaders: []string{"x-id"}, MaxAge: 10 * time.Minute})
	slog.New(slog.NewTextHandler(&buf, nil)).Info("starting", "cors", mw)
	want := `cors.generation=1 cors.origins="https://app.example https://*.tenant.example" cors.credentials=true ` +
		`cors.methods="GET HEAD POST PUT" cors.headers="x-a x-b" cors.exposed=X-Id cors.max_age=600s ` +
		`cors.preflight_status=204 cors.preflight_passthrough=false`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("record %q\nwant %q", buf.String(), want)
	}
	if got, want := mw.String(), `cors policy #1: origins=[https://app.example https://*.tenant.example] credentials=true `+
		`methods=[GET HEAD POST PUT] headers=[x-a x-b] exposed=[X-Id] max-age=600s preflight-status=204`; got != want {
		t.Errorf("String:\n got  %q\n want %q", got, want)
	}
}
