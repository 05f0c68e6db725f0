package lint

import (
	"context"
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
