package e2e

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/e2e/realserver"
	"github.com/corskit/corskit/lint"
)

// The differential proof of `corskit lint`: random configurations of each
// family, served by the real server and audited live, and linted from
// the same file; the audit's findings must agree class for class and
// severity for severity. One server process serves every configuration
// of a family (nginx: one location each; Django: one Host each), so the
// cost is one start per family.

var lintDiffN = flag.Int("lintdiff.n", 20, "random configurations per family in TestLintDifferential (the issue asks for 200: -lintdiff.n 200)")

// lintDiffSeed fixes the configurations, so that a failure reproduces.
const lintDiffSeed = 22

// verdicts are the audit's findings as class and severity, sorted.
func verdicts(fs []audit.Finding) []string {
	out := []string{}
	for _, f := range fs {
		if !lint.ConfigOnly(f.ID) {
			out = append(out, f.ID+"/"+f.Severity.String())
		}
	}
	slices.Sort(out)
	return out
}

func lintVerdicts(fs []lint.Finding) []string {
	var a []audit.Finding
	for _, f := range fs {
		a = append(a, f.Finding)
	}
	return verdicts(a)
}

// liveAudit audits url on the real server, connecting to addr whatever
// the URL's host.
func liveAudit(ctx context.Context, addr, url, method string, origins []string) audit.Result {
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}, MaxIdleConnsPerHost: 4}
	defer tr.CloseIdleConnections()
	return audit.New(audit.Options{Transport: tr, Origins: origins, Timeout: 5 * time.Second}).Scan(ctx, audit.Target{URL: url, Method: method})
}

type diffCase struct {
	name, file, url string
	unit            *lint.Unit
}

// differ audits and lints each case; it returns how many differed and
// reports each difference with both sides and the configuration.
func differ(t *testing.T, addr string, cases []diffCase, src func(diffCase) string) int {
	ctx := context.Background()
	bad := 0
	seen := map[string]int{}
	defer func() { t.Logf("findings seen (class/severity: configurations): %v", seen) }()
	for _, c := range cases {
		// GET is a simple request; PUT needs a preflight, so the
		// preflight answers are compared too.
		differs := false
		for _, m := range []string{http.MethodGet, http.MethodPut} {
			live := liveAudit(ctx, addr, c.url, m, c.unit.AuditOrigins())
			if live.Err != nil {
				t.Fatalf("%s: live audit: %v", c.name, live.Err)
			}
			got := lintVerdicts(lint.Evaluate(ctx, c.unit, lint.Options{Target: c.url, Method: m}))
			want := verdicts(live.Findings)
			for _, v := range slices.Compact(slices.Clone(want)) {
				seen[m+" "+v]++
			}
			if !slices.Equal(got, want) {
				differs = true
				t.Errorf("%s %s: lint %v, live audit %v\n--- configuration ---\n%s", m, c.name, got, want, src(c))
			}
		}
		if differs {
			bad++
		}
	}
	return bad
}

func TestLintDifferential(t *testing.T) {
	t.Run("nginx", func(t *testing.T) { lintDiffNginx(t, *lintDiffN) })
	t.Run("django", func(t *testing.T) { lintDiffDjango(t, *lintDiffN) })
	t.Run("express", func(t *testing.T) { lintDiffNode(t, *lintDiffN, expressFamily) })
	t.Run("starlette", func(t *testing.T) { lintDiffStarlette(t, *lintDiffN) })
	t.Run("flask", func(t *testing.T) { lintDiffFlask(t, *lintDiffN) })
	t.Run("fastify", func(t *testing.T) { lintDiffNode(t, *lintDiffN, fastifyFamily) })
	t.Run("apache", func(t *testing.T) { lintDiffApache(t, *lintDiffN) })
	t.Run("caddy", func(t *testing.T) { lintDiffCaddy(t, *lintDiffN) })
	t.Run("hono", func(t *testing.T) { lintDiffNode(t, *lintDiffN, honoFamily) })
}

// hosts and regex pieces the generators draw from.
var (
	diffHosts   = []string{"app.lintdiff.example", "lintdiff.example", "api.lintdiff.example", "partner.other.example"}
	diffSchemes = []string{"https://", "http://", "https?://"}
)

// randRegex writes a pattern for an allowed host the way people do:
// anchored or not at either end, dots escaped or not, with or without a
// subdomain part.
func randRegex(r *rand.Rand) string {
	host := diffHosts[r.IntN(len(diffHosts))]
	if r.IntN(3) > 0 {
		host = strings.ReplaceAll(host, ".", `\.`)
	}
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteString("^")
	}
	b.WriteString(diffSchemes[r.IntN(len(diffSchemes))])
	switch r.IntN(4) {
	case 1:
		b.WriteString(`([a-z0-9-]+\.)?`)
	case 2:
		b.WriteString(`.*`)
	case 3:
		b.WriteString(`[a-z]+\.`)
	}
	b.WriteString(host)
	if r.IntN(3) == 0 {
		b.WriteString(`(:[0-9]+)?`)
	}
	if r.IntN(2) == 0 {
		b.WriteString("$")
	}
	return b.String()
}

func randOrigin(r *rand.Rand) string {
	s := []string{"https://", "http://"}[r.IntN(2)]
	return s + diffHosts[r.IntN(len(diffHosts))]
}

