package cors_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/origin"
)

func TestConfigErrors(t *testing.T) {
	base := func(mod func(*cors.Config)) cors.Config {
		c := cors.Config{AllowedOrigins: []string{"https://app.example.com"}}
		mod(&c)
		return c
	}
	for _, tc := range []struct {
		name  string
		cfg   cors.Config
		field string
		value string
	}{
		{"no origins", cors.Config{}, "AllowedOrigins", ""},
		{"* mixed", base(func(c *cors.Config) { c.AllowedOrigins = []string{"*", "https://a.com"} }), "AllowedOrigins", "*"},
		{"* with credentials (CVE-2018-20744)", base(func(c *cors.Config) { c.AllowedOrigins = []string{"*"}; c.AllowCredentials = true }), "AllowedOrigins", "*"},
		{"null", base(func(c *cors.Config) { c.AllowedOrigins = []string{"null"} }), "AllowedOrigins", "null"},
		{"http with credentials", base(func(c *cors.Config) { c.AllowedOrigins = []string{"http://app.example.com"}; c.AllowCredentials = true }), "AllowedOrigins", "http://app.example.com"},
		{"http wildcard with credentials", base(func(c *cors.Config) { c.AllowedOrigins = []string{"http://*.example.com"}; c.AllowCredentials = true }), "AllowedOrigins", "http://*.example.com"},
		{"ws with credentials", base(func(c *cors.Config) { c.AllowedOrigins = []string{"ws://app.example.com"}; c.AllowCredentials = true }), "AllowedOrigins", "ws://app.example.com"},
		{"*.com", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://*.com"} }), "AllowedOrigins", "https://*.com"},
		{"*.github.io", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://*.github.io"} }), "AllowedOrigins", "https://*.github.io"},
		{"*.co.uk", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://*.co.uk"} }), "AllowedOrigins", "https://*.co.uk"},
		{"trailing slash", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://a.com/"} }), "AllowedOrigins", "https://a.com/"},
		{"default port", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://a.com:443"} }), "AllowedOrigins", "https://a.com:443"},
		{"glued wildcard (rs/cors 197)", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://*example.com"} }), "AllowedOrigins", "https://*example.com"},
		{"no scheme", base(func(c *cors.Config) { c.AllowedOrigins = []string{"a.com"} }), "AllowedOrigins", "a.com"},
		{"userinfo", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://user@a.com"} }), "AllowedOrigins", "https://user@a.com"},
		{"query", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://a.com?x"} }), "AllowedOrigins", "https://a.com?x"},
		{"bad port", base(func(c *cors.Config) { c.AllowedOrigins = []string{"https://a.com:99999"} }), "AllowedOrigins", "https://a.com:99999"},
		{"method not a token", base(func(c *cors.Config) { c.AllowedMethods = []string{"GE T"} }), "AllowedMethods", "GE T"},
		{"empty method", base(func(c *cors.Config) { c.AllowedMethods = []string{""} }), "AllowedMethods", ""},
		{"CONNECT", base(func(c *cors.Config) { c.AllowedMethods = []string{"CONNECT"} }), "AllowedMethods", "CONNECT"},
		{"method longer than 64 bytes", base(func(c *cors.Config) { c.AllowedMethods = []string{strings.Repeat("M", 65)} }), "AllowedMethods", strings.Repeat("M", 65)},
		{"trace", base(func(c *cors.Config) { c.AllowedMethods = []string{"trace"} }), "AllowedMethods", "trace"},
		{"Track", base(func(c *cors.Config) { c.AllowedMethods = []string{"Track"} }), "AllowedMethods", "Track"},
		{"* mixed methods", base(func(c *cors.Config) { c.AllowedMethods = []string{"*", "PUT"} }), "AllowedMethods", "*"},
		{"header not a token", base(func(c *cors.Config) { c.AllowedHeaders = []string{"X Y"} }), "AllowedHeaders", "X Y"},
		{"header with colon", base(func(c *cors.Config) { c.AllowedHeaders = []string{"x:y"} }), "AllowedHeaders", "x:y"},
		{"empty header", base(func(c *cors.Config) { c.AllowedHeaders = []string{""} }), "AllowedHeaders", ""},
		{"Cookie", base(func(c *cors.Config) { c.AllowedHeaders = []string{"Cookie"} }), "AllowedHeaders", "Cookie"},
		{"Host", base(func(c *cors.Config) { c.AllowedHeaders = []string{"host"} }), "AllowedHeaders", "host"},
		{"Origin", base(func(c *cors.Config) { c.AllowedHeaders = []string{"Origin"} }), "AllowedHeaders", "Origin"},
		{"Content-Length", base(func(c *cors.Config) { c.AllowedHeaders = []string{"Content-Length"} }), "AllowedHeaders", "Content-Length"},
		{"Sec-", base(func(c *cors.Config) { c.AllowedHeaders = []string{"Sec-Foo"} }), "AllowedHeaders", "Sec-Foo"},
		{"Proxy-", base(func(c *cors.Config) { c.AllowedHeaders = []string{"Proxy-Bar"} }), "AllowedHeaders", "Proxy-Bar"},
		{"ACRM", base(func(c *cors.Config) { c.AllowedHeaders = []string{"Access-Control-Request-Method"} }), "AllowedHeaders", "Access-Control-Request-Method"},
		{"* mixed headers", base(func(c *cors.Config) { c.AllowedHeaders = []string{"X-A", "*"} }), "AllowedHeaders", "*"},
		{"expose Set-Cookie", base(func(c *cors.Config) { c.ExposedHeaders = []string{"Set-Cookie"} }), "ExposedHeaders", "Set-Cookie"},
		{"expose * with credentials", base(func(c *cors.Config) { c.ExposedHeaders = []string{"*"}; c.AllowCredentials = true }), "ExposedHeaders", "*"},
		{"expose not a token", base(func(c *cors.Config) { c.ExposedHeaders = []string{"a b"} }), "ExposedHeaders", "a b"},
		{"* mixed expose", base(func(c *cors.Config) { c.ExposedHeaders = []string{"*", "X-A"} }), "ExposedHeaders", "*"},
		{"negative MaxAge", base(func(c *cors.Config) { c.MaxAge = -time.Second }), "MaxAge", "-1s"},
		{"fractional MaxAge", base(func(c *cors.Config) { c.MaxAge = 1500 * time.Millisecond }), "MaxAge", "1.5s"},
		{"absurd MaxAge", base(func(c *cors.Config) { c.MaxAge = 25 * time.Hour }), "MaxAge", "25h0m0s"},
		{"MaxAge with DisablePreflightCache", base(func(c *cors.Config) { c.MaxAge = time.Minute; c.DisablePreflightCache = true }), "MaxAge", "1m0s"},
		{"PreflightStatus 302", base(func(c *cors.Config) { c.PreflightStatus = 302 }), "PreflightStatus", "302"},
		{"PreflightStatus 199", base(func(c *cors.Config) { c.PreflightStatus = 199 }), "PreflightStatus", "199"},
		{"PreflightStatus 403", base(func(c *cors.Config) { c.PreflightStatus = 403 }), "PreflightStatus", "403"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mw, err := cors.New(tc.cfg)
			if err == nil || mw != nil {
				t.Fatalf("New accepted %+v", tc.cfg)
			}
			errs := cors.ConfigErrors(err)
			if len(errs) != 1 {
				t.Fatalf("want one ConfigError, got %d: %v", len(errs), err)
			}
			if errs[0].Field != tc.field || errs[0].Value != tc.value {
				t.Fatalf("got Field %q Value %q, want %q %q (%v)", errs[0].Field, errs[0].Value, tc.field, tc.value, err)
			}
			if !strings.Contains(err.Error(), tc.field) || errs[0].Reason == "" {
				t.Fatalf("message does not name the field or give a reason: %q", err)
			}
			var ce *cors.ConfigError
			if !errors.As(err, &ce) {
				t.Fatal("errors.As does not find the *ConfigError")
			}
		})
	}
}

func TestConfigErrorsAllAtOnce(t *testing.T) {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://a.com/", "null"},
		AllowedMethods: []string{"TRACE"},
		AllowedHeaders: []string{"Cookie"},
		MaxAge:         -1,
	})
	var fields []string
	for _, e := range cors.ConfigErrors(err) {
		fields = append(fields, e.Field)
	}
	want := []string{"AllowedOrigins", "AllowedOrigins", "AllowedMethods", "AllowedHeaders", "MaxAge"}
	if strings.Join(fields, ",") != strings.Join(want, ",") {
		t.Fatalf("got fields %v, want %v (%v)", fields, want, err)
	}
}

func TestConfigErrorWrapsParseError(t *testing.T) {
	_, err := cors.New(cors.Config{AllowedOrigins: []string{"https://a.com:443"}})
	var pe *origin.ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "default port") {
		t.Fatalf("error %v does not wrap the origin.ParseError", err)
	}
}

func TestConfigAccepted(t *testing.T) {
	for name, cfg := range map[string]cors.Config{
		"loopback http with credentials": {AllowedOrigins: []string{"http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:8080", "http://*.localhost:*"}, AllowCredentials: true},
		"unsafe any with credentials":    {AllowedOrigins: []string{"*"}, AllowCredentials: true, UnsafeAllowAnyOriginWithCredentials: true},
		"unsafe null":                    {AllowedOrigins: []string{"null"}, UnsafeAllowNullOrigin: true},
		"unsafe http with credentials":   {AllowedOrigins: []string{"http://a.com"}, AllowCredentials: true, UnsafeAllowInsecureOriginsWithCredentials: true},
		"unsafe public suffix":           {AllowedOrigins: []string{"https://*.github.io"}, UnsafeAllowPublicSuffixWildcards: true},
		"http without credentials":       {AllowedOrigins: []string{"http://a.com"}},
		"MaxAge 24h":                     {AllowedOrigins: []string{"https://a.com"}, MaxAge: 24 * time.Hour},
		"expose * without credentials":   {AllowedOrigins: []string{"https://a.com"}, ExposedHeaders: []string{"*"}},
		"X-HTTP-Method-Override allowed": {AllowedOrigins: []string{"https://a.com"}, AllowedHeaders: []string{"X-HTTP-Method-Override"}},
		"unicode origin":                 {AllowedOrigins: []string{"https://bücher.example"}},
	} {
		if _, err := cors.New(cfg); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestConfigNormalised(t *testing.T) {
	mw := mustNew(t, cors.Config{
		AllowedOrigins: []string{"HTTPS://App.Example.com", "https://bücher.example", "https://app.example.com"},
		AllowedMethods: []string{"put", "patch", "PUT", "GET"},
		AllowedHeaders: []string{"X-B", "x-a", "X-A"},
		ExposedHeaders: []string{"x-request-id", "X-Request-Id"},
	})
	c := mw.Config()
	check := func(name string, got, want []string) {
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	check("AllowedOrigins", c.AllowedOrigins, []string{"https://app.example.com", "https://xn--bcher-kva.example"})
	check("AllowedMethods", c.AllowedMethods, []string{"PUT", "patch", "GET"})
	check("AllowedHeaders", c.AllowedHeaders, []string{"x-a", "x-b"})
	check("ExposedHeaders", c.ExposedHeaders, []string{"X-Request-Id"})
	if c.PreflightStatus != 204 {
		t.Errorf("PreflightStatus = %d, want 204", c.PreflightStatus)
	}
	// The returned Config is a copy.
	c.AllowedOrigins[0] = "https://evil.com"
	if mw.Config().AllowedOrigins[0] != "https://app.example.com" {
		t.Error("Config() exposes the policy's own slices")
	}
	// Round trip: the normalised config builds the same policy.
	if err := mw.Reconfigure(mw.Config()); err != nil {
		t.Errorf("Reconfigure(Config()): %v", err)
	}
}
