package lint

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A YAML template is evaluated by the JSON readers' evaluation: S3's
// CorsRules, CloudFront's CorsConfig, API Gateway's (and SAM's HttpApi)
// CorsConfiguration, each finding at the line of the entry; a tag where
// CORS uses it is not-evaluated, a tag elsewhere (BucketName: !Sub) is
// not.
func TestCloudFormationYAMLTemplate(t *testing.T) {
	fs := lintString(t, readCloudFormationYAML, "template.yaml", string(mustRead(t, "testdata/cloudformation/template.yaml")))
	vendorSourced(t, evaluated(fs))
	for _, c := range []struct {
		id, stack string
		line      int
		creds     bool
	}{
		{"any-subdomain", "s3", 18, true},
		{"localhost-origin", "cloudfront", 32, true},
		{"wildcard-origin", "apigateway", 45, false},
		{NotEvaluated, "apigateway", 57, false},
		{"wildcard-origin", "apigateway", 72, false}, // SAM's Globals.Api.Cors "'*'"
	} {
		f := at(fs, c.id, c.line)
		if f == nil || f.Stack != c.stack || f.Credentials != c.creds {
			t.Errorf("want %s (%s, credentials %v) at line %d, got %+v", c.id, c.stack, c.creds, c.line, fs)
		}
	}
	if len(fs) != 5 { // SAM's Legacy API, one exact origin with credentials: none
		t.Errorf("want 5 findings, got %d: %+v", len(fs), fs)
	}
	for _, f := range fs {
		switch f.Stack {
		case "s3":
			if f.Snippet != "" || !strings.Contains(f.Fix.Stack, "AllowedOrigins") {
				t.Errorf("S3 in a template: the fix in words only (stacks/ writes S3's API names), got %q / %q", f.Fix.Stack, f.Snippet)
			}
		case "apigateway":
			if f.Line == 72 && (f.Snippet != "" || f.Fix.Stack != "") {
				t.Errorf("SAM's REST Cors: no stack writes it, got %q / %q", f.Fix.Stack, f.Snippet)
			}
		case "cloudfront":
			if !strings.Contains(f.Snippet, `"AccessControlAllowOrigins": {"Items": ["https://app.example.com"]}`) {
				t.Errorf("want CloudFront's CorsConfig less the localhost origin, got %q", f.Snippet)
			}
		}
	}
}

func TestCloudFormationYAMLTypesAndSniff(t *testing.T) {
	props, err := readYAML("t.yaml", []byte("a:\n  b: true\n  c: \"true\"\n  d: [x, 'y']\n  e:\n    - 600\n    - !Ref P\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	m := cfnTree(props).(map[string]any)["a"].(map[string]any)
	if m["b"] != true || m["c"] != "true" || len(m["d"].([]any)) != 2 {
		t.Errorf("typed values: %#v", m)
	}
	e := m["e"].([]any)
	if e[0] != float64(600) {
		t.Errorf("a number: %#v", e[0])
	}
	if _, ok := e[1].(yamlTagged); !ok {
		t.Errorf("a tag: %#v", e[1])
	}
	for name, want := range map[string]bool{
		"infra/template.yaml": true, "stack.yml": true, "template.json": false, "docker-compose.yml": false,
	} {
		head := []byte("AWSTemplateFormatVersion: '2010-09-09'\n")
		if name == "docker-compose.yml" {
			head = []byte("services:\n")
		}
		if got := sniffCloudFormationYAML(name, head); got != want {
			t.Errorf("%s: sniffed %v, want %v", name, got, want)
		}
	}
}

// A JSON template's intrinsic function where CORS uses it is not
// evaluated either (before, the origin was dropped silently).
func TestCloudFormationJSONIntrinsicNotEvaluated(t *testing.T) {
	src := `{"Resources":{"A":{"Properties":{"CorsConfiguration":{"AllowOrigins":[{"Ref":"Front"}],"AllowCredentials":true}}}}}`
	fs := lintString(t, readAPIGateway, "template.json", src)
	if _, ok := ids(fs)[NotEvaluated]; !ok || len(fs) != 1 {
		t.Errorf("want not-evaluated, got %+v", fs)
	}
}

func TestSAMAPICorsQuotedValues(t *testing.T) {
	src := "Transform: AWS::Serverless-2016-10-31\nResources:\n  A:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors:\n        AllowOrigin: \"'http://localhost:8080'\"\n        AllowCredentials: true\n  B:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors: https://unquoted.example.com\n"
	fs := lintString(t, readCloudFormationYAML, "template.yaml", src)
	if f := at(fs, "localhost-origin", 7); f == nil || !f.Credentials {
		t.Errorf("want localhost-origin with credentials at line 7, got %+v", fs)
	}
	if len(fs) != 1 {
		t.Errorf("an unquoted Cors value is not SAM's form and is not read; got %+v", fs)
	}
}

// A JSON template is read whole, as a YAML one is: an S3 bucket's
// CorsRules beside an HTTP API's CorsConfiguration both evaluated, each
// at its origin's line (before, the S3 reader took the file, found no
// top-level rules, and nothing was read).
func TestCloudFormationJSONTemplate(t *testing.T) {
	src := `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Assets": {"Type": "AWS::S3::Bucket", "Properties": {"CorsConfiguration": {"CorsRules": [
      {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET"]}
    ]}}},
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"CorsConfiguration": {
      "AllowOrigins": ["http://localhost:5173"], "AllowCredentials": true}}}
  }
}`
	if !sniffCloudFormationJSON("template.json", []byte(src)) {
		t.Fatal("not recognised as a template")
	}
	fs := lintString(t, readCloudFormationJSON, "template.json", src)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%d %s", f.Line, f.ID))
	}
	if !slices.Contains(got, "5 any-subdomain") || !slices.Contains(got, "8 localhost-origin") {
		t.Errorf("findings %v, want any-subdomain at 5 (S3) and localhost-origin at 8 (API Gateway)", got)
	}
}