// nginxLocation writes one random CORS location in the forms found in
// the wild: if + regex, map, fixed value, with or without always,
// credentials, Vary and an OPTIONS branch.
func nginxLocation(r *rand.Rand, i int) (maps, loc string) {
	var b strings.Builder
	always := ""
	if r.IntN(2) == 0 {
		always = " always"
	}
	creds := r.IntN(2) == 0
	acao := "$http_origin"
	fmt.Fprintf(&b, "    location /c%d/ {\n", i)
	kind := r.IntN(4)
	switch kind {
	case 0: // if + regex
		op := []string{"~", "~*"}[r.IntN(2)]
		fmt.Fprintf(&b, "        if ($http_origin %s \"%s\") {\n            set $cors%d $http_origin;\n        }\n", op, randRegex(r), i)
		acao = fmt.Sprintf("$cors%d", i)
	case 1: // map
		var m strings.Builder
		fmt.Fprintf(&m, "map $http_origin $cors%d {\n    default \"\";\n", i)
		for k := r.IntN(3); k >= 0; k-- {
			if r.IntN(2) == 0 {
				fmt.Fprintf(&m, "    \"%s\" $http_origin;\n", randOrigin(r))
			} else {
				fmt.Fprintf(&m, "    \"~%s\" $http_origin;\n", randRegex(r))
			}
		}
		m.WriteString("}\n")
		maps = m.String()
		acao = fmt.Sprintf("$cors%d", i)
	case 2: // fixed
		acao = []string{"*", randOrigin(r)}[r.IntN(2)]
	}
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, "        if ($request_method = OPTIONS) {\n            add_header Access-Control-Allow-Origin \"%s\"%s;\n", acao, always)
		if creds {
			fmt.Fprintf(&b, "            add_header Access-Control-Allow-Credentials true%s;\n", always)
		}
		fmt.Fprintf(&b, "            add_header Access-Control-Allow-Methods %s%s;\n", []string{"\"GET, POST\"", "$http_access_control_request_method"}[r.IntN(2)], always)
		fmt.Fprintf(&b, "            add_header Access-Control-Allow-Headers %s%s;\n", []string{"Content-Type", "$http_access_control_request_headers"}[r.IntN(2)], always)
		b.WriteString("            return 204;\n        }\n")
	}
	fmt.Fprintf(&b, "        add_header Access-Control-Allow-Origin \"%s\"%s;\n", acao, always)
	if creds {
		fmt.Fprintf(&b, "        add_header Access-Control-Allow-Credentials true%s;\n", always)
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "        add_header Vary Origin%s;\n", always)
	}
	b.WriteString("        return 200 \"ok\\n\";\n    }\n")
	return maps, b.String()
}

func lintDiffNginx(t *testing.T, n int) {
	r := rand.New(rand.NewPCG(lintDiffSeed, 1))
	inc := rand.New(rand.NewPCG(lintDiffSeed, 2)) // which locations include their CORS part
	var mapDefs, locs strings.Builder
	files := map[string]string{}
	included := 0
	for i := range n {
		m, l := nginxLocation(r, i)
		mapDefs.WriteString(m)
		placed := nginxInclude(inc, i, l, files)
		if placed != l {
			included++
		}
		locs.WriteString(placed)
	}
	conf := mapDefs.String() + "server {\n    listen " + realserver.Listen + ";\n    server_name _;\n" + locs.String() + "}\n"
	srv := realserver.NginxHTTPFiles(t, conf, files)
	dir := t.TempDir()
	file := filepath.Join(dir, "nginx.conf")
	// The file as deployed: the listen placeholder filled in, the
	// included files beside it as nginx's prefix has them.
	deployed := strings.ReplaceAll(conf, realserver.Listen, "127.0.0.1:8080")
	files["nginx.conf"] = deployed
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := lint.Lint(context.Background(), []string{file}, lint.Options{Roots: []string{dir}})
	if len(rep.Errors) > 0 {
		t.Fatal(rep.Errors)
	}
	units := rep.Units
	if len(units) != n {
		t.Fatalf("lint read %d policies, want %d", len(units), n)
	}
	var cases []diffCase
	for _, u := range units {
		cases = append(cases, diffCase{name: u.Name, file: file, url: srv.URL + u.Path, unit: u})
	}
	bad := differ(t, strings.TrimPrefix(srv.URL, "http://"), cases, func(c diffCase) string {
		return nginxExcerpt(conf, c.unit.Path, files)
	})
	t.Logf("nginx: %d configurations (%d with an included CORS part), %d differed", n, included, bad)
}

// nginxInclude moves, for some locations, the CORS part of loc into
// files the location includes, as people keep it in snippets/: one file
// named relative to nginx's prefix, or a glob over a folder of two files
// read in sorted order and a dot file glob(3) skips. It returns the
// location as the server block holds it.
func nginxInclude(r *rand.Rand, i int, loc string, files map[string]string) string {
	mode := r.IntN(3)
	if mode == 0 {
		return loc
	}
	head, rest, _ := strings.Cut(loc, "\n")
	body, tail, _ := strings.Cut(rest, "        return 200")
	// The body's top-level statements, each starting at 8 spaces.
	var stmts []string
	for _, line := range strings.SplitAfter(body, "\n") {
		if strings.HasPrefix(line, "        ") && !strings.HasPrefix(line, "         ") && !strings.HasPrefix(line, "        }") || len(stmts) == 0 {
			stmts = append(stmts, "")
		}
		stmts[len(stmts)-1] += line
	}
	if mode == 1 {
		name := fmt.Sprintf("cors/c%d.conf", i)
		files[name] = "# CORS for /c" + strconv.Itoa(i) + "/\n" + body
		return head + "\n        include " + name + ";\n        return 200" + tail
	}
	k := r.IntN(len(stmts) + 1)
	folder := fmt.Sprintf("cors.d/c%d", i)
	files[folder+"/20-rest.conf"] = strings.Join(stmts[k:], "")
	files[folder+"/10-first.conf"] = strings.Join(stmts[:k], "")
	files[folder+"/.off.conf"] = "add_header Access-Control-Allow-Origin \"https://dotfile.example\" always;\n"
	return head + "\n        include " + folder + "/*.conf;\n        return 200" + tail
}

