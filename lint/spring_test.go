package lint

import (
	"net/http/httptest"
	"testing"
)

func TestSpringActuatorPatternAnySubdomainFromVendorDocs(t *testing.T) {
	src := "management.endpoints.web.cors.allowed-origin-patterns=https://*.example.com\n" +
		"management.endpoints.web.cors.allow-credentials=true\n"
	fs := lintString(t, readSpring, "application.properties", src)
	vendorSourced(t, fs)
	f, ok := ids(fs)["any-subdomain"]
	if !ok || !f.Credentials || f.Line != 1 {
		t.Fatalf("want any-subdomain with credentials at line 1, got %+v", fs)
	}
}

func TestSpringStarWithCredentialsIsRefused(t *testing.T) {
	src := "management:\n  endpoints:\n    web:\n      cors:\n        allowed-origins: \"*\"\n        allow-credentials: true\n"
	fs := lintString(t, readSpring, "application.yml", src)
	if f, ok := ids(fs)[InvalidConfig]; !ok || f.Line != 5 {
		t.Fatalf("want invalid-config at line 5, got %+v", fs)
	}
}

func TestSpringGatewayYAMLListsAndPathKeys(t *testing.T) {
	src := `spring:
  cloud:
    gateway:
      globalcors:
        cors-configurations:
          '[/api/**]':
            allowedOrigins:
            - "https://app.example.com"
            - http://localhost:3000   # the developers' front end
            allowedMethods: [GET, PUT]
            allowCredentials: true
`
	us, err := readSpring("application.yml", []byte(src))
	if err != nil || len(us) != 1 || us[0].Path != "/api/" {
		t.Fatalf("want one unit at /api/, got %v %v", us, err)
	}
	fs := lintString(t, readSpring, "application.yml", src)
	if f, ok := ids(fs)["localhost-origin"]; !ok || f.Line != 9 {
		t.Fatalf("want localhost-origin at line 9, got %+v", fs)
	}
}

// DefaultCorsProcessor refuses a method it does not allow with 403, on an
// actual request too; methods default to GET and HEAD.
func TestSpringDefaultMethodsAndRefusal(t *testing.T) {
	us, err := readSpring("application.properties", []byte("management.endpoints.web.cors.allowed-origins=https://app.example.com/\n"))
	if err != nil || len(us) != 1 {
		t.Fatal(us, err)
	}
	for _, c := range []struct {
		method, origin string
		want           int
	}{{"GET", "https://APP.example.com", 200}, {"PUT", "https://app.example.com", 403}, {"GET", "https://evil.example", 403}} {
		r := httptest.NewRequest(c.method, "http://api.example.com/actuator/", nil)
		r.Header.Set("Origin", c.origin)
		w := httptest.NewRecorder()
		us[0].handler.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s from %s: %d, want %d", c.method, c.origin, w.Code, c.want)
		}
	}
}

func TestSpringPropertiesSyntax(t *testing.T) {
	got := readProperties([]byte("# c\n! c\na.b = x\\\n   ,y\nc:z\nd  e\nkey\\ with\\=sep=v\\u0041\n"))
	for k, want := range map[string]string{"a.b": "x,y", "c": "z", "d": "e", "key with=sep": "vA"} {
		if got[k].value != want {
			t.Errorf("%q = %q, want %q (all: %v)", k, got[k].value, want, got)
		}
	}
	if got["c"].line != 5 {
		t.Errorf("c at line %d, want 5", got["c"].line)
	}
}

func TestSpringYAMLUnsupportedIsATypedError(t *testing.T) {
	for _, src := range []string{"cors: &x 1\n", "cors: {b: 1}\n", "cors:\n\tb: 1\n", "- cors\n"} {
		if _, err := readSpring("application.yml", []byte(src)); err == nil {
			t.Errorf("%q: want a SpringError", src)
		} else if _, ok := err.(*SpringError); !ok {
			t.Errorf("%q: want *SpringError, got %T", src, err)
		}
	}
}

// Another framework's application.yml, in YAML the subset does not read,
// is no policy rather than an error.
func TestSpringFileWithoutCORSIsNoPolicy(t *testing.T) {
	if us, err := readSpring("application.yml", []byte("defaults: &d\n  adapter: x\nproduction:\n  <<: *d\n")); err != nil || len(us) != 0 {
		t.Fatalf("want nothing, got %v %v", us, err)
	}
}

func TestSpringAndCaddyAreSniffed(t *testing.T) {
	for name, want := range map[string]string{
		"config/application-prod.yml":               "spring",
		"src/main/resources/application.properties": "spring",
		"deploy/Caddyfile":                          "caddy",
	} {
		r := sniff(readers, name, []byte("header Access-Control-Allow-Origin *\n"))
		if r == nil || r.format != want {
			t.Errorf("%s: sniffed as %v, want %s", name, r, want)
		}
	}
	if r := sniff(readers, "deploy/Caddyfile", []byte(":80 {\n\trespond ok\n}\n")); r != nil {
		t.Errorf("a Caddyfile without CORS headers is no policy file, got %s", r.format)
	}
}
