// Command gorillamux serves an API routed by github.com/gorilla/mux behind
// the cors middleware.
//
// Wrap the router, not a route, and not with r.Use: gorilla/mux runs
// r.Use middleware only when a route matches, and a route declared with
// .Methods("PUT") does not match the preflight's OPTIONS. The router then
// answers 405 (or 404) with no CORS header, and the browser reports
// "Response to preflight request doesn't pass access control check".
// Around the router, the middleware sees the preflight first.
//
//	go run ./gorillamux
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/gorilla/mux"
)

func newHandler() (http.Handler, error) {
	r := mux.NewRouter()
	r.HandleFunc("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"id": mux.Vars(r)["id"]})
	}).Methods(http.MethodGet)
	r.HandleFunc("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"id": mux.Vars(r)["id"], "saved": "true"})
	}).Methods(http.MethodPut)

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
	return mw.Wrap(r), nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func main() {
	h, err := newHandler()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("localhost:8080", h))
}