// nginxExcerpt returns the location for path, the map it uses and the
// files it includes.
func nginxExcerpt(conf, path string, files map[string]string) string {
	i := strings.Index(conf, "location "+path+" {")
	if i < 0 {
		return conf
	}
	j := strings.Index(conf[i:], "\n    }\n")
	loc := conf[i : i+j+7]
	name := "$cors" + strings.Trim(strings.TrimPrefix(path, "/c"), "/")
	if k := strings.Index(conf, "map $http_origin "+name+" {"); k >= 0 {
		e := strings.Index(conf[k:], "}\n")
		loc = conf[k:k+e+2] + loc
	}
	names := slices.Sorted(maps.Keys(files))
	for _, f := range names {
		if strings.HasPrefix(f, "cors/c"+strings.Trim(strings.TrimPrefix(path, "/c"), "/")+".") || strings.HasPrefix(f, "cors.d"+strings.TrimSuffix(path, "/")+"/") {
			loc += "--- " + f + " ---\n" + files[f]
		}
	}
	return loc
}

// djangoSettings writes one random django-cors-headers settings module.
func djangoSettings(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("import re\n")
	if r.IntN(8) == 0 {
		b.WriteString("CORS_ALLOW_ALL_ORIGINS = True\n")
	}
	fmt.Fprintf(&b, "CORS_ALLOW_CREDENTIALS = %s\n", []string{"True", "False"}[r.IntN(2)])
	if k := r.IntN(4); k > 0 {
		b.WriteString("CORS_ALLOWED_ORIGINS = [\n")
		for range k {
			o := randOrigin(r)
			switch r.IntN(10) {
			case 0:
				o = "null"
			case 1:
				o = "http://localhost:3000"
			case 2:
				o = strings.Replace(o, "://", "://App.", 1)
			}
			fmt.Fprintf(&b, "    %q,\n", o)
		}
		b.WriteString("]\n")
	}
	if k := r.IntN(3); k > 0 {
		b.WriteString("CORS_ALLOWED_ORIGIN_REGEXES = [\n")
		for range k {
			switch r.IntN(3) {
			case 0:
				fmt.Fprintf(&b, "    r\"%s\",\n", randRegex(r))
			case 1:
				fmt.Fprintf(&b, "    re.compile(r\"%s\", re.I),\n", randRegex(r))
			default:
				fmt.Fprintf(&b, "    \"%s\",\n", randRegex(r))
			}
		}
		b.WriteString("]\n")
	}
	if r.IntN(5) == 0 {
		b.WriteString("CORS_URLS_REGEX = r\"^/api/.*$\"\n")
	}
	if r.IntN(3) == 0 {
		b.WriteString("CORS_ALLOW_METHODS = [\"GET\", \"POST\"]\n")
	}
	if r.IntN(3) == 0 {
		b.WriteString("CORS_ALLOW_HEADERS = [\"content-type\", \"x-custom\"]\n")
	}
	if r.IntN(4) == 0 {
		b.WriteString("CORS_EXPOSE_HEADERS = [\"x-total\"]\n")
	}
	return b.String()
}

// djangoDiffServer is a Django project whose CORS settings are chosen per
// request by the Host's first label (c0, c1, ...), from the settings
// modules in DIR, before django-cors-headers' middleware reads them: one
// process serves every configuration, by the real middleware.
const djangoDiffServer = `
import os, re, sys, signal
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import re_path

DIR = {{dir}}
NAMES = ["CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES",
         "CORS_URLS_REGEX", "CORS_ALLOW_METHODS", "CORS_ALLOW_HEADERS", "CORS_EXPOSE_HEADERS", "CORS_PREFLIGHT_MAX_AGE"]
configs = {}
for f in os.listdir(DIR):
    if f.endswith(".py"):
        ns = {}
        exec(open(os.path.join(DIR, f)).read(), ns)
        configs[f[:-3]] = {k: v for k, v in ns.items() if k in NAMES}

def select(get_response):
    def middleware(request):
        cfg = configs.get(request.get_host().split(".")[0], {})
        for n in NAMES:
            if n in cfg:
                setattr(settings, n, cfg[n])
            elif hasattr(settings, n):
                delattr(settings, n)
        return get_response(request)
    return middleware

settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="lintdiff",
    INSTALLED_APPS=["corsheaders"], MIDDLEWARE=[__name__ + ".select", "corsheaders.middleware.CorsMiddleware"])
django.setup()

def ok(request, path=""):
    return HttpResponse("ok\n", content_type="text/plain")

urlpatterns = [re_path(r"^(?P<path>.*)$", ok)]
from django.core.wsgi import get_wsgi_application

class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", {{port}}, get_wsgi_application(), server_class=Server, handler_class=Quiet)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
server.serve_forever()
`

func lintDiffDjango(t *testing.T, n int) {
	r := rand.New(rand.NewPCG(lintDiffSeed, 2))
	dir := t.TempDir()
	srcs := map[string]string{}
	var cases []diffCase
	for i := range n {
		name := fmt.Sprintf("c%d", i)
		src := djangoSettings(r)
		file := filepath.Join(dir, name+".py")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs[name] = src
		units, err := lint.ReadFile(filepath.Join(dir, "settings", name+".py"), []byte(src))
		if err != nil || len(units) != 1 {
			t.Fatalf("%s: lint read %d policies, %v\n%s", name, len(units), err, src)
		}
		cases = append(cases, diffCase{name: name, file: file, unit: units[0]})
	}
	prog := strings.ReplaceAll(djangoDiffServer, "{{dir}}", fmt.Sprintf("%q", dir))
	srv := realserver.PythonProgram(t, "django", "python3-django-cors-headers", strings.ReplaceAll(prog, "{{port}}", realserver.PortPlaceholder))
	port := srv.Port()
	for i := range cases {
		cases[i].url = fmt.Sprintf("http://%s.lintdiff.example:%d%s", cases[i].name, port, cases[i].unit.Path)
	}
	bad := differ(t, fmt.Sprintf("127.0.0.1:%d", port), cases, func(c diffCase) string { return srcs[c.name] })
	t.Logf("django: %d configurations, %d differed", n, bad)
}

// jsRegex writes randRegex as a JS regular expression literal.
func jsRegex(r *rand.Rand) string {
	flags := []string{"", "i"}[r.IntN(2)]
	return "/" + strings.ReplaceAll(randRegex(r), "/", `\/`) + "/" + flags
}

