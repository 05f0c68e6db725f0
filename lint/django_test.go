package lint

import (
	"strings"
	"testing"
)

func TestDjangoRegexMatchIsAnchoredAtStartOnly(t *testing.T) {
	src := `INSTALLED_APPS = ["corsheaders"]
CORS_ALLOWED_ORIGINS = [
    "https://app.example.com",
]
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^https://\w+\.example\.com",
]
CORS_ALLOW_CREDENTIALS = True
`
	fs := lintString(t, readDjango, "settings.py", src)
	for _, f := range fs {
		t.Logf("%s %s line %d origin %s", f.ID, f.Severity, f.Line, f.Origin)
	}
	f, ok := ids(fs)["prefix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 6 {
		t.Fatalf("want prefix-match high at line 6 (re.match does not anchor the end), got %+v", f)
	}
	// The fix in the file's own syntax, allowing what the file lists.
	if !strings.Contains(f.Snippet, `CORS_ALLOWED_ORIGINS = ["https://app.example.com"]`) || !strings.Contains(f.Snippet, "CORS_ALLOW_CREDENTIALS = True") {
		t.Errorf("snippet:\n%s", f.Snippet)
	}
}

func TestDjangoAllowAllWithCredentialsReflects(t *testing.T) {
	src := "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"
	f, ok := ids(lintString(t, readDjango, "settings.py", src))["reflect-any-origin"]
	if !ok || f.Severity.String() != "high" || f.Line != 1 {
		t.Fatalf("want reflect-any-origin high at line 1, got %+v", f)
	}
}
