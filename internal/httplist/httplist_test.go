package httplist_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/internal/httplist"
)

func scanAll(lines []string, lim httplist.Limits) ([]string, error) {
	sc := httplist.NewScanner(lines, lim)
	var out []string
	for {
		e, ok := sc.Next()
		if !ok {
			return out, sc.Err()
		}
		out = append(out, e)
	}
}

func TestScanner(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  []string
	}{
		{"nil", nil, nil},
		{"empty line", []string{""}, nil},
		{"one", []string{"a"}, []string{"a"}},
		{"browser style", []string{"content-type,x-api-key"}, []string{"content-type", "x-api-key"}},
		{"OWS", []string{" a ,\tb\t, c"}, []string{"a", "b", "c"}},
		{"empty elements", []string{",a,, ,b,"}, []string{"a", "b"}},
		{"split over lines (rs/cors#184)", []string{"a,b", "c", " d , e"}, []string{"a", "b", "c", "d", "e"}},
		{"empty middle line", []string{"a", "", "b"}, []string{"a", "b"}},
		{"inner space kept", []string{"a b, c"}, []string{"a b", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scanAll(tc.lines, httplist.DefaultLimits)
			if err != nil {
				t.Fatalf("%q: unexpected error %v", tc.lines, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("%q: got %q, want %q", tc.lines, got, tc.want)
			}
		})
	}
}

func TestScannerLimits(t *testing.T) {
	lim := httplist.Limits{Elements: 3, Bytes: 20}
	for _, tc := range []struct {
		name  string
		lines []string
		err   error
	}{
		{"at element limit", []string{"a,b,c"}, nil},
		{"over element limit", []string{"a,b,c,d"}, httplist.ErrTooLong},
		{"empties count", []string{",,,a"}, httplist.ErrTooLong},
		{"lines count", []string{"a", "b", "c", "d"}, httplist.ErrTooLong},
		{"at byte limit", []string{strings.Repeat("x", 20)}, nil},
		{"over byte limit", []string{strings.Repeat("x", 21)}, httplist.ErrTooLong},
		{"bytes over lines", []string{strings.Repeat("x", 10), strings.Repeat("y", 10)}, httplist.ErrTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scanAll(tc.lines, lim)
			if !errors.Is(err, tc.err) {
				t.Fatalf("%q: got error %v, want %v", tc.lines, err, tc.err)
			}
		})
	}
}

// An oversized list must be refused before any element is handed out, so
// that a caller never acts on part of it.
func TestScannerOversizedYieldsNothing(t *testing.T) {
	sc := httplist.NewScanner([]string{"a,b", strings.Repeat("c", 9000)}, httplist.DefaultLimits)
	if e, ok := sc.Next(); ok {
		t.Fatalf("got element %q from an oversized list", e)
	}
	if !errors.Is(sc.Err(), httplist.ErrTooLong) {
		t.Fatalf("got %v, want ErrTooLong", sc.Err())
	}
}

func TestNextToken(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  []string
		err   error
	}{
		{[]string{"x-a, x-b"}, []string{"x-a", "x-b"}, nil},
		{[]string{"x-a, x b"}, []string{"x-a"}, httplist.ErrInvalidToken},
		{[]string{"x-a,x\x00b"}, []string{"x-a"}, httplist.ErrInvalidToken},
		{[]string{"é"}, nil, httplist.ErrInvalidToken},
		{[]string{"a:b"}, nil, httplist.ErrInvalidToken},
	} {
		sc := httplist.NewScanner(tc.lines, httplist.DefaultLimits)
		var got []string
		for {
			e, ok := sc.NextToken()
			if !ok {
				break
			}
			got = append(got, e)
		}
		if !slices.Equal(got, tc.want) || !errors.Is(sc.Err(), tc.err) {
			t.Errorf("%q: got %q, %v; want %q, %v", tc.lines, got, sc.Err(), tc.want, tc.err)
		}
	}
}

