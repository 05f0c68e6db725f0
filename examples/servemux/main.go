// Command servemux serves an API routed by net/http's ServeMux (Go 1.22
// method and wildcard patterns) behind the cors middleware.
//
// The middleware wraps the whole mux, not each route. A preflight is an
// OPTIONS request, and the mux has no OPTIONS route: it answers
// "405 Method Not Allowed" to OPTIONS /items/1 before any per-route
// middleware could see it, and the browser blocks the PUT. Wrapped around
// the mux, the middleware answers the preflight first.
//
//	go run ./servemux    # then: corskit check http://localhost:8080/items/1 --origin https://app.example.com -X PUT -H 'Content-Type: application/json'
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/corskit/corskit/cors"
)

// newHandler is the application: routes, then CORS around all of them.
func newHandler() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", getItem)
	mux.HandleFunc("PUT /items/{id}", putItem)

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
	return mw.Wrap(mux), nil // not mux.Handle("PUT /items/{id}", mw.Wrap(...))
}

func getItem(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"id": r.PathValue("id")})
}

func putItem(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	json.NewEncoder(w).Encode(map[string]string{"id": r.PathValue("id"), "saved": "true"})
}

func main() {
	h, err := newHandler()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("localhost:8080", h))
}