// corsPackageOptions writes one random options object for the cors
// package (Express) or @fastify/cors, which share their option names;
// methods is the list written when the object names its methods.
func corsPackageOptions(r *rand.Rand, methods string) string {
	var fields []string
	switch r.IntN(8) {
	case 0: // the default: "*"
	case 1:
		fields = append(fields, "origin: '*'")
	case 2:
		fields = append(fields, fmt.Sprintf("origin: '%s'", randOrigin(r)))
	case 3:
		fields = append(fields, "origin: true")
	case 4:
		fields = append(fields, "origin: "+jsRegex(r))
	default:
		var els []string
		for k := r.IntN(3) + 1; k > 0; k-- {
			if r.IntN(2) == 0 {
				els = append(els, fmt.Sprintf("'%s'", randOrigin(r)))
			} else {
				els = append(els, jsRegex(r))
			}
		}
		fields = append(fields, "origin: ["+strings.Join(els, ", ")+"]")
	}
	if r.IntN(2) == 0 {
		fields = append(fields, "credentials: true")
	}
	if r.IntN(3) == 0 {
		fields = append(fields, "methods: "+methods)
	}
	if r.IntN(2) == 0 {
		fields = append(fields, "allowedHeaders: ['Content-Type', 'X-Custom']")
	}
	if r.IntN(4) == 0 {
		fields = append(fields, "exposedHeaders: 'X-Total'")
	}
	if r.IntN(4) == 0 {
		fields = append(fields, "maxAge: 600")
	}
	return "{\n  " + strings.Join(fields, ",\n  ") + "\n}"
}

// expressDiffServer serves every configuration from one Node process: the
// Host's first label picks the cors(...) middleware, built by the real
// package from the same options source that the lint reads.
const expressDiffServer = `'use strict';
const express = require('express');
const cors = require('cors');
const configs = {{configs}};
const handlers = {};
for (const k of Object.keys(configs)) handlers[k] = cors(configs[k]);
const app = express();
app.use((req, res, next) => {
  const h = handlers[(req.headers.host || '').split('.')[0]];
  h ? h(req, res, next) : next();
});
app.use((req, res) => { res.type('text/plain').send('ok\n'); });
const server = app.listen({{port}}, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`

// nodeFamily is a differential family whose configurations one Node
// program serves (Express, Fastify, Hono): gen writes a configuration's
// source file and its entry in the program's configs object.
type nodeFamily struct {
	name, ext, server string
	stream            uint64 // the family's random stream, fixed so that runs compare
	gen               func(r *rand.Rand) (src, entry string)
}

var (
	expressFamily = nodeFamily{name: "express", ext: ".js", server: expressDiffServer, stream: 3, gen: func(r *rand.Rand) (string, string) {
		opts := corsPackageOptions(r, "['GET', 'POST']")
		return "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors(" + opts + "));\n", opts
	}}
	fastifyFamily = nodeFamily{name: "fastify", ext: ".mjs", server: fastifyDiffServer, stream: 6, gen: func(r *rand.Rand) (string, string) {
		opts := corsPackageOptions(r, "['GET', 'POST', 'PUT']")
		return "import Fastify from 'fastify';\nimport cors from '@fastify/cors';\nconst app = Fastify();\nawait app.register(cors, " + opts + ");\n", opts
	}}
	honoFamily = nodeFamily{name: "hono", ext: ".ts", server: honoDiffServer, stream: 9, gen: func(r *rand.Rand) (string, string) {
		path, opts := honoOptions(r)
		return "import { Hono } from 'hono';\nimport { cors } from 'hono/cors';\n\nconst app = new Hono();\napp.use('" + path + "', cors(" + opts + "));\n", fmt.Sprintf("[%q, %s]", path, opts)
	}}
)

// lintDiffNode writes n configurations of family f, lints each file,
// serves them all from one Node program (one Host each), and audits them
// live.
func lintDiffNode(t *testing.T, n int, f nodeFamily) {
	r := rand.New(rand.NewPCG(lintDiffSeed, f.stream))
	dir := t.TempDir()
	srcs := map[string]string{}
	var cases []diffCase
	var all strings.Builder
	all.WriteString("{\n")
	for i := range n {
		name := fmt.Sprintf("c%d", i)
		src, entry := f.gen(r)
		file := filepath.Join(dir, name+f.ext)
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs[name] = src
		units, err := lint.ReadFile(file, []byte(src))
		if err != nil || len(units) != 1 {
			t.Fatalf("%s: lint read %d policies, %v\n%s", name, len(units), err, src)
		}
		cases = append(cases, diffCase{name: name, file: file, unit: units[0]})
		fmt.Fprintf(&all, "%s: %s,\n", name, entry)
	}
	all.WriteString("}")
	prog := strings.ReplaceAll(f.server, "{{configs}}", all.String())
	srv := realserver.NodeProgram(t, f.name, strings.ReplaceAll(prog, "{{port}}", realserver.PortPlaceholder))
	port := srv.Port()
	for i := range cases {
		cases[i].url = fmt.Sprintf("http://%s.lintdiff.example:%d%s", cases[i].name, port, cases[i].unit.Path)
	}
	bad := differ(t, fmt.Sprintf("127.0.0.1:%d", port), cases, func(c diffCase) string { return srcs[c.name] })
	t.Logf("%s: %d configurations, %d differed", f.name, n, bad)
}

