package realserver

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// PortPlaceholder is replaced, in the arguments, environment and source
// that Command, NodeProgram and PythonProgram are given, by the port the
// server must listen on (on 127.0.0.1).
const PortPlaceholder = "{{port}}"

// Command starts bin with args and env (PortPlaceholder replaced by a
// free port) and waits until it accepts connections on 127.0.0.1:port:
// for programs that take their port from the command line or the
// environment, such as Go servers built by a test. Like every starter it
// fails the test, never skips, when bin is missing or does not answer.
func Command(t testing.TB, name, bin string, args, env []string) *Server {
	t.Helper()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("realserver: %s: %v", name, err)
	}
	dir := t.TempDir()
	return startRetry(t, func(port int) process {
		r := strings.NewReplacer(PortPlaceholder, strconv.Itoa(port))
		p := process{name: name, bin: bin, dir: dir, port: port}
		for _, a := range args {
			p.args = append(p.args, r.Replace(a))
		}
		for _, e := range env {
			p.env = append(p.env, r.Replace(e))
		}
		return p
	})
}

// NodeProgram runs source, a complete Node.js program, with the npm
// packages of e2e/node (express, cors, fastify, @fastify/cors) on its
// require path; PortPlaceholder in source is replaced by the port it must
// listen on.
func NodeProgram(t testing.TB, name, source string) *Server {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("realserver: node not found on $PATH (Debian packages nodejs and npm; `make deps` installs them): this test runs the real server and is never skipped")
	}
	npmCI(t, NodeDir())
	dir := t.TempDir()
	return startRetry(t, func(port int) process {
		script := filepath.Join(dir, "server.js")
		src := strings.ReplaceAll(source, PortPlaceholder, strconv.Itoa(port))
		if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
			t.Fatalf("realserver: %s: %v", name, err)
		}
		return process{
			name: name, bin: node, args: []string{script}, dir: dir, port: port,
			env: []string{"NODE_PATH=" + filepath.Join(NodeDir(), "node_modules")},
		}
	})
}

// PythonProgram runs source, a complete Python program, under Debian's
// /usr/bin/python3 (PythonPath); pkg names the Debian package that the
// failure message tells to install when the program cannot start.
func PythonProgram(t testing.TB, name, pkg, source string) *Server {
	t.Helper()
	py := binary(t, "python3", "PYTHON3", PythonPath, pkg)
	dir := t.TempDir()
	return startRetry(t, func(port int) process {
		script := filepath.Join(dir, "server.py")
		src := strings.ReplaceAll(source, PortPlaceholder, strconv.Itoa(port))
		if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
			t.Fatalf("realserver: %s: %v", name, err)
		}
		return process{
			name: name, bin: py, args: []string{"-u", script}, dir: dir, port: port,
			env: []string{"PYTHONDONTWRITEBYTECODE=1"},
		}
	})
}

//go:embed django_server.py
var djangoServer []byte

// Django starts a one-file Django project whose settings are the given
// settings.py source (INSTALLED_APPS, MIDDLEWARE and the CORS_* settings
// of django-cors-headers, Debian's python3-django-cors-headers) plus what
// the harness needs (ROOT_URLCONF, ALLOWED_HOSTS), under the standard
// library's threaded WSGI server, as `manage.py runserver` runs it. Every
// path answers 200 "ok" for every method but OPTIONS. DEBUG is off unless
// the settings turn it on.
func Django(t testing.TB, settings string) *Server {
	t.Helper()
	return startDjango(t, settings, nil)
}

// Django4Path is where scripts/ensure-deps.sh unpacks Django 4.2 (from
// bookworm-backports) and django-csp 4 (from sid), beside Debian's Django
// 3.2 and django-csp 3.7 (which stay installed: the other Django tests run
// them); $DJANGO4_PATH overrides it.
const Django4Path = "/usr/local/lib/corskit/django-4.2"

// Django4Dir is Django4Path, checked: a test that needs Django 4 fails
// (never skips) without it.
func Django4Dir(t testing.TB) string {
	t.Helper()
	dir := Django4Path
	if p := os.Getenv("DJANGO4_PATH"); p != "" {
		dir = p
	}
	for _, pkg := range []string{"django", "csp"} {
		if _, err := os.Stat(filepath.Join(dir, pkg, "__init__.py")); err != nil {
			t.Fatalf("realserver: no %s in %s (scripts/ensure-deps.sh unpacks Django 4.2 and django-csp 4 there): this test runs the real server and is never skipped", pkg, dir)
		}
	}
	return dir
}

// Django4 is Django with Django 4.2 first on the Python path, the same
// django-cors-headers beside it: the CSRF middleware of Django 4 checks
// Origin against CSRF_TRUSTED_ORIGINS, where 3.2's does not on http.
func Django4(t testing.TB, settings string) *Server {
	t.Helper()
	return startDjango(t, settings, []string{"PYTHONPATH=" + Django4Dir(t)})
}

