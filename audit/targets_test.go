package audit_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/corskit/corskit/audit"
)

func TestReadTargets(t *testing.T) {
	in := "# list\nhttps://a.example/x\n\n  http://b.example:8080/y  \nftp://nope\nnot a url\n" +
		strings.Repeat("x", audit.MaxTargetLine+10) + "\nhttps://c.example\r\nhttps://d.example"
	var got []string
	err := audit.ReadTargets(strings.NewReader(in), func(line int, u string, err error) bool {
		var le *audit.LineError
		switch {
		case err == nil:
			got = append(got, u)
		case errors.As(err, &le) && le.Line == line:
			got = append(got, err.Error()[:7])
		default:
			t.Errorf("line %d: %T %v", line, err, err)
		}
		return true
	})
	want := []string{"https://a.example/x", "http://b.example:8080/y", "line 5:", "line 6:", "line 7:", "https://c.example", "https://d.example"}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
}

// A comment after the URL is not part of it; a space left inside the
// URL makes the line malformed. Before, "https://x.example/api/items   #
// staging" was audited as /api/items%20%20%20, a 404 reported clean.
func TestReadTargetsInlineComment(t *testing.T) {
	in := "https://x.example/api/items   # staging\nhttps://x.example/a#frag\thttps://x.example/b\nhttps://x.example/p#top # the page\nhttps://x.example/a b\n"
	var got []string
	audit.ReadTargets(strings.NewReader(in), func(line int, u string, err error) bool {
		if err != nil {
			if !errors.Is(err, audit.ErrSpaceInURL) {
				t.Errorf("line %d: %v", line, err)
			}
			got = append(got, "error")
			return true
		}
		got = append(got, u)
		return true
	})
	want := "https://x.example/api/items|error|https://x.example/p#top|error"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

// zeros is /dev/zero: no line ever ends.
type zeros struct{ n int }

func (z *zeros) Read(p []byte) (int, error) { clear(p); z.n += len(p); return len(p), nil }

// Input with no line end (/dev/zero, a binary file) is no list: reading
// stops after a bounded read. Before, ReadTargets read it forever (a run
// on /dev/zero went 41 minutes until SIGKILL).
func TestReadTargetsNotAList(t *testing.T) {
	z := &zeros{}
	err := audit.ReadTargets(io.MultiReader(strings.NewReader("https://a.example/\n"), z), func(int, string, error) bool { return true })
	if !errors.Is(err, audit.ErrNotAList) || !strings.Contains(err.Error(), "line 2") || z.n > 2<<20 {
		t.Errorf("error %v after %d bytes", err, z.n)
	}
}

// FuzzReadTargets: any input gives, for each line, a valid URL or a
// *LineError naming that line; never a panic, lines in order.
func FuzzReadTargets(f *testing.F) {
	for _, s := range []string{"", "https://a.example/x\n", "# c\n\nftp://x\nhttps://b.example", "http://[::1]:80/\r\n", "https://\n", "http://a b\n", "\xff\x00\n\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		err := audit.ReadTargets(strings.NewReader(s), func(line int, u string, err error) bool {
			if line <= last || line > strings.Count(s, "\n")+1 {
				t.Fatalf("line %d after %d", line, last)
			}
			last = line
			var le *audit.LineError
			switch {
			case err == nil:
				if cerr := audit.CheckURL(u); cerr != nil {
					t.Fatalf("line %d: %q accepted: %v", line, u, cerr)
				}
			case !errors.As(err, &le) || le.Line != line || len(le.Value) > 210:
				t.Fatalf("line %d: %T %v", line, err, err)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
