package stacks

import (
	"encoding/xml"
	"strings"
	"testing"
)

// Each file syntax's escaper writes the text as the literal it is: no
// Terraform template, no Serverless variable, no XML markup.
func TestFileSyntaxEscapers(t *testing.T) {
	for _, c := range []struct {
		name     string
		esc      func(string) string
		in, want string
	}{
		{"hcl", hclString, `a${b}%{c}"\`, `"a$${b}%%{c}\"\\"`},
		{"hcl", hclString, "$${x}", `"$$${x}"`},
		{"hcl", hclString, "a\nb\x7f", `"a\u000ab\u007f"`},
		{"yaml", yamlString, "it's", `'it''s'`},
		{"xml", xmlText, `a&b<c>"d'`, "a&amp;b&lt;c&gt;&#34;d&#39;"},
		{"xml", xmlText, "a\x00b\nc\xff", "a\uFFFDb&#xA;c\uFFFD"},
		{"json", jsonString, "a&<\"\\", `"a&<\"\\"`},
	} {
		if got := c.esc(c.in); got != c.want {
			t.Errorf("%s %q: %s, want %s", c.name, c.in, got, c.want)
		}
	}
	// xmlText is encoding/xml's EscapeText, without the import.
	for _, v := range []string{"plain", `a&b<c>"d'`, "t\tn\nr\r", "\x00\x1f\x7f", "\xff\xfe", "\uFFFE\uFFFF\u2028", "é€𝄞"} {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(v))
		if got := xmlText(v); got != b.String() {
			t.Errorf("xmlText(%q) = %q, encoding/xml writes %q", v, got, b.String())
		}
	}
	if why := syntaxes["yaml"].refuse("x${self:a}"); why == "" {
		t.Error("yaml: a Serverless variable is written, want it refused")
	}
}
