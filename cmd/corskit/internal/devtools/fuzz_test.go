package devtools_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/corskit/corskit/cmd/corskit/internal/devtools"
)

// The fuzz targets check that no input makes a parser panic or return
// neither a call nor an error, that errors say where they come from, and
// that a parsed call, written back (Curl, Fetch), reads back the same.
// Their seed corpora are under testdata/fuzz.

func FuzzParseCurl(f *testing.F) {
	f.Add("curl 'https://api.example/' -H 'Origin: https://app.example'")
	f.Add("curl ^\"https://api.example/^\" ^\n  -H ^\"x: 1^\"")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := devtools.ParseCurl(in)
		check(t, c, err)
		if err == nil {
			roundTrip(t, c, c.Curl(), devtools.ParseCurl)
		}
	})
}

func FuzzParseFetch(f *testing.F) {
	f.Add(`fetch("https://api.example/", {"headers": {"x": "1"}, "referrer": "https://app.example/", "method": "GET", "mode": "cors", "credentials": "omit"});`)
	f.Add(`await fetch("https://api.example/", {"credentials": "include", "headers": {}, "method": "POST", "body": "\ud83d\ude00"});`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := devtools.ParseFetch(in)
		check(t, c, err)
		if err == nil {
			roundTrip(t, c, c.Fetch(), devtools.ParseFetch)
		}
	})
}

func check(t *testing.T, c *devtools.Call, err error) {
	t.Helper()
	if (c == nil) == (err == nil) {
		t.Fatalf("call %v with error %v", c, err)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "devtools: ") {
		t.Fatalf("error without context: %v", err)
	}
}

func roundTrip(t *testing.T, c *devtools.Call, text string, parse func(string) (*devtools.Call, error)) {
	t.Helper()
	c2, err := parse(text)
	if err != nil {
		t.Fatalf("written as\n%s\nit does not parse: %v", text, err)
	}
	a, b := *c, *c2
	a.Notes, b.Notes = nil, nil
	if a.Format == devtools.CurlCmd {
		a.Format = devtools.CurlBash
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("written as\n%s\nreads back as\n%+v\nwant\n%+v", text, b, a)
	}
}
