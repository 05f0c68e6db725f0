package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
)

// reflectAll is a vulnerable server: it echoes any Origin, with credentials.
func reflectAll(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Vary", "Origin")
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func strict(t *testing.T) *httptest.Server {
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mw.Wrap(http.NotFoundHandler()))
	t.Cleanup(srv.Close)
	return srv
}

// named returns the server's URL under a host name, and the --resolve
// flag that makes it reachable.
func named(srv *httptest.Server, host string) (string, string) {
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	return "http://" + host + ":" + port + "/me", fmt.Sprintf("%s:%s:127.0.0.1", host, port)
}

func TestAuditExitStatus(t *testing.T) {
	vuln, strictSrv := reflectAll(t), strict(t)
	vURL, vResolve := named(vuln, "api.example.com")
	sURL, sResolve := named(strictSrv, "api.example.net")
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"vulnerable", []string{"audit", vURL, "--resolve", vResolve, "--rate", "0"}, 1, ""},
		{"strict", []string{"audit", sURL, "--resolve", sResolve, "--rate", "0"}, 0, ""},
		{"fail-on high, vulnerable", []string{"audit", vURL, "--resolve", vResolve, "--rate", "0", "--fail-on", "high"}, 1, ""},
		{"unreachable only", []string{"audit", closedURL}, 3, "the target could not be reached"},
		{"one reachable of two", []string{"audit", sURL, closedURL, "--resolve", sResolve, "--rate", "0"}, 0, ""},
		{"no target", []string{"audit"}, 2, "no target"},
		{"bad url", []string{"audit", "not-a-url"}, 2, "want an absolute http:// or https:// URL"},
		{"bad shard", []string{"audit", vURL, "--shard", "3/2"}, 2, "--shard"},
		{"bad resolve", []string{"audit", vURL, "--resolve", "api.example.com:80"}, 2, "want HOST:PORT:ADDR"},
		{"bad format", []string{"audit", vURL, "--format", "xml"}, 2, "must be one of text, json, jsonl, sarif"},
		{"bad fail-on", []string{"audit", vURL, "--fail-on", "critical"}, 2, "must be one of"},
		{"bad concurrency", []string{"audit", vURL, "--concurrency", "0"}, 2, "--concurrency 0"},
		{"missing list", []string{"audit", "--targets", filepath.Join(dir, "none.txt")}, 2, "no such file"},
		{"bad method", []string{"audit", vURL, "-X", "GE T"}, 2, "-X \"GE T\""},
		{"bad origin", []string{"audit", vURL, "--origin", "app.example.com"}, 2, "--origin"},
		{"sarif location is a URL", []string{"audit", vURL, "--sarif-location", "https://x.example/"}, 2, "--sarif-location"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			// Usage errors are one line; an unreachable target gets its own
			// line before the summary.
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if tc.msg != "" && (!strings.Contains(lines[len(lines)-1], tc.msg) || (tc.code == 2 && len(lines) > 1)) {
				t.Errorf("stderr %q: want a last line containing %q", errOut, tc.msg)
			}
		})
	}
}

