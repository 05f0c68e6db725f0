package checkjson

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// har2000 is a HAR of 2,000 entries: 1,000 simple GETs (half of them
// blocked) and 500 preflighted PUTs, each a preflight and its request
// (the same as e2e's BenchmarkWebHAR2000, which runs it in the page).
func har2000() []byte {
	var entries []map[string]any
	entry := func(kind, method, url string, reqh [][2]string, status int, resph [][2]string) {
		hs := func(x [][2]string) []map[string]string {
			out := []map[string]string{}
			for _, h := range x {
				out = append(out, map[string]string{"name": h[0], "value": h[1]})
			}
			return out
		}
		entries = append(entries, map[string]any{
			"startedDateTime": time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC).Add(time.Duration(len(entries)) * time.Millisecond).Format(time.RFC3339Nano),
			"_resourceType":   kind,
			"request":         map[string]any{"method": method, "url": url, "headers": hs(reqh)},
			"response":        map[string]any{"status": status, "statusText": "", "headers": hs(resph)},
		})
	}
	page := [2]string{"Origin", "https://app.example.com"}
	for i := range 1000 {
		var resph [][2]string
		if i%2 == 0 {
			resph = [][2]string{{"Access-Control-Allow-Origin", "https://app.example.com"}, {"Vary", "Origin"}}
		}
		entry("fetch", "GET", fmt.Sprintf("https://api.example.com/items/%d", i), [][2]string{page}, 200, resph)
	}
	for i := range 500 {
		url := fmt.Sprintf("https://api.example.com/items/%d", i)
		entry("preflight", "OPTIONS", url, [][2]string{page, {"Access-Control-Request-Method", "PUT"}, {"Access-Control-Request-Headers", "content-type"}},
			204, [][2]string{{"Access-Control-Allow-Origin", "https://app.example.com"}, {"Access-Control-Allow-Methods", "PUT"}, {"Server", "nginx"}})
		entry("fetch", "PUT", url, [][2]string{page, {"Content-Type", "application/json"}}, 200,
			[][2]string{{"Access-Control-Allow-Origin", "https://app.example.com"}})
	}
	data, _ := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "entries": entries}})
	return data
}

// BenchmarkDiagnoseHAR2000 is the native cost of what the page does with
// a 2,000-entry HAR (e2e's BenchmarkWebHAR2000 measures it in WebAssembly).
func BenchmarkDiagnoseHAR2000(b *testing.B) {
	har := har2000()
	auto := "auto"
	for _, c := range []struct {
		name string
		opts Options
	}{{"chromium", Options{}}, {"all-engines-stack", Options{Browser: "all", Stack: &auto}},
		// What the page asks for (corskit.diagnose reads compact JSON).
		{"chromium-compact", Options{Compact: true}}, {"all-engines-stack-compact", Options{Browser: "all", Stack: &auto, Compact: true}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := Diagnose(context.Background(), har, c.opts)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(out)))
			}
		})
	}
}
