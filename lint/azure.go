package lint

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// Azure Storage does not run here: its semantics are taken from the
// vendor's documentation (azureDoc). The rules are evaluated in the order
// they appear; the first whose AllowedOrigins hold the Origin (an exact,
// case-sensitive match, or "*"), whose AllowedMethods hold the method (a
// preflight's requested method) and, for a preflight, whose
// AllowedHeaders match every requested header (a literal, a prefix
// ending in "*", or "*") answers. A preflight no rule allows gets 403. A
// rule matched by "*" answers Access-Control-Allow-Origin: *; one matched
// by a named origin echoes it with Access-Control-Allow-Credentials: true.
// Each list is one comma-separated string.
const azureDoc = "https://learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services (Understanding CORS requests; Understanding CORS rule evaluation logic)"

type azureRule struct {
	Origins string `xml:"AllowedOrigins"`
	Methods string `xml:"AllowedMethods"`
	Headers string `xml:"AllowedHeaders"`
	Exposed string `xml:"ExposedHeaders"`
	MaxAge  int    `xml:"MaxAgeInSeconds"`
}

var azureVendor = cloudVendor{matchOrigin: exactOrStar, starIsStar: true, namedCredentials: true, checkHeaders: true, preflightFail: 403}

func sniffAzure(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".xml") && bytes.Contains(head, []byte("<CorsRule"))
}

// readAzure reads the <Cors> element, alone or inside the service
// properties (<StorageServiceProperties>) Set Blob Service Properties takes.
func readAzure(file string, data []byte) ([]*Unit, error) {
	var doc struct {
		Rules []azureRule `xml:"CorsRule"`
		Cors  []azureRule `xml:"Cors>CorsRule"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, &CloudError{file, "Azure Storage", err}
	}
	list := append(doc.Rules, doc.Cors...)
	if len(list) == 0 {
		return nil, nil
	}
	rules := make([]cloudRule, len(list))
	for i, r := range list {
		rules[i] = cloudRule{origins: commaList(r.Origins), methods: commaList(r.Methods), headers: commaList(r.Headers), expose: commaList(r.Exposed), maxAge: r.MaxAge}
	}
	lineOfOrigin := func(o string) int { return lineOf(data, ">"+o+"<", ">"+o+",", ","+o+"<", ","+o+",", o) }
	return []*Unit{cloudUnit(file, "azure", "Cors", azureDoc, rules, azureVendor, lineOfOrigin)}, nil
}

// commaList splits a comma-separated list, trimming each entry.
func commaList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
