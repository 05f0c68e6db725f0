package lintterraform

import (
	"os"
	"testing"
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