// pyList writes a Python list of strings.
func pyList(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, fmt.Sprintf("%q", s))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// starletteKwargs writes the keyword arguments of one random
// CORSMiddleware.
func starletteKwargs(r *rand.Rand) string {
	var kw []string
	var origins []string
	switch r.IntN(6) {
	case 0:
		origins = []string{"*"}
	default:
		for k := r.IntN(3); k > 0; k-- {
			origins = append(origins, randOrigin(r))
		}
		if r.IntN(8) == 0 {
			origins = append(origins, "null")
		}
	}
	if origins != nil {
		kw = append(kw, "allow_origins="+pyList(origins))
	}
	if r.IntN(2) == 0 {
		kw = append(kw, fmt.Sprintf("allow_origin_regex=r\"%s\"", randRegex(r)))
	}
	if r.IntN(2) == 0 {
		kw = append(kw, "allow_credentials=True")
	}
	switch r.IntN(3) {
	case 0:
		kw = append(kw, `allow_methods=["*"]`)
	case 1:
		kw = append(kw, `allow_methods=["GET", "POST"]`)
	}
	switch r.IntN(3) {
	case 0:
		kw = append(kw, `allow_headers=["*"]`)
	case 1:
		kw = append(kw, `allow_headers=["X-Custom", "Authorization"]`)
	}
	if r.IntN(4) == 0 {
		kw = append(kw, `expose_headers=["X-Total"]`)
	}
	return strings.Join(kw, ",\n    ")
}

// starletteDiffServer serves every configuration from one uvicorn: the
// Host's first label picks the real CORSMiddleware built from the same
// keyword arguments the lint reads.
const starletteDiffServer = `
import uvicorn
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse

async def ok(scope, receive, send):
    await PlainTextResponse("ok\n")(scope, receive, send)

configs = {{configs}}
apps = {k: CORSMiddleware(ok, **v) for k, v in configs.items()}

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    host = dict(scope["headers"]).get(b"host", b"").decode().split(".")[0]
    await apps.get(host, ok)(scope, receive, send)

uvicorn.run(app, host="127.0.0.1", port={{port}}, log_level="warning")
`

func lintDiffStarlette(t *testing.T, n int) {
	r := rand.New(rand.NewPCG(lintDiffSeed, 4))
	dir := t.TempDir()
	srcs := map[string]string{}
	var cases []diffCase
	var all strings.Builder
	all.WriteString("{\n")
	for i := range n {
		name := fmt.Sprintf("c%d", i)
		kw := starletteKwargs(r)
		src := "from starlette.applications import Starlette\nfrom starlette.middleware.cors import CORSMiddleware\n\napp = Starlette()\napp.add_middleware(\n    CORSMiddleware,\n    " + kw + ",\n)\n"
		file := filepath.Join(dir, name+".py")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs[name] = src
		units, err := lint.ReadFile(file, []byte(src))
		if err != nil || len(units) != 1 {
			t.Fatalf("%s: lint read %d policies, %v\n%s", name, len(units), err, src)
		}
		cases = append(cases, diffCase{name: name, file: file, unit: units[0]})
		fmt.Fprintf(&all, "%q: dict(%s),\n", name, kw)
	}
	all.WriteString("}")
	prog := strings.ReplaceAll(starletteDiffServer, "{{configs}}", all.String())
	srv := realserver.PythonProgram(t, "starlette", "python3-starlette python3-uvicorn", strings.ReplaceAll(prog, "{{port}}", realserver.PortPlaceholder))
	port := srv.Port()
	for i := range cases {
		cases[i].url = fmt.Sprintf("http://%s.lintdiff.example:%d%s", cases[i].name, port, cases[i].unit.Path)
	}
	bad := differ(t, fmt.Sprintf("127.0.0.1:%d", port), cases, func(c diffCase) string { return srcs[c.name] })
	t.Logf("starlette: %d configurations, %d differed", n, bad)
}

// flaskKwargs writes the keyword arguments of one random CORS(app, ...).
func flaskKwargs(r *rand.Rand) string {
	var kw []string
	origins := func() string {
		switch r.IntN(6) {
		case 0:
			return `"*"`
		case 1:
			return fmt.Sprintf("%q", randOrigin(r))
		case 2:
			return fmt.Sprintf("re.compile(r\"%s\")", randRegex(r))
		}
		var els []string
		for k := r.IntN(3) + 1; k > 0; k-- {
			if r.IntN(2) == 0 {
				els = append(els, fmt.Sprintf("%q", randOrigin(r)))
			} else {
				els = append(els, fmt.Sprintf("r\"%s\"", randRegex(r)))
			}
		}
		return "[" + strings.Join(els, ", ") + "]"
	}
	if r.IntN(6) > 0 {
		kw = append(kw, "origins="+origins())
	}
	if r.IntN(2) == 0 {
		kw = append(kw, "supports_credentials=True")
	}
	if r.IntN(4) == 0 {
		kw = append(kw, `methods=["GET", "POST"]`)
	}
	if r.IntN(3) == 0 {
		kw = append(kw, `allow_headers=["Content-Type", "X-Custom"]`)
	}
	if r.IntN(4) == 0 {
		kw = append(kw, `expose_headers=["X-Total"]`)
	}
	if r.IntN(4) == 0 {
		kw = append(kw, "max_age=600")
	}
	if r.IntN(5) == 0 {
		kw = append(kw, `resources={r"/api/*": {"origins": `+origins()+`}}`)
	}
	return strings.Join(kw, ", ")
}

// flaskDiffServer serves every configuration from one process: the
// Host's first label picks a Flask app configured by the real Flask-CORS
// with the same keyword arguments the lint reads.
const flaskDiffServer = `
import os, re, signal
from flask import Flask, Response
from flask_cors import CORS
from werkzeug.serving import make_server

def make(kwargs):
    app = Flask(__name__)
    CORS(app, **kwargs)
    @app.route("/", defaults={"path": ""}, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    def ok(path):
        return Response("ok\n", mimetype="text/plain")
    return app

configs = {{configs}}
apps = {k: make(v) for k, v in configs.items()}
default = make({})

def dispatch(environ, start_response):
    host = environ.get("HTTP_HOST", "").split(".")[0]
    return apps.get(host, default)(environ, start_response)

server = make_server("127.0.0.1", {{port}}, dispatch, threaded=True)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
server.serve_forever()
`