func TestAuditFormats(t *testing.T) {
	vURL, vResolve := named(reflectAll(t), "api.example.com")
	base := []string{"audit", vURL, "--resolve", vResolve, "--rate", "0"}

	out, _, _ := cli(t, append(base, "--format", "json")...)
	var doc struct {
		Targets  int              `json:"targets"`
		Probes   int              `json:"probes"`
		Findings []map[string]any `json:"findings"`
		Errors   []any            `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.Targets != 1 || doc.Probes < 5 || len(doc.Findings) == 0 || doc.Errors == nil {
		t.Errorf("json: %+v", doc)
	}
	f := doc.Findings[0]
	for _, k := range []string{"url", "id", "severity", "origin", "credentials", "evidence", "explanation", "fix"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q: %v", k, f)
		}
	}
	if f["id"] != "reflect-any-origin" || f["severity"] != "high" || f["credentials"] != true {
		t.Errorf("first finding %v", f)
	}

	out, _, _ = cli(t, append(base, "--format", "jsonl")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(doc.Findings) {
		t.Errorf("jsonl: %d lines, json: %d findings", len(lines), len(doc.Findings))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["id"] == nil {
			t.Errorf("jsonl line %q: %v", l, err)
		}
	}

	out, _, _ = cli(t, append(base, "--format", "text")...)
	for _, want := range []string{"HIGH", "reflect-any-origin", "readable with the user's cookies", "with corskit: cors.Config{AllowedOrigins:"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

// --shard K/N splits a list deterministically: the shards' outputs are
// disjoint and together cover every target.
func TestAuditShards(t *testing.T) {
	vuln := reflectAll(t)
	_, resolve := named(vuln, "api.example.com")
	port := strings.Split(resolve, ":")[1]
	var list []string
	for i := range 12 {
		list = append(list, fmt.Sprintf("http://api.example.com:%s/t%d", port, i))
	}
	file := filepath.Join(t.TempDir(), "targets.txt")
	os.WriteFile(file, []byte(strings.Join(list, "\n")+"\n"), 0o644)
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		out, _, _ := cli(t, "audit", "--targets", file, "--resolve", resolve, "--rate", "0", "--format", "jsonl", "--shard", fmt.Sprintf("%d/3", k))
		urls := map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var f struct{ URL string }
			json.Unmarshal(sc.Bytes(), &f)
			urls[f.URL] = true
		}
		for u := range urls {
			seen[u]++
		}
	}
	for _, u := range list {
		if seen[u] != 1 {
			t.Errorf("%s audited by %d shards, want 1", u, seen[u])
		}
	}
	if len(seen) != len(list) || slices.ContainsFunc(list, func(u string) bool { return seen[u] == 0 }) {
		t.Errorf("shards covered %d of %d targets", len(seen), len(list))
	}
}

// A malformed line in --targets is reported with its line number, in
// every format, and every other line's findings are kept; the exit
// status is still 2 (the list needs fixing).
func TestAuditMalformedLines(t *testing.T) {
	vURL, vResolve := named(reflectAll(t), "api.example.com")
	sURL, sResolve := named(strict(t), "api.example.net")
	dir := t.TempDir()
	list := filepath.Join(dir, "targets.txt")
	// Line 5 has a comment after its URL: not part of the URL.
	os.WriteFile(list, []byte("# targets\n"+vURL+"\n\nftp://nope\n"+sURL+"   # the strict one\n"), 0o644)
	for _, format := range []string{"text", "json", "jsonl", "sarif"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := cli(t, "audit", "--targets", list, "--resolve", vResolve, "--resolve", sResolve, "--rate", "0", "--format", format)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s", code, errOut)
			}
			if !strings.Contains(out, "reflect-any-origin") {
				t.Errorf("the other lines' findings are lost:\n%s", out)
			}
			if !strings.Contains(out+errOut, "line 4") {
				t.Errorf("line 4 not named:\n%s\n%s", out, errOut)
			}
			last := strings.TrimSpace(errOut)[strings.LastIndex(strings.TrimSpace(errOut), "\n")+1:]
			if !strings.Contains(last, "1 malformed line") {
				t.Errorf("last stderr line %q", last)
			}
			// Only text and jsonl print the line on stderr before.
			if above := strings.Contains(last, "reported above"); above != (format == "text" || format == "jsonl") {
				t.Errorf("%s: last stderr line %q", format, last)
			}
			if strings.Contains(out+errOut, "%20") || strings.Contains(out, "the strict one") {
				t.Errorf("the comment after line 5's URL was taken as part of it:\n%s", out)
			}
			switch format {
			case "json":
				var doc struct {
					Findings []struct{ URL string }
					Errors   []struct {
						Line  int
						Error string
					}
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Errors) != 1 || doc.Errors[0].Line != 4 || len(doc.Findings) == 0 {
					t.Errorf("json: %+v", doc)
				}
			case "sarif":
				var log struct {
					Runs []struct {
						Results []struct {
							Locations []struct {
								PhysicalLocation struct {
									ArtifactLocation struct{ URI string }
									Region           struct{ StartLine int }
								}
							}
							Properties map[string]any
						}
						Invocations []struct {
							ExecutionSuccessful        bool
							ToolExecutionNotifications []struct {
								Message   struct{ Text string }
								Locations []struct {
									PhysicalLocation struct{ Region struct{ StartLine int } }
								}
							}
						}
					}
				}
				if err := json.Unmarshal([]byte(out), &log); err != nil {
					t.Fatal(err)
				}
				run := log.Runs[0]
				for _, r := range run.Results {
					pl := r.Locations[0].PhysicalLocation
					if pl.ArtifactLocation.URI != "targets.txt" {
						t.Errorf("artifact URI %q: want a repository-relative file", pl.ArtifactLocation.URI)
					}
					if want := map[string]int{vURL: 2, sURL: 5}[r.Properties["url"].(string)]; pl.Region.StartLine != want {
						t.Errorf("%v at line %d, want %d", r.Properties["url"], pl.Region.StartLine, want)
					}
				}
				if run.Invocations[0].ExecutionSuccessful {
					t.Errorf("executionSuccessful true on exit 2")
				}
				ns := run.Invocations[0].ToolExecutionNotifications
				if len(ns) != 1 || ns[0].Locations[0].PhysicalLocation.Region.StartLine != 4 {
					t.Errorf("notifications %+v", ns)
				}
			}
		})
	}
}

// Several methods and paths per host: each (URL, method) is an endpoint
// of its own in the report.
func TestAuditEndpoints(t *testing.T) {
	vURL, vResolve := named(reflectAll(t), "api.example.com")
	paths := filepath.Join(t.TempDir(), "paths.txt")
	os.WriteFile(paths, []byte("/a\n# c\n/b\n"), 0o644)
	out, errOut, code := cli(t, "audit", vURL, "--paths", paths, "-X", "GET", "-X", "PUT", "--resolve", vResolve, "--rate", "0", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var doc struct {
		Targets   int
		Endpoints []struct{ URL, Method string }
	}
	json.Unmarshal([]byte(out), &doc)
	var got []string
	for _, e := range doc.Endpoints {
		got = append(got, e.Method+" "+e.URL[strings.LastIndex(e.URL, "/"):])
	}
	slices.Sort(got)
	if doc.Targets != 4 || strings.Join(got, ",") != "GET /a,GET /b,PUT /a,PUT /b" {
		t.Errorf("endpoints %v (targets %d)", got, doc.Targets)
	}
}

// -H 'Cookie: ...' is sent (the browser model drops it from script
// headers, the audit sends it as the browser sends cookies), and the
// report says so without showing it.
func TestAuditCookie(t *testing.T) {
	got := make(chan string, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Cookie") + "|" + r.Header.Get("Origin") + "|" + r.Header.Get("Sec-Fetch-Mode")
	}))
	defer srv.Close()
	for _, args := range [][]string{{"--cookie", "sid=s3cret"}, {"-H", "Cookie: sid=s3cret"}} {
		out, errOut, code := cli(t, append([]string{"audit", srv.URL + "/me", "--rate", "0"}, args...)...)
		if code != 0 || !strings.Contains(out, "the given cookie was sent with every probe") || strings.Contains(out+errOut, "s3cret") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		n, anonymous, embeds := len(got), 0, 0
		for range n {
			// The cache-key check's two GETs are an anonymous visitor's:
			// no cookie, no Origin; so is the embed probe's <img> load
			// that compares the answer without the cookie. Every other
			// probe carries the cookie.
			switch c := <-got; c {
			case "||":
				anonymous++
			case "||no-cors":
				embeds++
			default:
				if !strings.HasPrefix(c, "sid=s3cret|") {
					t.Fatalf("%v: a probe sent Cookie|Origin %q", args, c)
				}
			}
		}
		if anonymous != 2 || embeds != 1 {
			t.Errorf("%v: %d requests without the cookie, want the 2 of the cache-key check; %d <img> loads without it, want 1 (the same answer: no third)", args, anonymous, embeds)
		}
		if n < 20 {
			t.Errorf("%v: %d probes", args, n)
		}
	}
}

// Hosts run in parallel, each held to its own rate and --per-host: a
// slow host listed first, with more endpoints than there are workers,
// does not keep a fast host's endpoints waiting behind it.
func TestAuditHostsInParallel(t *testing.T) {
	var (
		mu         sync.Mutex
		aNow, aMax int
		bTimes     []time.Time
		slowA      = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			aNow++
			aMax = max(aMax, aNow)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			aNow--
			mu.Unlock()
		}))
		fastB = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			bTimes = append(bTimes, time.Now())
			mu.Unlock()
		}))
	)
	defer slowA.Close()
	defer fastB.Close()
	var list strings.Builder
	for i := range 4 {
		fmt.Fprintf(&list, "%s/a%d\n", slowA.URL, i)
	}
	fmt.Fprintf(&list, "%s/b0\n%s/b1\n", fastB.URL, fastB.URL)
	targets := filepath.Join(t.TempDir(), "targets.txt")
	os.WriteFile(targets, []byte(list.String()), 0o644)

	const rate = 400
	out, errOut, code := cli(t, "audit", "--targets", targets, "--concurrency", "3", "--per-host", "2",
		"--rate", fmt.Sprint(rate), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var doc struct {
		Endpoints []struct{ URL string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// The report lists endpoints as they finished.
	var order []string
	for _, e := range doc.Endpoints {
		order = append(order, e.URL[strings.LastIndex(e.URL, "/")+1:])
	}
	if len(order) != 6 || !strings.HasPrefix(order[0], "b") || !strings.HasPrefix(order[1], "b") {
		t.Errorf("endpoints finished in the order %v: want b0 and b1 first, while the slow host's wait", order)
	}
	mu.Lock()
	defer mu.Unlock()
	if aMax > 2 {
		t.Errorf("the slow host had %d requests at once: want at most --per-host 2", aMax)
	}
	// The rate holds on the fast host, whose two endpoints shared it.
	if n := len(bTimes); n < 100 {
		t.Errorf("the fast host got %d requests: want its two endpoints' probes", n)
	} else if span := bTimes[n-1].Sub(bTimes[0]); float64(n-1) > rate*span.Seconds()*1.05+3 {
		t.Errorf("the fast host got %d requests in %v: more than %d/s", n, span, rate)
	}
}

// --origins-file seeds the allowlist like --origin: a front end on
// another domain, which no candidate the audit derives from the API's own
// host reaches, is learned from it and attacked; a bad line is a usage
// error naming it.
func TestAuditOriginsFile(t *testing.T) {
	loose := regexp.MustCompile(`^https://front.other.example$`) // dots unescaped
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Origin")
		if o := r.Header.Get("Origin"); loose.MatchString(o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
	}))
	defer srv.Close()
	u, resolve := named(srv, "api.example.com")
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "origins.txt"), filepath.Join(dir, "bad.txt")
	os.WriteFile(good, []byte("# our front ends\nhttps://front.other.example\n"), 0o644)
	os.WriteFile(bad, []byte("https://ok.example\nfront.other.example\n"), 0o644)
	base := []string{"audit", u, "--resolve", resolve, "--rate", "0", "--format", "json"}

	out, errOut, code := cli(t, base...)
	if code != 0 || strings.Contains(out, "unescaped-dot") {
		t.Fatalf("without the file: exit %d, want 0 and no finding (nothing reaches the pattern)\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"--origins-file", good}, {"--origin", "https://front.other.example"}} {
		out, errOut, code = cli(t, append(base, args...)...)
		var doc struct {
			Findings  []struct{ ID, Severity string }
			Endpoints []struct {
				Allowed []string `json:"allowed_origins"`
			}
		}
		json.Unmarshal([]byte(out), &doc)
		found := slices.ContainsFunc(doc.Findings, func(f struct{ ID, Severity string }) bool {
			return f.ID == "unescaped-dot" && f.Severity == "high"
		})
		if code != 1 || !found || len(doc.Endpoints) != 1 || !slices.Equal(doc.Endpoints[0].Allowed, []string{"https://front.other.example"}) {
			t.Errorf("%v: exit %d, findings %v, endpoints %+v: want unescaped-dot (high) around the front end, and it allowed\n%s", args, code, doc.Findings, doc.Endpoints, errOut)
		}
	}
	_, errOut, code = cli(t, append(base, "--origins-file", bad)...)
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "--origins-file: line 2") || !strings.Contains(errOut, `"front.other.example"`) {
		t.Errorf("bad line: exit %d, stderr %q: want one line naming line 2 and its value", code, errOut)
	}
}

