package lint

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

// fixCase is one vendor file whose allowlist finding carries its fix in
// the file's own syntax: apply puts the snippet into the file as its
// user would (the whole file, or the CORS part of it in place), and the
// file read back by the same reader must lose the finding and allow
// exactly want, each rule otherwise as it was.
type fixCase struct {
	name, file string
	read       func(string, []byte) ([]*Unit, error)
	src        string
	unit       int    // which unit of the file
	id, origin string // the finding the fix removes
	stack      string // the stacks syntax of the snippet
	apply      func(t *testing.T, src, snippet string) string
	want       []string // the origins after the fix, over all rules
	has        string   // text the snippet must hold (the syntax's own key)
}

func wholeFile(_ *testing.T, _, snippet string) string { return snippet }

// jsonSplice replaces the value of the first member named key (at any
// depth) of src with the snippet's own value of that member: the CORS
// part of a CloudFormation or ARM template, the rest kept.
func jsonSplice(key string) func(t *testing.T, src, snippet string) string {
	return func(t *testing.T, src, snippet string) string {
		t.Helper()
		var doc, part any
		if err := json.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(snippet), &part); err != nil {
			t.Fatalf("the snippet is not JSON: %v\n%s", err, snippet)
		}
		val, ok := part.(map[string]any)[key]
		if !ok {
			val = part // the snippet is the member's value itself
		}
		if !replaceMember(doc, key, val) {
			t.Fatalf("no %q in the file", key)
		}
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
}

func replaceMember(v any, key string, val any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if k == key {
				x[k] = val
				return true
			}
			if replaceMember(x[k], key, val) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if replaceMember(e, key, val) {
				return true
			}
		}
	}
	return false
}

// yamlSplice replaces the n-th `cors:` block of src with the snippet's
// `cors:` block (same nesting, so same indentation): the rest of
// serverless.yml is kept.
func yamlSplice(n int) func(t *testing.T, src, snippet string) string {
	return func(t *testing.T, src, snippet string) string {
		t.Helper()
		block := func(lines []string, nth int) (int, int) {
			seen := 0
			for i, l := range lines {
				if strings.TrimSpace(l) != "cors:" && !strings.HasPrefix(strings.TrimSpace(l), "cors: ") {
					continue
				}
				if seen++; seen <= nth {
					continue
				}
				ind := len(l) - len(strings.TrimLeft(l, " "))
				j := i + 1
				for j < len(lines) && (strings.TrimSpace(lines[j]) == "" || len(lines[j])-len(strings.TrimLeft(lines[j], " ")) > ind) {
					j++
				}
				return i, j
			}
			t.Fatalf("no cors block %d in\n%s", nth, strings.Join(lines, "\n"))
			return 0, 0
		}
		sl := strings.Split(strings.TrimRight(snippet, "\n"), "\n")
		a, b := block(sl, 0)
		fl := strings.Split(src, "\n")
		c, d := block(fl, n)
		return strings.Join(slices.Concat(fl[:c], sl[a:b], fl[d:]), "\n")
	}
}

// xmlSplice replaces src's <Cors>...</Cors> with the snippet's.
func xmlSplice(t *testing.T, src, snippet string) string {
	t.Helper()
	part := func(s string) (int, int) {
		i, j := strings.Index(s, "<Cors>"), strings.Index(s, "</Cors>")
		if i < 0 || j < i {
			t.Fatalf("no <Cors> in\n%s", s)
		}
		return i, j + len("</Cors>")
	}
	a, b := part(snippet)
	c, d := part(src)
	return src[:c] + snippet[a:b] + src[d:]
}