func lintDiffFlask(t *testing.T, n int) {
	r := rand.New(rand.NewPCG(lintDiffSeed, 5))
	dir := t.TempDir()
	srcs := map[string]string{}
	var cases []diffCase
	var all strings.Builder
	all.WriteString("{\n")
	for i := range n {
		name := fmt.Sprintf("c%d", i)
		kw := flaskKwargs(r)
		src := "import re\nfrom flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, " + kw + ")\n"
		file := filepath.Join(dir, name+".py")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		srcs[name] = src
		units, err := lint.ReadFile(file, []byte(src))
		if err != nil || len(units) != 1 {
			t.Fatalf("%s: lint read %d policies, %v\n%s", name, len(units), err, src)
		}
		cases = append(cases, diffCase{name: name, file: file, unit: units[0]})
		fmt.Fprintf(&all, "%q: dict(%s),\n", name, kw)
	}
	all.WriteString("}")
	prog := strings.ReplaceAll(flaskDiffServer, "{{configs}}", all.String())
	srv := realserver.PythonProgram(t, "flask", "python3-flask-cors", strings.ReplaceAll(prog, "{{port}}", realserver.PortPlaceholder))
	port := srv.Port()
	for i := range cases {
		cases[i].url = fmt.Sprintf("http://%s.lintdiff.example:%d%s", cases[i].name, port, cases[i].unit.Path)
	}
	bad := differ(t, fmt.Sprintf("127.0.0.1:%d", port), cases, func(c diffCase) string { return srcs[c.name] })
	t.Logf("flask: %d configurations, %d differed", n, bad)
}

// fastifyDiffServer runs one Fastify instance per configuration, each
// with the real @fastify/cors registered with the options the lint reads,
// behind one Node server that picks the instance by the Host's first label.
const fastifyDiffServer = `'use strict';
const http = require('http');
const Fastify = require('fastify');
const cors = require('@fastify/cors');
const configs = {{configs}};
const apps = {};
(async () => {
  for (const k of Object.keys(configs)) {
    const f = Fastify();
    await f.register(cors, configs[k]);
    f.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/*', handler: (req, reply) => reply.type('text/plain').send('ok\n') });
    await f.ready();
    apps[k] = f;
  }
  http.createServer((req, res) => {
    const f = apps[(req.headers.host || '').split('.')[0]];
    if (f) f.routing(req, res); else { res.statusCode = 404; res.end(); }
  }).listen({{port}}, '127.0.0.1');
})();
process.on('SIGTERM', () => process.exit(0));
`

// apacheVhost writes one random virtual host in the forms found in the
// wild: SetEnvIf on the Origin with a regex, Header set with %{VAR}e or
// expr=%{req:Origin}, with or without env= and always, credentials, a
// preflight answered by mod_rewrite, in front of an application. sec
// picks where the CORS part goes (apacheSection): the host itself, a
// <Location> or <LocationMatch>, or <If> conditions on the Origin, and
// whether an <IfModule mod_headers.c> guards it.
func apacheVhost(r, sec *rand.Rand, i int, backend string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<VirtualHost %s>\n    ServerName c%d.lintdiff.example\n", realserver.Listen, i)
	always := []string{"", "always "}[r.IntN(2)]
	setenv := []string{"SetEnvIf", "SetEnvIfNoCase"}[r.IntN(2)]
	var cors strings.Builder // the CORS part, indented for the host
	value, cond := "", ""
	kind := r.IntN(5)
	switch kind {
	case 0:
		value = `"*"`
	case 1:
		value = fmt.Sprintf("%q", randOrigin(r))
	case 2:
		fmt.Fprintf(&cors, "    %s Origin \"%s\" CORS_ORIGIN=$0\n", setenv, randRegex(r))
		value, cond = `"%{CORS_ORIGIN}e"`, " env=CORS_ORIGIN"
		if r.IntN(4) == 0 {
			cond = "" // the classic slip: "(null)" when the Origin does not match
		}
	default:
		fmt.Fprintf(&cors, "    %s Origin \"%s\" CORS_OK\n", setenv, randRegex(r))
		value, cond = `"expr=%{req:Origin}"`, " env=CORS_OK"
	}
	mode := sec.IntN(6)
	var ifCond string
	if mode >= 3 && kind >= 2 { // the Origin decided by <If> instead of SetEnvIf
		cors.Reset()
		ifCond = apacheIfCond(sec)
		value, cond = `"expr=%{req:Origin}"`, ""
	}
	h := func(name, v string) {
		fmt.Fprintf(&cors, "    Header %sset %s %s%s\n", always, name, v, cond)
	}
	h("Access-Control-Allow-Origin", value)
	if r.IntN(2) == 0 {
		h("Access-Control-Allow-Credentials", `"true"`)
	}
	h("Access-Control-Allow-Methods", `"GET, POST, PUT"`)
	if r.IntN(2) == 0 {
		h("Access-Control-Allow-Headers", `"Content-Type, X-Custom"`)
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&cors, "    Header %smerge Vary Origin\n", always)
	}
	part := apacheSection(sec, mode, ifCond, cors.String())
	if sec.IntN(4) == 0 { // as distributions' snippets guard it
		part = "    <IfModule mod_headers.c>\n" + strings.ReplaceAll(strings.TrimSuffix("    "+part, "    "), "\n    ", "\n        ") + "    </IfModule>\n"
	}
	b.WriteString(part)
	if r.IntN(2) == 0 {
		b.WriteString("    RewriteEngine On\n    RewriteCond %{REQUEST_METHOD} =OPTIONS\n    RewriteCond %{HTTP:Access-Control-Request-Method} !=\"\"\n    RewriteRule ^ - [R=204,L]\n")
	}
	fmt.Fprintf(&b, "    ProxyPass / http://%s/\n</VirtualHost>\n", backend)
	return b.String()
}

// apacheIfCond writes an <If> condition on the Origin as people write
// them: a regex on %{HTTP:Origin} or %{REQ:Origin} (anchored or not), or
// an exact comparison.
func apacheIfCond(r *rand.Rand) string {
	v := []string{"%{HTTP:Origin}", "%{REQ:Origin}", "req('Origin')"}[r.IntN(3)]
	switch r.IntN(3) {
	case 0:
		return fmt.Sprintf("%s == '%s'", v, randOrigin(r))
	case 1:
		return fmt.Sprintf("%s =~ m#%s#", v, randRegex(r))
	}
	// No "/" inside /.../: ap_expr's lexer ends the regex there.
	return fmt.Sprintf("%s =~ /%s/%s", v, strings.ReplaceAll(randRegex(r), "/", `\x2F`), []string{"", "i"}[r.IntN(2)])
}

