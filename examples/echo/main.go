// Command echo serves an API routed by github.com/labstack/echo behind the
// cors middleware.
//
// Echo adapts func(http.Handler) http.Handler with echo.WrapMiddleware.
// Install it with e.Pre, which runs before routing: an OPTIONS to a path
// with no OPTIONS route is then answered by the middleware, not by Echo's
// automatic OPTIONS reply or its 405. (Wrapping the whole *echo.Echo,
// mw.Wrap(e), is equivalent.)
//
//	go run ./echo
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/labstack/echo/v4"
)

func newServer() (*echo.Echo, error) {
	mw, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"https://app.example.com"},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type", "Authorization"},
		MaxAge:           10 * time.Minute,
	})
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Pre(echo.WrapMiddleware(mw.Wrap))
	e.GET("/items/:id", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id")})
	})
	e.PUT("/items/:id", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id"), "saved": "true"})
	})
	return e, nil
}

func main() {
	e, err := newServer()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(e.Start("localhost:8080"))
}
