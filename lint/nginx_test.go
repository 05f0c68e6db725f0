package lint

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func lintString(t *testing.T, r func(string, []byte) ([]*Unit, error), file, src string) []Finding {
	t.Helper()
	us, err := r(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out []Finding
	for _, u := range us {
		out = append(out, Evaluate(context.Background(), u, Options{})...)
	}
	return out
}

func ids(fs []Finding) map[string]Finding {
	m := map[string]Finding{}
	for _, f := range fs {
		if _, ok := m[f.ID]; !ok {
			m[f.ID] = f
		}
	}
	return m
}

func TestNginxUnanchoredRegexIsASuffixHole(t *testing.T) {
	src := `server {
    listen 80;
    location /api/ {
        if ($http_origin ~* "https://app\.example\.com") {
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
        }
        proxy_pass http://127.0.0.1:3000;
    }
}
`
	fs := lintString(t, readNginx, "nginx.conf", src)
	m := ids(fs)
	for _, f := range fs {
		t.Logf("%s %s line %d origin %s", f.ID, f.Severity, f.Line, f.Origin)
	}
	f, ok := m["prefix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 4 {
		t.Fatalf("want prefix-match high at line 4, got %+v", f)
	}
}

func TestNginxLocationAddHeaderDiscardsServerLevel(t *testing.T) {
	// The classic: CORS headers at server level, and one add_header in a
	// location, which drops them all there.
	src := `server {
    add_header Access-Control-Allow-Origin "https://app.example.com" always;
    add_header Access-Control-Allow-Credentials true always;
    location /api/ {
        add_header X-Frame-Options DENY;
        proxy_pass http://127.0.0.1:3000;
    }
    location /public/ {
        proxy_pass http://127.0.0.1:3000;
    }
}
`
	us, err := readNginx("nginx.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sends := map[string]string{}
	for _, u := range us {
		r := httptest.NewRequest("GET", "http://api.example.com"+u.Path, nil)
		r.Header.Set("Origin", "https://app.example.com")
		w := httptest.NewRecorder()
		u.handler.ServeHTTP(w, r)
		sends[u.Path] = w.Header().Get("Access-Control-Allow-Origin")
	}
	if sends["/public/"] != "https://app.example.com" || sends["/api/"] != "" {
		t.Fatalf("Allow-Origin per location: %v; want /public/ to inherit it and /api/ (own add_header) to lose it", sends)
	}
}

func TestNginxConfigOnlyNotes(t *testing.T) {
	src := `proxy_cache_path /tmp/c keys_zone=c:1m;
server {
    location /api/ {
        proxy_cache c;
        add_header Access-Control-Allow-Origin $http_origin;
        add_header Access-Control-Allow-Credentials true;
        proxy_pass http://127.0.0.1:3000;
    }
}
`
	m := ids(lintString(t, readNginx, "nginx.conf", src))
	if f, ok := m[AddHeaderWithoutAlways]; !ok || f.Line != 5 {
		t.Errorf("want %s at line 5, got %+v", AddHeaderWithoutAlways, f)
	}
	if f, ok := m[CachedWithoutVary]; !ok || f.Line != 5 || f.Severity.String() != "medium" {
		t.Errorf("want %s medium at line 5, got %+v", CachedWithoutVary, f)
	}
	if f, ok := m["reflect-any-origin"]; !ok || f.Severity.String() != "high" {
		t.Errorf("want reflect-any-origin high, got %+v", f)
	}
}

func TestTwoLayersInOneRepository(t *testing.T) {
	nginx, err := readNginx("deploy/nginx.conf", []byte("server { location / { add_header Access-Control-Allow-Origin https://app.example.com always; proxy_pass http://app:8000; } }"))
	if err != nil {
		t.Fatal(err)
	}
	app, err := readDjango("app/settings.py", []byte("CORS_ALLOWED_ORIGINS = [\"https://app.example.com\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	layers(append(nginx, app...))
	f, ok := ids(Evaluate(context.Background(), nginx[0], Options{}))[TwoLayers]
	if !ok || f.File != "deploy/nginx.conf" || !strings.Contains(f.Explanation, "app/settings.py") {
		t.Fatalf("want %s on the nginx file naming the app's, got %+v", TwoLayers, f)
	}
}

// A template of an nginx configuration (Go templates, Jinja, ERB markup)
// is no configuration: with CORS headers it is reported not-evaluated at
// its first markup, without them it is nothing to lint, and neither is a
// file lint could not read (docker-jitsi-meet's web/rootfs/defaults
// made `corskit lint` exit 3). A file without markup that does not parse
// is still an error.
func TestNginxTemplateNotEvaluated(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx/meet.conf":   "server {\n    listen 80;\n{{ if .ENABLE_CORS }}\n    add_header 'Access-Control-Allow-Origin' '{{ .ORIGIN }}';\n{{ end }}\n}\n",
		"nginx/plain.conf":  "server {\n    listen {{ .PORT }};\n    add_header X-Frame-Options DENY;\n}\n",
		"nginx/broken.conf": "server {\n    add_header Access-Control-Allow-Origin *;\n",
	})
	rep, got := lintTree(t, dir)
	if want := []string{"nginx/meet.conf:3 not-evaluated"}; !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	if len(rep.Errors) != 1 || !strings.HasSuffix(rep.Errors[0].File, "broken.conf") {
		t.Errorf("errors %+v, want broken.conf's alone", rep.Errors)
	}
}
