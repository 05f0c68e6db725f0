package lint

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
)

// Cloudflare R2 does not run here. Its documentation (r2Doc) gives a
// bucket's CORS rules (wrangler's `r2 bucket cors set --file` and the
// API's JSON: rules[].allowed.origins, methods, headers; exposeHeaders;
// maxAgeSeconds) and its S3-compatible API takes S3's PutBucketCors
// (CORSRules), but it documents no evaluation of its own: the rules are
// evaluated as S3 evaluates the same rules (s3Serve: the first matching
// rule, one "*" per origin, a named origin answered with credentials),
// and every finding cites both.
const r2Doc = "https://developers.cloudflare.com/r2/buckets/cors/; https://developers.cloudflare.com/api/resources/r2/subresources/buckets/subresources/cors/ (rules[].allowed.origins, methods, headers; exposeHeaders; maxAgeSeconds); https://developers.cloudflare.com/r2/api/s3/api/ (PutBucketCors), evaluated as " + s3Doc

type r2Rule struct {
	Allowed struct {
		Origins []string `json:"origins"`
		Methods []string `json:"methods"`
		Headers []string `json:"headers"`
	} `json:"allowed"`
	ID            string   `json:"id"`
	ExposeHeaders []string `json:"exposeHeaders"`
	MaxAgeSeconds int      `json:"maxAgeSeconds"`
}

// sniffR2 wants "allowed" beside "origins": [ in a JSON file.
func sniffR2(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") && bytes.Contains(head, []byte(`"allowed"`)) && jsonListKey(head, "origins")
}

// readR2 reads wrangler's file ({"rules": [...]}) or the rules alone.
func readR2(file string, data []byte) ([]*Unit, error) {
	var rules []r2Rule
	if err := decodeRules(data, "rules", &rules); err != nil {
		return nil, &CloudError{file, "Cloudflare R2", err}
	}
	if len(rules) == 0 {
		return nil, nil
	}
	s3 := make([]s3Rule, len(rules))
	for i, r := range rules {
		s3[i] = s3Rule{Origins: r.Allowed.Origins, Methods: r.Allowed.Methods, Headers: r.Allowed.Headers, Expose: r.ExposeHeaders, MaxAge: r.MaxAgeSeconds, ID: r.ID,
			line: lineOfNth(data, []string{`"origins"`}, i)}
	}
	return []*Unit{s3Unit(file, "r2", "rules", r2Doc, s3, quotedLine(data))}, nil
}

// r2Path reports whether a file's path names R2 (a folder or a name
// with "r2" as a word, or "cloudflare"): its S3-form rules are R2's.
func r2Path(file string) bool {
	p := strings.ToLower(filepath.ToSlash(file))
	if strings.Contains(p, "cloudflare") {
		return true
	}
	for _, w := range strings.FieldsFunc(p, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) {
		if w == "r2" {
			return true
		}
	}
	return false
}

// decodeRules decodes a JSON list of rules, alone or under key of an
// object.
func decodeRules(data []byte, key string, out any) error {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		return json.Unmarshal(data, out)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	if raw, ok := doc[key]; ok {
		return json.Unmarshal(raw, out)
	}
	return nil
}
