package lint

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The sections apply as Apache merges them: <Location> after the host
// (its Header set replaces the host's), <If> after the locations, the
// first branch of an <If>/<ElseIf>/<Else> chain that holds; a unit per
// <Location> with CORS headers, audited on its path.
func TestApacheSections(t *testing.T) {
	src := `<VirtualHost *:80>
    ServerName api.example.com
    Header always set Access-Control-Allow-Origin "https://host.example.com"
    <Location /api>
        Header always set Access-Control-Allow-Origin "https://loc.example.com"
    </Location>
    <LocationMatch "^/m[0-9]/">
        Header always set X-LM lm
    </LocationMatch>
    <If "%{HTTP:Origin} =~ m#^https://([a-z]+\.)?app\.example\.com#">
        Header always set Access-Control-Allow-Origin "expr=%{req:Origin}"
    </If>
    <ElseIf "req('Origin') == 'https://partner.example'">
        Header always set Access-Control-Allow-Origin "https://partner.example"
    </ElseIf>
    <Else>
        Header always set X-Else else
    </Else>
    ProxyPass / http://127.0.0.1:3000/
</VirtualHost>
`
	us, err := readApache("cors.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]*Unit{}
	for _, u := range us {
		if u.Dynamic != "" {
			t.Fatalf("%s: %s", u.Name, u.Dynamic)
		}
		paths[u.Path] = u
	}
	if len(us) != 2 || paths["/api"] == nil || paths["/"] == nil || paths["/api"].Line != 4 {
		t.Fatalf("want units at / and /api (line 4), got %d: %v", len(us), paths)
	}
	for _, c := range []struct{ path, origin, acao, other string }{
		{"/", "https://x.example", "https://host.example.com", "X-Else: else"},
		{"/api", "https://x.example", "https://loc.example.com", "X-Else: else"},
		{"/apiother", "https://x.example", "https://host.example.com", ""},
		{"/api/v1", "https://evil.app.example.com.attacker.example", "https://evil.app.example.com.attacker.example", ""},
		{"/", "https://partner.example", "https://partner.example", ""},
		{"/m1/x", "", "https://host.example.com", "X-Lm: lm"},
		{"/x/m1/", "", "https://host.example.com", ""},
	} {
		r := httptest.NewRequest("GET", "http://api.example.com"+c.path, nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		w := httptest.NewRecorder()
		paths["/"].handler.ServeHTTP(w, r)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != c.acao {
			t.Errorf("%s from %s: Allow-Origin %q, want %q", c.path, c.origin, got, c.acao)
		}
		if c.other != "" {
			k, v, _ := strings.Cut(c.other, ": ")
			if w.Header().Get(k) != v {
				t.Errorf("%s: %s %q, want %q", c.path, k, w.Header().Get(k), v)
			}
		}
	}
	m := ids(lintString(t, readApache, "cors.conf", src))
	if f, ok := m["prefix-match"]; !ok || f.Line != 10 {
		t.Errorf("want prefix-match at the <If> (line 10), got %+v", f)
	}
}

func TestApacheSectionsNotEvaluated(t *testing.T) {
	for name, src := range map[string]string{
		"directory":   "<Directory /var/www>\nHeader set Access-Control-Allow-Origin *\n</Directory>\n",
		"rewrite":     "<Location /api>\nRewriteEngine On\nRewriteRule ^ - [R=204]\nHeader set Access-Control-Allow-Origin *\n</Location>\n",
		"expr":        "<If \"%{TIME_HOUR} -gt 12\">\nHeader set Access-Control-Allow-Origin *\n</If>\n",
		"slash":       "<If \"%{HTTP:Origin} =~ /https:\\/\\/a/\">\nHeader set Access-Control-Allow-Origin *\n</If>\n",
		"else-alone":  "<Else>\nHeader set Access-Control-Allow-Origin *\n</Else>\n",
		"wildcard":    "<Location /api/*>\nHeader set Access-Control-Allow-Origin *\n</Location>\n",
		"match-named": "<LocationMatch \"(foo|bar)$\">\nHeader set Access-Control-Allow-Origin *\n</LocationMatch>\n",
	} {
		us, err := readApache("cors.conf", []byte(src))
		if err != nil || len(us) != 1 || us[0].Dynamic == "" {
			t.Errorf("%s: want one policy not evaluated, got %d, %v", name, len(us), err)
			continue
		}
		t.Logf("%s: %s", name, us[0].Dynamic)
	}
}
