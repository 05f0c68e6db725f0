package lintterraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/lint"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// fixture is the transcript's Terraform file, beside lint's other
// cloud fixtures.
const fixture = "../../../../lint/testdata/cloud/terraform/main.tf"

func lintTF(t *testing.T, file, src string) []lint.Finding {
	t.Helper()
	us, err := read(file, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []lint.Finding
	for _, u := range us {
		out = append(out, lint.Evaluate(context.Background(), u, lint.Options{})...)
	}
	return out
}

func find(fs []lint.Finding, id string) (lint.Finding, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f, true
		}
	}
	return lint.Finding{}, false
}

// Each resource type becomes its vendor's simulation, and the finding
// names the file, the line of the origin that let the attacker in, and
// the vendor's documentation.
func TestTerraformFindingPerResourceType(t *testing.T) {
	for _, c := range []struct {
		name, src, id, stack string
		line                 int
		creds                bool
	}{
		{"s3 cors configuration", `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = [
      "https://app.example.com",
      "https://*example.com",
    ]
  }
}`, "suffix-match", "s3", 7, true},
		{"s3 legacy bucket", `resource "aws_s3_bucket" "b" {
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://*.example.com"]
  }
}`, "any-subdomain", "s3", 4, true},
		{"cloudfront", `resource "aws_cloudfront_response_headers_policy" "p" {
  name = "p"
  cors_config {
    access_control_allow_credentials = true
    access_control_allow_headers { items = ["Content-Type"] }
    access_control_allow_methods { items = ["ALL"] }
    access_control_allow_origins {
      items = ["https://app.example.com", "http://localhost:3000"]
    }
    origin_override = true
  }
}`, "localhost-origin", "cloudfront", 8, true},
		{"api gateway", `variable "origins" { default = ["https://app.example.com", "null"] }
resource "aws_apigatewayv2_api" "api" {
  name = "api"
  protocol_type = "HTTP"
  cors_configuration {
    allow_credentials = true
    allow_methods = ["GET"]
    allow_origins = var.origins
  }
}`, "null-origin", "apigateway", 8, true},
		{"cloud storage", `resource "google_storage_bucket" "m" {
  name = "m"
  cors {
    origin = ["https://app.example.com"]
    method = ["GET"]
  }
  cors {
    origin = ["*"]
    method = ["GET"]
  }
}`, "reflect-any-origin", "gcs", 3, false},
		{"azure storage", `locals {
  dev = "http://localhost:3000"
}
resource "azurerm_storage_account" "a" {
  blob_properties {
    cors_rule {
      allowed_headers = ["x-ms-meta-*"]
      allowed_methods = ["GET", "PUT"]
      allowed_origins = ["https://app.example.com", "${local.dev}"]
      exposed_headers = []
      max_age_in_seconds = 200
    }
  }
}`, "localhost-origin", "azure", 9, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := lintTF(t, "infra/main.tf", c.src)
			f, ok := find(fs, c.id)
			if !ok || f.File != "infra/main.tf" || f.Line != c.line || f.Stack != c.stack || f.Credentials != c.creds {
				t.Fatalf("want %s (%s) at infra/main.tf:%d, credentials %v; got %+v", c.id, c.stack, c.line, c.creds, fs)
			}
			if !strings.HasPrefix(f.Source, "from the vendor's documentation: ") {
				t.Fatalf("a Terraform finding cites the vendor's documentation: %+v", f)
			}
		})
	}
}

func TestTerraformNotLiteralIsNotEvaluated(t *testing.T) {
	for _, c := range []struct{ src, why string }{
		{`variable "o" {}
resource "aws_s3_bucket_cors_configuration" "b" {
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = var.o
  }
}`, "var.o has no literal default"},
		{`resource "aws_s3_bucket_cors_configuration" "b" {
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = [for d in ["a", "b"] : "https://${d}.example.com"]
  }
}`, "a for expression"},
		{`resource "aws_apigatewayv2_api" "a" {
  cors_configuration {
    allow_origins = [aws_cloudfront_distribution.d.domain_name]
  }
}`, "aws_cloudfront_distribution.d"},
		{`resource "google_storage_bucket" "b" {
  dynamic "cors" {
    for_each = var.rules
    content { origin = cors.value }
  }
}`, `a dynamic "cors" block`},
		{`locals { a = local.a }
resource "aws_s3_bucket" "b" {
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = local.a
  }
}`, "refers to itself"},
	} {
		fs := lintTF(t, "main.tf", c.src)
		if len(fs) != 1 || fs[0].ID != lint.NotEvaluated || !strings.Contains(fs[0].Explanation, c.why) || !strings.Contains(fs[0].Explanation, "not evaluated here") {
			t.Errorf("want one not-evaluated finding saying %q, got %+v", c.why, fs)
		}
	}
}

