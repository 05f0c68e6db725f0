package stacks_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

// Issue 18 §3(c): a value from the answers is written as the literal it
// is, in every stack, or refused: never as a variable or a pattern of the
// target syntax.
func TestValuesAreLiteral(t *testing.T) {
	base := stacks.Policy{Origins: []string{"https://app.example.com"}}
	for _, tc := range []struct {
		stack  string
		p      stacks.Policy
		refuse string // the field refused, or "" when written
		want   string // in the snippet, when written
	}{
		// An answered method "$http_cookie" made real nginx send the
		// request's cookies in Access-Control-Allow-Methods.
		{"nginx", stacks.Policy{Methods: []string{"GET", "$http_cookie"}}, "Methods", ""},
		{"nginx", stacks.Policy{Headers: []string{"x-$http_authorization"}}, "Headers", ""},
		{"nginx", stacks.Policy{Exposed: []string{"$cors_origin"}}, "Exposed", ""},
		// mod_headers reads %D (the request's duration) as a format.
		{"apache", stacks.Policy{Methods: []string{"GET", "A%D"}}, "", `"GET, A%%D"`},
		{"apache", stacks.Policy{Exposed: []string{"x-%t"}}, "", `"x-%%t"`},
		// Flask-CORS matches "x-a*" as a regular expression: every x- header.
		{"flask", stacks.Policy{Headers: []string{"x-a*"}}, "Headers", ""},
		{"flask", stacks.Policy{Headers: []string{"x-a$"}}, "Headers", ""},
		{"flask", stacks.Policy{Exposed: []string{"x-a*"}}, "", `"x-a*"`},
		{"s3", stacks.Policy{Headers: []string{"x-*"}}, "Headers", ""},
		{"caddy", stacks.Policy{Methods: []string{"GET", "A%D$x"}}, "", `"GET, A%D$x"`},
		{"express", stacks.Policy{Methods: []string{"GET", "$http_cookie"}}, "", `"$http_cookie"`},
	} {
		p := tc.p
		p.Origins = base.Origins
		s, _ := stacks.Lookup(tc.stack)
		src, err := s.Snippet(p)
		var pe *stacks.PolicyError
		switch {
		case tc.refuse != "" && (!errors.As(err, &pe) || pe.Field != tc.refuse):
			t.Errorf("%s %+v: %v, want a PolicyError on %s\n%s", tc.stack, p, err, tc.refuse, src)
		case tc.refuse == "" && (err != nil || !strings.Contains(src, tc.want)):
			t.Errorf("%s %+v: %v, want %s in\n%s", tc.stack, p, err, tc.want, src)
		}
	}
}

// Issue 18 §3(b): a pattern over a public suffix is no policy to render
// ("https://*.com" became a regular expression allowing https://evil.com).
func TestValidateRefusesPublicSuffixPatterns(t *testing.T) {
	for _, o := range []string{"https://*.com", "https://*.co.uk", "https://*.github.io"} {
		var pe *stacks.PolicyError
		if err := (stacks.Policy{Origins: []string{o}}).Validate(); !errors.As(err, &pe) || pe.Field != "Origins" {
			t.Errorf("%s: %v, want a PolicyError on Origins", o, err)
		}
	}
}

// Issue 18 §3(a): a setting the answers did not show is a comment in the
// stack's syntax, never a value that replaces the reader's (Express's
// methods: ["GET", "HEAD", "POST"] blocked a PUT that had worked).
func TestKeptSettingsAreComments(t *testing.T) {
	p := stacks.Policy{Origins: []string{"https://app.example.com"}, Headers: []string{"authorization"}, Credentials: true}
	keep := stacks.Kept{stacks.FieldMethods: nil, stacks.FieldHeaders: {"x-debug"}, stacks.FieldMaxAge: nil}
	for _, s := range stacks.All() {
		src, err := s.SnippetKeeping(p, keep)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		// The header list and the methods written out by default (GET,
		// HEAD, POST) appear only in the comments.
		for _, l := range strings.Split(src, "\n") {
			if !strings.Contains(l, "keep yours") && (strings.Contains(l, "authorization") || strings.Contains(l, "HEAD")) {
				t.Errorf("%s: a kept setting written as a value: %q\n%s", s.Name, l, src)
			}
		}
		if s.Lang != "json" && (!strings.Contains(src, s.Setting(stacks.FieldMethods)+": not seen in the answers: keep yours") ||
			!strings.Contains(src, s.Setting(stacks.FieldHeaders)+": not seen in the answers: keep yours, and add x-debug")) {
			t.Errorf("%s: no keep-yours comment:\n%s", s.Name, src)
		}
	}
}

