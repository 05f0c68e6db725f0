package lint

import "testing"

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
