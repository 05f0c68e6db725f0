package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/e2e/realserver"
	"github.com/corskit/corskit/lint"
)

// The Caddyfile reader's policies are the handle blocks Caddy's own
// adapter finds: `caddy adapt` turns the same file into JSON, and each
// top-level route with a path matcher whose handlers set an
// Access-Control- header is one policy, at that path.
func TestLintCaddyUnitsMatchCaddyAdapt(t *testing.T) {
	bin := os.Getenv("CADDY")
	if bin == "" {
		bin = realserver.CaddyPath
	}
	src := "api.example.com {\n" +
		"\t@cors header_regexp Origin `^https://(app|admin)\\.example\\.com$`\n" +
		"\t@list {\n\t\theader Origin https://a.example.com\n\t\theader Origin \"https://b.example.com\"\n\t}\n" +
		"\thandle /api/* {\n\t\theader @cors {\n\t\t\tAccess-Control-Allow-Origin {header.Origin}\n\t\t\t+Vary Origin\n\t\t}\n\t\treverse_proxy localhost:8080\n\t}\n" +
		"\thandle /static/assets/* {\n\t\theader Access-Control-Allow-Origin \"*\" # fonts\n\t\tfile_server\n\t}\n" +
		"\thandle /partners/* {\n\t\troute {\n\t\t\theader @list Access-Control-Allow-Origin {http.request.header.Origin}\n\t\t\trespond \"ok\" 200\n\t\t}\n\t}\n" +
		"\thandle /health {\n\t\trespond 204\n\t}\n" +
		"}\n"
	file := filepath.Join(t.TempDir(), "Caddyfile")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "adapt", "--config", file, "--adapter", "caddyfile").Output()
	if err != nil {
		t.Fatalf("caddy adapt (Caddy is installed by scripts/ensure-deps.sh): %v", err)
	}
	var cfg struct {
		Apps struct {
			HTTP struct {
				Servers map[string]struct {
					Routes []json.RawMessage `json:"routes"`
				} `json:"servers"`
			} `json:"http"`
		} `json:"apps"`
	}
	if err := json.Unmarshal(out, &cfg); err != nil {
		t.Fatal(err)
	}
	var want []string
	var walk func([]json.RawMessage)
	walk = func(routes []json.RawMessage) {
		for _, raw := range routes {
			var r struct {
				Match []struct {
					Path []string `json:"path"`
				} `json:"match"`
				Handle []struct {
					Handler string            `json:"handler"`
					Routes  []json.RawMessage `json:"routes"`
				} `json:"handle"`
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			if len(r.Match) == 1 && len(r.Match[0].Path) == 1 && strings.Contains(string(raw), "Access-Control-") {
				want = append(want, strings.TrimSuffix(r.Match[0].Path[0], "*"))
				continue
			}
			for _, h := range r.Handle { // the site's own subroute
				walk(h.Routes)
			}
		}
	}
	for _, s := range cfg.Apps.HTTP.Servers {
		walk(s.Routes)
	}
	units, err := lint.ReadFile(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range units {
		got = append(got, u.Path)
	}
	slices.Sort(got)
	slices.Sort(want)
	t.Logf("policies at %v", got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("lint's policies at %v, caddy adapt's CORS routes at %v\n%s", got, want, out)
	}
}
