package lint

import (
	"strings"
	"testing"
)

func TestS3FirstMatchingRuleAndVendorSource(t *testing.T) {
	src := `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>https://app.example.com</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>https://app.example.com*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
  </CORSRule>
</CORSConfiguration>
`
	fs := lintString(t, readS3, "cors.xml", src)
	f, ok := ids(fs)["prefix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 8 || !strings.HasPrefix(f.Source, "from the vendor's documentation") {
		t.Fatalf("want prefix-match high at line 8 from the vendor's documentation, got %+v", fs)
	}
}

func TestS3WildcardOriginIsStarWithoutCredentials(t *testing.T) {
	src := `[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["*"]}]`
	fs := lintString(t, readS3, "cors.json", src)
	if f, ok := ids(fs)["wildcard-origin"]; !ok || f.Severity.String() != "info" {
		t.Fatalf("want wildcard-origin info, got %+v", fs)
	}
	for _, f := range fs {
		if f.Severity.String() == "high" {
			t.Fatalf("no credentials with *: want nothing high, got %+v", f)
		}
	}
}