// apacheSection places the CORS part: mode 0 and 3 in the host, 1 in a
// <Location /api>, 2 in a <LocationMatch "^/api/">, 4 in a <Location /api>
// holding the <If>, 5 in the host with an <ElseIf>/<Else> after the <If>.
// With ifCond, the lines go into <If "ifCond">.
func apacheSection(r *rand.Rand, mode int, ifCond, cors string) string {
	indent := func(s string) string {
		return strings.ReplaceAll(strings.TrimSuffix("    "+s, "    "), "\n    ", "\n        ")
	}
	body := cors
	if ifCond != "" {
		body = "    <If \"" + ifCond + "\">\n" + indent(cors) + "    </If>\n"
		if mode == 5 {
			body += "    <ElseIf \"" + apacheIfCond(r) + "\">\n        Header always set Access-Control-Allow-Origin \"https://elseif.lintdiff.example\"\n    </ElseIf>\n"
			if r.IntN(2) == 0 {
				body += "    <Else>\n        Header always unset Access-Control-Allow-Credentials\n    </Else>\n"
			}
		}
	}
	switch {
	case mode == 1 || mode == 4:
		return "    <Location /api>\n" + indent(body) + "    </Location>\n"
	case mode == 2:
		return "    <LocationMatch \"^/api/\">\n" + indent(body) + "    </LocationMatch>\n"
	}
	return body
}

func lintDiffApache(t *testing.T, n int) {
	r := rand.New(rand.NewPCG(lintDiffSeed, 7))
	sec := rand.New(rand.NewPCG(lintDiffSeed, 8)) // where the CORS part goes
	backend := realserver.Go(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok\n"))
	}))
	addr := strings.TrimPrefix(backend.URL, "http://")
	var conf strings.Builder
	for i := range n {
		conf.WriteString(apacheVhost(r, sec, i, addr))
	}
	srv := realserver.Apache(t, conf.String())
	file := filepath.Join(t.TempDir(), "cors.conf")
	deployed := strings.ReplaceAll(conf.String(), realserver.Listen, "*:80")
	if err := os.WriteFile(file, []byte(deployed), 0o644); err != nil {
		t.Fatal(err)
	}
	units, err := lint.ReadFile(file, []byte(deployed))
	if err != nil || len(units) != n {
		t.Fatalf("lint read %d policies, want %d: %v", len(units), n, err)
	}
	// Each unit's host: the last <VirtualHost> that starts before it.
	var starts []int
	for i, l := range strings.Split(deployed, "\n") {
		if strings.HasPrefix(l, "<VirtualHost") {
			starts = append(starts, i+1)
		}
	}
	port := srv.Port()
	var cases []diffCase
	sections := 0
	for _, u := range units {
		host := len(starts) - 1
		for host > 0 && starts[host] > u.Line {
			host--
		}
		if u.Dynamic != "" {
			t.Errorf("c%d: not evaluated: %s", host, u.Dynamic)
		}
		name := fmt.Sprintf("c%d", host)
		if strings.Contains(deployed[strings.Index(deployed, "ServerName "+name+".lintdiff.example\n"):][:200], "    <") {
			sections++
		}
		cases = append(cases, diffCase{name: name, file: file, unit: u, url: fmt.Sprintf("http://%s.lintdiff.example:%d%s", name, port, u.Path)})
	}
	bad := differ(t, fmt.Sprintf("127.0.0.1:%d", port), cases, func(c diffCase) string {
		i := strings.Index(deployed, "ServerName "+c.name+".lintdiff.example\n")
		j := strings.Index(deployed[i:], "</VirtualHost>")
		return deployed[i : i+j]
	})
	t.Logf("apache: %d configurations (%d with <Location>, <LocationMatch>, <If> or <IfModule>), %d differed", n, sections, bad)
}

// caddyHandle writes one random CORS handle block (and the site-level
// matchers it uses) in the forms Caddy's documentation and the wild use:
// a fixed value, header or header_regexp matchers on Origin with
// {header.Origin}, credentials, Vary, a preflight answered by respond.
func caddyHandle(r *rand.Rand, i int) (matchers, handle string) {
	var m, b strings.Builder
	fmt.Fprintf(&b, "\thandle /c%d/* {\n", i)
	cors := ""
	acao := "{header.Origin}"
	switch r.IntN(5) {
	case 0:
		acao = `"*"`
	case 1:
		acao = randOrigin(r)
	case 2:
		if r.IntN(2) == 0 {
			fmt.Fprintf(&m, "\t@cors%d header Origin %s\n", i, randOrigin(r))
		} else { // several origins: one header line each, any matches
			fmt.Fprintf(&m, "\t@cors%d {\n\t\theader Origin %s\n\t\theader Origin %s\n\t}\n", i, randOrigin(r), randOrigin(r))
		}
		cors = fmt.Sprintf("@cors%d ", i)
	case 3:
		fmt.Fprintf(&m, "\t@cors%d header_regexp Origin `%s`\n", i, randRegex(r))
		cors = fmt.Sprintf("@cors%d ", i)
	default:
		host := diffHosts[r.IntN(len(diffHosts))]
		fmt.Fprintf(&m, "\t@cors%d header Origin %s\n", i, []string{"*" + host, "https://" + host + "*", "*" + host + "*"}[r.IntN(3)])
		cors = fmt.Sprintf("@cors%d ", i)
	}
	// A fixed fallback beside the matched header: in a handle Caddy
	// sorts the matched one first (so the fallback wins), in a route the
	// order written holds.
	if cors != "" && r.IntN(3) == 0 {
		fallback := fmt.Sprintf("\t\theader Access-Control-Allow-Origin %s\n", []string{`"*"`, randOrigin(r)}[r.IntN(2)])
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "\t\troute {\n\t%s\t\theader %sAccess-Control-Allow-Origin %s\n\t\t}\n", fallback, cors, acao)
		} else {
			b.WriteString(fallback)
		}
	}
	fmt.Fprintf(&b, "\t\theader %s{\n\t\t\tAccess-Control-Allow-Origin %s\n", cors, acao)
	if r.IntN(2) == 0 {
		b.WriteString("\t\t\tAccess-Control-Allow-Credentials true\n")
	}
	if r.IntN(2) == 0 {
		b.WriteString("\t\t\t+Vary Origin\n")
	}
	b.WriteString("\t\t}\n")
	if r.IntN(2) == 0 {
		fmt.Fprintf(&m, "\t@pre%d {\n\t\tmethod OPTIONS\n\t\theader Access-Control-Request-Method *\n\t}\n", i)
		fmt.Fprintf(&b, "\t\theader @pre%d Access-Control-Allow-Methods \"GET, POST, PUT\"\n", i)
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "\t\theader @pre%d Access-Control-Allow-Headers {header.Access-Control-Request-Headers}\n", i)
		}
		fmt.Fprintf(&b, "\t\trespond @pre%d 204\n", i)
	}
	b.WriteString("\t\trespond \"ok\" 200\n\t}\n")
	return m.String(), b.String()
}

