package lint

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// CloudFront and API Gateway do not run here: their semantics are taken
// from the vendor's documentation, and both are read from JSON
// (CloudFormation/SAM templates, the API's own form, OpenAPI), found by
// the key that holds the CORS object wherever it is in the document.

// CloudFront's response headers policy (cloudFrontDoc) adds the CORS
// headers to an answer whose request's Origin is in
// AccessControlAllowOrigins (exact, "*" for any, or one "*" as in
// https://*.example.com), whatever the method: Allow-Origin is "*" when
// "*" matched, the Origin otherwise; Allow-Credentials is the policy's
// AccessControlAllowCredentials; a preflight's answer lists the policy's
// methods ("ALL" for any) and headers. It never refuses a preflight
// itself: the origin's own answer passes without the CORS headers.
const cloudFrontDoc = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html (CORS headers); https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyCorsConfig.html"

// API Gateway HTTP APIs (apiGatewayDoc) answer preflights themselves
// from CorsConfiguration (CloudFormation/SAM) or x-amazon-apigateway-cors
// (OpenAPI): an Origin in AllowOrigins (exact or "*") gets
// Allow-Origin, the Origin or "*"; AllowCredentials adds
// Allow-Credentials: true; a preflight lists AllowMethods and
// AllowHeaders. A preflight whose Origin is not allowed gets 204 without
// CORS headers.
const apiGatewayDoc = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigatewayv2-api-cors.html; https://docs.aws.amazon.com/apigateway/latest/developerguide/openapi-extensions-cors-configuration.html"

var (
	cloudFrontVendor = cloudVendor{matchOrigin: s3LikeWildcard, starIsStar: true, anyMethod: true, preflightFail: 200}
	apiGatewayVendor = cloudVendor{matchOrigin: exactOrStar, starIsStar: true, anyMethod: true, preflightFail: 204}
)

// s3LikeWildcard matches an origin with at most one "*".
func s3LikeWildcard(pattern, origin string) bool { return s3Wildcard(pattern, origin, false) }

func sniffCloudFront(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") && bytes.Contains(head, []byte(`"AccessControlAllowOrigins"`))
}

func sniffAPIGateway(name string, head []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".json") &&
		(bytes.Contains(head, []byte(`"CorsConfiguration"`)) || bytes.Contains(head, []byte(`"x-amazon-apigateway-cors"`)))
}

// maxJSONDepth bounds the search for CORS objects in a hostile document.
const maxJSONDepth = 64

// findObjects returns the objects held under key anywhere in v, in
// document order of the keys it visits (maps are visited in sorted key
// order, so the result is stable).
func findObjects(v any, key string, depth int, out *[]map[string]any) {
	if depth > maxJSONDepth || len(*out) >= 100 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if m, ok := x[k].(map[string]any); ok && strings.EqualFold(k, key) {
				*out = append(*out, m)
				continue
			}
			findObjects(x[k], key, depth+1, out)
		}
	case []any:
		for _, e := range x {
			findObjects(e, key, depth+1, out)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// field returns m's value under key, compared case-insensitively (the
// CloudFormation and OpenAPI spellings differ only in case).
func field(m map[string]any, key string) any {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// strings returns a JSON list of strings (others dropped), or CloudFront's
// {"Items": [...]} wrapping of one.
func stringList(v any) []string {
	if m, ok := v.(map[string]any); ok {
		v = field(m, "Items")
	}
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func jsonInt(v any) int {
	if f, ok := v.(float64); ok && f > 0 && f < 1<<31 {
		return int(f)
	}
	return 0
}

func decodeJSON(file, vendor string, data []byte) (any, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, &CloudError{file, vendor, err}
	}
	return doc, nil
}

func readCloudFront(file string, data []byte) ([]*Unit, error) {
	doc, err := decodeJSON(file, "CloudFront", data)
	if err != nil {
		return nil, err
	}
	return cloudFrontUnits(file, doc, quotedLine(data)), nil
}

// cloudFrontUnits evaluates the CorsConfig objects of a decoded document
// (JSON, or a CloudFormation YAML template read into the same values).
func cloudFrontUnits(file string, doc any, lineOfOrigin func(string) int) []*Unit {
	var objs []map[string]any
	findObjects(doc, "CorsConfig", 0, &objs)
	var units []*Unit
	for _, o := range objs {
		methods := stringList(field(o, "AccessControlAllowMethods"))
		for i, m := range methods {
			if m == "ALL" {
				methods[i] = "*"
			}
		}
		creds, _ := field(o, "AccessControlAllowCredentials").(bool)
		r := cloudRule{
			origins: stringList(field(o, "AccessControlAllowOrigins")), methods: methods,
			headers: stringList(field(o, "AccessControlAllowHeaders")), expose: stringList(field(o, "AccessControlExposeHeaders")),
			maxAge: jsonInt(field(o, "AccessControlMaxAgeSec")), credentials: creds,
		}
		if why, line := templateValue(o); why != "" && field(o, "AccessControlAllowOrigins") != nil {
			units = append(units, DynamicUnit(file, line, "cloudfront", "CorsConfig", why))
			continue
		}
		if len(r.origins) == 0 {
			continue
		}
		units = append(units, cloudUnit(file, "cloudfront", "CorsConfig", cloudFrontDoc, []cloudRule{r}, cloudFrontVendor, lineOfOrigin))
	}
	return units
}

func readAPIGateway(file string, data []byte) ([]*Unit, error) {
	doc, err := decodeJSON(file, "API Gateway", data)
	if err != nil {
		return nil, err
	}
	return apiGatewayUnits(file, doc, quotedLine(data)), nil
}

// apiGatewayUnits evaluates the CorsConfiguration and
// x-amazon-apigateway-cors objects of a decoded document.
func apiGatewayUnits(file string, doc any, lineOfOrigin func(string) int) []*Unit {
	var objs []map[string]any
	findObjects(doc, "CorsConfiguration", 0, &objs)
	cfn := len(objs) // the CloudFormation ones, then the OpenAPI extension's
	findObjects(doc, "x-amazon-apigateway-cors", 0, &objs)
	var units []*Unit
	for i, o := range objs {
		creds, _ := field(o, "AllowCredentials").(bool)
		r := cloudRule{
			origins: stringList(field(o, "AllowOrigins")), methods: stringList(field(o, "AllowMethods")),
			headers: stringList(field(o, "AllowHeaders")), expose: stringList(field(o, "ExposeHeaders")),
			maxAge: jsonInt(field(o, "MaxAge")), credentials: creds,
		}
		if why, line := templateValue(o); why != "" && field(o, "AllowOrigins") != nil {
			units = append(units, DynamicUnit(file, line, "apigateway", "CorsConfiguration", why))
			continue
		}
		if len(r.origins) == 0 { // an S3 bucket's CorsConfiguration (CorsRules), say
			continue
		}
		u := cloudUnit(file, "apigateway", "CorsConfiguration", apiGatewayDoc, []cloudRule{r}, apiGatewayVendor, lineOfOrigin)
		if i >= cfn {
			u.fix.name = "x-amazon-apigateway-cors" // the fix in OpenAPI's camelCase
		}
		units = append(units, u)
	}
	return units
}
