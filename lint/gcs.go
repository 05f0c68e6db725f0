package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Google Cloud Storage does not run here: its semantics are taken from
// the vendor's documentation (gcsDoc). Cloud Storage compares the
// request's method (a preflight's requested method) and Origin with each
// entry of the bucket's CORS configuration, in order; origins match
// exactly or by "*" (any origin), methods exactly or by "*" (any). A
// match answers Access-Control-Allow-Origin with the request's Origin
// (Cloud Storage echoes it, "*" included) and never
// Access-Control-Allow-Credentials; a preflight's answer lists the
// entry's methods and its responseHeader as Access-Control-Allow-Headers,
// and leaves the check of the requested headers to the browser.
const gcsDoc = "https://cloud.google.com/storage/docs/cross-origin (How CORS works); https://cloud.google.com/storage/docs/json_api/v1/buckets (cors[].origin, method, responseHeader, maxAgeSeconds)"

type gcsEntry struct {
	Origin         []string `json:"origin"`
	Method         []string `json:"method"`
	ResponseHeader []string `json:"responseHeader"`
	MaxAgeSeconds  int      `json:"maxAgeSeconds"`
}

var gcsVendor = cloudVendor{matchOrigin: exactOrStar, preflightFail: 200}

// sniffGCS wants "origin" holding a list, beside "method",
// "responseHeader" or "maxAgeSeconds": request logs and HAR-like JSON
// have "origin" and "method" too, but as strings.
func sniffGCS(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") && jsonListKey(head, "origin") &&
		(bytes.Contains(head, []byte(`"method"`)) || bytes.Contains(head, []byte(`"responseHeader"`)) || bytes.Contains(head, []byte(`"maxAgeSeconds"`)))
}

// jsonListKey reports whether head has "key": [ somewhere.
func jsonListKey(head []byte, key string) bool {
	k := []byte(`"` + key + `"`)
	for off := 0; ; {
		i := bytes.Index(head[off:], k)
		if i < 0 {
			return false
		}
		rest := bytes.TrimLeft(head[off+i+len(k):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' && bytes.HasPrefix(bytes.TrimLeft(rest[1:], " \t\r\n"), []byte("[")) {
			return true
		}
		off += i + len(k)
	}
}

// CloudError is a cloud vendor's CORS configuration that does not decode.
type CloudError struct {
	File   string
	Vendor string
	Err    error
}

func (e *CloudError) Error() string {
	return fmt.Sprintf("%s: %s CORS configuration: %v", e.File, e.Vendor, e.Err)
}

// readGCS reads the gcloud/gsutil form (the entries alone) or the
// bucket resource's ({"cors": [...]}).
func readGCS(file string, data []byte) ([]*Unit, error) {
	var entries []gcsEntry
	var err error
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		err = json.Unmarshal(data, &entries)
	} else {
		var bucket struct {
			Cors []gcsEntry `json:"cors"`
		}
		err = json.Unmarshal(data, &bucket)
		entries = bucket.Cors
	}
	if err != nil {
		return nil, &CloudError{file, "Cloud Storage", err}
	}
	if len(entries) == 0 {
		return nil, nil
	}
	rules := make([]cloudRule, len(entries))
	for i, e := range entries {
		rules[i] = cloudRule{origins: e.Origin, methods: e.Method, headers: e.ResponseHeader, expose: e.ResponseHeader, maxAge: e.MaxAgeSeconds}
	}
	return []*Unit{cloudUnit(file, "gcs", "cors", gcsDoc, rules, gcsVendor, quotedLine(data))}, nil
}