// The variables each syntax may hold: the snippets' own.
var (
	nginxVar   = regexp.MustCompile(`\$[A-Za-z_{]`)
	nginxOwn   = map[string]bool{"$http_origin": true, "$cors_origin": true, "$request_method": true}
	nginxName  = regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)
	apacheFmt  = regexp.MustCompile(`%(%|\{[^}]*\}|.)`)
	apacheOwn  = map[string]bool{"%%": true, "%{REQUEST_METHOD}": true, "%{HTTP:Access-Control-Request-Method}": true, "%{req:Origin}": true}
	caddyPlace = regexp.MustCompile(`\{[^\s}]*\}`)
	caddyOwn   = map[string]bool{"{http.request.header.Origin}": true}
)

// FuzzRender renders fuzzed policies, with and without kept settings, in
// every stack: a value is refused, or the output holds no variable of
// the target syntax other than the stack's own (nginx, Apache, Caddy,
// Terraform's HCL templates, Serverless variables), and the JSON and
// XML files parse.
func FuzzRender(f *testing.F) {
	f.Add("https://app.example.com", "$http_cookie", "x-%D", "x-{a}", true, 600, uint8(0))
	f.Add("https://*.example.com", "PUT", "x-a*", "X-Request-Id", false, 0, uint8(0xff))
	f.Add("*", "%{REQUEST_METHOD}e", "$", "%", false, 1, uint8(3))
	f.Add("https://app.example.com", "A'B", "x&y", "x--z", true, 86400, uint8(0x10))
	f.Add("https://app.example.com", "$", "%", "'", false, 5, uint8(0x4))
	f.Fuzz(func(t *testing.T, o, m, h, e string, cred bool, age int, keepBits uint8) {
		p := stacks.Policy{Origins: []string{o}, Methods: []string{m}, Headers: []string{h}, Exposed: []string{e}, Credentials: cred, MaxAge: age}
		if p.Validate() != nil {
			return
		}
		keep := stacks.Kept{}
		for i, fld := range stacks.Fields {
			if keepBits&(1<<i) != 0 {
				keep[fld] = []string{m}
			}
		}
		for _, s := range stacks.All() {
			src, err := s.SnippetKeeping(p, keep)
			if err != nil {
				var pe *stacks.PolicyError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: %v is no PolicyError", s.Name, err)
				}
				continue
			}
			switch s.Lang {
			case "nginx":
				for _, v := range nginxName.FindAllString(src, -1) {
					if !nginxOwn[v] {
						t.Fatalf("nginx variable %s from %+v:\n%s", v, p, src)
					}
				}
				for _, i := range nginxVar.FindAllStringIndex(src, -1) {
					if src[i[0]+1] == '{' {
						t.Fatalf("nginx ${...} from %+v:\n%s", p, src)
					}
				}
			case "apache":
				for _, v := range apacheFmt.FindAllString(src, -1) {
					if !apacheOwn[v] {
						t.Fatalf("apache format %s from %+v:\n%s", v, p, src)
					}
				}
			case "hcl":
				// Terraform's templates: only the escaped $${ and %%{.
				rest := strings.NewReplacer("$${", "", "%%{", "").Replace(src)
				if strings.Contains(rest, "${") || strings.Contains(rest, "%{") {
					t.Fatalf("HCL template from %+v:\n%s", p, src)
				}
			case "yaml":
				if strings.Contains(src, "${") {
					t.Fatalf("Serverless variable from %+v:\n%s", p, src)
				}
			case "json":
				if !json.Valid([]byte(src)) {
					t.Fatalf("%s: not JSON from %+v:\n%s", s.Name, p, src)
				}
			case "xml":
				for d := xml.NewDecoder(strings.NewReader(src)); ; {
					if _, err := d.Token(); err == io.EOF {
						break
					} else if err != nil {
						t.Fatalf("%s: not XML (%v) from %+v:\n%s", s.Name, err, p, src)
					}
				}
			case "caddyfile":
				for _, v := range caddyPlace.FindAllString(src, -1) {
					if !caddyOwn[v] {
						t.Fatalf("caddy placeholder %s from %+v:\n%s", v, p, src)
					}
				}
			}
		}
	})
}

// A kept setting's comment swallows none of the snippet's code: Spring's
// chain ended "// maxAge: ... keep yours;" and ASP.NET's "keep yours));"
// when max-age, the last setting, was kept, so neither compiled as pasted.
func TestKeptCommentEndsItsLine(t *testing.T) {
	p := stacks.Policy{Origins: []string{"https://app.example.com"}, Credentials: true}
	keep := stacks.Kept{stacks.FieldMaxAge: nil, stacks.FieldExposed: nil}
	for _, s := range stacks.All() {
		src, err := s.SnippetKeeping(p, keep)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		for _, l := range strings.Split(src, "\n") {
			if i := strings.Index(l, "keep yours"); i >= 0 && strings.ContainsAny(strings.TrimSpace(l[i:])[len("keep yours"):], ";)}]") {
				t.Errorf("%s: code after a keep-yours comment: %q\n%s", s.Name, l, src)
			}
		}
	}
}
