package e2e

// The Go CORS libraries whose generated programs stacks_test.go builds in a
// temporary module (a copy of this module's go.mod and go.sum, built with
// GOPROXY=off so that a snippet cannot pull in anything this module does not
// declare). Importing them here makes `go test` itself download and build
// every package those programs need, echo's rate limiter's golang.org/x/time
// included, so the offline build finds them in the module cache on a fresh
// machine. (They used to sit behind a build tag that nothing ever set: a
// warm module cache hid that nothing downloaded them.)
import (
	_ "github.com/gin-contrib/cors"
	_ "github.com/gin-gonic/gin"
	_ "github.com/go-chi/cors"
	_ "github.com/jub0bs/cors"
	_ "github.com/labstack/echo/v4/middleware"
)
