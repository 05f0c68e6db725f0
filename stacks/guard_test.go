package stacks

import "testing"

// TestGuardSettings: the guards' settings hold the value as a quoted
// literal, escaped, and never write a byte they cannot.
func TestGuardSettings(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{DjangoTrustedOrigins("https://app.example.com"), `CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]`},
		{GoTrustedOrigin("http://localhost:3000"), `guard.AddTrustedOrigin("http://localhost:3000")`},
		{ViteAllowedHosts("dev.example.test"), `server: { allowedHosts: ["dev.example.test"] }`},
		{ViteCORS("https://app.example.com"), `server: { cors: { origin: ["https://app.example.com"] } }`},
		{ViteAllowedHosts(`a"b\c`), `server: { allowedHosts: ["a\"b\\c"] }`},
		{NextAllowedDevOrigins("app.example.com"), `allowedDevOrigins: ["app.example.com"]`},
		{DjangoTrustedOrigins("https://é.example"), `CSRF_TRUSTED_ORIGINS = [` + unwritable + `]`},
		{GoTrustedOrigin("x\n\")"), `guard.AddTrustedOrigin(` + unwritable + `)`},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}
