package explain

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corskit/corskit/fetch"
)

// FuzzGuards: any 403 answer (a content type and a body of the server's
// choosing) is recognised or not without a panic, and what a guard's
// page says is quoted bounded and escaped: the warning holds no control
// byte and is never much longer than its template.
func FuzzGuards(f *testing.F) {
	f.Add("text/html", "<p>CSRF verification failed. Request aborted.</p><p>Reason given for failure:</p>\n<pre>\nCSRF cookie not set.\n</pre>")
	f.Add("text/plain", "Blocked request. This host (\"vite.test\") is not allowed.\nTo allow")
	f.Add("text/plain; charset=utf-8", csrfGuardBodies[0])
	f.Add("", nextBlockedBody)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		header := http.Header{"X-Content-Type-Options": {"nosniff"}}
		if contentType != "" { // "": none, as Next.js's dev server sends
			header.Set("Content-Type", contentType)
		}
		res := &fetch.Result{Classification: fetch.Classification{CrossOrigin: true}, Trace: []fetch.Exchange{{
			Kind: fetch.ExchangeRequest, Method: "POST", URL: "https://api.example/_next/x", // a path Next.js's check covers
			RequestHeader: http.Header{"Origin": {"https://app.example"}}, Status: http.StatusForbidden,
			ResponseHeader: header,
			Body:           []byte(body), BodyBytes: len(body),
		}}}
		w, ok := GuardWarning(res)
		if !ok {
			return
		}
		if !strings.HasPrefix(w.Text, "not CORS: ") || len(w.Text) > 2000 || !utf8.ValidString(w.Text) ||
			strings.ContainsFunc(w.Text, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("%s: %q", w.ID, w.Text)
		}
	})
}
