package lint

import (
	"fmt"
	"slices"
)

// A Reader reads a format lint does not read itself. Options.Readers
// adds it to Lint's own, tried after them: so a reader that needs what
// lint may not import (the CLI's Terraform reader uses HashiCorp's hcl;
// lint stays standard-library only, for the WebAssembly build) lives
// beside the CLI and still yields units that Evaluate audits. Read
// builds its units with VendorUnit or DynamicUnit.
type Reader struct {
	// Format names the format ("terraform").
	Format string
	// Sniff decides from the file's name and first 4 KiB alone.
	Sniff func(name string, head []byte) bool
	// Read reads the whole file (up to MaxFileSize).
	Read func(file string, data []byte) ([]*Unit, error)
}

// VendorRule is one CORS rule of a cloud vendor's configuration, as a
// Reader read it from a file of its own syntax.
type VendorRule struct {
	Origins, Methods, Headers, Expose []string
	MaxAge                            int
	// Credentials is an explicit allow-credentials setting (CloudFront's
	// AccessControlAllowCredentials, API Gateway's AllowCredentials);
	// the vendors that decide it themselves ignore it.
	Credentials bool
	// Line is the rule's line; OriginLines, beside Origins, the line of
	// each origin (0: Line).
	Line        int
	OriginLines []int
}

// The vendors VendorUnit simulates, each as its documentation says (the
// same simulation as the vendor's own file format gets).
const (
	VendorS3         = "s3"
	VendorGCS        = "gcs"
	VendorAzure      = "azure"
	VendorCloudFront = "cloudfront"
	VendorAPIGateway = "apigateway"
)

// vendorSims are the simulations by vendor: the documentation each
// finding cites and how the vendor evaluates its rules (S3 has its own
// serve function, s3Serve).
var vendorSims = map[string]struct {
	doc string
	v   cloudVendor
}{
	VendorGCS:        {gcsDoc, gcsVendor},
	VendorAzure:      {azureDoc, azureVendor},
	VendorCloudFront: {cloudFrontDoc, cloudFrontVendor},
	VendorAPIGateway: {apiGatewayDoc, apiGatewayVendor},
}

// VendorUnit builds the unit of a vendor's CORS rules read from file:
// name says which resource of the file declares them. An unknown vendor
// is an error.
func VendorUnit(file, vendor, name string, rules []VendorRule) (*Unit, error) {
	lines := map[string]int{}
	for _, r := range rules {
		for i, o := range r.Origins {
			l := r.Line
			if i < len(r.OriginLines) && r.OriginLines[i] > 0 {
				l = r.OriginLines[i]
			}
			if _, ok := lines[o]; !ok {
				lines[o] = l
			}
		}
	}
	lineOfOrigin := func(o string) int { return lines[o] }
	if vendor == VendorS3 {
		if len(rules) > 100 { // S3's own limit
			return nil, fmt.Errorf("%s: %s: %d CORS rules: S3 allows at most 100", file, name, len(rules))
		}
		s3 := make([]s3Rule, len(rules))
		for i, r := range rules {
			s3[i] = s3Rule{Origins: r.Origins, Methods: r.Methods, Headers: r.Headers, Expose: r.Expose, MaxAge: r.MaxAge, line: r.Line}
		}
		return s3Unit(file, "s3", name, s3Doc, s3, lineOfOrigin), nil
	}
	sim, ok := vendorSims[vendor]
	if !ok {
		return nil, fmt.Errorf("lint: no simulation of vendor %q", vendor)
	}
	cr := make([]cloudRule, len(rules))
	for i, r := range rules {
		cr[i] = cloudRule{origins: r.Origins, methods: r.Methods, headers: r.Headers, expose: r.Expose, maxAge: r.MaxAge, credentials: r.Credentials}
	}
	u := cloudUnit(file, vendor, name, sim.doc, cr, sim.v, lineOfOrigin)
	if len(rules) > 0 && rules[0].Line > 0 {
		u.Line = rules[0].Line
	}
	return u, nil
}

// DynamicUnit is a policy whose values are decided where lint does not
// look (a Terraform variable without a literal default, a resource's
// attribute): reported as not-evaluated at line, never guessed.
func DynamicUnit(file string, line int, stack, name, why string) *Unit {
	u := &Unit{File: file, Line: line, Stack: stack, Name: name, Path: "/", layer: "app"}
	u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
	u.note(NotEvaluated, 0, line, u.Dynamic, "")
	return u
}

// allReaders is lint's own readers followed by extra ones.
func allReaders(extra []Reader) []reader {
	if len(extra) == 0 {
		return readers
	}
	out := slices.Clip(readers)
	for _, r := range extra {
		out = append(out, reader{r.Format, r.Sniff, r.Read})
	}
	return out
}
