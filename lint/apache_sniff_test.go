package lint

import "testing"

// A path naming apache or httpd makes a file Apache's configuration only
// when its extension may be one: linting this repository read
// lint/apache.go and check-stack-apache.golden as Apache and reported
// them unreadable.
func TestSniffApacheByPath(t *testing.T) {
	head := []byte("Header always set Access-Control-Allow-Origin \"https://app.example.com\"\n")
	for name, want := range map[string]bool{
		"deploy/apache2/sites-enabled/000-default": true,
		"deploy/httpd/cors.inc":                    true,
		"conf/cors.conf":                           true,
		"public/.htaccess":                         true,
		"lint/apache.go":                           false,
		"cmd/testdata/check-stack-apache.golden":   false,
		"docs/apache.md":                           false,
	} {
		if got := sniffApache(name, head); got != want {
			t.Errorf("sniffApache(%q) = %v, want %v", name, got, want)
		}
	}
}
