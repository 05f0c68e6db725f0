package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"

	"github.com/corskit/corskit/e2e/realserver"
)

// stackPolicy is one diagnosed policy the stacks must implement.
type stackPolicy struct {
	name string
	p    stacks.Policy
}

// stackPolicies cover what the issue asks for: with and without
// credentials, preflighted methods and headers, exposed headers, a
// subdomain pattern, and any origin.
var stackPolicies = []stackPolicy{
	{"preflight", stacks.Policy{
		Origins: []string{"https://app.example.com"}, Methods: []string{"GET", "PUT", "DELETE"},
		Headers: []string{"X-Api-Key", "Content-Type"}, Exposed: []string{"X-Request-Id"}, MaxAge: 600,
	}},
	{"credentials", stacks.Policy{
		Origins: []string{"https://app.example.com", "https://admin.example.org"}, Methods: []string{"GET", "POST", "PATCH"},
		Headers: []string{"Authorization"}, Exposed: []string{"X-Request-Id"}, Credentials: true,
	}},
	{"subdomains", stacks.Policy{
		Origins: []string{"https://*.example.com"}, Methods: []string{"GET", "PUT"},
		Headers: []string{"X-Api-Key"}, Credentials: true, MaxAge: 60,
	}},
	{"any", stacks.Policy{
		Origins: []string{"*"}, Methods: []string{"GET", "PUT"}, Headers: []string{"X-Api-Key"},
	}},
}

// stackCall is one fetch() a page makes, and whether the policy allows it.
type stackCall struct {
	name string
	req  fetch.Request
	want bool
}

// callsFor derives, from p alone, the calls its snippets must allow and
// the ones they must block.
func callsFor(p stacks.Policy, url string) []stackCall {
	cred := fetch.CredentialsSameOrigin
	if p.Credentials {
		cred = fetch.CredentialsInclude
	}
	mk := func(o, method string, hdr ...string) fetch.Request {
		r := fetch.Request{Origin: origin.MustParse(o), Method: method, URL: url + "/api/items", Credentials: cred}
		for _, h := range hdr {
			r.Headers = append(r.Headers, fetch.Header{Name: h, Value: "v"})
		}
		return r
	}
	var preflighted string // a method of p that needs a preflight
	for _, m := range p.Methods {
		if m != "GET" && m != "HEAD" && m != "POST" {
			preflighted = m
			break
		}
	}
	allowedOrigins := []string{}
	blockedOrigins := []string{"https://evil.example.net"}
	for _, o := range p.Origins {
		switch {
		case o == "*":
			allowedOrigins = append(allowedOrigins, "https://anyone.example.net")
			blockedOrigins = nil
		case strings.Contains(o, "*"):
			domain := strings.TrimPrefix(o, "https://*.")
			allowedOrigins = append(allowedOrigins, "https://api."+domain, "https://a.b."+domain)
			// Not the domain itself, nor a look-alike.
			blockedOrigins = append(blockedOrigins, "https://"+domain, "https://evil"+domain, "http://api."+domain)
		default:
			allowedOrigins = append(allowedOrigins, o)
		}
	}
	var calls []stackCall
	for _, o := range allowedOrigins {
		calls = append(calls,
			stackCall{"simple GET from " + o, mk(o, "GET"), true},
			stackCall{preflighted + " with " + strings.Join(p.Headers, ", ") + " from " + o, mk(o, preflighted, p.Headers...), true},
		)
	}
	for _, o := range blockedOrigins {
		calls = append(calls,
			stackCall{"simple GET from " + o, mk(o, "GET"), false},
			stackCall{preflighted + " from " + o, mk(o, preflighted, p.Headers...), false},
		)
	}
	if len(allowedOrigins) > 0 && !slices.Contains(p.Methods, "*") {
		// A method the policy does not list stays blocked: the fix is
		// the smallest, not "allow everything".
		for _, m := range []string{"PATCH", "DELETE", "PUT"} {
			if !slices.Contains(p.Methods, m) {
				calls = append(calls, stackCall{m + " (not allowed) from " + allowedOrigins[0], mk(allowedOrigins[0], m), false})
				break
			}
		}
		calls = append(calls, stackCall{"header X-Not-Allowed from " + allowedOrigins[0], mk(allowedOrigins[0], preflighted, "X-Not-Allowed"), false})
	}
	return calls
}

