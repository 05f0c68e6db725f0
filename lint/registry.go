package lint

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
)

// reader recognises one format by a file's name and first bytes and reads
// it into units.
type reader struct {
	format string
	// sniff decides from the name and the head of the file alone, so
	// that a file of no format costs only that.
	sniff func(name string, head []byte) bool
	read  func(file string, data []byte) ([]*Unit, error)
}

// sniffLen is how much of a file sniffing looks at.
const sniffLen = 4096

// readers, in the order they are tried.
var readers = []reader{
	{"nginx", sniffNginx, readNginx},
	{"django", sniffDjango, readDjango},
	{"fastify", sniffFastify, readFastify},
	{"hono", sniffHono, readHono},
	{"express", sniffExpress, readExpress},
	{"starlette", sniffStarlette, readStarlette},
	{"flask", sniffFlask, readFlask},
	{"apache", sniffApache, readApache},
	{"caddy", sniffCaddy, readCaddy},
	{"aspnet-appsettings", sniffASPNet, readASPNet},                          // before s3: both name AllowedOrigins
	{"cloudformation-json", sniffCloudFormationJSON, readCloudFormationJSON}, // before s3, cloudfront, apigateway: a template holds all three
	{"s3", sniffS3, readS3},
	{"gcs", sniffGCS, readGCS},
	{"azure", sniffAzure, readAzure},
	{"cloudfront", sniffCloudFront, readCloudFront},
	{"apigateway", sniffAPIGateway, readAPIGateway},
	{"r2", sniffR2, readR2},
	{"azure-arm", sniffAzureARM, readAzureARM},
	{"cloudformation-yaml", sniffCloudFormationYAML, readCloudFormationYAML},
	{"spring", sniffSpring, readSpring},
	{"spring-java", sniffSpringJava, readSpringJava},
	{"serverless", sniffServerless, readServerless},
	{"go", sniffGoCORS, readGoCORS},
}

// Formats lists the formats lint reads.
func Formats() []string {
	out := make([]string, len(readers))
	for i, r := range readers {
		out[i] = r.format
	}
	return out
}

// sniff returns the reader of rs for a file, or nil.
func sniff(rs []reader, name string, head []byte) *reader {
	for i := range rs {
		if rs[i].sniff(name, head) {
			return &rs[i]
		}
	}
	return nil
}

func sniffNginx(name string, head []byte) bool {
	base := strings.ToLower(filepath.Base(name))
	if base == "nginx.conf" || strings.HasSuffix(base, ".nginx") || strings.HasSuffix(base, ".nginx.conf") {
		return true
	}
	dir := filepath.ToSlash(filepath.Dir(name))
	inNginx := strings.Contains(dir, "nginx") || strings.Contains(dir, "sites-enabled") || strings.Contains(dir, "sites-available") || strings.HasSuffix(dir, "conf.d")
	if !strings.HasSuffix(base, ".conf") && !(inNginx && !strings.Contains(base, ".")) {
		return false
	}
	return bytes.Contains(head, []byte("add_header")) || bytes.Contains(head, []byte("server {")) || bytes.Contains(head, []byte("location "))
}

// ErrUnknownFormat is ReadFile's answer for a file no reader recognises.
var ErrUnknownFormat = errors.New("lint: not a configuration format lint reads")

// ReadFile recognises data's format by name and content and reads the
// policies it declares (with lint's own readers only; Lint adds
// Options.Readers).
func ReadFile(name string, data []byte) ([]*Unit, error) {
	r := sniff(readers, name, data[:min(len(data), sniffLen)])
	if r == nil {
		return nil, ErrUnknownFormat
	}
	return r.read(name, data)
}
