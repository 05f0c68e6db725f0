package e2e

import (
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corskit/corskit/e2e/realserver"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/stacks"
)

// newDocroot makes a document root holding one file, readable by Apache's
// worker (nobody), for the tests that paste a header snippet into real
// nginx, Apache and Caddy serving static files.
func newDocroot(t *testing.T, name string, data []byte) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "corskit-docroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snippetFor is the code of stack's snippet among snippets (the CSP and
// CORP fixes share the type); a missing one fails the test.
func snippetFor(t *testing.T, snippets []stacks.CSPSnippet, stack string) string {
	t.Helper()
	for _, s := range snippets {
		if s.Stack == stack {
			return s.Code
		}
	}
	t.Fatalf("no %s snippet in %v", stack, snippets)
	return ""
}

// expressWith runs Express with helmet (e2e/node's lock file pins both)
// and snippet pasted after `const app = express();`, answering every
// path with body as contentType.
func expressWith(t *testing.T, snippet, contentType string, body []byte) *realserver.Server {
	t.Helper()
	return realserver.NodeProgram(t, "express", `const express = require('express');
const helmet = require('helmet');
const app = express();
`+snippet+`
const body = Buffer.from(`+strconv.Quote(base64.StdEncoding.EncodeToString(body))+`, 'base64');
app.use((req, res) => res.type(`+strconv.Quote(contentType)+`).send(body));
app.listen(`+realserver.PortPlaceholder+`, '127.0.0.1');
`)
}

// djangoCSPWith runs Django with django-csp (its middleware in
// MIDDLEWARE) and snippet pasted into the settings, answering every path
// with html: Debian's Django 3.2 and django-csp 3.7, or, with path, the
// Django and django-csp found there first (realserver.Django4Dir).
func djangoCSPWith(t *testing.T, snippet, html, path string) *realserver.Server {
	t.Helper()
	return realserver.PythonProgram(t, "django", "python3-django-csp", `import os, signal, sys
sys.path[:0] = [p for p in [`+strconv.Quote(path)+`] if p]
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import re_path
import csp

print("DJANGO=%s CSP=%s" % (django.get_version(), csp.__file__), flush=True)
`+snippet+`

conf = {k: v for k, v in dict(globals()).items() if k.startswith("CSP_") or k.startswith("CONTENT_SECURITY_POLICY")}
settings.configure(DEBUG=False, ALLOWED_HOSTS=["127.0.0.1", "localhost"], ROOT_URLCONF=__name__, SECRET_KEY="realserver",
                   MIDDLEWARE=["csp.middleware.CSPMiddleware"], **conf)
django.setup()

def page(request, path=""):
    return HttpResponse(`+strconv.Quote(html)+`, content_type="text/html")

urlpatterns = [re_path(r"^(?P<path>.*)$", page)]
from django.core.wsgi import get_wsgi_application

class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", `+realserver.PortPlaceholder+`, get_wsgi_application(), server_class=Server, handler_class=Quiet)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
server.serve_forever()
`)
}

// servedHeader is what a real server sends as the named header for url,
// each field line joined by ", " as a browser reads them.
func servedHeader(t *testing.T, url, name string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return strings.Join(resp.Header.Values(name), ", ")
}

// samePolicy reports whether two serialized CSPs have the same
// directives with the same sources, in any order (servers reorder and
// respace them): what a browser enforces from either is the same.
func samePolicy(a, b string) bool {
	pa, pb := fetch.ParseCSP([]string{a}, false), fetch.ParseCSP([]string{b}, false)
	if len(pa) != 1 || len(pb) != 1 || len(pa[0].Directives) != len(pb[0].Directives) {
		return false
	}
	want := map[string]string{}
	for _, d := range pb[0].Directives {
		want[d.Name] = strings.Join(d.Sources, " ")
	}
	for _, d := range pa[0].Directives {
		if v, ok := want[d.Name]; !ok || v != strings.Join(d.Sources, " ") {
			return false
		}
	}
	return true
}