// JSONL streams: the findings of an endpoint done are out while another
// is still being audited.
func TestAuditJSONLStreams(t *testing.T) {
	vURL, vResolve := named(reflectAll(t), "api.example.com")
	release := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer stalled.Close()
	defer close(release)
	cmd := exec.Command(binary, "audit", vURL, stalled.URL+"/slow", "--resolve", vResolve, "--rate", "0", "--format", "jsonl", "--timeout", "60s")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if !strings.Contains(l, `"reflect-any-origin"`) {
			t.Errorf("first line %q", l)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no finding written while the other endpoint is still being audited: jsonl does not stream")
	}
}

// An error names the endpoint and keeps its cause whole (a cause with
// ": " in it was once cut to its last fragment).
func TestAuditErrorsWhole(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				bufio.NewReader(c).ReadString('\n')
				c.Write([]byte("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"))
			}()
		}
	}()
	u := "http://" + ln.Addr().String() + "/broken"
	for _, format := range []string{"text", "json"} {
		out, errOut, code := cli(t, "audit", u, "--rate", "0", "--format", format)
		if code != 3 || !strings.Contains(out+errOut, `malformed HTTP status code \"abc\"`) && !strings.Contains(out+errOut, `malformed HTTP status code "abc"`) {
			t.Errorf("%s: exit %d: want 3 and the whole cause\n%s%s", format, code, out, errOut)
		}
		if format == "text" && !strings.Contains(errOut, "GET "+u+": ") {
			t.Errorf("text: stderr %q does not name GET %s", errOut, u)
		}
		if format == "json" && !strings.Contains(out, `"url": "`+u+`"`) && !strings.Contains(out, `"url":"`+u+`"`) {
			t.Errorf("json: errors do not name %s:\n%s", u, out)
		}
	}
}

