package checkjson

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/internal/loopback"
	"github.com/corskit/corskit/stacks"
)

// referenceJSON is a report as encoding/json writes it: compact, or
// indented as nested in the --har object (what HARWriter wrote before
// reportEncoder).
func referenceJSON(t *testing.T, r *HARReport, compact bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := newEncoder(&b, "    ", compact).Encode(r); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// sameAsJSON fails unless HARWriter writes r, compact and indented, as
// encoding/json does.
func sameAsJSON(t *testing.T, what string, r HARReport) {
	t.Helper()
	for _, compact := range []bool{true, false} {
		var out bytes.Buffer
		hw := newHARWriter(&out, compact)
		if err := hw.Add(r); err != nil {
			t.Fatal(err)
		}
		got := bytes.TrimPrefix(out.Bytes(), []byte("\n    "))
		if want := referenceJSON(t, &r, compact); !bytes.Equal(got, want) {
			t.Fatalf("%s (compact %v): reportEncoder wrote\n%s\nencoding/json\n%s", what, compact, got, want)
		}
	}
}

// TestReportEncoderSameAsJSON: reportEncoder writes every conformance
// case's report, in the three engines with and without a stack, byte for
// byte as encoding/json does.
func TestReportEncoderSameAsJSON(t *testing.T) {
	var cases []corscase.Case
	for _, c := range corscase.All() {
		if len(c.Fetches) == 1 && !c.ServerRefuses {
			cases = append(cases, c)
		}
	}
	s, err := corscase.Serve(cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	nginx, err := stacks.Lookup("nginx")
	if err != nil {
		t.Fatal(err)
	}
	memo := &explain.StackMemo{}
	for i, c := range cases {
		results := make([]*fetch.Result, len(fetch.Profiles))
		for j, p := range fetch.Profiles {
			b := &fetch.Browser{Profile: p, Transport: loopback.Transport()}
			if results[j], err = b.Fetch(context.Background(), c.Fetches[0].Request(c.Name, s.URLs)); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []struct {
			apply  bool
			chosen *stacks.Stack
		}{{false, nil}, {true, nil}, {true, nginx}} {
			all, _ := reports(results, fetch.Profiles, true, v.apply, v.chosen, memo)
			one, _ := reports(results[:1], fetch.Profiles[:1], false, v.apply, v.chosen, memo)
			sameAsJSON(t, c.Name, HARReport{Entry: i, Report: all})
			sameAsJSON(t, c.Name, HARReport{Entry: i, Report: one})
		}
	}
}

// TestReportEncoderRandomReports: reports with every field filled at
// random (strings with quotes, control bytes, U+2028, invalid UTF-8;
// nil, empty and full slices and maps) are written as encoding/json
// writes them. A field added to HARReport, explain.Report or
// explain.Diagnosis and not to reportEncoder fails here.
func TestReportEncoderRandomReports(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		var r HARReport
		fill(rng, reflect.ValueOf(&r).Elem(), 0)
		sameAsJSON(t, "random report", r)
		if i%3 == 0 && len(r.Browsers) > 0 {
			// The shapes reports() makes: values shared between the top
			// level and an engine's report, and between fields.
			for name, b := range r.Browsers {
				b.Fixes, b.Diagnosis, b.Trace = r.Fixes, r.Diagnosis, r.Trace
				r.Browsers[name] = b
			}
			r.Diagnosis.Fixes = r.Fixes
			sameAsJSON(t, "random report, values shared", r)
		}
	}
}

// fill sets v to a random value: a zero value one time in four, nested
// reports only at the top.
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	if rng.IntN(4) == 0 && depth > 0 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(randomString(rng))
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(rng.IntN(2000)) - 1)
	case reflect.Float64:
		v.SetFloat(float64(rng.IntN(100000)) / 1000)
	case reflect.Pointer:
		if depth > 4 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if depth > 4 {
			return
		}
		n := rng.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		// Browsers (depth 2: HARReport, its Report) holds reports, whose
		// own Browsers stay empty.
		if depth > 4 || (v.Type().Elem() == reflect.TypeFor[explain.Report]() && depth > 2) {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range rng.IntN(4) {
			k := reflect.New(v.Type().Key()).Elem()
			fill(rng, k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(rng, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(rng, v.Field(i), depth+1)
			}
		}
	}
}

func randomString(rng *rand.Rand) string {
	parts := []string{"", "a", "PUT", `"`, `\`, "<&>", "\n", "\t", "\b", "\f", "\x01", "\x7f", "\u2028", "\u2029", "é", "日本", "\xff", "\xe2\x80", " ", "https://app.example.com", "Access-Control-Allow-Origin"}
	var b []byte
	for range rng.IntN(6) {
		b = append(b, parts[rng.IntN(len(parts))]...)
	}
	return string(b)
}

// TestReportEncoderCatchesAMissingField: the random reports do reach
// every member reportEncoder writes by hand (a guard on the test above).
func TestReportEncoderCatchesAMissingField(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 300 {
		var r HARReport
		fill(rng, reflect.ValueOf(&r).Elem(), 0)
		var m map[string]any
		if err := json.Unmarshal(referenceJSON(t, &r, true), &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			seen[k] = true
		}
		if d, ok := m["diagnosis"].(map[string]any); ok {
			for k := range d {
				seen["diagnosis."+k] = true
			}
		}
	}
	for _, k := range []string{"har_entry", "verdict", "message", "reason", "status", "readable_headers", "preflight_sent",
		"fixes", "warnings", "trace", "diagnosis", "net_error", "stack", "request", "console", "type_error", "browsers",
		"gate", "cookies", "diagnosis.net_error", "diagnosis.stopped_at", "diagnosis.preflight_why", "diagnosis.gate"} {
		if !seen[k] {
			t.Errorf("no random report has %q", k)
		}
	}
}

// FuzzAppendString: appendString writes any string as encoding/json does
// (HTML not escaped).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<&>", "\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "é日本", "\xff\xe2\x80", "a\xed\xa0\x80b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if err := newEncoder(&b, "", true).Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}
