package lint

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCaddyHeaderRegexpFoundAnywhereWithCredentials(t *testing.T) {
	src := "api.example.com {\n" +
		"\t@cors header_regexp Origin `https://app\\.example\\.com`\n" +
		"\theader @cors {\n" +
		"\t\tAccess-Control-Allow-Origin {header.Origin}\n" +
		"\t\tAccess-Control-Allow-Credentials true\n" +
		"\t\t+Vary Origin\n" +
		"\t}\n" +
		"\treverse_proxy localhost:8080\n" +
		"}\n"
	fs := lintString(t, readCaddy, "Caddyfile", src)
	f, ok := ids(fs)["prefix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 2 || !f.Credentials {
		t.Fatalf("want prefix-match high with credentials at line 2 (Go's regexp finds the pattern anywhere), got %+v", fs)
	}
}

// Caddy sorts one directive's routes: a header with a matcher runs before
// one without, so the unconditional "*" is applied last and wins.
func TestCaddyMatchedHeaderRunsBeforeUnmatched(t *testing.T) {
	src := ":80 {\n\theader Access-Control-Allow-Origin *\n\t@c header Origin https://app.example.com\n\theader @c Access-Control-Allow-Origin {header.Origin}\n\trespond ok\n}\n"
	us, err := readCaddy("Caddyfile", []byte(src))
	if err != nil || len(us) != 1 {
		t.Fatal(us, err)
	}
	r := httptest.NewRequest(http.MethodGet, "http://api.example.com/", nil)
	r.Header.Set("Origin", "https://app.example.com")
	w := httptest.NewRecorder()
	us[0].handler.ServeHTTP(w, r)
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Fatalf("Allow-Origin %q, want * (the unmatched header runs last)", got)
	}
}

func TestCaddyHandlesAreUnitsAndExclusive(t *testing.T) {
	src := `:80 {
	handle /api/* {
		header Access-Control-Allow-Origin https://app.example.com
		respond @missing 500
		respond "api" 200
	}
	handle /public/* {
		header Access-Control-Allow-Origin "*"
	}
	handle {
		respond 404
	}
}
`
	us, err := readCaddy("Caddyfile", []byte(src))
	if err != nil || len(us) != 2 || us[0].Path != "/api/" || us[1].Path != "/public/" {
		t.Fatalf("want units for /api/ and /public/, got %v %v", us, err)
	}
	r := httptest.NewRequest(http.MethodGet, "http://api.example.com/public/x", nil)
	w := httptest.NewRecorder()
	us[1].handler.ServeHTTP(w, r)
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("public: %d %v", w.Code, w.Header())
	}
	r = httptest.NewRequest(http.MethodGet, "http://api.example.com/other", nil)
	w = httptest.NewRecorder()
	us[1].handler.ServeHTTP(w, r)
	if w.Code != 404 || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("the catch-all handle only: %d %v", w.Code, w.Header())
	}
}

func TestCaddyUnfollowedDirectiveIsNotEvaluated(t *testing.T) {
	src := ":80 {\n\tmap {header.Origin} {cors} {\n\t\tdefault \"\"\n\t}\n\theader Access-Control-Allow-Origin {cors}\n}\n"
	fs := lintString(t, readCaddy, "Caddyfile", src)
	if _, ok := ids(fs)[NotEvaluated]; !ok {
		t.Fatalf("want not-evaluated for map, got %+v", fs)
	}
}

func TestCaddyUnclosedBlockIsATypedError(t *testing.T) {
	_, err := readCaddy("Caddyfile", []byte(":80 {\n\theader Access-Control-Allow-Origin *\n"))
	if _, ok := err.(*CaddyError); !ok {
		t.Fatalf("want *CaddyError, got %v", err)
	}
}

// A bare "{" line has no directive name: it is skipped, never indexed.
func TestCaddyBareBraceLinesDoNotPanic(t *testing.T) {
	src := ":80 {\n{\n}\n\theader {\n\t\t{\n\t\t}\n\t}\n\theader Access-Control-Allow-Origin *\n}\n{\n}\n"
	lintString(t, readCaddy, "Caddyfile", src)
}
