package lint

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// vendorSourced fails unless every finding says its semantics come from
// the vendor's documentation.
func vendorSourced(t *testing.T, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if !strings.HasPrefix(f.Source, "from the vendor's documentation") {
			t.Fatalf("finding without the vendor's documentation as source: %+v", f)
		}
	}
}

func TestGCSStarEchoesEveryOriginWithoutCredentials(t *testing.T) {
	src := `[
  {
    "origin": ["https://app.example.com"],
    "method": ["GET"],
    "responseHeader": ["Content-Type"],
    "maxAgeSeconds": 3600
  },
  {
    "origin": ["*"],
    "method": ["GET"]
  }
]`
	fs := lintString(t, readGCS, "cors.json", src)
	vendorSourced(t, fs)
	f, ok := ids(fs)["reflect-any-origin"]
	if !ok || f.Credentials || f.Severity.String() == "high" || f.Severity.String() == "critical" {
		t.Fatalf("want reflect-any-origin without credentials (Cloud Storage echoes the Origin for \"*\", never sends credentials), got %+v", fs)
	}
}

func TestGCSExactListIsClean(t *testing.T) {
	src := `{"cors": [{"origin": ["https://app.example.com"], "method": ["GET", "PUT"], "responseHeader": ["Content-Type"], "maxAgeSeconds": 600}]}`
	for _, f := range lintString(t, readGCS, "bucket.json", src) {
		if f.Severity.String() != "info" {
			t.Fatalf("an exact list has no hole: got %+v", f)
		}
	}
}

func TestAzureFirstMatchingRuleCredentialsForNamedOrigin(t *testing.T) {
	src := `<?xml version="1.0" encoding="utf-8"?>
<StorageServiceProperties>
  <Cors>
    <CorsRule>
      <AllowedOrigins>https://app.example.com,http://localhost:3000</AllowedOrigins>
      <AllowedMethods>GET,PUT</AllowedMethods>
      <AllowedHeaders>x-ms-meta-*,content-type</AllowedHeaders>
      <ExposedHeaders>x-ms-meta-*</ExposedHeaders>
      <MaxAgeInSeconds>200</MaxAgeInSeconds>
    </CorsRule>
  </Cors>
</StorageServiceProperties>`
	fs := lintString(t, readAzure, "blob-cors.xml", src)
	vendorSourced(t, fs)
	f, ok := ids(fs)["localhost-origin"]
	if !ok || f.Line != 5 || !f.Credentials {
		t.Fatalf("want localhost-origin with credentials at line 5, got %+v", fs)
	}
}

func TestAzurePreflightNoRuleIs403(t *testing.T) {
	us, err := readAzure("cors.xml", []byte(`<Cors><CorsRule><AllowedOrigins>https://a.example.com</AllowedOrigins><AllowedMethods>GET</AllowedMethods><AllowedHeaders>x-ms-*</AllowedHeaders></CorsRule></Cors>`))
	if err != nil || len(us) != 1 {
		t.Fatal(us, err)
	}
	for _, c := range []struct {
		method, headers string
		want            int
	}{{"GET", "x-ms-date", 200}, {"GET", "x-other", 403}, {"PUT", "", 403}} {
		r := httptest.NewRequest(http.MethodOptions, "https://api.example.com/", nil)
		r.Header.Set("Origin", "https://a.example.com")
		r.Header.Set("Access-Control-Request-Method", c.method)
		if c.headers != "" {
			r.Header.Set("Access-Control-Request-Headers", c.headers)
		}
		w := httptest.NewRecorder()
		us[0].handler.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s %q: status %d, want %d", c.method, c.headers, w.Code, c.want)
		}
	}
}

