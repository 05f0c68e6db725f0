// Command reverseproxy puts the cors middleware in front of an upstream
// that sets CORS headers of its own, through httputil.ReverseProxy.
//
// The proxy copies the upstream's headers into a response on which the
// middleware has already set its own, so an upstream that answers
// "Access-Control-Allow-Origin: *" yields two Access-Control-Allow-Origin
// values, and browsers reject a response with more than one ("The
// 'Access-Control-Allow-Origin' header contains multiple values"). One
// layer must own CORS: here the proxy strips every Access-Control-*
// header the upstream sends, in ModifyResponse, and the middleware
// answers preflights itself (they never reach the upstream).
//
//	go run ./reverseproxy -upstream http://localhost:9000
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/corskit/corskit/cors"
)

func newProxy(upstream *url.URL) (http.Handler, error) {
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			r.SetXForwarded()
		},
		ModifyResponse: stripCORS,
	}
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
	return mw.Wrap(proxy), nil
}

// stripCORS removes the upstream's CORS headers, so the middleware's are
// the only ones. Its Vary stays: the proxy adds it to the middleware's.
func stripCORS(res *http.Response) error {
	for name := range res.Header {
		if strings.HasPrefix(strings.ToLower(name), "access-control-") {
			delete(res.Header, name)
		}
	}
	return nil
}

func main() {
	upstream := flag.String("upstream", "http://localhost:9000", "URL of the upstream API")
	flag.Parse()
	u, err := url.Parse(*upstream)
	if err != nil {
		log.Fatal(err)
	}
	h, err := newProxy(u)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe("localhost:8080", h))
}
