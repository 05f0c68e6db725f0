package realserver

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// ExpressOptions configures Express.
type ExpressOptions struct {
	// CORS is the argument of cors(...), as JavaScript source: usually an
	// object literal such as `{origin: ["https://a.example"], credentials: true}`.
	// Empty: cors() with the package's defaults (any origin, "*").
	CORS string
	// Code is JavaScript run after app.use(cors(...)) with app, express
	// and cors in scope, to add routes or middleware. Requests no route
	// answers get 200 "ok".
	Code string
}

// NodeDir returns e2e/node, the committed npm package (package.json and
// package-lock.json pinning express and cors, fastify, @fastify/cors and
// helmet) that Express and NodeProgram run.
func NodeDir() string { return filepath.Join(sourceDir(), "..", "node") }

// Express starts Node.js running Express with the cors npm package
// (versions pinned in e2e/node/package-lock.json) on a free loopback port.
// When e2e/node/node_modules is missing it runs `npm ci` there first
// (scripts/ensure-deps.sh does it for `make test`), under a lock so that
// test binaries running at once do not install it twice.
func Express(t testing.TB, o ExpressOptions) *Server {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("realserver: node not found on $PATH (Debian packages nodejs and npm; `make deps` installs them): this test runs the real server and is never skipped")
	}
	dir := NodeDir()
	npmCI(t, dir)
	s, err := start(t, process{
		name: "express",
		bin:  node,
		args: []string{filepath.Join(dir, "server.js")},
		env:  []string{"REALSERVER_CORS=" + o.CORS, "REALSERVER_CODE=" + o.Code},
		dir:  dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Dir = ""
	return s
}

// npmCI installs dir's node_modules from its lock file when they are
// missing.
func npmCI(t testing.TB, dir string) {
	t.Helper()
	lock, err := os.OpenFile(filepath.Join(dir, ".install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("realserver: express: %v", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("realserver: express: locking %s: %v", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	mods := []string{"express", "cors", "fastify", "@fastify/cors", "helmet", "hono", "@hono/node-server"}
	if dir == NodeGuardsDir() {
		mods = nodeGuardsModules
	}
	if installed(dir, mods...) {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("realserver: npm not found on $PATH (Debian package npm; `make deps` installs it)")
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("realserver: npm ci in %s: %v\n%s", dir, err, out)
	}
}

// installed reports whether dir's node_modules holds every module.
func installed(dir string, modules ...string) bool {
	for _, m := range modules {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			return false
		}
	}
	return true
}

// FlaskOptions configures Flask.
type FlaskOptions struct {
	// CORS is the keyword arguments of flask_cors.CORS(app, ...), as
	// Python source: `origins=["https://a.example"], supports_credentials=True`.
	// Empty: CORS(app) with Flask-CORS's defaults.
	CORS string
	// Code is Python run after CORS(app, ...) with app, request and
	// Response in scope, to add routes. Requests no route answers get
	// 200 "ok" (for GET, HEAD, POST, PUT, PATCH and DELETE; Flask answers
	// OPTIONS itself).
	Code string
}

// PythonPath is the Python that has Debian's python3-flask-cors; the
// python3 first on $PATH may be another one (pyenv) without Flask.
// $PYTHON3 overrides it.
const PythonPath = "/usr/bin/python3"

//go:embed flask_server.py
var flaskServer []byte

// Flask starts Flask with Flask-CORS (Debian's python3-flask-cors) under
// Werkzeug's threaded server on a free loopback port.
func Flask(t testing.TB, o FlaskOptions) *Server {
	t.Helper()
	py := binary(t, "python3 with Flask-CORS", "PYTHON3", PythonPath, "python3-flask-cors")
	dir := t.TempDir()
	script := filepath.Join(dir, "server.py")
	if err := os.WriteFile(script, flaskServer, 0o644); err != nil {
		t.Fatalf("realserver: flask: %v", err)
	}
	s, err := start(t, process{
		name: "flask",
		bin:  py,
		args: []string{"-u", script},
		env:  []string{"REALSERVER_CORS=" + o.CORS, "REALSERVER_CODE=" + o.Code, "PYTHONDONTWRITEBYTECODE=1"},
		dir:  dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