func TestCloudFrontWildcardSubdomainWithCredentials(t *testing.T) {
	src := `{
  "Resources": {
    "Policy": {
      "Type": "AWS::CloudFront::ResponseHeadersPolicy",
      "Properties": {
        "ResponseHeadersPolicyConfig": {
          "Name": "cors",
          "CorsConfig": {
            "AccessControlAllowCredentials": true,
            "AccessControlAllowHeaders": {"Items": ["Content-Type"]},
            "AccessControlAllowMethods": {"Items": ["GET", "POST"]},
            "AccessControlAllowOrigins": {"Items": ["https://app.example.com", "https://*example.com"]},
            "OriginOverride": true
          }
        }
      }
    }
  }
}`
	fs := lintString(t, readCloudFront, "template.json", src)
	vendorSourced(t, fs)
	f, ok := ids(fs)["suffix-match"]
	if !ok || !f.Credentials || f.Line != 12 {
		t.Fatalf("want suffix-match with credentials at line 12 (https://*example.com), got %+v", fs)
	}
}

func TestAPIGatewayStarIsWildcardWithoutCredentials(t *testing.T) {
	src := `{
  "openapi": "3.0.1",
  "x-amazon-apigateway-cors": {
    "allowOrigins": ["*"],
    "allowMethods": ["GET", "OPTIONS"],
    "allowHeaders": ["content-type"],
    "maxAge": 300
  }
}`
	fs := lintString(t, readAPIGateway, "openapi.json", src)
	vendorSourced(t, fs)
	if f, ok := ids(fs)["wildcard-origin"]; !ok || f.Credentials {
		t.Fatalf("want wildcard-origin without credentials, got %+v", fs)
	}
}

func TestAPIGatewayCloudFormationNamedOrigins(t *testing.T) {
	src := `{"Resources": {"Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
  "CorsConfiguration": {
    "AllowOrigins": ["https://app.example.com", "http://localhost:3000"],
    "AllowCredentials": true,
    "AllowMethods": ["GET", "PUT"]
  }}}}}`
	fs := lintString(t, readAPIGateway, "stack.json", src)
	vendorSourced(t, fs)
	f, ok := ids(fs)["localhost-origin"]
	if !ok || f.Line != 3 {
		t.Fatalf("want localhost-origin at line 3, got %+v", fs)
	}
}

func TestCloudFormatsAreSniffed(t *testing.T) {
	for name, want := range map[string]string{
		"cors.json":     `[{"origin": ["*"], "method": ["GET"]}]`,
		"azure.xml":     `<Cors><CorsRule><AllowedOrigins>*</AllowedOrigins></CorsRule></Cors>`,
		"cf.json":       `{"CorsConfig": {"AccessControlAllowOrigins": {"Items": ["*"]}}}`,
		"template.json": `{"CorsConfiguration": {"AllowOrigins": ["*"]}}`,
	} {
		r := sniff(readers, name, []byte(want))
		if r == nil {
			t.Fatalf("%s not sniffed", name)
		}
		expect := map[string]string{"cors.json": "gcs", "azure.xml": "azure", "cf.json": "cloudfront", "template.json": "apigateway"}[name]
		if r.format != expect {
			t.Errorf("%s sniffed as %s, want %s", name, r.format, expect)
		}
	}
}

// A request log has "origin" and "method" too, as strings: not a Cloud
// Storage configuration, so no reader and no error.
func TestGCSSniffWantsAnOriginList(t *testing.T) {
	if r := sniff(readers, "requests.json", []byte(`[{"origin": "https://a.example.com", "method": "GET"}]`)); r != nil {
		t.Fatalf("a request log sniffed as %s", r.format)
	}
	if r := sniff(readers, "cors.json", []byte("[{\"origin\" :\n [\"https://a.example.com\"], \"method\": [\"GET\"]}]")); r == nil || r.format != "gcs" {
		t.Fatalf("a Cloud Storage configuration not sniffed: %v", r)
	}
}

// A CloudFormation S3 bucket's CorsConfiguration holds CorsRules, not
// AllowOrigins: it is no API Gateway policy.
func TestAPIGatewaySkipsOtherCorsConfigurations(t *testing.T) {
	src := `{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"CorsConfiguration": {"CorsRules": [{"AllowedOrigins": ["*"]}]}}},
  "A": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"CorsConfiguration": {"AllowOrigins": ["https://app.example.com"]}}}}}`
	us, err := readAPIGateway("template.json", []byte(src))
	if err != nil || len(us) != 1 || us[0].Origins[0] != "https://app.example.com" {
		t.Fatalf("want the API's policy alone, got %v %v", us, err)
	}
}
