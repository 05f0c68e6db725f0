package bench

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/corskit/corskit/cors"
)

// onRejectScenarios are the paths the rejection hook touches: an allowed
// request and preflight (the hook must cost nothing there), the two
// refusals a browser meets (an origin, a method), and a request without
// Origin.
var onRejectScenarios = []scenario{
	scenarios[0], // allowed-get
	scenarios[1], // allowed-preflight
	scenarios[2], // disallowed-origin
	{name: "refused-method", req: request("OPTIONS", "https://app.example.com", "Access-Control-Request-Method", "PATCH")},
	scenarios[3], // no-origin
}

// BenchmarkOnReject is corskit's middleware with and without a
// Config.OnReject hook that counts rejections: the hook is one call per
// refused request, and nothing on allowed ones.
func BenchmarkOnReject(b *testing.B) {
	for _, sc := range onRejectScenarios {
		b.Run(sc.name, func(b *testing.B) {
			for _, hook := range []string{"none", "counting"} {
				b.Run("hook="+hook, func(b *testing.B) {
					var n atomic.Int64
					cfg := corskitConfig(origins)
					if hook == "counting" {
						cfg.OnReject = func(*http.Request, cors.Rejection) { n.Add(1) }
					}
					mw, err := cors.New(cfg)
					if err != nil {
						b.Fatal(err)
					}
					h, r, w := mw.Wrap(noop), sc.req(), &recorder{h: make(http.Header)}
					b.ReportAllocs()
					for b.Loop() {
						w.reset()
						h.ServeHTTP(w, r)
					}
					if refused := sc.name == "disallowed-origin" || sc.name == "refused-method"; hook == "counting" && refused != (n.Load() > 0) {
						b.Fatalf("%d hook calls", n.Load())
					}
				})
			}
		})
	}
}
