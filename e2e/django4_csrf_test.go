package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// TestDjango4CSRFTrustedOrigins: Django 4's CsrfViewMiddleware (4.2,
// from bookworm-backports) checks Origin against CSRF_TRUSTED_ORIGINS
// before the token, on http too, which Debian's 3.2 does not: a
// cross-origin POST that django-cors-headers allows gets 403 "Origin
// checking failed". `corskit check` quotes that reason and leads its fix
// with the CSRF_TRUSTED_ORIGINS line; with that line added, the call that
// carries the CSRF token runs the view, and without it the same call is
// still refused: the line is what Django 4 needs, not the token alone.
func TestDjango4CSRFTrustedOrigins(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bin := cli.Build(ctx, t)
	const page = "https://app.example.com"
	const settings = `DEBUG = True
INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_CREDENTIALS = True
`
	dj := realserver.Django4(t, settings)
	if !strings.Contains(dj.Log(), "DJANGO=4.2") {
		t.Fatalf("not Django 4.2: %s", dj.Log())
	}
	r := guardCheck(ctx, t, bin, "--origin", page, "-X", "POST", "--data", "x", "--credentials", "include", dj.URL+"/act")
	text := r.guard("django-csrf")
	const trust = `CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]`
	if r.Verdict != "allowed" || r.Status != 403 || !strings.HasPrefix(text, "not CORS: ") ||
		!strings.Contains(text, `reason: "Origin checking failed - https://app.example.com does not match any trusted origins."`) ||
		!strings.Contains(text, "Fix it at Django's CSRF layer: trust the page's origin in settings.py, "+trust) {
		t.Fatalf("django 4.2: %+v", r)
	}
	if got := djangoTokenPost(ctx, t, dj.URL+"/act", page).StatusCode; got != 403 {
		t.Errorf("django 4.2 without the trusted origin, with the token: %d, want 403", got)
	}
	fixed := realserver.Django4(t, settings+trust+"\n")
	if got := djangoTokenPost(ctx, t, fixed.URL+"/act", page).StatusCode; got != 200 {
		t.Errorf("django 4.2 with check's %s and the token: %d, want 200\n%s", trust, got, fixed.Log())
	}
	r = guardCheck(ctx, t, bin, "--origin", page, "-X", "POST", "--data", "x", "--credentials", "include", fixed.URL+"/act")
	if !strings.Contains(r.guard("django-csrf"), `reason: "CSRF cookie not set."`) {
		t.Errorf("django 4.2 with the trusted origin, no token: %+v", r)
	}
}