// A target the browser model refuses before any probe (a port on the
// Fetch Standard's bad-port list) is reported on one line that names the
// endpoint once, as an unreachable one is.
func TestAuditRefusedTargetNamedOnce(t *testing.T) {
	const target = "http://127.0.0.1:1/"
	_, errOut, code := cli(t, "audit", target)
	if code != 3 {
		t.Fatalf("exit %d, want 3\nstderr:\n%s", code, errOut)
	}
	first, _, _ := strings.Cut(errOut, "\n")
	if want := "corskit audit: GET " + target + ": "; !strings.HasPrefix(first, want) || strings.Count(first, target) != 1 {
		t.Errorf("stderr's first line %q: want it to start with %q and name the target once", first, want)
	}
	if !strings.Contains(first, "net::ERR_UNSAFE_PORT") {
		t.Errorf("stderr's first line %q: want the cause, net::ERR_UNSAFE_PORT", first)
	}
}

// TestAuditEmbeddableWithoutCORP: with --cookie, an answer that holds the
// user's data and sends no CORP is embeddable-without-corp, info, in text
// and in SARIF, whose rule describes it; with CORP same-origin, none. The
// help says what the audit leaves out.
func TestAuditEmbeddableWithoutCORP(t *testing.T) {
	me := func(corp string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if corp != "" {
				w.Header().Set("Cross-Origin-Resource-Policy", corp)
			}
			if c, err := r.Cookie("sid"); err == nil && c.Value == "alice" {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"user":"alice"}`))
				return
			}
			http.Error(w, "log in", http.StatusUnauthorized)
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/me"
	}
	open, closed := me(""), me("same-origin")
	out, errOut, code := cli(t, "audit", open, closed, "--cookie", "sid=alice", "--rate", "0", "--format", "sarif", "--fail-on", "info")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an info finding, --fail-on info)\n%s", code, errOut)
	}
	type rule struct {
		ID               string
		ShortDescription struct{ Text string }
	}
	var log struct {
		Runs []struct {
			Tool    struct{ Driver struct{ Rules []rule } }
			Results []struct {
				RuleID  string
				Level   string
				Message struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	var hits []string
	for _, r := range log.Runs[0].Results {
		if r.RuleID == "embeddable-without-corp" {
			hits = append(hits, r.Message.Text)
			if r.Level != "note" {
				t.Errorf("level %q, want note", r.Level)
			}
		}
	}
	if len(hits) != 1 || !strings.HasPrefix(hits[0], "GET "+open+":") {
		t.Errorf("embeddable-without-corp results %q, want one, for %s", hits, open)
	}
	rules := log.Runs[0].Tool.Driver.Rules
	if i := slices.IndexFunc(rules, func(r rule) bool { return r.ID == "embeddable-without-corp" }); i < 0 || !strings.Contains(rules[i].ShortDescription.Text, "Cross-Origin-Resource-Policy") {
		t.Errorf("rules %+v: no description of embeddable-without-corp", rules)
	}
	text, _, _ := cli(t, "audit", open, "--cookie", "sid=alice", "--rate", "0")
	if !strings.Contains(text, "embeddable-without-corp info") || strings.Contains(text, "alice") {
		t.Errorf("text:\n%s", text)
	}
	help, _, _ := cli(t, "audit", "-h")
	if !strings.Contains(help, "Out of scope") || !strings.Contains(help, "whether a CSRF guard exists at all") {
		t.Errorf("audit -h says nothing of what is out of scope:\n%s", help)
	}
}
