package devtools

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Curl writes the call as a bash curl command the way Chromium's "Copy as
// cURL (bash)" does, browser headers first, so that ParseCurl reads back
// the same call.
func (c *Call) Curl() string {
	var parts []string
	u := posixQuote(c.Request.URL)
	var esc strings.Builder
	for i := 0; i < len(u); i++ {
		if strings.IndexByte("[]{}", u[i]) >= 0 {
			esc.WriteByte('\\') // as Chromium does, against curl's globbing
		}
		esc.WriteByte(u[i])
	}
	parts = append(parts, esc.String())
	inferred := "GET"
	if c.Request.Body != "" {
		inferred = "POST"
	}
	if m := c.Request.Method; m != "" && m != inferred {
		parts = append(parts, "-X "+posixQuote(m))
	}
	header := func(name, value string) {
		switch {
		case strings.TrimSpace(value) == "":
			parts = append(parts, "-H "+posixQuote(name+";"))
		case name == "Cookie" && strings.Contains(value, "="):
			parts = append(parts, "-b "+posixQuote(value))
		default:
			parts = append(parts, "-H "+posixQuote(name+": "+value))
		}
	}
	for _, h := range c.Browser {
		header(h.Name, h.Value)
	}
	for _, h := range c.Request.Headers {
		header(h.Name, h.Value)
	}
	if c.Request.Body != "" {
		parts = append(parts, "--data-raw "+posixQuote(c.Request.Body))
	}
	if c.Compressed {
		parts = append(parts, "--compressed")
	}
	if c.Insecure {
		parts = append(parts, "--insecure")
	}
	sep := " "
	if len(parts) >= 3 {
		sep = " \\\n  "
	}
	return "curl " + strings.Join(parts, sep)
}

// posixQuote quotes s for bash as Chromium's escapeStringPosix does:
// 'single quotes' unless s holds a quote, a control character or "!", then
// $'ANSI-C quotes' with \uHHHH for those. Bytes that are not UTF-8 are
// written as they are, which $'...' keeps.
func posixQuote(s string) string {
	needs := false
	for _, r := range s {
		if r < 0x20 || 0x7f <= r && r <= 0x9f || r == '!' || r == '\'' {
			needs = true
			break
		}
	}
	if !needs {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`\'`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || 0x7f <= r && r <= 0x9f || r == '!':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// Fetch writes the call as "Copy as fetch" does: Chromium's browser
// flavour, or its Node.js flavour for a FetchNode call. Unlike DevTools it
// keeps the browser's headers in the headers object, so that ParseFetch
// reads back the same call.
func (c *Call) Fetch() string {
	var b strings.Builder
	b.WriteString("fetch(")
	b.WriteString(jsQuote(c.Request.URL))
	b.WriteString(", {\n")
	var fields []string
	var hs []string
	for _, h := range c.Browser {
		hs = append(hs, "    "+jsQuote(h.Name)+": "+jsQuote(h.Value))
	}
	for _, h := range c.Request.Headers {
		hs = append(hs, "    "+jsQuote(h.Name)+": "+jsQuote(h.Value))
	}
	if len(hs) > 0 {
		fields = append(fields, "  \"headers\": {\n"+strings.Join(hs, ",\n")+"\n  }")
	}
	str := func(k, v string) { fields = append(fields, "  "+jsQuote(k)+": "+jsQuote(v)) }
	if c.Referrer != "" {
		str("referrer", c.Referrer)
	}
	if c.Request.Body != "" {
		str("body", c.Request.Body)
	}
	m := c.Request.Method
	if m == "" {
		m = "GET"
	}
	str("method", m)
	if c.Request.Cache != "" {
		str("cache", string(c.Request.Cache))
	}
	if c.Request.Redirect != "" {
		str("redirect", string(c.Request.Redirect))
	}
	if c.Format != FetchNode {
		if c.Request.Mode != "" {
			str("mode", string(c.Request.Mode))
		}
		cred := string(c.Request.Credentials)
		if cred == "" {
			cred = "omit"
		}
		str("credentials", cred)
	}
	b.WriteString(strings.Join(fields, ",\n"))
	b.WriteString("\n});")
	return b.String()
}

// jsQuote writes s as JSON.stringify does: a double-quoted string with
// \" \\ \b \f \n \r \t and \u00XX for the other control characters.
func jsQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
