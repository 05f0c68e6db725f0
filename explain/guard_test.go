package explain_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/explain"
)

// captured is a guard's answer as the real software sent it: the bodies
// in testdata/guards were captured from Django 3.2.25 (Debian's, with
// django-cors-headers, CsrfViewMiddleware, DEBUG off and on) and Vite
// 8.4.1's dev server (a request whose Host is not allowed); e2e runs both
// servers again. Next.js 16.5.0's dev server (a request for /_next/* with
// an Origin whose host allowedDevOrigins lacks) was captured once; e2e
// does not run it (see explain/guard.go).
func captured(t *testing.T, file, contentType, acao string) http.Handler {
	t.Helper()
	body, err := os.ReadFile("testdata/guards/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		if contentType == "" {
			w.Header()["Content-Type"] = nil // none, as Node's res.end sends
		}
		if acao != "" {
			w.Header().Set("Access-Control-Allow-Origin", acao)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.WriteHeader(http.StatusForbidden)
		w.Write(body)
	})
}

// djangoReason replaces the reason of the captured DEBUG page with
// another of Django's reasons (django/middleware/csrf.py): Django 4.0+
// checks Origin first, and words its refusal so.
func djangoReason(t *testing.T, reason string) http.Handler {
	t.Helper()
	body, err := os.ReadFile("testdata/guards/django-3.2-debug-nocookie.html")
	if err != nil {
		t.Fatal(err)
	}
	b := strings.Replace(string(body), "CSRF cookie not set.", reason, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(b))
	})
}

// TestGuards: each guard's real answer is named, with its reason ID, a
// diagnosis that leads with "not CORS:" and the fix in the guard's own
// settings; the same 403 status with another body is not.
func TestGuards(t *testing.T) {
	const page = "https://app.example.com"
	plain403 := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "forbidden", http.StatusForbidden) })
	for _, tc := range []struct {
		name    string
		h       http.Handler
		url     string
		id      string   // "" when no guard may be named
		want    []string // in the text
		blocked bool     // CORS blocks the 403 too: the fix leads the fixes
	}{
		{"django no DEBUG, CORS first", captured(t, "django-3.2-nodebug.html", "text/html", page), "https://api.example.com/act", "django-csrf",
			[]string{`reason: "CSRF cookie not set."`, `CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]`, "X-CSRFToken", "Fix it at Django's CSRF layer: send the CSRF token"}, false},
		{"django DEBUG", captured(t, "django-3.2-debug-nocookie.html", "text/html", page), "https://api.example.com/act", "django-csrf",
			[]string{`reason: "CSRF cookie not set."`}, false},
		{"django 4 origin", djangoReason(t, "Origin checking failed - https://app.example.com does not match any trusted origins."), "https://api.example.com/act", "django-csrf",
			[]string{`reason: "Origin checking failed - https://app.example.com does not match any trusted origins."`, `Fix it at Django's CSRF layer: trust the page's origin in settings.py, CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]`}, false},
		{"django, no CORS on the 403", captured(t, "django-3.2-nodebug.html", "text/html", ""), "https://api.example.com/act", "django-csrf",
			[]string{"CSRF_TRUSTED_ORIGINS"}, true},
		{"vite, origin not allowed", captured(t, "vite-8.4.1.txt", "text/plain", ""), "http://vite.test:5173/api", "vite-host-check",
			[]string{`the host "vite.test"`, `server: { allowedHosts: ["vite.test"] }`, `server: { cors: { origin: ["https://app.example.com"] } }`}, true},
		{"vite, origin allowed", captured(t, "vite-8.4.1.txt", "text/plain", page), "http://vite.test:5173/api", "vite-host-check",
			[]string{`server: { allowedHosts: ["vite.test"] }`}, false},
		{"vite body as html", captured(t, "vite-8.4.1.txt", "text/html", page), "http://vite.test:5173/api", "", nil, false},
		{"next, /_next from another host", captured(t, "next-16.5.0.txt", "", ""), "http://localhost:3000/_next/static/chunks/main.js", "next-dev-origin",
			[]string{`403 "Unauthorized"`, `allowedDevOrigins: ["app.example.com"]`, "next.config.js", "restart the dev server"}, true},
		{"next, HMR endpoint", captured(t, "next-16.5.0.txt", "", page), "http://localhost:3000/__nextjs_original-stack-frames", "next-dev-origin",
			[]string{`allowedDevOrigins: ["app.example.com"]`}, false},
		// The check skips /_next/image and /_next/static/media, and any
		// other path: the same bare 403 there is the app's own.
		{"next body, app path", captured(t, "next-16.5.0.txt", "", ""), "http://localhost:3000/api/items", "", nil, true},
		{"next body, static media", captured(t, "next-16.5.0.txt", "", ""), "http://localhost:3000/_next/static/media/a.woff2", "", nil, true},
		{"next body with a type", captured(t, "next-16.5.0.txt", "text/plain", ""), "http://localhost:3000/_next/static/chunks/main.js", "", nil, true},
		{"django body as plain text", captured(t, "django-3.2-nodebug.html", "text/plain", page), "https://api.example.com/act", "", nil, false},
		{"another 403", plain403, "https://api.example.com/act", "", nil, true},
	} {
		call := corstest.NewPage(t, page, tc.h).Fetch("POST", tc.url, corstest.Body("x"))
		d := explain.Explain(call.Result)
		var got *explain.Warning
		for i, w := range d.Warnings {
			if w.ID == "csrf-guard" || w.ID == "django-csrf" || w.ID == "vite-host-check" || w.ID == "next-dev-origin" {
				got = &d.Warnings[i]
			}
		}
		if (d.Verdict == "blocked") != tc.blocked {
			t.Errorf("%s: verdict %s", tc.name, d.Verdict)
		}
		if tc.id == "" {
			if got != nil {
				t.Errorf("%s: named %v", tc.name, *got)
			}
			continue
		}
		if got == nil || got.ID != tc.id || !strings.HasPrefix(got.Text, "not CORS: ") {
			t.Errorf("%s: warnings %v, want %s leading with \"not CORS: \"", tc.name, d.Warnings, tc.id)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(got.Text, w) {
				t.Errorf("%s: %q\nlacks %q", tc.name, got.Text, w)
			}
		}
		if tc.blocked && (len(d.Fixes) == 0 || d.Fixes[0].Text != got.Text || d.Fixes[0].Guard != tc.id) {
			t.Errorf("%s: the guard's fix does not lead the fixes: %v", tc.name, d.Fixes)
		}
		// Vite writes its own CORS headers, and its advice names
		// server.cors: no header fix for another stack follows.
		if tc.blocked && (tc.id == "vite-host-check") != (len(d.Fixes) == 1) {
			t.Errorf("%s: fixes %v", tc.name, d.Fixes)
		}
	}
}
