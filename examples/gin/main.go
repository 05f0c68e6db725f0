// Command gin serves an API routed by github.com/gin-gonic/gin behind the
// cors middleware.
//
// A gin.Engine is an http.Handler, so the simplest correct setup wraps the
// whole engine: mw.Wrap(engine). Gin handles a preflight to a path that has
// no OPTIONS route as a 404 (or 405 with HandleMethodNotAllowed); wrapped
// outside, the middleware answers it before Gin routes anything.
//
// To keep it inside Gin (engine.Use), adapt func(http.Handler) http.Handler
// with FromStd below: Gin runs global middleware for unmatched routes too,
// so preflights reach it either way.
//
//	go run ./gin
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/gin-gonic/gin"
)

func newConfig() cors.Config {
	return cors.Config{
		AllowedOrigins:   []string{"https://app.example.com"},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type", "Authorization"},
		MaxAge:           10 * time.Minute,
	}
}

func routes(r *gin.Engine) {
	r.GET("/items/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id")}) })
	r.PUT("/items/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "saved": true}) })
}

// newWrapped is the recommended setup: the middleware around the engine.
func newWrapped() (http.Handler, error) {
	mw, err := cors.New(newConfig())
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	routes(r)
	return mw.Wrap(r), nil
}

// newWithUse installs the middleware as Gin middleware instead.
func newWithUse() (http.Handler, error) {
	mw, err := cors.New(newConfig())
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(FromStd(mw.Wrap)) // before the routes
	routes(r)
	return r, nil
}

// FromStd adapts a net/http middleware to a gin.HandlerFunc. If the
// middleware calls the next handler, the rest of Gin's chain runs there;
// if it answers by itself (a preflight), the chain is aborted.
func FromStd(mw func(http.Handler) http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		called := false
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			called = true
			c.Request = r
			c.Next()
		})).ServeHTTP(c.Writer, c.Request)
		if !called {
			c.Abort()
		}
	}
}

func main() {
	h, err := newWrapped()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("localhost:8080", h))
}