// checkCalls runs every call of p against url in a fresh Chromium-profile
// browser model over a real transport.
func checkCalls(t *testing.T, p stacks.Policy, url string) {
	t.Helper()
	for _, c := range callsFor(p, url) {
		b := &fetch.Browser{Profile: fetch.Chromium, Transport: &http.Transport{}}
		res, err := b.Fetch(context.Background(), c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if res.Allowed() != c.want {
			msg := "allowed"
			if res.Err != nil {
				msg = res.Err.ConsoleMessage()
			}
			t.Errorf("%s: allowed = %v, want %v (%s)\n%s", c.name, res.Allowed(), c.want, msg, traceText(res))
			continue
		}
		if c.want && len(p.Exposed) > 0 && !c.req.Origin.IsZero() {
			last := res.Trace[len(res.Trace)-1]
			got := strings.ToLower(strings.Join(last.ResponseHeader.Values("Access-Control-Expose-Headers"), ","))
			for _, e := range p.Exposed {
				if !strings.Contains(got, strings.ToLower(e)) {
					t.Errorf("%s: Access-Control-Expose-Headers %q does not expose %s", c.name, got, e)
				}
			}
		}
	}
}

func traceText(res *fetch.Result) string {
	var b strings.Builder
	for _, e := range res.Trace {
		fmt.Fprintf(&b, "  %s %s %s -> %d %v\n", e.Kind, e.Method, e.URL, e.Status, e.ResponseHeader)
	}
	return b.String()
}

// okBackend is the application behind the proxies: no CORS of its own.
func okBackend(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "42")
		io.WriteString(w, "ok\n")
	}))
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://")
}

// goPrograms builds, in a temporary module with this module's go.mod and
// go.sum, one binary per Go stack holding that stack's generated program
// for every policy (the snippets verbatim; only `func main` is renamed per
// policy and ":8080" becomes the port the harness gives).
type goPrograms struct {
	parent *testing.T // owns the temporary module: it outlives the subtests
	// policies, when set, replace stackPolicies; only, when set, is the
	// one Go stack to build.
	policies []stackPolicy
	only     string
	once     sync.Once
	bins     map[string]string
	err      error
}

func (g *goPrograms) build(policies []stackPolicy) (map[string]string, error) {
	if g.policies != nil {
		policies = g.policies
	}
	g.once.Do(func() { g.bins, g.err = buildGoPrograms(g.parent, policies, g.only) })
	return g.bins, g.err
}

func buildGoPrograms(t *testing.T, policies []stackPolicy, only string) (map[string]string, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "corskit-stacks-")
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		return nil, err
	}
	m := strings.Replace(string(mod), "module github.com/corskit/corskit/e2e", "module stackgen", 1)
	m = strings.Replace(m, "github.com/corskit/corskit => ../", "github.com/corskit/corskit => "+root, 1)
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(m), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return nil, err
	}
	bins := map[string]string{}
	var pkgs []string
	for _, s := range stacks.All() {
		if s.Family != stacks.FamilyGo || only != "" && s.Name != only {
			continue
		}
		pkg := filepath.Join(dir, s.Name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			return nil, err
		}
		var cases []string
		for i, sp := range policies {
			src, err := s.Snippet(sp.p)
			if err != nil {
				return nil, err
			}
			if strings.Count(src, "func main() {") != 1 || strings.Count(src, `":`+stacks.ListenPort+`"`) != 1 {
				return nil, fmt.Errorf("%s snippet has no single main and listen address:\n%s", s.Name, src)
			}
			src = strings.Replace(src, "func main() {", "func main"+strconv.Itoa(i)+"() {", 1)
			src = strings.Replace(src, `":`+stacks.ListenPort+`"`, "addr()", 1)
			if err := os.WriteFile(filepath.Join(pkg, "p"+strconv.Itoa(i)+".go"), []byte(src), 0o644); err != nil {
				return nil, err
			}
			cases = append(cases, fmt.Sprintf("\tcase %q:\n\t\tmain%d()", strconv.Itoa(i), i))
		}
		mainSrc := "package main\n\nimport \"os\"\n\nfunc addr() string { return \"127.0.0.1:\" + os.Getenv(\"PORT\") }\n\nfunc main() {\n\tswitch os.Args[1] {\n" +
			strings.Join(cases, "\n") + "\n\t}\n}\n"
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(mainSrc), 0o644); err != nil {
			return nil, err
		}
		pkgs = append(pkgs, "./"+s.Name)
		bins[s.Name] = filepath.Join(dir, "bin", s.Name)
	}
	cmd := exec.Command("go", append([]string{"build", "-o", filepath.Join(dir, "bin") + "/"}, pkgs...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the generated Go programs: %v\n%s", err, out)
	}
	return bins, nil
}