func lintDiffCaddy(t *testing.T, n int) {
	r := rand.New(rand.NewPCG(lintDiffSeed, 8))
	var matchers, handles strings.Builder
	for i := range n {
		m, h := caddyHandle(r, i)
		matchers.WriteString(m)
		handles.WriteString(h)
	}
	conf := realserver.Listen + " {\n" + matchers.String() + handles.String() + "}\n"
	srv := realserver.Caddy(t, conf)
	file := filepath.Join(t.TempDir(), "Caddyfile")
	deployed := strings.ReplaceAll(conf, realserver.Listen, "api.lintdiff.example")
	if err := os.WriteFile(file, []byte(deployed), 0o644); err != nil {
		t.Fatal(err)
	}
	units, err := lint.ReadFile(file, []byte(deployed))
	if err != nil || len(units) != n {
		t.Fatalf("lint read %d policies, want %d: %v", len(units), n, err)
	}
	var cases []diffCase
	for _, u := range units {
		cases = append(cases, diffCase{name: u.Name, file: file, url: srv.URL + u.Path, unit: u})
	}
	bad := differ(t, strings.TrimPrefix(srv.URL, "http://"), cases, func(c diffCase) string {
		i := strings.Index(deployed, "handle "+c.unit.Path+"* {")
		j := strings.Index(deployed[i:], "\n\t}\n")
		k := strings.TrimSuffix(strings.TrimPrefix(c.unit.Path, "/c"), "/")
		var ms []string
		for _, l := range strings.Split(matchers.String(), "\n\t@") {
			if strings.HasPrefix(strings.TrimPrefix(l, "\t@"), "cors"+k+" ") || strings.HasPrefix(strings.TrimPrefix(l, "\t@"), "pre"+k+" ") {
				ms = append(ms, l)
			}
		}
		return strings.Join(ms, "\n") + "\n" + deployed[i:i+j+4]
	})
	t.Logf("caddy: %d configurations, %d differed", n, bad)
}

// honoOptions writes one random options object for hono's cors and the
// path it is used on.
func honoOptions(r *rand.Rand) (path, opts string) {
	var fields []string
	switch r.IntN(7) {
	case 0: // the default: "*"
	case 1:
		fields = append(fields, "origin: '*'")
	case 2:
		fields = append(fields, fmt.Sprintf("origin: '%s'", randOrigin(r)))
	default:
		var els []string
		for k := r.IntN(3) + 1; k > 0; k-- {
			switch r.IntN(6) {
			case 0:
				els = append(els, jsRegex(r)) // never === a string
			case 1:
				els = append(els, []string{"'null'", "'*'", "'http://localhost:3000'"}[r.IntN(3)])
			default:
				els = append(els, fmt.Sprintf("'%s'", randOrigin(r)))
			}
		}
		fields = append(fields, "origin: ["+strings.Join(els, ", ")+"]")
	}
	if r.IntN(2) == 0 {
		fields = append(fields, "credentials: true")
	}
	switch r.IntN(4) {
	case 0:
		fields = append(fields, "allowMethods: ['GET', 'POST']")
	case 1:
		fields = append(fields, "allowMethods: ['GET', 'POST', 'PUT']")
	case 2:
		fields = append(fields, "allowMethods: 'GET,PUT'") // not an array: no Allow-Methods
	}
	if r.IntN(2) == 0 {
		fields = append(fields, "allowHeaders: ['Content-Type', 'X-Custom']")
	}
	if r.IntN(4) == 0 {
		fields = append(fields, "exposeHeaders: ['X-Total']")
	}
	if r.IntN(4) == 0 {
		fields = append(fields, "maxAge: 600")
	}
	path = []string{"*", "/api/*"}[r.IntN(2)]
	return path, "{\n  " + strings.Join(fields, ",\n  ") + "\n}"
}

// honoDiffServer runs one Hono app per configuration, each with hono's
// cors used on the path the lint reads, behind one @hono/node-server that
// picks the app by the Host's first label.
const honoDiffServer = `'use strict';
const { Hono } = require('hono');
const { cors } = require('hono/cors');
const { serve } = require('@hono/node-server');
const configs = {{configs}};
const apps = {};
for (const k of Object.keys(configs)) {
  const app = new Hono();
  app.use(configs[k][0], cors(configs[k][1]));
  app.all('*', (c) => c.text('ok\n'));
  apps[k] = app;
}
serve({ port: {{port}}, hostname: '127.0.0.1', fetch: (req, env) => {
  const app = apps[(req.headers.get('host') || '').split('.')[0]];
  return app ? app.fetch(req, env) : new Response(null, { status: 404 });
} });
process.on('SIGTERM', () => process.exit(0));
`
