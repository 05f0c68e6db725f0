package realserver

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// NginxPath is where Debian's nginx package installs nginx; $NGINX
// overrides it.
const NginxPath = "/usr/sbin/nginx"

// Placeholders that NginxHTTP and Nginx replace in the configuration they
// are given.
const (
	// Listen is replaced by the address nginx must listen on,
	// 127.0.0.1:PORT: write `listen {{listen}};`.
	Listen = "{{listen}}"
	// DirPlaceholder is replaced by the server's temporary directory, for
	// paths such as proxy_cache_path.
	DirPlaceholder = "{{dir}}"
)

// NginxHTTP starts nginx with snippet as the body of its http {} block.
// The snippet declares its own server {} blocks (at least one with
// `listen {{listen}};`) and may declare maps, upstreams and cache zones
// around them; {{dir}} names the server's temporary directory.
//
// nginx runs in the foreground (daemon off) with one worker, its prefix,
// pid file, error log, access log and temporary paths all in a fresh
// t.TempDir(), so it touches nothing of the machine's own nginx. As root it
// runs its worker as root too (`user root;`), because the test's temporary
// directory is not readable by nobody. The access log,
// Server.Dir/logs/access.log, records each request line, status,
// $upstream_cache_status and Origin.
func NginxHTTP(t testing.TB, snippet string) *Server {
	t.Helper()
	return NginxHTTPFiles(t, snippet, nil)
}

// NginxHTTPFiles is NginxHTTP with more files in the server's directory,
// beside its nginx.conf (names slash-separated, relative to it): what the
// configuration's include directives name relative to nginx's prefix.
func NginxHTTPFiles(t testing.TB, snippet string, files map[string]string) *Server {
	t.Helper()
	bin := binary(t, "nginx", "NGINX", NginxPath, "nginx")
	dir := t.TempDir()
	for _, sub := range []string{"tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatalf("realserver: nginx: %v", err)
		}
	}
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatalf("realserver: nginx: %v", err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatalf("realserver: nginx: %v", err)
		}
	}
	conf := filepath.Join(dir, "nginx.conf")
	return startRetry(t, func(port int) process {
		if err := os.WriteFile(conf, []byte(nginxConf(dir, port, snippet)), 0o644); err != nil {
			t.Fatalf("realserver: nginx: %v", err)
		}
		return process{
			name: "nginx",
			bin:  bin,
			// -e: the error log before the configuration is read (the
			// compiled-in path may not be writable); the configuration
			// sends it to stderr, which the harness keeps.
			args: []string{"-p", dir + "/", "-c", conf, "-e", "stderr"},
			dir:  dir,
			port: port,
		}
	})
}

// Nginx starts nginx with one server {} whose body is serverBody; the
// harness adds the listen directive. For maps, cache zones or several
// servers, use NginxHTTP.
func Nginx(t testing.TB, serverBody string) *Server {
	t.Helper()
	return NginxHTTP(t, "server {\n    listen "+Listen+";\n    server_name _;\n"+serverBody+"\n}\n")
}

func nginxConf(dir string, port int, snippet string) string {
	var b strings.Builder
	b.WriteString("# Written by github.com/corskit/corskit/e2e/realserver.\n")
	if os.Geteuid() == 0 {
		b.WriteString("user root;\n")
	}
	fmt.Fprintf(&b, `daemon off;
master_process on;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log stderr notice;
events { worker_connections 256; }
http {
    log_format realserver '$remote_addr "$request" $status cache=$upstream_cache_status origin="$http_origin"';
    access_log %[1]s/logs/access.log realserver;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    default_type text/plain;
`, dir)
	r := strings.NewReplacer(Listen, "127.0.0.1:"+strconv.Itoa(port), DirPlaceholder, dir)
	b.WriteString(r.Replace(snippet))
	b.WriteString("\n}\n")
	return b.String()
}

// NginxCacheOptions shapes NginxProxyCache.
type NginxCacheOptions struct {
	// IgnoreVary adds `proxy_ignore_headers Vary;`: nginx then caches one
	// answer per URL whatever the backend's Vary says, as a careless
	// configuration does. By default nginx honours Vary (since 1.7.7).
	IgnoreVary bool
	// Location is added to the caching location {} (more directives, such
	// as proxy_cache_valid for backends that send no Cache-Control).
	Location string
}

// NginxProxyCache starts nginx as a caching reverse proxy in front of
// backend (an http://host:port URL): every path is proxied to the backend
// and cached by proxy_cache, keyed by nginx's default key
// ($scheme$proxy_host$request_uri), for as long as the backend's
// Cache-Control or Expires allows. Responses that nginx does not cache by
// default stay uncached: ones with Set-Cookie, Vary: *, or
// Cache-Control: private, no-cache or no-store.
//
// nginx caches GET and HEAD only (proxy_cache_methods accepts GET, HEAD and
// POST, never OPTIONS): every preflight reaches the backend.
//
// Each response carries X-Cache-Status: nginx's $upstream_cache_status
// (MISS, HIT, EXPIRED, BYPASS or empty when the cache was not consulted).
func NginxProxyCache(t testing.TB, backend string, opts NginxCacheOptions) *Server {
	t.Helper()
	u, err := url.Parse(backend)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		t.Fatalf("realserver: NginxProxyCache: backend %q is not an http://host:port URL", backend)
	}
	extra := opts.Location
	if opts.IgnoreVary {
		extra += "\n        proxy_ignore_headers Vary;"
	}
	return NginxHTTP(t, fmt.Sprintf(`
    proxy_cache_path {{dir}}/cache levels=1:2 keys_zone=realserver:1m max_size=32m inactive=10m use_temp_path=off;
    server {
        listen {{listen}};
        server_name _;
        location / {
            proxy_pass http://%s;
            proxy_cache realserver;
            add_header X-Cache-Status $upstream_cache_status always;
            %s
        }
    }
`, u.Host, extra))
}

