package realserver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// NodeGuardsDir returns e2e/node-guards, the committed npm package that
// pins Vite (its dev server's host check) and ws (a WebSocket server),
// for the tests of the guards check recognises and of audit's
// cross-site WebSocket hijacking probe.
func NodeGuardsDir() string { return filepath.Join(sourceDir(), "..", "node-guards") }

// nodeGuardsModules are the packages NodeGuardsDir's lock file installs
// that the tests load.
var nodeGuardsModules = []string{"vite", "ws"}

// NodeGuardsProgram runs source, a complete Node.js program (an ES
// module, .mjs), with e2e/node-guards's packages (vite, ws) importable;
// PortPlaceholder in source is replaced by the port it must listen on
// (127.0.0.1).
func NodeGuardsProgram(t testing.TB, name, source string) *Server {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("realserver: node not found on $PATH (Debian packages nodejs and npm; `make deps` installs them): this test runs the real server and is never skipped")
	}
	dir := NodeGuardsDir()
	npmCI(t, dir)
	tmp := t.TempDir()
	return startRetry(t, func(port int) process {
		// Inside the package, so that import finds its node_modules.
		script := filepath.Join(dir, "realserver-"+strconv.Itoa(os.Getpid())+"-"+strconv.Itoa(port)+".mjs")
		src := strings.ReplaceAll(source, PortPlaceholder, strconv.Itoa(port))
		if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
			t.Fatalf("realserver: %s: %v", name, err)
		}
		t.Cleanup(func() { os.Remove(script) })
		return process{name: name, bin: node, args: []string{script}, dir: tmp, port: port}
	})
}

// Vite starts Vite's dev server (the version e2e/node-guards pins) on
// 127.0.0.1, serving an empty page, with its default server options
// (server.allowedHosts: localhost and IP addresses only; server.cors:
// localhost origins only) merged with server, a JavaScript object
// literal of further server options ("" for none).
func Vite(t testing.TB, server string) *Server {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "index.html"), []byte("<!doctype html><title>vite</title>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if server == "" {
		server = "{}"
	}
	src := `import { createServer } from 'vite';
const server = await createServer({
  root: ` + strconv.Quote(root) + `, configFile: false, logLevel: 'silent', clearScreen: false,
  server: { ...` + server + `, host: '127.0.0.1', port: ` + PortPlaceholder + `, strictPort: true },
});
await server.listen();
`
	return NodeGuardsProgram(t, "vite", src)
}
