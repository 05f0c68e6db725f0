package lint

import (
	"strings"
	"testing"
)

func TestHonoReader(t *testing.T) {
	cases := []struct {
		name, src string
		path      string
		want      string // a finding ID, "" for none but the unit read
		dynamic   bool
	}{
		{"star with credentials is sent as *", "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\nconst app = new Hono()\napp.use('/api/*', cors({ origin: '*', credentials: true }))\n", "/api/", "wildcard-with-credentials", false},
		{"named import renamed", "import { cors as allow } from 'hono/cors'\napp.use(allow({\n  origin: ['https://app.example.com', 'null'],\n  credentials: true,\n}))\n", "/", "null-origin", false},
		{"require destructured", "const { cors } = require('hono/cors')\napp.use('*', cors({ origin: 'https://app.example.com' }))\n", "/", "", false},
		{"function origin", "import { cors } from 'hono/cors'\napp.use(cors({ origin: (o) => o }))\n", "/", NotEvaluated, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			us, err := readHono("src/app.ts", []byte(c.src))
			if err != nil || len(us) != 1 {
				t.Fatalf("read %d units, %v", len(us), err)
			}
			if us[0].Path != c.path || (us[0].Dynamic != "") != c.dynamic {
				t.Fatalf("path %q dynamic %q", us[0].Path, us[0].Dynamic)
			}
			fs := lintString(t, readHono, "src/app.ts", c.src)
			for _, f := range fs {
				t.Logf("%s %s line %d %s", f.ID, f.Severity, f.Line, f.Origin)
			}
			if c.want == "" {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %v", fs)
				}
				return
			}
			if _, ok := ids(fs)[c.want]; !ok {
				t.Fatalf("want %s", c.want)
			}
		})
	}
}

// A Hono finding's fix is hono/cors's own options (stacks' hono, run on
// the real server by e2e TestStackFixAllCalls): the origins the audit
// found safe and the credentials, what the finding does not show kept as
// comments, never written over.
func TestHonoFixIsHonoCors(t *testing.T) {
	src := "import { cors } from 'hono/cors'\napp.use('/api/*', cors({\n  origin: ['https://app.example.com', 'null'],\n  allowMethods: ['GET', 'PUT'],\n  credentials: true,\n}))\n"
	f, ok := ids(lintString(t, readHono, "src/app.ts", src))["null-origin"]
	if !ok {
		t.Fatal("want null-origin")
	}
	for _, want := range []string{"require('hono/cors')", `origin: ["https://app.example.com"],`, "credentials: true,",
		"// allowMethods: not seen in the answers: keep yours", "// allowHeaders: not seen in the answers: keep yours"} {
		if !strings.Contains(f.Snippet, want) {
			t.Errorf("the snippet lacks %s:\n%s", want, f.Snippet)
		}
	}
	if !strings.HasPrefix(f.Fix.Stack, "Hono with hono/cors: set `origin` to exactly https://app.example.com") {
		t.Errorf("fix %q", f.Fix.Stack)
	}
}
