package lintterraform

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/lint"
	"github.com/corskit/corskit/stacks"
)

// Hostile Terraform files cost bounded work and never panic.
func FuzzTerraform(f *testing.F) {
	if data, err := os.ReadFile(fixture); err == nil {
		f.Add(string(data))
	}
	f.Add("resource \"aws_s3_bucket\" \"b\" {\n  cors_rule {\n    allowed_methods = [\"GET\"]\n    allowed_origins = [\"https://*.example.com\", 1, true]\n    max_age_seconds = 1e40\n  }\n}\n")
	f.Add("locals { a = [local.b] \n b = [\"${local.a[0]}\"] }\nresource \"aws_apigatewayv2_api\" \"a\" {\n cors_configuration {\n allow_origins = local.b\n allow_credentials = \"true\"\n }\n}\n")
	f.Add("variable \"v\" { default = [\"x\"] }\nresource \"aws_cloudfront_response_headers_policy\" \"p\" {\n cors_config {\n access_control_allow_origins { items = var.v[0] }\n access_control_max_age_sec = -1\n }\n}\n")
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = read("main.tf", []byte(src), nil)
	})
}

// The fix of a Terraform resource (stacks' terraform-* stacks) is HCL
// that HashiCorp's parser reads back to exactly the values written: an
// origin entry or a header holding "${", "%{", a quote or a backslash is
// text, never a template, and the resource keeps its label.
func FuzzFixHCL(f *testing.F) {
	f.Add("site", "https://app.example.com", "X-Api-Key")
	f.Add("a${b}", "https://${var.x}.example.com", "x-%{if}")
	f.Add(`q"\`, "https://$${x}", "x-$$")
	f.Add("l\nm", "%%{a}", "$")
	f.Fuzz(func(t *testing.T, label, origin, header string) {
		if label == "" {
			return // the stack's placeholder name, "this"
		}
		for _, res := range []string{"aws_s3_bucket_cors_configuration", "aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account",
			"aws_cloudfront_response_headers_policy", "aws_apigatewayv2_api"} {
			kind := resources[res]
			s, err := stacks.Lookup("terraform-" + kind.vendor)
			if err != nil {
				t.Fatal(err)
			}
			p := stacks.Policy{Origins: []string{origin}, Methods: []string{"GET"}, Headers: []string{header}}
			src, err := s.RulesSnippet(res+"."+label, []stacks.Policy{p})
			if err != nil { // a label that is not UTF-8, a header that is no token

				var pe *stacks.PolicyError
				if !errors.As(err, &pe) {
					t.Fatalf("%v is no PolicyError", err)
				}
				continue
			}
			body, err := parse("fix.tf", []byte(src))
			if err != nil {
				t.Fatalf("%s: not HCL: %v\n%s", res, err, src)
			}
			if len(body.Blocks) != 1 || len(body.Blocks[0].Labels) != 2 || body.Blocks[0].Labels[0] != res || body.Blocks[0].Labels[1] != label {
				t.Fatalf("%s: the resource is not %s %q:\n%s", res, res, label, src)
			}
			r := &resource{file: "fix.tf", name: res + "." + label, sc: newScope()}
			rules, err := kind.rules(r, body.Blocks[0])
			want := []string{origin}
			if kind.vendor == lint.VendorGCS || kind.vendor == lint.VendorAzure || kind.vendor == lint.VendorAPIGateway {
				want = exactOrStarOf(p)
			}
			if err == nil && len(rules) == 0 && len(want) == 0 {
				continue // API Gateway without origins declares no CORS
			}
			if err != nil || len(rules) != 1 {
				t.Fatalf("%s: read back %v, %v\n%s", res, rules, err, src)
			}
			if !slices.Equal(rules[0].Origins, want) || !slices.Equal(rules[0].Headers, []string{header}) {
				t.Fatalf("%s: read back origins %q headers %q, want %q %q:\n%s", res, rules[0].Origins, rules[0].Headers, want, header, src)
			}
		}
	})
}

// exactOrStarOf are the origins a vendor matching exactly or "*" gets
// written: entries with a wildcard inside left out (such a vendor reads
// them as the literal text, which no Origin is).
func exactOrStarOf(p stacks.Policy) []string {
	if o := p.Origins[0]; o != "*" && strings.Contains(o, "*") {
		return nil
	}
	return p.Origins
}
