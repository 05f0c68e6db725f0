package stacks_test

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

var full = stacks.Policy{
	Origins: []string{"https://app.example.com", "https://*.example.com"}, Methods: []string{"GET", "PUT"},
	Headers: []string{"X-Api-Key"}, Exposed: []string{"X-Request-Id"}, Credentials: true, MaxAge: 600,
}

func TestEveryStackIsComplete(t *testing.T) {
	if n := len(stacks.All()); n != 32 {
		t.Errorf("%d stacks, want the 19 of issue 12, Hono and the 12 file syntaxes lint writes fixes in (issue 22)", n)
	}
	seen := map[string]bool{}
	for _, s := range stacks.All() {
		if seen[s.Name] {
			t.Errorf("two stacks named %s", s.Name)
		}
		seen[s.Name] = true
		if !strings.HasPrefix(s.Doc, "https://") || s.Title == "" || s.Lang == "" || s.Family == "" {
			t.Errorf("%s: incomplete entry %+v", s.Name, s)
		}
		for _, f := range stacks.Fields {
			if s.Setting(f) == "" {
				t.Errorf("%s: no setting named for %s", s.Name, f)
			}
		}
		if !s.RunHere && s.Provenance() != stacks.VendorDocsOnly {
			t.Errorf("%s: provenance %q", s.Name, s.Provenance())
		}
		src, err := s.Snippet(full)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		// Every value of the policy is in the snippet (API Gateway leaves
		// the pattern out, and says so; S3 has no credentials setting).
		for _, v := range []string{"https://app.example.com", "PUT", "X-Api-Key", "X-Request-Id", "600"} {
			if !strings.Contains(src, v) && !strings.Contains(src, regexp.QuoteMeta(v)) {
				t.Errorf("%s snippet lacks %q:\n%s", s.Name, v, src)
			}
		}
	}
	for _, want := range []string{"spring", "aspnetcore", "s3", "apigateway"} {
		if s, err := stacks.Lookup(want); err != nil || s.RunHere {
			t.Errorf("%s: %v, RunHere must be false", want, err)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		p     stacks.Policy
		field string
	}{
		{stacks.Policy{}, "Origins"},
		{stacks.Policy{Origins: []string{"*"}, Credentials: true}, "Origins"},
		{stacks.Policy{Origins: []string{"https://app.example.com/"}}, "Origins"},
		{stacks.Policy{Origins: []string{"https://APP.example.com"}}, "Origins"},
		{stacks.Policy{Origins: []string{"https://a.example"}, Methods: []string{"*"}, Credentials: true}, "Methods"},
		{stacks.Policy{Origins: []string{"https://a.example"}, Methods: []string{"CONNECT"}}, "Methods"},
		{stacks.Policy{Origins: []string{"https://a.example"}, Headers: []string{"bad header"}}, "Headers"},
		{stacks.Policy{Origins: []string{"https://a.example"}, MaxAge: -1}, "MaxAge"},
	} {
		err := tc.p.Validate()
		var pe *stacks.PolicyError
		if !errors.As(err, &pe) || pe.Field != tc.field {
			t.Errorf("%+v: %v, want a PolicyError on %s", tc.p, err, tc.field)
		}
	}
	if err := full.Validate(); err != nil {
		t.Error(err)
	}
}

func TestChangeIsTheSmallest(t *testing.T) {
	p := stacks.Policy{Origins: []string{"https://app.example.com"}, Methods: []string{"GET", "POST"}}
	for name, want := range map[string]string{
		"express": "add PUT to `methods`", "django": "add PUT to `CORS_ALLOW_METHODS`",
		"spring": "add PUT to `allowedMethods`", "nginx": "add PUT to `add_header Access-Control-Allow-Methods`",
	} {
		s, _ := stacks.Lookup(name)
		c, err := s.Change(p, stacks.Delta{Field: stacks.FieldMethods, Add: []string{"PUT"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Text != want || !strings.Contains(c.Snippet, "PUT") || c.Doc == "" {
			t.Errorf("%s: %q, want %q", name, c.Text, want)
		}
	}
	s, _ := stacks.Lookup("s3")
	c, _ := s.Change(p, stacks.Delta{Field: stacks.FieldCredentials}, nil)
	if !strings.Contains(c.Setting, "none") || len(c.Pitfalls) == 0 {
		t.Errorf("s3 credentials: %+v", c)
	}
	if _, err := s.Change(stacks.Policy{Origins: []string{"*"}}, stacks.Delta{Field: stacks.FieldCredentials}, nil); err == nil {
		t.Error(`credentials on "*": no error`)
	}
}

func TestPitfallsApply(t *testing.T) {
	for name, id := range map[string]string{
		"nginx": "nginx-always", "apache": "apache-always", "spring": "spring-pattern-star-credentials",
		"starlette": "starlette-allow-all-credentials", "django": "django-allow-all-credentials",
		"express": "express5-options-star", "apigateway": "apigw-ignores-backend", "s3": "s3-no-credentials-field",
	} {
		s, _ := stacks.Lookup(name)
		found := false
		for _, p := range s.Pitfalls(full) {
			found = found || p.ID == id
		}
		if !found {
			t.Errorf("%s: pitfall %s missing for %+v", name, id, full)
		}
	}
	s, _ := stacks.Lookup("starlette")
	for _, p := range s.Pitfalls(stacks.Policy{Origins: []string{"*"}}) {
		if p.ID == "starlette-allow-all-credentials" {
			t.Error("credentials pitfall without credentials")
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := stacks.Lookup("tomcat")
	var u *stacks.UnknownStackError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "express") {
		t.Errorf("%v", err)
	}
	if s, err := stacks.Lookup("NGINX"); err != nil || s.Name != "nginx" {
		t.Errorf("case-insensitive lookup: %v", err)
	}
}

func TestDetect(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		h      http.Header
		status int
		body   string
		want   string
		conf   stacks.Confidence
	}{
		{h("Server", "nginx/1.22.1"), 204, "", "nginx", stacks.High},
		{h("X-Powered-By", "Express"), 204, "", "express", stacks.High},
		{h("Server", "uvicorn"), 400, "Disallowed CORS origin", "starlette", stacks.High},
		{h("Server", "uvicorn"), 200, "", "starlette", stacks.Medium},
		{h("Server", "nginx", "X-Powered-By", "Express"), 200, "", "nginx", stacks.Low}, // proxy and app: unsure
		{h("Content-Type", "text/plain"), 200, "", "", stacks.Unknown},
		{h("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"), 204, "", "express", stacks.Medium},
		{h("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"), 200, "", "flask", stacks.Medium},
		{h("Access-Control-Allow-Origin", "https://a.example", "Access-Control-Allow-Methods", "PUT"), 200, "", "gorilla", stacks.Low},
		{h("X-Varnish", "32770", "Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"), 204, "", "express", stacks.Medium},
	} {
		d := stacks.Detect(tc.h, tc.status, []byte(tc.body))
		got := ""
		if d.Stack != nil {
			got = d.Stack.Name
		}
		if got != tc.want || d.Confidence != tc.conf {
			t.Errorf("%v %d: %s %s, want %s %s", tc.h, tc.status, got, d.Confidence, tc.want, tc.conf)
		}
		if tc.h.Get("X-Varnish") != "" && (d.Cache != "varnish" || d.CacheEvidence != "X-Varnish: 32770") {
			t.Errorf("%v: cache %q %q", tc.h, d.Cache, d.CacheEvidence)
		}
		if (tc.conf < stacks.High) != d.Unsure() {
			t.Errorf("Unsure() = %v at %s", d.Unsure(), d.Confidence)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add("Server", "nginx/1.22.1", 204, []byte(""))
	f.Add("Vary", "Origin, Access-Control-Request-Headers", 204, []byte(""))
	f.Add("Server", "uvicorn", 400, []byte("Disallowed CORS origin"))
	f.Fuzz(func(t *testing.T, name, value string, status int, body []byte) {
		d := stacks.Detect(http.Header{name: {value}}, status, body)
		if (d.Stack == nil) != (d.Confidence == stacks.Unknown) {
			t.Fatalf("stack %v with confidence %s", d.Stack, d.Confidence)
		}
	})
}

func FuzzPolicy(f *testing.F) {
	f.Add("https://*.example.com", "PUT", "X-Api-Key", true, 600)
	f.Add("*", "*", "*", false, 0)
	f.Fuzz(func(t *testing.T, o, m, h string, cred bool, age int) {
		p := stacks.Policy{Origins: []string{o}, Methods: []string{m}, Headers: []string{h}, Credentials: cred, MaxAge: age}
		if p.Validate() != nil {
			return
		}
		for _, s := range stacks.All() {
			// A valid policy is written, unless a value is one the stack
			// would read as a variable or a pattern (issue 18 §3(c)):
			// then the error names it.
			var pe *stacks.PolicyError
			if _, err := s.Snippet(p); err != nil && (!errors.As(err, &pe) || !strings.Contains(pe.Reason, "cannot be written for "+s.Title)) {
				t.Fatalf("%s: valid policy refused: %v", s.Name, err)
			}
		}
	})
}
