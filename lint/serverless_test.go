package lint

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestServerlessFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/cloud/serverless.yml")
	if err != nil {
		t.Fatal(err)
	}
	fs := lintString(t, readServerless, "testdata/cloud/serverless.yml", string(data))
	vendorSourced(t, fs)
	for _, want := range []struct {
		id    string
		line  int
		creds bool
	}{
		{"localhost-origin", 10, true}, // provider.httpApi.cors, allowCredentials
		{"any-subdomain", 38, true},    // the http event's origins: "*" is ".+"
		{"wildcard-origin", 48, false}, // cors: true
	} {
		f, ok := ids(fs)[want.id]
		if !ok || f.Line != want.line || f.Credentials != want.creds || f.File != "testdata/cloud/serverless.yml" || f.Stack != "apigateway" {
			t.Errorf("want %s at serverless.yml:%d (credentials %v), got %+v", want.id, want.line, want.creds, fs)
		}
	}
}

func TestServerlessHTTPAPITrueIsStar(t *testing.T) {
	src := "provider:\n  name: aws\n  httpApi:\n    cors: true\n"
	fs := lintString(t, readServerless, "serverless.yml", src)
	if f, ok := ids(fs)["wildcard-origin"]; !ok || f.Line != 4 || f.Credentials {
		t.Fatalf("want wildcard-origin at line 4 without credentials, got %+v", fs)
	}
}

// A list of origins is matched as the framework's template matches it
// (an entry "*" is ".+": every Origin is echoed), a single origin is sent
// as it is.
func TestServerlessRESTOriginsTemplate(t *testing.T) {
	for _, c := range []struct {
		cors, origin, want string
	}{
		{"origins:\n              - '*'", "https://evil.example", "https://evil.example"},
		{"origin: '*'", "https://evil.example", "*"},
		{"origin: https://a.example.com, https://b.example.com", "https://b.example.com", "https://b.example.com"},
		{"origin: https://a.example.com", "https://evil.example", ""},
		{"origins:\n              - https://*.example.com", "https://example.com", ""},
		{"origins:\n              - https://*.example.com", "https://x.example.com", "https://x.example.com"},
		{"origins:\n              - https://a.example.com", "https://aXexample.com", ""},
	} {
		src := "functions:\n  f:\n    handler: h\n    events:\n      - http:\n          path: x\n          method: get\n          cors:\n            " + c.cors + "\n"
		us, err := readServerless("serverless.yml", []byte(src))
		if err != nil || len(us) != 1 {
			t.Fatalf("%s: %v %v", c.cors, us, err)
		}
		r := httptest.NewRequest(http.MethodOptions, "https://api.example.com/x", nil)
		r.Header.Set("Origin", c.origin)
		r.Header.Set("Access-Control-Request-Method", "GET")
		w := httptest.NewRecorder()
		us[0].handler.ServeHTTP(w, r)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != c.want {
			t.Errorf("%s, Origin %s: Allow-Origin %q, want %q", c.cors, c.origin, got, c.want)
		}
	}
}

func TestServerlessVariableIsNotEvaluated(t *testing.T) {
	for _, src := range []string{
		"provider:\n  httpApi:\n    cors:\n      allowedOrigins:\n        - ${env:FRONT_END}\n",
		"provider:\n  httpApi:\n    cors: ${self:custom.cors}\n",
		"functions:\n  f:\n    events:\n      - http:\n          path: x\n          cors:\n            origin: !Ref Origin\n",
	} {
		fs := lintString(t, readServerless, "serverless.yml", src)
		if len(fs) != 1 || fs[0].ID != NotEvaluated || !strings.Contains(fs[0].Explanation, "not evaluated here") {
			t.Errorf("%q: want one not-evaluated finding, got %+v", src, fs)
		}
	}
}

func TestServerlessBadValueIsATypedError(t *testing.T) {
	_, err := readServerless("serverless.yml", []byte("provider:\n  httpApi:\n    cors:\n      allowedOrigins: [https://a.example.com]\n      maxAge: soon\n"))
	var e *ServerlessError
	if !errors.As(err, &e) || e.Field != "maxAge" || e.Line != 4 {
		t.Fatalf("want a ServerlessError naming maxAge, got %v", err)
	}
	if _, err := readServerless("serverless.yml", []byte("provider:\n\thttpApi:\n    cors: true\n")); !errors.As(err, &e) || e.Line != 2 {
		t.Fatalf("want a ServerlessError at line 2 for a tab, got %v", err)
	}
}

func TestServerlessSniff(t *testing.T) {
	for name, want := range map[string]string{"serverless.yml": "serverless", "api/serverless.prod.yaml": "serverless", "application.yml": "spring", "docker-compose.yml": ""} {
		r := sniff(readers, name, nil)
		got := ""
		if r != nil {
			got = r.format
		}
		if got != want {
			t.Errorf("%s: sniffed as %q, want %q", name, got, want)
		}
	}
}

// A list item that is a mapping keeps its later keys: before, "path" and
// "cors" of "- http:" were read as the list's own keys.
func TestYAMLSubsetListOfMappings(t *testing.T) {
	src := "events:\n  - http:\n      path: a\n      cors: true\n  - name: b\n    cors: false\nafter: x\n"
	props, err := readYAMLSubset("x.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"events[0].http.path": "a", "events[0].http.cors": "true", "events[1].name": "b", "events[1].cors": "false", "after": "x"} {
		if props[k].value != want {
			t.Errorf("%s = %q, want %q (all: %v)", k, props[k].value, want, props)
		}
	}
}
