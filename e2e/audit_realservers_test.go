package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// The audit against real servers configured the way their documentation
// and popular answers configure them: caches in front of a reflecting
// backend, Express with the cors package, hand-written nginx, Flask-CORS,
// rs/cors and gorilla/handlers, each broken in its classic ways and
// configured correctly. Every endpoint is audited as
// http://api.victim.example:PORT (--resolve to loopback) whose front end is
// http://app.victim.example.

const (
	frontEnd = "http://app.victim.example"
	admin    = "http://admin.victim.example"
)

// auditCase is one endpoint and the findings above info it must get,
// with their severities; anything else above info is a false positive.
type auditCase struct {
	framework, name string
	url             string // http://127.0.0.1:PORT/path
	want            map[string]string
}

// reflectingBackend reflects any Origin with credentials and lets caches
// keep the answer for a minute, with no Vary: the classic hole behind a
// cache.
func reflectingBackend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		io.WriteString(w, `{"user":"alice"}`)
	})
}

func auditCacheable() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
		io.WriteString(w, `{"user":"alice"}`)
	})
}

func want(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestAuditRealServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	var mu sync.Mutex
	var cases []auditCase
	add := func(c auditCase) { mu.Lock(); cases = append(cases, c); mu.Unlock() }
	var wg sync.WaitGroup
	start := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }

	// Caches in front of a reflecting backend, and of a correct one.
	reflect := realserver.Go(t, reflectingBackend())
	correct := realserver.GoCORS(t, realserver.Corskit, realserver.Policy{Origins: []string{frontEnd, admin}}, auditCacheable())
	var ngx, ngxOK, varnish, varnishOK *realserver.Server
	start(func() { ngx = realserver.NginxProxyCache(t, reflect.URL, realserver.NginxCacheOptions{}) })
	start(func() { ngxOK = realserver.NginxProxyCache(t, correct.URL, realserver.NginxCacheOptions{}) })
	start(func() { varnish = realserver.Varnish(t, reflect.URL, realserver.VarnishOptions{}) })
	start(func() { varnishOK = realserver.Varnish(t, correct.URL, realserver.VarnishOptions{}) })

	// Express with the cors package: one server, one route per
	// configuration (cors({origin: false}) globally does nothing).
	start(func() {
		ex := realserver.Express(t, realserver.ExpressOptions{CORS: `{origin: false}`, Code: `
app.use('/default', cors());
app.use('/reflect', cors({origin: true, credentials: true}));
app.use('/list', cors({origin: ['` + frontEnd + `', '` + admin + `'], credentials: true}));
app.use('/regex-suffix', cors({origin: /victim\.example$/, credentials: true}));
app.use('/regex-unescaped', cors({origin: /^http:\/\/app.victim.example$/, credentials: true}));
app.use('/regex-unanchored', cors({origin: /app\.victim\.example/, credentials: true}));
app.use('/regex-prefix', cors({origin: /^http:\/\/app\.victim\.example/, credentials: true}));
app.use('/regex-correct', cors({origin: /^http:\/\/(app|admin)\.victim\.example$/, credentials: true}));
app.use('/includes', cors({origin: (o, cb) => cb(null, '` + frontEnd + `'.includes(o)), credentials: true}));
`})
		for _, c := range []auditCase{
			{name: "cors() default", url: "/default", want: want()},
			{name: "origin: true", url: "/reflect", want: want("reflect-any-origin", "high", "null-origin", "high")},
			{name: "origin list", url: "/list", want: want()},
			{name: "regex, no start anchor", url: "/regex-suffix", want: want("suffix-match", "high")},
			{name: "regex, dots unescaped", url: "/regex-unescaped", want: want("unescaped-dot", "high")},
			{name: "regex, unanchored", url: "/regex-unanchored", want: want("prefix-match", "high", "suffix-match", "medium")},
			{name: "regex, no end anchor", url: "/regex-prefix", want: want("prefix-match", "high")},
			{name: "regex, correct", url: "/regex-correct", want: want()},
			{name: "function with includes", url: "/includes", want: want("substring-match", "high")},
		} {
			c.framework, c.url = "Express cors", ex.URL+c.url
			add(c)
		}
	})

	// nginx written by hand: the if and map forms, broken and correct.
	start(func() {
		s := realserver.NginxCORS(t, realserver.NginxCORSOptions{Form: realserver.IfForm, Origins: []string{"$http_origin"}, Credentials: true, Methods: []string{"GET", "POST"}})
		add(auditCase{framework: "nginx", name: "if, reflects $http_origin", url: s.URL + "/", want: want("reflect-any-origin", "high", "null-origin", "high", "missing-vary", "low")})
	})
	start(func() {
		s := realserver.NginxCORS(t, realserver.NginxCORSOptions{Form: realserver.IfForm, Origins: []string{frontEnd, admin}, Credentials: true, Vary: true, Methods: []string{"GET", "POST"}})
		add(auditCase{framework: "nginx", name: "if, exact origins", url: s.URL + "/", want: want()})
	})
	start(func() {
		s := realserver.NginxCORS(t, realserver.NginxCORSOptions{Form: realserver.MapForm, Origins: []string{frontEnd, admin}, Credentials: true, Vary: true, Methods: []string{"GET", "POST"}})
		add(auditCase{framework: "nginx", name: "map, exact origins", url: s.URL + "/", want: want()})
	})
	start(func() {
		s := realserver.NginxHTTP(t, `
    map $http_origin $cors_origin { default ""; "~^http://app.victim.example" $http_origin; }
    server {
        listen {{listen}};
        location / {
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
            return 200 "ok\n";
        }
    }`)
		add(auditCase{framework: "nginx", name: "map, regex without end anchor or escaped dots", url: s.URL + "/", want: want("prefix-match", "high", "unescaped-dot", "high")})
	})
	start(func() {
		s := realserver.NginxCORS(t, realserver.NginxCORSOptions{Form: realserver.AddHeaderForm, Origins: []string{frontEnd}, Credentials: true})
		add(auditCase{framework: "nginx", name: "add_header, one fixed origin", url: s.URL + "/", want: want()})
	})

	// Flask-CORS: exact origins, and a regex (Flask-CORS matches with
	// re.match: anchored at the start only).
	start(func() {
		s := realserver.Flask(t, realserver.FlaskOptions{CORS: `resources={
    r"/exact/*": {"origins": ["` + frontEnd + `", "` + admin + `"], "supports_credentials": True},
    r"/regex/*": {"origins": [r"http://.*\.victim\.example"], "supports_credentials": True},
    r"/any/*": {"origins": "*"},
}`})
		add(auditCase{framework: "Flask-CORS", name: "exact origins", url: s.URL + "/exact/me", want: want()})
		add(auditCase{framework: "Flask-CORS", name: "regex for subdomains", url: s.URL + "/regex/me", want: want("prefix-match", "high", "any-subdomain", "medium")})
		add(auditCase{framework: "Flask-CORS", name: "origins='*'", url: s.URL + "/any/me", want: want()})
	})

	// Go middlewares.
	two := realserver.Policy{Origins: []string{frontEnd, admin}, Credentials: true, Methods: []string{"GET", "PUT"}, Headers: []string{"Content-Type"}}
	wild := realserver.Policy{Origins: []string{"http://*.victim.example"}, Credentials: true}
	for _, lib := range []realserver.Lib{realserver.RSCors, realserver.Gorilla, realserver.Corskit} {
		p := two
		// corskit refuses http origins with credentials (a network
		// attacker could read them); the test's origins are http.
		p.Credentials = lib != realserver.Corskit
		s := realserver.GoCORS(t, lib, p, http.NotFoundHandler())
		add(auditCase{framework: string(lib), name: "two exact origins", url: s.URL + "/me", want: want()})
	}
	s := realserver.GoCORS(t, realserver.RSCors, wild, http.NotFoundHandler())
	add(auditCase{framework: "rs/cors", name: "wildcard subdomains", url: s.URL + "/me", want: want("any-subdomain", "medium")})
	s = realserver.GoCORS(t, realserver.Gorilla, realserver.Policy{Origins: []string{frontEnd}, Credentials: true}, http.NotFoundHandler())
	add(auditCase{framework: "gorilla/handlers", name: "one origin (sends no Vary)", url: s.URL + "/me", want: want("missing-vary", "low")})
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	cases = append(cases, []auditCase{
		{framework: "nginx proxy_cache", name: "reflecting backend", url: ngx.URL + "/api", want: want("reflect-any-origin", "high", "null-origin", "high", "missing-vary", "medium")},
		{framework: "nginx proxy_cache", name: "corskit backend", url: ngxOK.URL + "/api", want: want()},
		{framework: "Varnish", name: "reflecting backend", url: varnish.URL + "/api", want: want("reflect-any-origin", "high", "null-origin", "high", "missing-vary", "medium")},
		{framework: "Varnish", name: "corskit backend", url: varnishOK.URL + "/api", want: want()},
	}...)
	slices.SortFunc(cases, func(a, b auditCase) int { return strings.Compare(a.framework+a.name, b.framework+b.name) })

	// One run of the CLI over every endpoint, as a user would.
	named := map[string]*auditCase{}
	var lines, resolve []string
	for i := range cases {
		u, _ := url.Parse(cases[i].url)
		port := u.Port()
		u.Host = "api.victim.example:" + port
		cases[i].url = u.String()
		named[cases[i].url] = &cases[i]
		lines = append(lines, cases[i].url)
		resolve = append(resolve, "--resolve", "api.victim.example:"+port+":127.0.0.1")
	}
	list := filepath.Join(t.TempDir(), "targets.txt")
	os.WriteFile(list, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	args := append([]string{"audit", "--targets", list, "--format", "json", "--rate", "0", "--concurrency", "8"}, resolve...)
	began := time.Now()
	out, errOut := runCLI(ctx, t, bin, args...)
	wall := time.Since(began)
	var doc struct {
		Probes   int
		Findings []struct {
			URL, ID, Severity string
		}
		Errors []any
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.Errors) > 0 {
		t.Fatalf("audit output: %v, errors %v\n%s\n%s", err, doc.Errors, out, errOut)
	}
	got := map[string]map[string]string{}
	for _, f := range doc.Findings {
		if f.Severity == "info" {
			continue
		}
		if got[f.URL] == nil {
			got[f.URL] = map[string]string{}
		}
		got[f.URL][f.ID] = f.Severity
	}
	type tally struct{ endpoints, findings, fp, fn int }
	per := map[string]*tally{}
	var frameworks []string
	for _, c := range cases {
		tl := per[c.framework]
		if tl == nil {
			tl = &tally{}
			per[c.framework] = tl
			frameworks = append(frameworks, c.framework)
		}
		tl.endpoints++
		g := got[c.url]
		tl.findings += len(g)
		for id, sev := range c.want {
			if g[id] != sev {
				tl.fn++
				t.Errorf("%s, %s: false negative: want %s (%s), got %v", c.framework, c.name, id, sev, g)
			}
		}
		for id, sev := range g {
			if _, ok := c.want[id]; !ok {
				tl.fp++
				t.Errorf("%s, %s: false positive: %s (%s)", c.framework, c.name, id, sev)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| framework | endpoints | findings above info | false positives | false negatives |\n|---|---|---|---|---|\n")
	for _, f := range frameworks {
		tl := per[f]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", f, tl.endpoints, tl.findings, tl.fp, tl.fn)
	}
	fmt.Fprintf(&b, "%d endpoints, %d probes, audit wall time %v\n", len(cases), doc.Probes, wall.Round(10*time.Millisecond))
	t.Log(b.String())

	// No poisoning: after the full audit, the caches serve the real front
	// end its own answer at the URL it fetches.
	for _, c := range []*realserver.Server{ngx, varnish} {
		acao, _ := fetchACAO(t, c.URL+"/api", frontEnd)
		if acao != frontEnd {
			t.Errorf("%s: after the audit the front end gets Access-Control-Allow-Origin %q, want %q", c.Name, acao, frontEnd)
		}
	}
	// The control: without cache busting an audit leaves a poisoned entry
	// (this is why the parameter is on by default).
	u := strings.Replace(ngx.URL, "127.0.0.1", "api.victim.example", 1) + "/control"
	runCLI(ctx, t, bin, "audit", u, "--no-cache-bust", "--rate", "0", "--format", "json", "--resolve", "api.victim.example:"+ngx.URL[strings.LastIndex(ngx.URL, ":")+1:]+":127.0.0.1")
	if acao, _ := fetchACAO(t, ngx.URL+"/control", frontEnd); acao == frontEnd {
		t.Errorf("control: an audit with --no-cache-bust left the cache unpoisoned (got %q): the cache is not caching, so the check above proves nothing", acao)
	}

	// --prove-cache-poisoning finds the cached reflecting backends, and
	// not the correct one.
	var prove []string
	var proveResolve []string
	for _, c := range []*realserver.Server{ngx, varnish, ngxOK, varnishOK} {
		port := c.URL[strings.LastIndex(c.URL, ":")+1:]
		prove = append(prove, "http://api.victim.example:"+port+"/proof")
		proveResolve = append(proveResolve, "--resolve", "api.victim.example:"+port+":127.0.0.1")
	}
	out, errOut = runCLI(ctx, t, bin, append(append([]string{"audit", "--prove-cache-poisoning", "--rate", "0", "--format", "json"}, prove...), proveResolve...)...)
	doc.Findings = nil
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	poisoned := map[string]string{}
	for _, f := range doc.Findings {
		if f.ID == "cache-poisoning" {
			poisoned[f.URL] = f.Severity
		}
	}
	for i, u := range prove {
		if w := i < 2; (poisoned[u] == "high") != w {
			t.Errorf("%s: cache-poisoning %q, want it reported: %v", u, poisoned[u], w)
		}
	}
	for _, c := range []*realserver.Server{ngx, varnish} {
		if acao, _ := fetchACAO(t, c.URL+"/proof", frontEnd); acao != frontEnd {
			t.Errorf("%s: the proof touched the real URL: the front end gets %q", c.Name, acao)
		}
	}
}

func runCLI(ctx context.Context, t *testing.T, bin string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
			t.Fatalf("corskit %s: %v\n%s", strings.Join(args, " "), err, e.String())
		}
	}
	return o.Bytes(), e.Bytes()
}

// fetchACAO makes the front end's own request and returns the answer's
// Access-Control-Allow-Origin and cache status.
func fetchACAO(t *testing.T, u, origin string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Origin", origin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	return res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("X-Cache-Status") + res.Header.Get("X-Cache")
}
