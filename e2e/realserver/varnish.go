package realserver

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// VarnishdPath is where Debian's varnish package installs varnishd;
// $VARNISHD overrides it.
const VarnishdPath = "/usr/sbin/varnishd"

// VarnishOptions shapes Varnish.
type VarnishOptions struct {
	// CacheOPTIONS makes Varnish cache OPTIONS requests (preflights) too,
	// which its builtin VCL never does (it passes every method but GET and
	// HEAD). The method joins the cache key, so a preflight never shares
	// an object with a GET of the same URL, and the backend request keeps
	// its method (Varnish otherwise fetches misses with GET). Everything
	// else stays the builtin VCL's: the backend's Cache-Control, Vary and
	// Set-Cookie decide.
	CacheOPTIONS bool
	// VCL, when set, replaces the generated VCL entirely. {{backend_host}}
	// and {{backend_port}} in it are replaced by the backend's.
	VCL string
}

// Varnish starts varnishd in the foreground in front of backend (an
// http://host:port URL):
//
//	varnishd -F -j none -a 127.0.0.1:PORT -f VCL -n DIR -s malloc,32m -T none
//
// The generated VCL names the backend and marks responses with X-Cache: HIT
// or MISS (and X-Cache-Hits: obj.hits); every other decision is the
// builtin VCL's. So Varnish caches what the backend marks cacheable
// (Cache-Control: public, max-age=N; s-maxage; or its default TTL of 120 s
// for a cacheable status without either), honours Vary, and does not cache
// requests that carry Cookie or Authorization, responses that set a
// cookie, or methods other than GET and HEAD (see CacheOPTIONS).
//
// varnishd compiles the VCL with the C compiler (Debian's varnish package
// depends on gcc), and loads the result from its working directory, which
// is a t.TempDir().
func Varnish(t testing.TB, backend string, opts VarnishOptions) *Server {
	t.Helper()
	bin := binary(t, "varnishd", "VARNISHD", VarnishdPath, "varnish")
	u, err := url.Parse(backend)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		t.Fatalf("realserver: Varnish: backend %q is not an http://host:port URL", backend)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		t.Fatalf("realserver: Varnish: backend %q has no port: %v", backend, err)
	}
	dir := t.TempDir()
	vcl := opts.VCL
	if vcl == "" {
		vcl = varnishVCL(opts.CacheOPTIONS)
	}
	vcl = strings.NewReplacer("{{backend_host}}", host, "{{backend_port}}", port).Replace(vcl)
	vclPath := filepath.Join(dir, "realserver.vcl")
	if err := os.WriteFile(vclPath, []byte(vcl), 0o644); err != nil {
		t.Fatalf("realserver: Varnish: %v", err)
	}
	return startRetry(t, func(port int) process {
		return process{
			name: "varnish",
			bin:  bin,
			args: []string{
				"-F",         // foreground
				"-j", "none", // no privilege separation: the temp dir is root's
				"-a", "127.0.0.1:" + strconv.Itoa(port),
				"-f", vclPath,
				"-n", filepath.Join(dir, "work"),
				"-s", "malloc,32m",
				"-T", "none", // no management port: nothing to collide on
			},
			dir:  dir,
			port: port,
			// The manager binds the port before its child serves; the
			// child says this once it does.
			ready: "Child starts",
		}
	})
}

func varnishVCL(cacheOptions bool) string {
	var recv, hash, fetch string
	if cacheOptions {
		recv = `
    if (req.method == "OPTIONS") {
        # The builtin VCL would pass: look it up like a GET instead, but not
        # when the builtin would not cache a GET either.
        if (req.http.Authorization || req.http.Cookie) {
            return (pass);
        }
        set req.http.X-Realserver-Method = req.method;
        return (hash);
    }`
		hash = `
sub vcl_hash {
    if (req.method == "OPTIONS") {
        hash_data("OPTIONS");
    }
    # The builtin vcl_hash adds the URL and Host.
}
`
		fetch = `
sub vcl_backend_fetch {
    # Varnish fetches a miss with GET; a preflight must reach the backend
    # as the OPTIONS it is.
    if (bereq.http.X-Realserver-Method) {
        set bereq.method = bereq.http.X-Realserver-Method;
        unset bereq.http.X-Realserver-Method;
    }
}
`
	}
	return fmt.Sprintf(`vcl 4.1;
# Written by github.com/corskit/corskit/e2e/realserver. Subroutines that do
# not return fall through to Varnish's builtin VCL.

backend default {
    .host = "{{backend_host}}";
    .port = "{{backend_port}}";
}

sub vcl_recv {%s
}
%s%s
sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
}
`, recv, hash, fetch)
}
