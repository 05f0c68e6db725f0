package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// guardReport is what the guard tests read of `corskit check --json`.
type guardReport struct {
	Verdict  string `json:"verdict"`
	Status   int    `json:"status"`
	Warnings []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"warnings"`
	Fixes []struct {
		Text string `json:"text"`
	} `json:"fixes"`
}

// guard returns the text of the warning id, "" when there is none.
func (r guardReport) guard(id string) string {
	for _, w := range r.Warnings {
		if w.ID == id {
			return w.Text
		}
	}
	return ""
}

// djangoToken is a CSRF token as Django accepts one: 32 letters or digits.
const djangoToken = "abcdefghijklmnopqrstuvwxyzABCDEF"

// djangoTokenPost is the POST a page on origin sends with credentials:
// 'include' once it holds the csrftoken cookie: the cookie, and its value
// in X-CSRFToken.
func djangoTokenPost(ctx context.Context, t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader("x"))
	req.Header.Set("Origin", origin)
	req.Header.Set("X-CSRFToken", djangoToken)
	req.Header.Set("Cookie", "csrftoken="+djangoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func guardCheck(ctx context.Context, t *testing.T, bin string, args ...string) guardReport {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"check", "--json", "--no-probe"}, args...)...)
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("corskit check %v: %v", args, err)
	}
	var r guardReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("corskit check %v: %v\n%s", args, err, out)
	}
	return r
}

// TestGuardsNamedByCheck: `corskit check` names the guard that refused a
// cross-origin call, from the real guard's answer (Django 3.2's
// CsrfViewMiddleware beside django-cors-headers, Vite's dev server with a
// Host it does not allow, Go's http.CrossOriginProtection), leading with
// "not CORS:" and with the fix in the guard's own settings; applied to
// Vite, that fix lets the call through. Before the guards table, only Go's
// guard was named, and the Vite call's fixes asked for CORS headers.
func TestGuardsNamedByCheck(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bin := cli.Build(ctx, t)
	const page = "https://app.example.com"

	t.Run("django", func(t *testing.T) {
		dj := realserver.Django(t, `INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_CREDENTIALS = True
`)
		r := guardCheck(ctx, t, bin, "--origin", page, "-X", "POST", "--data", "x", "--credentials", "include", dj.URL+"/act")
		text := r.guard("django-csrf")
		if r.Verdict != "allowed" || r.Status != 403 || !strings.HasPrefix(text, "not CORS: ") ||
			!strings.Contains(text, `CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]`) || !strings.Contains(text, `reason: "CSRF cookie not set."`) {
			t.Errorf("django: %+v", r)
		}
		// The fix, applied: the settings line as check wrote it loads,
		// and the call with the CSRF token (the csrftoken cookie and
		// X-CSRFToken, as a page with credentials: 'include' sends them)
		// runs the view.
		fixed := realserver.Django(t, `INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_CREDENTIALS = True
`+`CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]`+"\n")
		// django-cors-headers lets X-CSRFToken through the preflight...
		r = guardCheck(ctx, t, bin, "--origin", page, "-X", "POST", "--data", "x", "--credentials", "include", "-H", "X-CSRFToken: "+djangoToken, fixed.URL+"/act")
		if r.Verdict != "allowed" || r.Status != 403 || r.guard("django-csrf") == "" {
			t.Errorf("django with the token header, no cookie: %+v", r)
		}
		// ...and with the cookie the browser then sends, the view runs.
		if res := djangoTokenPost(ctx, t, fixed.URL+"/act", page); res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != page {
			t.Errorf("django with the fix: %d %v", res.StatusCode, res.Header)
		}
	})

	t.Run("vite", func(t *testing.T) {
		vite := realserver.Vite(t, "")
		port := strings.TrimPrefix(vite.URL, "http://127.0.0.1:")
		resolve := "vite.test:" + port + ":127.0.0.1"
		url := "http://vite.test:" + port + "/api"
		r := guardCheck(ctx, t, bin, "--origin", page, "--resolve", resolve, url)
		text := r.guard("vite-host-check")
		if r.Verdict != "blocked" || !strings.HasPrefix(text, "not CORS: ") || len(r.Fixes) != 1 || r.Fixes[0].Text != text ||
			!strings.Contains(text, `server: { allowedHosts: ["vite.test"] }`) || !strings.Contains(text, `server: { cors: { origin: ["https://app.example.com"] } }`) {
			t.Errorf("vite, page elsewhere: %+v", r)
		}
		// A page on localhost: Vite's CORS allows it, the 403 is readable.
		r = guardCheck(ctx, t, bin, "--origin", "http://localhost:3000", "--resolve", resolve, url)
		text = r.guard("vite-host-check")
		if r.Verdict != "allowed" || r.Status != 403 || !strings.HasPrefix(text, "not CORS: ") || strings.Contains(text, "cors:") {
			t.Errorf("vite, localhost page: %+v", r)
		}
		// The fix, applied: the host and the origin allowed.
		fixed := realserver.Vite(t, `{allowedHosts: ["vite.test"], cors: {origin: ["https://app.example.com"]}}`)
		port = strings.TrimPrefix(fixed.URL, "http://127.0.0.1:")
		r = guardCheck(ctx, t, bin, "--origin", page, "--resolve", "vite.test:"+port+":127.0.0.1", "http://vite.test:"+port+"/")
		if r.Verdict != "allowed" || r.Status != 200 || r.guard("vite-host-check") != "" {
			t.Errorf("vite with the fix: %+v", r)
		}
	})

	t.Run("go", func(t *testing.T) {
		srv := httptest.NewServer(http.NewCrossOriginProtection().Handler(http.NotFoundHandler()))
		defer srv.Close()
		r := guardCheck(ctx, t, bin, "--origin", page, "-X", "POST", "--data", "x", srv.URL+"/act")
		text := r.guard("csrf-guard")
		if r.Verdict != "blocked" || !strings.HasPrefix(text, "not CORS: ") || !strings.Contains(text, `guard.AddTrustedOrigin("https://app.example.com")`) {
			t.Errorf("go: %+v", r)
		}
	})
}
