package cors_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/corskit/corskit/cors"
)

func Example() {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"hello":"world"}`)
	})
	mw, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"https://app.example.com"},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type", "Authorization"},
		MaxAge:           10 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	handler := mw.Wrap(api) // or r.Use(mw.Wrap) in chi

	// What a browser on https://app.example.com sends before a PUT with a
	// JSON body, and what it gets back.
	req := httptest.NewRequest(http.MethodOptions, "https://api.example.com/items/1", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)

	fmt.Println(rec.Code)
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Vary"} {
		fmt.Printf("%s: %s\n", h, rec.Header().Get(h))
	}
	// Output:
	// 204
	// Access-Control-Allow-Origin: https://app.example.com
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Methods: PUT, DELETE
	// Access-Control-Allow-Headers: content-type
	// Access-Control-Max-Age: 600
	// Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
}

func ExampleNew_errors() {
	_, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"*"},
		AllowCredentials: true,
		AllowedHeaders:   []string{"X-Api-Key", "Cookie"},
		MaxAge:           -1 * time.Second,
	})
	for _, e := range cors.ConfigErrors(err) {
		fmt.Printf("%s %q\n", e.Field, e.Value)
	}
	// Output:
	// AllowedOrigins "*"
	// AllowedHeaders "Cookie"
	// MaxAge "-1s"
}

func ExampleNew_subdomains() {
	mw, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"https://*.example.com"},
		AllowCredentials: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	h := mw.Wrap(http.NotFoundHandler())
	for _, origin := range []string{"https://eu.app.example.com", "https://example.com", "https://evilexample.com"} {
		req := httptest.NewRequest(http.MethodGet, "https://api.example.com/", nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Printf("%-28s allowed=%v\n", origin, rec.Header().Get("Access-Control-Allow-Origin") != "")
	}
	// Output:
	// https://eu.app.example.com   allowed=true
	// https://example.com          allowed=false
	// https://evilexample.com      allowed=false
}

func ExampleMiddleware_Reconfigure() {
	mw, _ := cors.New(cors.Config{AllowedOrigins: []string{"https://old.example.com"}})

	// A bad configuration is refused and the old policy stays in force.
	err := mw.Reconfigure(cors.Config{AllowedOrigins: []string{"https://new.example.com/"}})
	fmt.Println(err)
	fmt.Println(mw.Config().AllowedOrigins)

	if err := mw.Reconfigure(cors.Config{AllowedOrigins: []string{"https://new.example.com"}}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(mw.Config().AllowedOrigins)
	// Output:
	// cors: AllowedOrigins "https://new.example.com/": has a path: remove the trailing slash
	// [https://old.example.com]
	// [https://new.example.com]
}
