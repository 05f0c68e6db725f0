package lint

import (
	"strings"
	"testing"
)

func TestGoCORSConfigIsTheMiddlewareItself(t *testing.T) {
	src := `package main

import (
	"net/http"

	"github.com/corskit/corskit/cors"
)

var unsafe = cors.Config{
	AllowedOrigins:                      []string{"*"},
	AllowCredentials:                    true,
	UnsafeAllowAnyOriginWithCredentials: true,
	AllowedMethods:                      []string{http.MethodPut},
}

var refused = cors.Config{
	AllowedOrigins:   []string{"https://app.example.com"},
	AllowedMethods:   []string{"PU T"},
}
`
	fs := lintString(t, readGoCORS, "main.go", src)
	if f, ok := ids(fs)["reflect-any-origin"]; !ok || f.Severity.String() != "high" || f.Line != 10 {
		t.Fatalf("want reflect-any-origin high at line 10, got %+v", fs)
	}
	if f, ok := ids(fs)[InvalidConfig]; !ok || f.Line != 18 {
		t.Fatalf("want invalid-config at AllowedMethods (line 18), got %+v", fs)
	}
}

// examples/metrics writes MaxAge as 600e9, an untyped float constant Go
// converts to a Duration, and sets Logger and OnReject, which change no
// answer: a literal, evaluated.
func TestGoCORSMaxAgeFloatConstant(t *testing.T) {
	src := "package main\n\nimport \"github.com/corskit/corskit/cors\"\n\nvar c = cors.Config{\n\tAllowedOrigins: []string{\"https://app.example.com\", \"https://*.tenant.example.com\"},\n\tMaxAge:         600e9,\n\tLogger:         logger,\n\tOnReject:       counter.OnReject,\n}\n"
	us, err := readGoCORS("main.go", []byte(src))
	if err != nil || len(us) != 1 || us[0].Dynamic != "" {
		t.Fatalf("want one evaluated policy, got %d, %v, %+v", len(us), err, us)
	}
	if us[0].handler == nil {
		t.Fatal("the policy is not simulated")
	}
}

// A field cors.Config does not have is named as such (the program does
// not build), not as "not a literal": a literal that wrote Origins for
// AllowedOrigins was told its list was dynamic.
func TestGoCORSUnknownField(t *testing.T) {
	src := "package main\n\nimport \"github.com/corskit/corskit/cors\"\n\nvar c = cors.Config{Origins: []string{\"https://app.example.com\"}}\n"
	us, err := readGoCORS("main.go", []byte(src))
	if err != nil || len(us) != 1 || !strings.Contains(us[0].Dynamic, "cors.Config has no field Origins") {
		t.Fatalf("got %v, %+v", err, us)
	}
}