// startStack starts the real server of stack s configured by its snippet
// for policy number i.
func startStack(t *testing.T, goBins *goPrograms, s *stacks.Stack, i int, p stacks.Policy) *realserver.Server {
	t.Helper()
	src, err := s.Snippet(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s snippet:\n%s", s.Name, src)
	port := stacks.ListenPort
	switch s.Name {
	case "express", "fastify", "hono":
		src = strings.Replace(src, "listen("+port, "listen("+realserver.PortPlaceholder, 1)
		src = strings.Replace(src, "port: "+port, "port: "+realserver.PortPlaceholder, 1)
		return realserver.NodeProgram(t, s.Name, src)
	case "starlette":
		return realserver.PythonProgram(t, s.Name, "python3-starlette python3-uvicorn", strings.Replace(src, "port="+port, "port="+realserver.PortPlaceholder, 1))
	case "flask":
		return realserver.PythonProgram(t, s.Name, "python3-flask-cors", strings.Replace(src, "port="+port, "port="+realserver.PortPlaceholder, 1))
	case "django":
		return realserver.Django(t, src)
	case "nginx":
		src = strings.Replace(src, "listen "+port+";", "listen "+realserver.Listen+";", 1)
		return realserver.NginxHTTP(t, strings.Replace(src, stacks.Upstream, okBackend(t), 1))
	case "apache":
		src = strings.Replace(src, "<VirtualHost *:"+port+">", "<VirtualHost "+realserver.Listen+">", 1)
		return realserver.Apache(t, strings.Replace(src, stacks.Upstream, okBackend(t), 1))
	case "caddy":
		src = strings.Replace(src, ":"+port+" {", realserver.Listen+" {", 1)
		return realserver.Caddy(t, strings.Replace(src, stacks.Upstream, okBackend(t), 1))
	}
	if s.Family == stacks.FamilyGo {
		bins, err := goBins.build(stackPolicies)
		if err != nil {
			t.Fatal(err)
		}
		return realserver.Command(t, "go "+s.Name, bins[s.Name], []string{strconv.Itoa(i)},
			[]string{"PORT=" + realserver.PortPlaceholder, "GIN_MODE=release"})
	}
	t.Fatalf("stack %s claims RunHere but this test has no starter for it", s.Name)
	return nil
}

// TestStacksRealServers starts every stack that claims RunHere with its
// generated configuration for each policy, and checks with the browser
// model that exactly the intended calls get through.
func TestStacksRealServers(t *testing.T) {
	start := time.Now()
	goBins := &goPrograms{parent: t}
	for _, s := range stacks.All() {
		if !s.RunHere {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			for i, sp := range stackPolicies {
				t.Run(sp.name, func(t *testing.T) {
					srv := startStack(t, goBins, s, i, sp.p)
					checkCalls(t, sp.p, srv.URL)
					if t.Failed() {
						t.Logf("%s log:\n%s", s.Name, srv.Log())
					}
					srv.Close()
				})
			}
		})
	}
	t.Cleanup(func() { t.Logf("all stacks: %v", time.Since(start)) })
}

// TestStacksDetectRealServers sends each real server a preflight from a
// refused origin and an allowed simple GET, and checks that stacks.Detect
// names it (or says it is unsure) from what comes back.
func TestStacksDetectRealServers(t *testing.T) {
	p := stackPolicies[0].p
	// The stacks whose every response names them (Server, X-Powered-By,
	// Fastify's Keep-Alive), measured here; the Go libraries send nothing
	// of the kind and are at best a low-confidence guess.
	named := map[string]bool{"nginx": true, "apache": true, "caddy": true, "express": true, "fastify": true,
		"starlette": true, "flask": true, "django": true}
	goBins := &goPrograms{parent: t}
	for _, s := range stacks.All() {
		if !s.RunHere {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			srv := startStack(t, goBins, s, 0, p)
			for _, probe := range []struct{ method, origin, acrm string }{
				{"OPTIONS", "https://evil.example.net", "PUT"},
				{"OPTIONS", "https://app.example.com", "PUT"},
				{"GET", "https://app.example.com", ""},
			} {
				req, _ := http.NewRequest(probe.method, srv.URL+"/api/items", nil)
				req.Header.Set("Origin", probe.origin)
				if probe.acrm != "" {
					req.Header.Set("Access-Control-Request-Method", probe.acrm)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
				resp.Body.Close()
				d := stacks.Detect(resp.Header, resp.StatusCode, body)
				name := "(none)"
				if d.Stack != nil {
					name = d.Stack.Name
				}
				t.Logf("%s %s from %s: %d %q %v -> %s %s %v", s.Name, probe.method, probe.origin, resp.StatusCode, body, resp.Header, name, d.Confidence, d.Evidence)
				if named[s.Name] && (d.Stack == nil || d.Stack.Name != s.Name || d.Confidence < stacks.Medium) {
					t.Errorf("%s %s: Detect says %s (%s), want %s at least medium: the server names itself", s.Name, probe.method, name, d.Confidence, s.Name)
				}
				if d.Stack != nil && d.Stack.Name != s.Name && !d.Unsure() {
					t.Errorf("%s %s: Detect says %s with confidence %s (%v), not unsure", s.Name, probe.method, name, d.Confidence, d.Evidence)
				}
			}
		})
	}
}