func startDjango(t testing.TB, settings string, env []string) *Server {
	t.Helper()
	py := binary(t, "python3", "PYTHON3", PythonPath, "python3-django-cors-headers")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server.py"), djangoServer, 0o644); err != nil {
		t.Fatalf("realserver: django: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cors_settings.py"), []byte(settings), 0o644); err != nil {
		t.Fatalf("realserver: django: %v", err)
	}
	return startRetry(t, func(port int) process {
		return process{
			name: "django", bin: py, args: []string{"-u", filepath.Join(dir, "server.py"), strconv.Itoa(port)},
			dir: dir, port: port, env: append([]string{"PYTHONDONTWRITEBYTECODE=1"}, env...),
			// The port accepts connections from make_server on, before
			// the script prints its Django version (which Django4's test
			// reads from the log): started means both.
			ready: "PORT=",
		}
	})
}

// ApachePath is where Debian's apache2 package installs httpd; $APACHE2
// overrides it.
const ApachePath = "/usr/sbin/apache2"

// apacheModules are the modules Apache loads: the event MPM and what CORS
// configurations use (headers, setenvif, rewrite, proxy).
var apacheModules = []string{"mpm_event", "authz_core", "headers", "setenvif", "rewrite", "proxy", "proxy_http", "env"}

// Apache starts Debian's Apache httpd with config (a <VirtualHost> block
// or directives of the server config) after a minimal httpd.conf that
// listens on 127.0.0.1:PORT and loads mod_headers, mod_setenvif,
// mod_rewrite and mod_proxy_http. {{listen}} in config is replaced by
// 127.0.0.1:PORT (write `<VirtualHost {{listen}}>`). Everything lives in
// a fresh t.TempDir(); the error log goes to the harness's output.
func Apache(t testing.TB, config string) *Server {
	t.Helper()
	bin := binary(t, "apache2", "APACHE2", ApachePath, "apache2")
	dir := t.TempDir()
	conf := filepath.Join(dir, "httpd.conf")
	return startRetry(t, func(port int) process {
		listen := "127.0.0.1:" + strconv.Itoa(port)
		var b strings.Builder
		fmt.Fprintf(&b, "# Written by github.com/corskit/corskit/e2e/realserver.\nServerRoot %q\nServerName 127.0.0.1\nListen %s\nPidFile %q\nErrorLog /dev/stderr\nLogLevel warn\nMutex file:%s\n", dir, listen, filepath.Join(dir, "httpd.pid"), dir)
		for _, m := range apacheModules {
			fmt.Fprintf(&b, "LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n", m, m)
		}
		if os.Geteuid() == 0 {
			b.WriteString("User nobody\nGroup nogroup\n")
		}
		b.WriteString("StartServers 1\nServerLimit 1\nThreadsPerChild 25\nMaxRequestWorkers 25\n")
		b.WriteString(strings.ReplaceAll(config, Listen, listen))
		b.WriteString("\n")
		if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
			t.Fatalf("realserver: apache: %v", err)
		}
		return process{
			name: "apache", bin: bin, args: []string{"-f", conf, "-DFOREGROUND"}, dir: dir, port: port,
			env: []string{"APACHE_RUN_DIR=" + dir, "APACHE_LOCK_DIR=" + dir, "APACHE_LOG_DIR=" + dir},
		}
	})
}

// CaddyPath is where Debian's caddy package installs Caddy; $CADDY
// overrides it.
const CaddyPath = "/usr/bin/caddy"

// Caddy starts Debian's Caddy with caddyfile, a Caddyfile whose one site
// address is {{listen}}: the harness replaces it by :PORT and binds the
// site to 127.0.0.1. Global options turn off the admin endpoint and
// automatic HTTPS; Caddy's data and configuration directories are in a
// fresh t.TempDir().
func Caddy(t testing.TB, caddyfile string) *Server {
	t.Helper()
	bin := binary(t, "caddy", "CADDY", CaddyPath, "caddy")
	dir := t.TempDir()
	file := filepath.Join(dir, "Caddyfile")
	return startRetry(t, func(port int) process {
		site := strings.Replace(caddyfile, Listen+" {", ":"+strconv.Itoa(port)+" {\n\tbind 127.0.0.1", 1)
		src := "{\n\tadmin off\n\tauto_https off\n}\n\n" + site
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatalf("realserver: caddy: %v", err)
		}
		return process{
			name: "caddy", bin: bin, args: []string{"run", "--config", file, "--adapter", "caddyfile"}, dir: dir, port: port,
			env: []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir},
		}
	})
}
