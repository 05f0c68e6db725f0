package lint

import (
	"bytes"
	"fmt"
	"strings"
)

// Azure Resource Manager templates (and Bicep compiled to them, and the
// service properties `az storage account blob-service-properties show`
// prints) declare a storage service's CORS as properties.cors.corsRules:
// allowedOrigins, allowedMethods, allowedHeaders, exposedHeaders (lists)
// and maxAgeInSeconds. They are the rules of the Azure Storage XML
// (azure.go), evaluated as Microsoft documents (azureDoc), with the
// template reference for the names (azureARMDoc).
const azureARMDoc = "https://learn.microsoft.com/en-us/azure/templates/microsoft.storage/storageaccounts/blobservices (properties.cors.corsRules); " + azureDoc

func sniffAzureARM(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") && bytes.Contains(head, []byte(`"corsRules"`))
}

// armExpression reports an ARM template expression ("[parameters('x')]"),
// which is evaluated at deployment, not here; "[[" escapes a literal.
func armExpression(s string) bool {
	return strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "[[") && strings.HasSuffix(s, "]")
}

// readAzureARM reads every cors object holding corsRules, one unit each.
func readAzureARM(file string, data []byte) ([]*Unit, error) {
	doc, err := decodeJSON(file, "Azure Resource Manager", data)
	if err != nil {
		return nil, err
	}
	var objs []map[string]any
	findObjects(doc, "cors", 0, &objs)
	var units []*Unit
	for _, o := range objs {
		raw := field(o, "corsRules")
		if raw == nil {
			continue
		}
		rules, why := armRules(raw)
		if why != "" {
			units = append(units, DynamicUnit(file, max(1, lineOf(data, `"corsRules"`)), "azure", "cors", why))
			continue
		}
		if len(rules) == 0 {
			continue
		}
		u := cloudUnit(file, "azure", "cors", azureARMDoc, rules, azureVendor, quotedLine(data))
		u.fix.stack = "azure-arm"
		units = append(units, u)
	}
	return units, nil
}

// armRules reads corsRules, or says why it is not evaluated here (an ARM
// expression in place of a value).
func armRules(raw any) ([]cloudRule, string) {
	if s, ok := raw.(string); ok && armExpression(s) {
		return nil, fmt.Sprintf("corsRules is the template expression %q", s)
	}
	list, _ := raw.([]any)
	var out []cloudRule
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		var r cloudRule
		for _, f := range []struct {
			name string
			to   *[]string
		}{{"allowedOrigins", &r.origins}, {"allowedMethods", &r.methods}, {"allowedHeaders", &r.headers}, {"exposedHeaders", &r.expose}} {
			v := field(m, f.name)
			if s, ok := v.(string); ok && armExpression(s) {
				return nil, fmt.Sprintf("%s is the template expression %q", f.name, s)
			}
			*f.to = stringList(v)
			for _, e := range *f.to {
				if armExpression(e) {
					return nil, fmt.Sprintf("%s holds the template expression %q", f.name, e)
				}
			}
		}
		r.maxAge = jsonInt(field(m, "maxAgeInSeconds"))
		out = append(out, r)
	}
	return out, ""
}
