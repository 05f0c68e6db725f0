package lint

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func lintFixture(t *testing.T, name string) []Finding {
	t.Helper()
	data, err := os.ReadFile("testdata/spring/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return lintString(t, readSpringJava, name, string(data))
}

// at finds the finding of class id at line (nil: none).
func at(fs []Finding, id string, line int) *Finding {
	for i := range fs {
		if fs[i].ID == id && fs[i].Line == line {
			return &fs[i]
		}
	}
	return nil
}

// The class's @CrossOrigin and the method's add up; the finding names the
// line of the entry that let the origin in, comments and strings with
// braces or annotations in them are not code.
func TestSpringCrossOriginClassAndMethod(t *testing.T) {
	fs := lintFixture(t, "ItemController.java")
	vendorSourced(t, evaluated(fs))
	if f := at(fs, "localhost-origin", 14); f == nil || !f.Credentials {
		t.Errorf("want localhost-origin with credentials at line 14 (the class's origins), got %+v", fs)
	}
	if f := at(fs, "any-subdomain", 23); f == nil || !f.Credentials {
		t.Errorf("want any-subdomain with credentials at line 23 (the method's originPatterns), got %+v", fs)
	}
	if f := at(fs, NotEvaluated, 29); f == nil || !strings.Contains(f.Explanation, "${shop.front-end}") {
		t.Errorf("want the ${...} placeholder not-evaluated at line 29, got %+v", fs)
	}
	if len(fs) != 4 {
		t.Errorf("want 4 findings (a localhost-origin per method, any-subdomain, not-evaluated), got %d: %+v", len(fs), fs)
	}
	for _, f := range fs {
		if f.ID == "localhost-origin" && !strings.Contains(f.Snippet, "allowedOrigins") {
			t.Errorf("want the fix as a Spring snippet, got %q", f.Snippet)
		}
	}
}

// A mapping's path, variables filled, is where the unit is audited; the
// method mapping's methods are @CrossOrigin's default.
func TestSpringCrossOriginPathsAndDefaults(t *testing.T) {
	us, err := readSpringJava("ItemController.java", mustRead(t, "testdata/spring/ItemController.java"))
	if err != nil || len(us) != 3 {
		t.Fatalf("want 3 units, got %v %v", us, err)
	}
	if us[0].Path != "/api/items/1" || us[1].Path != "/api/items/search" {
		t.Errorf("paths %q %q", us[0].Path, us[1].Path)
	}
	for _, c := range []struct {
		method string
		want   int
	}{{"GET", 200}, {"PUT", 403}, {"POST", 403}} {
		r := httptest.NewRequest("OPTIONS", "http://api.example.com/api/items/1", nil)
		r.Header.Set("Origin", "https://SHOP.example.com")
		r.Header.Set("Access-Control-Request-Method", c.method)
		w := httptest.NewRecorder()
		us[0].handler.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("preflight for %s: %d, want %d (the @GetMapping's methods)", c.method, w.Code, c.want)
		}
		if c.want == 200 && w.Header().Get("Access-Control-Max-Age") != "1800" {
			t.Errorf("want @CrossOrigin's default max-age 1800, got %q", w.Header().Get("Access-Control-Max-Age"))
		}
	}
}

func TestSpringCorsRegistryChains(t *testing.T) {
	fs := lintFixture(t, "WebConfig.java")
	vendorSourced(t, evaluated(fs))
	for _, c := range []struct {
		id   string
		line int
	}{{"wildcard-origin", 13}, {"any-subdomain", 15}, {NotEvaluated, 20}, {InvalidConfig, 21}} {
		if at(fs, c.id, c.line) == nil {
			t.Errorf("want %s at line %d, got %+v", c.id, c.line, fs)
		}
	}
	if f := at(fs, "wildcard-origin", 13); f != nil && f.Credentials {
		t.Errorf("a bare addMapping allows every origin without credentials, got %+v", f)
	}
}

func TestSpringKotlinArraysAndTemplates(t *testing.T) {
	fs := lintFixture(t, "CorsConfig.kt")
	if f := at(fs, "null-origin", 9); f == nil || !f.Credentials {
		t.Errorf("want null-origin with credentials at line 9, got %+v", fs)
	}
	if f := at(fs, NotEvaluated, 13); f == nil || !strings.Contains(f.Explanation, "$host") {
		t.Errorf("want the Kotlin template not-evaluated at line 13, got %+v", fs)
	}
}

func TestSpringCrossOriginInvalidCredentialsValue(t *testing.T) {
	src := "import x.CrossOrigin;\nclass A {\n  @CrossOrigin(allowCredentials = \"yes\")\n  @PostMapping(\"/a\")\n  void a() {}\n  @CrossOrigin(allowCredentials = \"true\")\n  @PostMapping(\"/b\")\n  void b() {}\n}\n"
	fs := lintString(t, readSpringJava, "A.java", src)
	if at(fs, InvalidConfig, 3) == nil || at(fs, InvalidConfig, 6) == nil {
		t.Errorf("want invalid-config at lines 3 (\"yes\") and 6 (default \"*\" with credentials), got %+v", fs)
	}
}

func TestJavaTokenizer(t *testing.T) {
	toks := tokenizeJava("a /* x\n*/ \"b\\\"\\u0041\" 'c' \"\"\"\n  t\\tb\n  \"\"\" // z\n12L", false)
	var got []string
	for _, tk := range toks {
		got = append(got, tk.text)
	}
	want := []string{"a", "b\"A", "c", "t\tb\n", "12L"}
	if strings.Join(got, "|") != strings.Join(want, "|") || toks[4].line != 5 {
		t.Errorf("tokens %q (last at line %d), want %q at line 5", got, toks[len(toks)-1].line, want)
	}
	if k := tokenizeJava(`"a$b" "a\$b" "${x}"`, true); !k[0].template || k[1].template || !k[2].template {
		t.Errorf("Kotlin templates: %+v", k)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// evaluated is fs less the not-evaluated findings, whose source is no
// vendor's semantics.
func evaluated(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.ID != NotEvaluated {
			out = append(out, f)
		}
	}
	return out
}
