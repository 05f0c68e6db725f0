// Command chi serves an API routed by github.com/go-chi/chi behind the
// cors middleware, installed with r.Use: Middleware.Wrap has chi's
// middleware type, func(http.Handler) http.Handler.
//
// r.Use on the root router runs for every request, including an OPTIONS
// that matches no route, so the middleware answers preflights. (Installed
// with r.With or inside a r.Route group, it would run only for the routes
// of that group and the preflight would get chi's 405.)
//
//	go run ./chi
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/go-chi/chi/v5"
)

func newRouter() (http.Handler, error) {
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
	r := chi.NewRouter()
	r.Use(mw.Wrap) // first, before routes are added (chi requires it)
	r.Get("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"id": chi.URLParam(r, "id")})
	})
	r.Put("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"id": chi.URLParam(r, "id"), "saved": "true"})
	})
	return r, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func main() {
	r, err := newRouter()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("localhost:8080", r))
}
