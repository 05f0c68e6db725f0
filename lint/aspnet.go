package lint

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/corskit/corskit/audit"
)

// ASP.NET Core binds no CORS policy from configuration: Program.cs builds
// it with AddCors and a CorsPolicyBuilder. Many templates read the
// origins from appsettings*.json, as an "AllowedOrigins" array in a
// section whose name says Cors ("Cors", "CorsSettings", "CorsOptions"),
// passed to WithOrigins with AllowAnyHeader and AllowAnyMethod. Only that
// convention is read, and only when it is unambiguous (an array of
// strings); its findings say to check Program.cs's AddCors.
//
// The evaluation is CorsPolicyBuilder's and CorsService's
// (aspnetcore src/Middleware/CORS): WithOrigins lower-cases each entry
// (GetNormalizedOrigin) and the request's Origin is compared ordinally,
// so an entry with a path or a trailing "/" matches nothing; "*" alone is
// AllowAnyOrigin (Allow-Origin "*"), "*" among others matches nothing, a
// wildcard subdomain matches nothing (SetIsOriginAllowedToAllowWildcardSubdomains
// is code, not assumed); AllowAnyOrigin with AllowCredentials throws
// InvalidOperationException when the policy is built; a preflight is
// answered 204, without CORS headers when refused.
const aspnetDoc = "https://learn.microsoft.com/en-us/aspnet/core/security/cors; " +
	"https://learn.microsoft.com/en-us/dotnet/api/microsoft.aspnetcore.cors.infrastructure.corspolicybuilder.withorigins"

// aspnetConvention is the Source of the findings: a convention, not
// ASP.NET's own configuration.
const aspnetConvention = "from a convention (an AllowedOrigins array in a Cors section of appsettings): check Program.cs's AddCors (AllowAnyMethod, AllowAnyHeader and the section's AllowCredentials assumed); CorsPolicyBuilder's semantics: "

func sniffASPNet(name string, head []byte) bool {
	base := strings.ToLower(filepath.Base(name))
	return strings.HasPrefix(base, "appsettings") && strings.HasSuffix(base, ".json") &&
		strings.Contains(strings.ToLower(string(head)), "allowedorigins")
}

func readASPNet(file string, data []byte) ([]*Unit, error) {
	var doc any
	if err := json.Unmarshal(jsonWithoutComments(data), &doc); err != nil {
		return nil, &CloudError{file, "appsettings", err}
	}
	var units []*Unit
	aspnetSections(doc, "", 0, func(path string, section map[string]any) {
		if u := aspnetUnit(file, data, path, section); u != nil {
			units = append(units, u)
		}
	})
	slices.SortStableFunc(units, func(a, b *Unit) int { return a.Line - b.Line })
	return units, nil
}

// aspnetSections calls f for each object under a key containing "cors"
// that has an AllowedOrigins key (configuration keys are
// case-insensitive).
func aspnetSections(v any, path string, depth int, f func(string, map[string]any)) {
	m, ok := v.(map[string]any)
	if !ok || depth > 64 {
		return
	}
	if strings.Contains(strings.ToLower(path), "cors") && field(m, "AllowedOrigins") != nil {
		f(path, m)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := k
		if path != "" {
			p = path + ":" + k
		}
		aspnetSections(m[k], p, depth+1, f)
	}
}

func aspnetUnit(file string, data []byte, path string, section map[string]any) *Unit {
	raw, ok := field(section, "AllowedOrigins").([]any)
	if !ok {
		return nil // a string: how Program.cs splits it is not known here
	}
	var origins []string
	for _, e := range raw {
		s, ok := e.(string)
		if !ok {
			return nil
		}
		origins = append(origins, s)
	}
	if len(origins) == 0 {
		return nil
	}
	creds := field(section, "AllowCredentials") == true
	lineOfOrigin := sectionLines(data, path)
	u := &Unit{File: file, Line: lineOfOrigin(origins[0]), Stack: "aspnetcore", Name: path + ":AllowedOrigins",
		Path: "/", Vendor: aspnetDoc, convention: aspnetConvention, layer: "app"}
	anyOrigin := len(origins) == 1 && origins[0] == "*"
	if anyOrigin && creds {
		u.note(InvalidConfig, audit.Info, u.Line, `AllowedOrigins ["*"] (AllowAnyOrigin) with AllowCredentials: CorsPolicyBuilder.Build throws InvalidOperationException, so the policy never serves; list the origins`, "")
		return u
	}
	allowed := map[string]bool{}
	lines := map[string]int{}
	for _, o := range origins {
		if o != "*" && !strings.Contains(o, "*") && !slices.Contains(u.Origins, o) {
			u.Origins = append(u.Origins, o)
		}
		allowed[strings.ToLower(o)] = true
		lines[o] = lineOfOrigin(o)
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin, pre, method, headers := corsAsk(r)
		ok := anyOrigin || allowed[origin]
		if origin != "" && ok {
			h := w.Header()
			if anyOrigin {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				if len(origins) > 1 { // CorsService: VaryByOrigin = Origins.Count > 1
					h.Set("Vary", "Origin")
				}
				track.record(origin, lines[originEntry(origins, origin)])
			}
			if creds {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if pre {
				h.Set("Access-Control-Allow-Methods", method)
				if len(headers) > 0 {
					h.Set("Access-Control-Allow-Headers", strings.Join(headers, ","))
				}
			}
		}
		if pre {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	u.lineOf = track.lineOf
	u.checkDevOrigins(lines)
	return u
}

// sectionLines locates the entries of the AllowedOrigins array of the
// section at path (keys joined by ":"): each key is looked for after the
// previous one, so that a "*" elsewhere in the file (AllowedHosts) is not
// taken for the section's.
func sectionLines(data []byte, path string) func(string) int {
	low := bytes.ToLower(data)
	off := 0
	for _, k := range append(strings.Split(path, ":"), "allowedorigins") {
		i := bytes.Index(low[off:], []byte(strconv.Quote(strings.ToLower(k))))
		if i < 0 {
			break
		}
		off += i
	}
	return func(o string) int {
		if i := bytes.Index(data[off:], []byte(strconv.Quote(o))); i >= 0 {
			return 1 + bytes.Count(data[:off+i], []byte("\n"))
		}
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
}

// originEntry is the configured entry WithOrigins normalized to origin.
func originEntry(entries []string, origin string) string {
	for _, e := range entries {
		if strings.ToLower(e) == origin {
			return e
		}
	}
	return ""
}

// jsonWithoutComments blanks // and /* */ comments and drops trailing
// commas, which .NET's JSON configuration accepts, keeping every newline
// so that lines stay where they were.
func jsonWithoutComments(data []byte) []byte {
	out := make([]byte, 0, len(data))
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString:
			out = append(out, c)
			if c == '\\' && i+1 < len(data) {
				i++
				out = append(out, data[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			out = append(out, c)
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			i += 2
			for i+1 < len(data) && !(data[i] == '*' && data[i+1] == '/') {
				if data[i] == '\n' {
					out = append(out, '\n')
				}
				i++
			}
			i++
		case c == ']' || c == '}':
			j := len(out) - 1
			for j >= 0 && (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r') {
				j--
			}
			if j >= 0 && out[j] == ',' {
				out[j] = ' '
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}
