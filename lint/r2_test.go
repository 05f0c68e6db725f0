package lint

import (
	"os"
	"testing"
)

func TestR2WranglerRulesEvaluatedAsS3(t *testing.T) {
	data, err := os.ReadFile("testdata/cloud/r2-cors.json")
	if err != nil {
		t.Fatal(err)
	}
	fs := lintString(t, readR2, "testdata/cloud/r2-cors.json", string(data))
	vendorSourced(t, fs)
	f, ok := ids(fs)["any-subdomain"]
	if !ok || f.Line != 5 || !f.Credentials || f.Stack != "r2" || f.File != "testdata/cloud/r2-cors.json" {
		t.Fatalf("want any-subdomain with credentials (as S3 answers a named origin) at r2-cors.json:5, got %+v", fs)
	}
}

func TestR2S3FormByPath(t *testing.T) {
	src := `{"CORSRules": [{"AllowedOrigins": ["https://app.example.com", "http://localhost:5173"], "AllowedMethods": ["GET"]}]}`
	for _, c := range []struct{ file, stack string }{
		{"deploy/r2/cors.json", "r2"}, {"cloudflare-bucket-cors.json", "r2"}, {"r2-cors.json", "r2"},
		{"deploy/s3/cors.json", "s3"}, {"mirror2/cors.json", "s3"},
	} {
		units, err := ReadFile(c.file, []byte(src))
		if err != nil || len(units) != 1 || units[0].Stack != c.stack {
			t.Errorf("%s: want stack %s, got %+v %v", c.file, c.stack, units, err)
		}
	}
}

func TestR2Sniff(t *testing.T) {
	for name, want := range map[string]string{
		"r2-cors.json":     `{"rules":[{"allowed":{"origins":["https://a.example.com"],"methods":["GET"]}}]}`,
		"rules.json":       `[{"allowed": {"methods": ["GET"], "origins" : ["*"]}}]`,
		"other.json":       `{"allowed": true, "origins": "x"}`,
		"azuredeploy.json": `{"properties": {"cors": {"corsRules": []}}}`,
	} {
		r := sniff(readers, name, []byte(want))
		got := ""
		if r != nil {
			got = r.format
		}
		wantFormat := map[string]string{"r2-cors.json": "r2", "rules.json": "r2", "other.json": "", "azuredeploy.json": "azure-arm"}[name]
		if got != wantFormat {
			t.Errorf("%s: sniffed as %q, want %q", name, got, wantFormat)
		}
	}
}

func TestAzureARMCorsRules(t *testing.T) {
	data, err := os.ReadFile("testdata/cloud/azuredeploy.json")
	if err != nil {
		t.Fatal(err)
	}
	// A named origin in the first rule with credentials (Azure sends them
	// for a named origin), then "*".
	src := string(data)
	fs := lintString(t, readAzureARM, "azuredeploy.json", src)
	vendorSourced(t, fs)
	f, ok := ids(fs)["wildcard-origin"]
	if !ok || f.File != "azuredeploy.json" || f.Line != 16 || f.Stack != "azure" {
		t.Fatalf("want wildcard-origin at azuredeploy.json:16, got %+v", fs)
	}
	dev := `{"resources": [{"type": "Microsoft.Storage/storageAccounts/fileServices", "properties": {"cors": {"corsRules": [
  {"allowedOrigins": ["https://app.example.com",
                      "http://localhost:4200"],
   "allowedMethods": ["GET"], "allowedHeaders": ["*"], "exposedHeaders": [], "maxAgeInSeconds": 60}]}}}]}`
	fs = lintString(t, readAzureARM, "azuredeploy.json", dev)
	if f, ok := ids(fs)["localhost-origin"]; !ok || f.Line != 3 || !f.Credentials {
		t.Fatalf("want localhost-origin with credentials at line 3, got %+v", fs)
	}
}

func TestAzureARMExpressionIsNotEvaluated(t *testing.T) {
	for _, src := range []string{
		`{"properties": {"cors": {"corsRules": "[parameters('corsRules')]"}}}`,
		`{"properties": {"cors": {"corsRules": [{"allowedOrigins": ["[parameters('origin')]"], "allowedMethods": ["GET"]}]}}}`,
		`{"properties": {"cors": {"corsRules": [{"allowedOrigins": "[variables('origins')]", "allowedMethods": ["GET"]}]}}}`,
	} {
		fs := lintString(t, readAzureARM, "azuredeploy.json", src)
		if len(fs) != 1 || fs[0].ID != NotEvaluated || fs[0].Line != 1 {
			t.Errorf("want one not-evaluated finding at line 1, got %+v", fs)
		}
	}
}