func TestTerraformBadInputIsATypedError(t *testing.T) {
	for _, c := range []struct {
		src, field string
		line       int
	}{
		{"resource \"aws_s3_bucket\" \"b\" {\n  cors_rule {\n    allowed_origins = \"https://a.example.com\"\n  }\n}", "aws_s3_bucket.b.cors_rule.allowed_origins", 3},
		{"resource \"aws_apigatewayv2_api\" \"a\" {\n  cors_configuration {\n    allow_origins = [\"https://a.example.com\"]\n    max_age = \"soon\"\n  }\n}", "aws_apigatewayv2_api.a.cors_configuration.max_age", 4},
		{"resource \"aws_s3_bucket\" \"b\" {\n  cors_rule {\n", "", 2},
		{strings.Repeat("[", 300), "", 1},
	} {
		_, err := read("main.tf", []byte(c.src), nil)
		var e *Error
		if !errors.As(err, &e) || e.Field != c.field || e.Line != c.line || e.File != "main.tf" {
			t.Errorf("want a *Error naming main.tf:%d %q, got %v", c.line, c.field, err)
		}
	}
}

// Lint reaches the Terraform reader through Options.Readers, and a
// module's variables.tf gives main.tf's variable defaults.
func TestTerraformThroughLintWithSiblingVariables(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "main.tf")
	os.WriteFile(main, []byte(`resource "aws_apigatewayv2_api" "api" {
  cors_configuration {
    allow_credentials = true
    allow_methods     = ["GET"]
    allow_origins     = var.origins
  }
}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "variables.tf"), []byte(`variable "origins" {
  default = ["https://app.example.com", "http://localhost:8080"]
}
`), 0o644)
	rep := lint.Lint(context.Background(), []string{main, filepath.Join(dir, "variables.tf")}, lint.Options{Readers: []lint.Reader{Reader}})
	f, ok := find(rep.Findings, "localhost-origin")
	if !ok || f.File != main || f.Line != 5 || len(rep.Units) != 1 || len(rep.Errors) != 0 {
		t.Fatalf("want localhost-origin at %s:5 from variables.tf's default, got %+v %+v", main, rep.Findings, rep.Errors)
	}
	if rep := lint.Lint(context.Background(), []string{main}, lint.Options{}); len(rep.Units) != 0 {
		t.Fatalf("without the reader lint reads no .tf file; got %+v", rep.Units)
	}
}

func TestTerraformFixture(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	us, err := read(fixture, data, nil)
	if err != nil || len(us) != 6 {
		t.Fatalf("want 6 policies from the fixture, got %d, %v", len(us), err)
	}
}

// A template doubling through a chain of locals is bounded by the
// budget, not built.
func TestTerraformEvaluationIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("locals {\n  l0 = \"" + strings.Repeat("x", 64) + "\"\n")
	for i := 1; i < 24; i++ {
		b.WriteString("  l" + itoa(i) + " = \"${local.l" + itoa(i-1) + "}${local.l" + itoa(i-1) + "}\"\n")
	}
	b.WriteString("}\nresource \"aws_s3_bucket\" \"b\" {\n  cors_rule {\n    allowed_methods = [\"GET\"]\n    allowed_origins = [local.l23]\n  }\n}\n")
	fs := lintTF(t, "main.tf", b.String())
	if len(fs) != 1 || fs[0].ID != lint.NotEvaluated || !strings.Contains(fs[0].Explanation, "exceed") {
		t.Fatalf("want not-evaluated for exceeding the budget, got %+v", fs)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// The module's other files are read only when a name is not declared in
// the file itself: a .tf file with literal CORS, or none, costs its own
// parse alone.
func TestTerraformSiblingsReadOnlyWhenNeeded(t *testing.T) {
	calls := 0
	others := func() []*hclsyntax.Body { calls++; return nil }
	src := `resource "aws_s3_bucket" "b" {
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://app.example.com"]
  }
}`
	if _, err := read("main.tf", []byte(src), others); err != nil || calls != 0 {
		t.Fatalf("literal CORS: %d reads of the other files, %v", calls, err)
	}
	src = strings.Replace(src, `["https://app.example.com"]`, "var.origins", 1)
	if _, err := read("main.tf", []byte(src), others); err != nil || calls != 1 {
		t.Fatalf("var.origins not declared here: %d reads of the other files, want 1; %v", calls, err)
	}
}

// tfRules reads the rules of the resource TYPE.NAME of src with the
// reader's own code, and evaluates its unit.
func tfRules(t *testing.T, src, resName string) ([]lint.VendorRule, []lint.Finding) {
	t.Helper()
	body, err := parse("main.tf", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	sc := newScope()
	sc.collect(body)
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0]+"."+b.Labels[1] == resName {
			r := &resource{file: "main.tf", name: resName, sc: sc}
			rules, err := resources[b.Labels[0]].rules(r, b)
			if err != nil {
				t.Fatal(err)
			}
			u, err := r.unit(resources[b.Labels[0]], b)
			if err != nil || u == nil {
				t.Fatalf("%s: %v", resName, err)
			}
			return rules, lint.Evaluate(context.Background(), u, lint.Options{})
		}
	}
	t.Fatalf("no resource %s in\n%s", resName, src)
	return nil, nil
}

// Issue 22: the fix of a Terraform resource is that resource in HCL
// (stacks' terraform-* stacks). Put in place of the resource's block and
// read back by this reader, it removes the finding and allows exactly the
// origins the resource listed less the one that let the attacker in,
// every other argument of its rules the same.
func TestFixIsTheResourceInHCL(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, c := range []struct {
		res, id string
		want    [][]string // each rule's origins after the fix
	}{
		// The second rule's "*" answered the attacker; the first rule
		// (PUT and POST) keeps both its entries.
		{"aws_s3_bucket_cors_configuration.uploads", "wildcard-origin", [][]string{{"https://app.example.com", "https://*example.com"}}},
		{"aws_s3_bucket.legacy", "any-subdomain", [][]string{{"https://app.example.com"}}},
		{"aws_cloudfront_response_headers_policy.cors", "localhost-origin", [][]string{{"https://app.example.com"}}},
		{"google_storage_bucket.media", "reflect-any-origin", [][]string{{"https://app.example.com"}}},
	} {
		t.Run(c.res, func(t *testing.T) {
			before, fs := tfRules(t, src, c.res)
			f, ok := find(fs, c.id)
			if !ok || f.Snippet == "" || !strings.HasPrefix(f.Fix.Stack, "Terraform ") {
				t.Fatalf("want %s with a Terraform snippet, got %+v", c.id, fs)
			}
			if _, err := parse("snippet.tf", []byte(f.Snippet)); err != nil {
				t.Fatalf("the snippet is not HCL: %v\n%s", err, f.Snippet)
			}
			fixed := replaceResource(t, src, c.res, f.Snippet)
			after, fs2 := tfRules(t, fixed, c.res)
			for _, g := range fs2 {
				if g.ID == c.id && g.Origin == f.Origin {
					t.Errorf("after the fix %s (%s) is still there:\n%s", g.ID, g.Origin, f.Snippet)
				}
			}
			if len(after) != len(c.want) {
				t.Fatalf("after the fix %d rules, want %d:\n%s", len(after), len(c.want), f.Snippet)
			}
			j := 0
			for i, r := range after {
				if !slices.Equal(r.Origins, c.want[i]) {
					t.Errorf("rule %d allows %v, want %v:\n%s", i, r.Origins, c.want[i], f.Snippet)
				}
				for j < len(before) && !sameButOrigins(before[j], r) {
					j++
				}
				if j == len(before) {
					t.Errorf("rule %d %+v is no rule of the resource with fewer origins: %+v", i, r, before)
				}
			}
			t.Logf("%s\n%s", f.Fix.Stack, f.Snippet)
		})
	}
}

// replaceResource puts snippet in place of the block of resource
// TYPE.NAME in src, as its user would.
func replaceResource(t *testing.T, src, resName, snippet string) string {
	t.Helper()
	body, err := parse("main.tf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0]+"."+b.Labels[1] == resName {
			r := b.Range()
			return src[:r.Start.Byte] + snippet + src[r.End.Byte:]
		}
	}
	t.Fatalf("no resource %s", resName)
	return ""
}

func sameButOrigins(a, b lint.VendorRule) bool {
	for _, o := range b.Origins {
		if !slices.Contains(a.Origins, o) {
			return false
		}
	}
	return slices.Equal(a.Methods, b.Methods) && slices.Equal(a.Headers, b.Headers) && slices.Equal(a.Expose, b.Expose) &&
		a.MaxAge == b.MaxAge && a.Credentials == b.Credentials
}
