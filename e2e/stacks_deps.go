//go:build stacksdeps

// This file is never built: it keeps in go.mod the Go CORS libraries whose
// generated programs stacks_test.go builds in a temporary module (which
// copies this module's go.mod and go.sum), so that `go mod tidy` does not
// drop them.
package e2e

import (
	_ "github.com/gin-contrib/cors"
	_ "github.com/gin-gonic/gin"
	_ "github.com/go-chi/cors"
	_ "github.com/jub0bs/cors"
	_ "github.com/labstack/echo/v4/middleware"
)
