package realserver_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/e2e/realserver"
)

// do sends one request and returns the response with its body read.
func do(t *testing.T, method, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func want(t *testing.T, resp *http.Response, name, value string) {
	t.Helper()
	if got := resp.Header.Get(name); got != value {
		t.Errorf("%s %s: %s = %q, want %q", resp.Request.Method, resp.Request.URL, name, got, value)
	}
}

const (
	allowed = "https://app.example.com"
	other   = "https://evil.example.net"
)

// cacheable answers with a body that names the request's Origin, cacheable
// for a minute, so that a cache hit is visible in the body too.
var cacheable = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	io.WriteString(w, "for "+r.Header.Get("Origin")+"\n")
})

func TestNginxServes(t *testing.T) {
	s := realserver.Nginx(t, `location / { return 200 "hello from nginx\n"; }`)
	resp, body := do(t, "GET", s.URL+"/")
	if resp.StatusCode != 200 || body != "hello from nginx\n" || !strings.HasPrefix(resp.Header.Get("Server"), "nginx") {
		t.Fatalf("GET %s: %d %q (Server %q)", s.URL, resp.StatusCode, body, resp.Header.Get("Server"))
	}
}

func TestNginxProxyCacheCaches(t *testing.T) {
	var c realserver.Counter
	backend := realserver.Go(t, c.Wrap(cacheable))
	s := realserver.NginxProxyCache(t, backend.URL, realserver.NginxCacheOptions{})
	for i, status := range []string{"MISS", "HIT", "HIT"} {
		resp, body := do(t, "GET", s.URL+"/x")
		want(t, resp, "X-Cache-Status", status)
		if body != "for \n" {
			t.Errorf("request %d: body %q", i, body)
		}
	}
	if n := c.Hits(); n != 1 {
		t.Errorf("backend saw %d requests, want 1 (two cache hits)", n)
	}
	// Preflights are never cached by nginx.
	for range 2 {
		resp, _ := do(t, "OPTIONS", s.URL+"/x", "Origin", allowed, "Access-Control-Request-Method", "PUT")
		want(t, resp, "X-Cache-Status", "")
	}
	if n := c.Count(func(r realserver.Request) bool { return r.Method == "OPTIONS" }); n != 2 {
		t.Errorf("backend saw %d OPTIONS, want 2", n)
	}
}

func TestNginxCORSForms(t *testing.T) {
	for _, form := range []realserver.NginxCORSForm{realserver.AddHeaderForm, realserver.IfForm, realserver.MapForm} {
		s := realserver.NginxCORS(t, realserver.NginxCORSOptions{
			Form: form, Origins: []string{allowed}, Methods: []string{"GET", "PUT"},
			Headers: []string{"X-Api-Key"}, Credentials: true, MaxAge: 60, Vary: true,
		})
		resp, body := do(t, "GET", s.URL+"/", "Origin", allowed)
		if body != "ok\n" {
			t.Errorf("form %d: body %q", form, body)
		}
		want(t, resp, "Access-Control-Allow-Origin", allowed)
		want(t, resp, "Access-Control-Allow-Credentials", "true")
		want(t, resp, "Vary", "Origin")
		resp, _ = do(t, "OPTIONS", s.URL+"/", "Origin", allowed, "Access-Control-Request-Method", "PUT")
		if resp.StatusCode != 204 {
			t.Errorf("form %d: preflight status %d", form, resp.StatusCode)
		}
		want(t, resp, "Access-Control-Allow-Methods", "GET, PUT")
		want(t, resp, "Access-Control-Allow-Headers", "X-Api-Key")
		want(t, resp, "Access-Control-Max-Age", "60")
		if form != realserver.AddHeaderForm { // the fixed form answers every origin alike
			resp, _ = do(t, "GET", s.URL+"/", "Origin", other)
			want(t, resp, "Access-Control-Allow-Origin", "")
		}
	}
}

func TestNginxBadConfigFailsWithItsLog(t *testing.T) {
	// A configuration nginx refuses must fail the test with nginx's own
	// message: run the starter under a fake testing.TB to see it.
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		realserver.Nginx(ft, `no_such_directive on;`)
	}()
	if !strings.Contains(ft.fatal, `unknown directive "no_such_directive"`) {
		t.Fatalf("failure message does not carry nginx's error: %q", ft.fatal)
	}
}

// fakeTB records Fatal instead of ending the test, and runs cleanups on
// the real test.
type fakeTB struct {
	testing.TB
	fatal string
}

func (f *fakeTB) Fatal(args ...any) {
	f.fatal = fmt.Sprint(args...)
	panic("fatal")
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic("fatal")
}

func TestVarnishCaches(t *testing.T) {
	var c realserver.Counter
	backend := realserver.Go(t, c.Wrap(cacheable))
	s := realserver.Varnish(t, backend.URL, realserver.VarnishOptions{})
	for _, status := range []string{"MISS", "HIT"} {
		resp, _ := do(t, "GET", s.URL+"/x")
		want(t, resp, "X-Cache", status)
	}
	// The builtin VCL passes requests with a cookie, and every OPTIONS.
	for range 2 {
		do(t, "GET", s.URL+"/x", "Cookie", "a=b")
		do(t, "OPTIONS", s.URL+"/x", "Origin", allowed, "Access-Control-Request-Method", "PUT")
	}
	if n := c.Hits(); n != 5 {
		t.Errorf("backend saw %d requests, want 5 (1 miss, 2 with Cookie, 2 OPTIONS): %v", n, c.Requests())
	}
}

