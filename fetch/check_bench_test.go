package fetch

import (
	"net/http"
	"testing"
)

// BenchmarkCORSCheck is the bare CORS check of one response: the part a
// browser runs on every cross-origin response.
func BenchmarkCORSCheck(b *testing.B) {
	h := http.Header{
		"Access-Control-Allow-Origin":      {"https://app.example.com"},
		"Access-Control-Allow-Credentials": {"true"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if r, _, _ := corsCheck(h, "https://app.example.com", true); r != ReasonNone {
			b.Fatal(r)
		}
	}
}
