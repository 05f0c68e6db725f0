package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/corskit/corskit/audit"
)

// countWriter counts what the report writes, and throws it away.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// syntheticResult is an endpoint's audit as a real run makes it: three
// findings, each with its evidence.
func syntheticResult(i int) audit.Result {
	u := fmt.Sprintf("https://api%d.example.com/v1/items/%d", i/100, i)
	ev := audit.Evidence{Method: "GET", URL: u + "?corskit-cb=0123456789abcdef",
		RequestHeaders:  http.Header{"Origin": {"https://corskit-attacker.example"}, "Cache-Control": {"no-cache"}, "Pragma": {"no-cache"}},
		Status:          200,
		ResponseHeaders: http.Header{"Access-Control-Allow-Origin": {"https://corskit-attacker.example"}, "Access-Control-Allow-Credentials": {"true"}, "Content-Type": {"application/json"}, "Date": {"Mon, 30 Nov 2026 10:00:00 GMT"}},
	}
	r := audit.Result{URL: u, Method: "GET", Probes: 70, Allowed: []string{"https://app.example.com"}}
	for k, id := range []string{audit.ReflectAnyOrigin, audit.NullOrigin, audit.MissingVary} {
		r.Findings = append(r.Findings, audit.Finding{URL: u, Method: "GET", ID: id, Severity: audit.Severity(3 - k), Origin: "https://corskit-attacker.example",
			Credentials: true, Evidence: ev, Explanation: "The server echoes any Origin in Access-Control-Allow-Origin: every website can read this endpoint, with the user's cookies.",
			Fix: audit.Fix{Headers: "Compare the Origin against an exact list of trusted origins.", Config: `cors.Config{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}`}})
	}
	return r
}

// heapAfter runs a whole report of n endpoints in format and returns the
// heap in use, after a collection, at its fullest point of the two where
// a report that kept its results would hold them all (every result added;
// the document written), and the bytes written.
func heapAfter(t *testing.T, format string, n int) (heap uint64, written int64) {
	t.Helper()
	var w countWriter
	out, err := newAuditOutput(format, &w, io.Discard, sarifLoc{path: "targets.txt", lines: true})
	if err != nil {
		t.Fatal(err)
	}
	defer out.close()
	var ms runtime.MemStats
	measure := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
	}
	measure()
	base := heap
	for i := range n {
		if err := out.add(outcome{res: syntheticResult(i), line: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	measure()
	if err := out.finish(); err != nil {
		t.Fatal(err)
	}
	measure()
	runtime.KeepAlive(out)
	return heap - base, w.n
}

// The report's memory does not grow with the number of endpoints, in any
// format: ten times the endpoints cost far less than ten times the heap.
// (Before results were spilled to a temporary file, text, JSON and SARIF
// kept every finding: 155, 467 and 638 MB for 20,000 targets.)
func TestAuditReportMemoryIsBounded(t *testing.T) {
	const n = 20
	for _, format := range []string{"text", "json", "sarif", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			small, _ := heapAfter(t, format, n)
			large, written := heapAfter(t, format, 10*n)
			// What the extra 9n endpoints weigh as JSON; kept in memory,
			// they would weigh more on the heap (maps, slices, strings).
			var extra int64
			for i := n; i < 10*n; i++ {
				b, _ := json.Marshal(syntheticResult(i))
				extra += int64(len(b))
			}
			if extra < 256<<10 {
				t.Fatalf("%d endpoints weigh %d bytes: too little to show anything", 9*n, extra)
			}
			grew := int64(large) - int64(small)
			t.Logf("%s: heap %d KiB for %d endpoints, %d KiB for %d (report: %d KiB; the extra endpoints as JSON: %d KiB)", format, small>>10, n, large>>10, 10*n, written>>10, extra>>10)
			if grew > extra/10 {
				t.Errorf("heap grew by %d KiB from %d to %d endpoints (%d KiB as JSON): want far less than proportional", grew>>10, n, 10*n, extra>>10)
			}
		})
	}
}