func TestVarnishCachesOPTIONS(t *testing.T) {
	var c realserver.Counter
	backend := realserver.Go(t, c.Wrap(cacheable))
	s := realserver.Varnish(t, backend.URL, realserver.VarnishOptions{CacheOPTIONS: true})
	for _, status := range []string{"MISS", "HIT"} {
		resp, _ := do(t, "OPTIONS", s.URL+"/x", "Origin", allowed, "Access-Control-Request-Method", "PUT")
		want(t, resp, "X-Cache", status)
	}
	// A GET of the same URL is another object.
	resp, _ := do(t, "GET", s.URL+"/x")
	want(t, resp, "X-Cache", "MISS")
	got := c.Requests()
	if len(got) != 2 || got[0].Method != "OPTIONS" || got[1].Method != "GET" {
		t.Errorf("backend saw %v, want one OPTIONS (as OPTIONS), then one GET", got)
	}
}

func TestExpressServes(t *testing.T) {
	s := realserver.Express(t, realserver.ExpressOptions{
		CORS: `{origin: ["` + allowed + `"], credentials: true}`,
		Code: `app.get("/hello", (req, res) => res.send("hello"));`,
	})
	resp, body := do(t, "GET", s.URL+"/hello", "Origin", allowed)
	if body != "hello" {
		t.Errorf("body %q", body)
	}
	want(t, resp, "Access-Control-Allow-Origin", allowed)
	want(t, resp, "Access-Control-Allow-Credentials", "true")
	resp, body = do(t, "GET", s.URL+"/other", "Origin", other)
	if body != "ok\n" {
		t.Errorf("fallback body %q", body)
	}
	want(t, resp, "Access-Control-Allow-Origin", "")
	// cors() with no options: any origin, "*".
	d := realserver.Express(t, realserver.ExpressOptions{})
	resp, _ = do(t, "GET", d.URL+"/", "Origin", other)
	want(t, resp, "Access-Control-Allow-Origin", "*")
}

func TestFlaskServes(t *testing.T) {
	s := realserver.Flask(t, realserver.FlaskOptions{
		CORS: `origins=["` + allowed + `"], supports_credentials=True`,
		Code: "@app.route('/hello')\ndef hello():\n    return 'hello'\n",
	})
	resp, body := do(t, "GET", s.URL+"/hello", "Origin", allowed)
	if body != "hello" {
		t.Errorf("body %q", body)
	}
	want(t, resp, "Access-Control-Allow-Origin", allowed)
	want(t, resp, "Access-Control-Allow-Credentials", "true")
	resp, body = do(t, "PUT", s.URL+"/any/path", "Origin", other)
	if body != "ok\n" || resp.StatusCode != 200 {
		t.Errorf("fallback: %d %q", resp.StatusCode, body)
	}
	want(t, resp, "Access-Control-Allow-Origin", "")
}

func TestGoCORSLibs(t *testing.T) {
	p := realserver.Policy{Origins: []string{allowed, "https://admin.example.com"}, Methods: []string{"GET", "PUT"}, Headers: []string{"X-Api-Key"}}
	for _, lib := range realserver.Libs {
		var c realserver.Counter
		s := realserver.GoCORS(t, lib, p, c.Wrap(cacheable))
		resp, _ := do(t, "GET", s.URL+"/", "Origin", allowed)
		want(t, resp, "Access-Control-Allow-Origin", allowed)
		resp, _ = do(t, "GET", s.URL+"/", "Origin", other)
		want(t, resp, "Access-Control-Allow-Origin", "")
		if c.Hits() != 2 {
			t.Errorf("%s: handler saw %d requests, want 2", lib, c.Hits())
		}
	}
}

func TestCountingProxy(t *testing.T) {
	var c realserver.Counter
	backend := realserver.Go(t, c.Wrap(cacheable))
	proxy, pc := realserver.CountingProxy(t, backend.URL)
	do(t, "GET", proxy.URL+"/a?b=1", "Origin", allowed)
	got := pc.Requests()
	if len(got) != 1 || got[0] != (realserver.Request{Method: "GET", Path: "/a?b=1", Origin: allowed}) || c.Hits() != 1 {
		t.Fatalf("proxy counted %v, backend %d", got, c.Hits())
	}
}

func TestClose(t *testing.T) {
	for _, s := range []*realserver.Server{
		realserver.Nginx(t, `location / { return 200; }`),
		realserver.Go(t, cacheable),
	} {
		do(t, "GET", s.URL+"/")
		s.Close()
		s.Close()
		if resp, err := http.Get(s.URL + "/"); err == nil {
			resp.Body.Close()
			t.Errorf("%s still answers after Close", s.Name)
		}
	}
}