// NginxCORSForm is one of the ways nginx configurations write CORS by hand.
type NginxCORSForm int

const (
	// AddHeaderForm sends the same headers to every request with
	// add_header: one fixed allowed origin (or "*"), whatever Origin says.
	AddHeaderForm NginxCORSForm = iota
	// IfForm is the widespread snippet: `if ($request_method = OPTIONS)`
	// answers preflights with 204, and `if ($http_origin = ...)` chains
	// set the allowed origin.
	IfForm
	// MapForm maps $http_origin to the value of
	// Access-Control-Allow-Origin (empty, so not sent, for other origins).
	MapForm
)

// NginxCORSOptions is a hand-written CORS policy for NginxCORS.
type NginxCORSOptions struct {
	Form NginxCORSForm
	// Origins are the allowed origins, written into the configuration as
	// given: "*" for any, "$http_origin" to reflect whatever comes (the
	// classic mistake), or literal origins.
	Origins     []string
	Methods     []string // Access-Control-Allow-Methods on preflights
	Headers     []string // Access-Control-Allow-Headers on preflights
	Exposed     []string // Access-Control-Expose-Headers on other responses
	Credentials bool     // Access-Control-Allow-Credentials: true
	MaxAge      int      // seconds; 0 sends no Access-Control-Max-Age
	// Vary adds Vary: Origin to every response.
	Vary bool
	// Body is what nginx answers to requests other than preflights
	// (return 200 "Body"); "ok\n" when empty.
	Body string
}

// NginxCORS starts nginx serving a fixed body with a hand-written CORS
// configuration in one of the three common forms. The generated server
// body is in Server.Dir/nginx.conf.
func NginxCORS(t testing.TB, o NginxCORSOptions) *Server {
	t.Helper()
	if len(o.Origins) == 0 {
		t.Fatal("realserver: NginxCORS: no Origins")
	}
	return NginxHTTP(t, nginxCORSConf(o))
}

// NginxCORSConf is the body of the http {} block NginxCORS serves, with
// the {{listen}} placeholder: the configuration as a file holds it.
func NginxCORSConf(o NginxCORSOptions) string { return nginxCORSConf(o) }

func nginxCORSConf(o NginxCORSOptions) string {
	body := o.Body
	if body == "" {
		body = "ok\n"
	}
	q := strconv.Quote
	var common []string // headers every allowed answer carries
	if o.Credentials {
		common = append(common, "add_header Access-Control-Allow-Credentials true always;")
	}
	if o.Vary {
		common = append(common, "add_header Vary Origin always;")
	}
	var pre []string // headers of preflight answers only
	if len(o.Methods) > 0 {
		pre = append(pre, "add_header Access-Control-Allow-Methods "+q(strings.Join(o.Methods, ", "))+" always;")
	}
	if len(o.Headers) > 0 {
		pre = append(pre, "add_header Access-Control-Allow-Headers "+q(strings.Join(o.Headers, ", "))+" always;")
	}
	if o.MaxAge > 0 {
		pre = append(pre, "add_header Access-Control-Max-Age "+strconv.Itoa(o.MaxAge)+" always;")
	}
	var simple []string
	if len(o.Exposed) > 0 {
		simple = append(simple, "add_header Access-Control-Expose-Headers "+q(strings.Join(o.Exposed, ", "))+" always;")
	}
	lines := func(ls ...[]string) string {
		var all []string
		for _, l := range ls {
			all = append(all, l...)
		}
		return "            " + strings.Join(all, "\n            ")
	}

	// Every form ends in the same server block; what differs is how the
	// allowed origin reaches add_header, and what the location sets first.
	server := func(acao, first string) string {
		return fmt.Sprintf(`    server {
        listen {{listen}};
        server_name _;
        location / {
%s            if ($request_method = OPTIONS) {
    %s
                return 204;
            }
%s
            return 200 %s;
        }
    }
`, first, lines([]string{acao}, common, pre), lines([]string{acao}, common, simple), q(body))
	}
	var b strings.Builder
	switch o.Form {
	case AddHeaderForm:
		b.WriteString("\n" + server("add_header Access-Control-Allow-Origin "+q(o.Origins[0])+" always;", ""))
	case IfForm:
		// nginx's if has no "or": a variable set by a chain of ifs is the
		// usual way round it, and add_header inside if {} replaces the
		// location's add_headers, so each branch repeats them.
		var first strings.Builder
		first.WriteString("            set $cors \"\";\n")
		for _, origin := range o.Origins {
			if origin == "*" || origin == "$http_origin" {
				fmt.Fprintf(&first, "            set $cors %s;\n", q(origin))
				continue
			}
			fmt.Fprintf(&first, "            if ($http_origin = %s) { set $cors $http_origin; }\n", q(origin))
		}
		b.WriteString("\n" + server("add_header Access-Control-Allow-Origin $cors always;", first.String()))
	case MapForm:
		b.WriteString("\n    map $http_origin $cors_origin {\n        default \"\";\n")
		for _, origin := range o.Origins {
			switch origin {
			case "*":
				b.WriteString("        default \"*\";\n")
			case "$http_origin":
				b.WriteString("        default $http_origin;\n")
			default:
				fmt.Fprintf(&b, "        %s $http_origin;\n", q(origin))
			}
		}
		b.WriteString("    }\n" + server("add_header Access-Control-Allow-Origin $cors_origin always;", ""))
	}
	return b.String()
}