func TestIsToken(t *testing.T) {
	for s, want := range map[string]bool{
		"": false, "GET": true, "x-api-key": true, "!#$%&'*+-.^_`|~09azAZ": true,
		"a b": false, "a,b": false, "a:b": false, "a\"": false, "(": false, "\x7f": false, "é": false,
	} {
		if got := httplist.IsToken(s); got != want {
			t.Errorf("IsToken(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestEqualFold(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Content-Type", "content-type", true},
		{"a", "b", false},
		{"k", "\u212a", false}, // Kelvin sign: no Unicode folding
		{"ab", "a", false},
	} {
		if got := httplist.EqualFold(tc.a, tc.b); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestScannerAllocs(t *testing.T) {
	lines := []string{"content-type, x-api-key", "authorization"}
	n := testing.AllocsPerRun(100, func() {
		sc := httplist.NewScanner(lines, httplist.DefaultLimits)
		for {
			if _, ok := sc.NextToken(); !ok {
				break
			}
		}
	})
	if n != 0 {
		t.Fatalf("got %v allocs per scan, want 0", n)
	}
}

// FuzzScanner checks that a scan never panics, stays within its limits, and
// returns exactly the non-empty trimmed elements of the joined lines.
func FuzzScanner(f *testing.F) {
	f.Add("content-type,x-api-key", "")
	f.Add(" a , ,b", "c")
	f.Add(",,,,", ",")
	f.Add("a\tb", "\t")
	f.Add(strings.Repeat("x,", 200), "")
	f.Fuzz(func(t *testing.T, l1, l2 string) {
		lim := httplist.Limits{Elements: 64, Bytes: 512}
		got, err := scanAll([]string{l1, l2}, lim)
		if len(got) > lim.Elements {
			t.Fatalf("%d elements over a limit of %d", len(got), lim.Elements)
		}
		if err != nil {
			return
		}
		var want []string
		for _, e := range strings.Split(l1+","+l2, ",") {
			if e = strings.Trim(e, " \t"); e != "" {
				want = append(want, e)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}

// The element bound is counted a block at a time; it must be exact across
// block and line boundaries.
func TestElementBoundAcrossBlocks(t *testing.T) {
	pad := strings.Repeat("x", 1500)
	for _, tc := range []struct {
		lines []string
		ok    bool
	}{
		{[]string{strings.Repeat("a,", 127) + pad}, true},                                // 128 elements, 1 line
		{[]string{strings.Repeat("a,", 128) + pad}, false},                               // 129
		{[]string{pad + strings.Repeat(",a", 127)}, true},                                // commas after the first block
		{[]string{pad + strings.Repeat(",a", 128)}, false},                               //
		{[]string{strings.Repeat("a,", 63) + "a", strings.Repeat("b,", 63) + "b"}, true}, // 64 + 64
		{[]string{strings.Repeat("a,", 63) + "a", strings.Repeat("b,", 64) + "b"}, false},
	} {
		_, err := scanAll(tc.lines, httplist.Limits{Elements: 128})
		if (err == nil) != tc.ok {
			t.Errorf("%d lines of %d bytes: err %v, want ok=%v", len(tc.lines), len(tc.lines[0]), err, tc.ok)
		}
	}
}

func TestHasFold(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		name  string
		want  bool
	}{
		{[]string{"Accept-Encoding, origin"}, "Origin", true},
		{[]string{"Accept", " ORIGIN "}, "Origin", true},
		{[]string{"Originator"}, "Origin", false},
		{nil, "Origin", false},
		{[]string{strings.Repeat("a,", 200) + "Origin"}, "Origin", false}, // over the element bound
	} {
		if got := httplist.HasFold(tc.lines, tc.name); got != tc.want {
			t.Errorf("HasFold(%q, %q) = %v", tc.lines, tc.name, got)
		}
	}
}
