package stacks

// Cross-Origin-Resource-Policy is sent by the server of the resource (the
// image, the script, the API answering a no-cors fetch), not by the page's
// nor by a CORS middleware: when a page's COEP, or the resource's own CORP,
// refuses a no-cors load, that server's configuration is what changes.
// CORPSnippets writes the header in each stack's syntax.

// CORPValues are the values of Cross-Origin-Resource-Policy, the only
// ones CORPSnippets writes.
var CORPValues = []string{"same-origin", "same-site", "cross-origin"}

// CORPSnippets writes Cross-Origin-Resource-Policy: value for nginx,
// Apache, Caddy, Express (helmet) and Go's net/http; nil for a value that
// is not one of CORPValues, so that no snippet carries anything else.
func CORPSnippets(value string) []CSPSnippet {
	known := false
	for _, v := range CORPValues {
		known = known || v == value
	}
	if !known {
		return nil
	}
	return []CSPSnippet{
		{"nginx", "nginx (the location that serves the resource)",
			`add_header Cross-Origin-Resource-Policy "` + value + `" always;`},
		{"apache", "Apache httpd (mod_headers)",
			`Header always set Cross-Origin-Resource-Policy "` + value + `"`},
		{"caddy", "Caddy",
			`header Cross-Origin-Resource-Policy "` + value + `"`},
		{"express", "Express with helmet (its default is same-origin)",
			`app.use(helmet.crossOriginResourcePolicy({ policy: "` + value + `" }));`},
		{"go", "Go net/http (in the handler, before the body is written)",
			`w.Header().Set("Cross-Origin-Resource-Policy", "` + value + `")`},
	}
}
