package lint

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestASPNetAppSettingsConvention(t *testing.T) {
	fs := lintString(t, readASPNet, "appsettings.json", string(mustRead(t, "testdata/aspnet/appsettings.json")))
	for _, f := range fs {
		if !strings.HasPrefix(f.Source, "from a convention") || !strings.Contains(f.Source, "Program.cs's AddCors") {
			t.Fatalf("want every finding marked as from a convention, got %+v", f)
		}
	}
	if f := at(fs, "localhost-origin", 12); f == nil || !f.Credentials {
		t.Errorf("want localhost-origin with credentials at line 12, got %+v", fs)
	}
	// The Partner section's "*" (line 20), not AllowedHosts' (line 6).
	if f := at(fs, "wildcard-origin", 20); f == nil || f.Credentials {
		t.Errorf("want wildcard-origin without credentials at line 20, got %+v", fs)
	}
	if _, ok := ids(fs)["any-subdomain"]; ok {
		t.Errorf("WithOrigins matches a wildcard entry literally (nothing), got %+v", fs)
	}
}

// WithOrigins lower-cases its entries and compares the Origin ordinally:
// an entry with a trailing "/" or a wildcard matches nothing; Vary: Origin
// only with several origins.
func TestASPNetWithOriginsSemantics(t *testing.T) {
	us, err := readASPNet("appsettings.json", mustRead(t, "testdata/aspnet/appsettings.json"))
	if err != nil || len(us) != 2 {
		t.Fatalf("want 2 sections, got %v %v", us, err)
	}
	for origin, want := range map[string]string{
		"https://app.example.com":   "https://app.example.com",
		"https://admin.example.com": "",
		"https://x.example.com":     "",
		"https://evil.example.com":  "",
	} {
		r := httptest.NewRequest("GET", "http://api.example.com/", nil)
		r.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		us[0].handler.ServeHTTP(w, r)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("%s: Allow-Origin %q, want %q", origin, got, want)
		}
		if want != "" && w.Header().Get("Vary") != "Origin" {
			t.Errorf("%s: want Vary: Origin for a list of several origins", origin)
		}
	}
}

func TestASPNetStarWithCredentialsAndAmbiguousSections(t *testing.T) {
	fs := lintString(t, readASPNet, "appsettings.Production.json", string(mustRead(t, "testdata/aspnet/appsettings.Production.json")))
	if len(fs) != 1 || at(fs, InvalidConfig, 3) == nil {
		t.Errorf("want only invalid-config at line 3 (a section not named Cors and a string list are not read), got %+v", fs)
	}
	if r := sniff(readers, "src/Api/appsettings.Development.json", []byte(`{"Cors":{"AllowedOrigins":[]}}`)); r == nil || r.format != "aspnet-appsettings" {
		t.Errorf("appsettings.Development.json sniffed as %v", r)
	}
}

func TestJSONWithoutComments(t *testing.T) {
	got := string(jsonWithoutComments([]byte("{\"a\": \"//x\", // c\n \"b\": [1, 2,\n ], /* d\n */ }")))
	want := "{\"a\": \"//x\", \n \"b\": [1, 2 \n ]  \n }" // both trailing commas dropped, newlines kept
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