func readFixture(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Issue 22: "The fix is written in the same file's syntax, through
// stacks/." Applied to the file it came from and read back by the same
// reader, it removes the finding and allows exactly the origins the
// file listed less the one that let the attacker in: nothing granted,
// no method, header or max-age changed, no rule reordered.
func TestFixInTheFilesSyntax(t *testing.T) {
	cases := []fixCase{
		{name: "gcs", file: "cors.json", read: readGCS, src: `[
  {"origin": ["https://app.example.com", "http://localhost:3000"], "method": ["GET", "PUT"], "responseHeader": ["Content-Type"], "maxAgeSeconds": 3600},
  {"origin": ["*"], "method": ["GET"]}
]`, id: "reflect-any-origin", stack: "gcs", apply: wholeFile,
			// The "*" that echoed the attacker's origin goes; the local
			// origin, without credentials here, is no finding of this kind.
			want: []string{"https://app.example.com", "http://localhost:3000"}},
		{name: "azure-xml", file: "cors.xml", read: readAzure, src: `<?xml version="1.0" encoding="utf-8"?>
<StorageServiceProperties>
  <Logging><Version>1.0</Version></Logging>
  <Cors>
    <CorsRule>
      <AllowedOrigins>https://app.example.com,http://localhost:3000</AllowedOrigins>
      <AllowedMethods>GET,PUT</AllowedMethods>
      <AllowedHeaders>x-ms-meta-*,content-type</AllowedHeaders>
      <ExposedHeaders>x-ms-meta-*</ExposedHeaders>
      <MaxAgeInSeconds>200</MaxAgeInSeconds>
    </CorsRule>
  </Cors>
</StorageServiceProperties>`, id: "localhost-origin", origin: "http://localhost:3000", stack: "azure", apply: xmlSplice, want: []string{"https://app.example.com"}},
		{name: "azure-arm", file: "azuredeploy.json", read: readAzureARM, src: readFixture(t, "testdata/cloud/azuredeploy.json"),
			id: "wildcard-origin", stack: "azure-arm", apply: jsonSplice("cors"), want: []string{"https://app.example.com"}},
		{name: "r2", file: "r2-cors.json", read: readR2, src: readFixture(t, "testdata/cloud/r2-cors.json"),
			id: "any-subdomain", stack: "r2", apply: wholeFile, want: []string{"https://app.example.com"}},
		{name: "cloudfront", file: "template.json", read: readCloudFront, src: `{
  "Resources": {"Policy": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {
    "Name": "cors",
    "CorsConfig": {
      "AccessControlAllowOrigins": {"Items": ["https://app.example.com", "null"]},
      "AccessControlAllowMethods": {"Items": ["ALL"]},
      "AccessControlAllowHeaders": {"Items": ["Content-Type"]},
      "AccessControlAllowCredentials": true,
      "AccessControlMaxAgeSec": 600,
      "OriginOverride": true
    }
  }}}}
}`, id: "null-origin", origin: "null", stack: "cloudfront", apply: jsonSplice("CorsConfig"), want: []string{"https://app.example.com"}},
		{name: "apigateway", file: "template.json", read: readAPIGateway, src: `{
  "Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
    "Name": "api", "ProtocolType": "HTTP",
    "CorsConfiguration": {
      "AllowOrigins": ["https://app.example.com", "http://localhost:8080"],
      "AllowMethods": ["GET", "POST"],
      "AllowHeaders": ["content-type"],
      "AllowCredentials": true,
      "MaxAge": 600
    }
  }}}
}`, id: "localhost-origin", origin: "http://localhost:8080", stack: "apigateway", apply: jsonSplice("CorsConfiguration"), want: []string{"https://app.example.com"}},
		{name: "apigateway-openapi", file: "openapi.json", read: readAPIGateway, src: `{
  "openapi": "3.0.1",
  "x-amazon-apigateway-cors": {
    "allowOrigins": ["https://app.example.com", "*"],
    "allowMethods": ["GET"],
    "maxAge": 300
  },
  "paths": {}
}`, id: "wildcard-origin", stack: "apigateway", apply: jsonSplice("x-amazon-apigateway-cors"), want: []string{"https://app.example.com"},
			has: `"allowOrigins": ["https://app.example.com"]`},
		{name: "s3-json", file: "cors.json", read: readS3, src: `[
  {"AllowedOrigins": ["https://app.example.com", "https://admin.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000},
  {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET"], "ExposeHeaders": ["ETag"]}
]`, id: "any-subdomain", stack: "s3", apply: wholeFile, want: []string{"https://app.example.com", "https://admin.example.com"}},
		{name: "s3-xml", file: "cors.xml", read: readS3, src: `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>https://app.example.com</AllowedOrigin>
    <AllowedOrigin>null</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>HEAD</AllowedMethod>
  </CORSRule>
</CORSConfiguration>`, id: "null-origin", origin: "null", stack: "s3-xml", apply: wholeFile, want: []string{"https://app.example.com", "*"},
			has: "<AllowedOrigin>https://app.example.com</AllowedOrigin>"},
		{name: "serverless-httpapi", file: "serverless.yml", read: readServerless, src: readFixture(t, "testdata/cloud/serverless.yml"),
			id: "localhost-origin", origin: "http://localhost:3000", stack: "serverless", apply: yamlSplice(0), want: []string{"https://app.example.com"}},
		{name: "serverless-http-event", file: "serverless.yml", read: readServerless, src: readFixture(t, "testdata/cloud/serverless.yml"),
			unit: 1, id: "any-subdomain", stack: "serverless", apply: yamlSplice(1), want: []string{"https://app.example.com"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, fs := fixUnit(t, c, c.src)
			var f *Finding
			for i := range fs {
				if fs[i].ID == c.id && (c.origin == "" || fs[i].Origin == c.origin) {
					f = &fs[i]
					break
				}
			}
			if f == nil || f.Snippet == "" {
				t.Fatalf("want %s (%s) with a snippet, got %+v", c.id, c.origin, fs)
			}
			s, _ := stacks.Lookup(c.stack)
			if !strings.HasPrefix(f.Fix.Stack, s.Title+": remove ") {
				t.Errorf("the fix is %q, want it in %s's terms", f.Fix.Stack, s.Title)
			}
			if !strings.Contains(f.Snippet, c.has) {
				t.Errorf("the snippet lacks %s:\n%s", c.has, f.Snippet)
			}
			fixed := c.apply(t, c.src, f.Snippet)
			after, fs2 := fixUnit(t, c, fixed)
			for _, g := range fs2 {
				if g.ID == c.id && g.Origin == f.Origin {
					t.Errorf("after the fix, %s (%s) is still there:\n%s", g.ID, g.Origin, fixed)
				}
			}
			want := c.want
			if want == nil { // every origin but the finding's
				want = slices.DeleteFunc(ruleOrigins(before), func(o string) bool { return o == f.Origin })
			}
			if got := ruleOrigins(after); !slices.Equal(got, want) {
				t.Errorf("after the fix the file allows %v, want %v\nsnippet:\n%s\nfile:\n%s", got, want, f.Snippet, fixed)
			}
			sameRulesBut(t, before, after)
			t.Logf("%s: %s\n%s", c.name, f.Fix.Stack, f.Snippet)
		})
	}
}

// fixUnit reads src and evaluates the case's unit.
func fixUnit(t *testing.T, c fixCase, src string) (*Unit, []Finding) {
	t.Helper()
	us, err := c.read(c.file, []byte(src))
	if err != nil || len(us) <= c.unit {
		t.Fatalf("read %d units, %v\n%s", len(us), err, src)
	}
	u := us[c.unit]
	return u, Evaluate(context.Background(), u, Options{})
}

// ruleOrigins are every origin the unit's rules list, in order, once.
func ruleOrigins(u *Unit) []string {
	var out []string
	for _, r := range u.fix.rules {
		for _, o := range r.Origins {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// sameRulesBut fails unless each rule after the fix is a rule before it,
// in the same order, with a subset of its origins and every other
// setting the same.
func sameRulesBut(t *testing.T, before, after *Unit) {
	t.Helper()
	i := 0
	for _, r := range after.fix.rules {
		for i < len(before.fix.rules) && !sameButOrigins(before.fix.rules[i], r) {
			i++
		}
		if i == len(before.fix.rules) {
			t.Errorf("rule %+v is no rule of the file with fewer origins: %+v", r, before.fix.rules)
			return
		}
		i++
	}
}

func sameButOrigins(a, b stacks.Policy) bool {
	for _, o := range b.Origins {
		if !slices.Contains(a.Origins, o) {
			return false
		}
	}
	eq := func(x, y []string) bool { return fmt.Sprint(x) == fmt.Sprint(y) }
	return eq(a.Methods, b.Methods) && eq(a.Headers, b.Headers) && eq(a.Exposed, b.Exposed) &&
		a.Credentials == b.Credentials && a.MaxAge == b.MaxAge
}
