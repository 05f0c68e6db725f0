package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile is a value with the characters a terminal acts on: a C1 CSI
// (U+009B, which erases the screen as "\u009b2J"), a bidi override and
// isolate, the marks, and a C1 OSC.
const hostile = "a\u009b2Jb\u202egnp.exe\u2066c\u2069\u200e\u200f\u061c\u009d0;title\u009c"

// terminalUnsafeRunes are the characters of hostile that must never reach
// stdout raw.
var terminalUnsafeRunes = []rune{0x9b, 0x9c, 0x9d, 0x202e, 0x2066, 0x2069, 0x200e, 0x200f, 0x061c}

func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	for _, r := range terminalUnsafeRunes {
		if strings.ContainsRune(out, r) {
			t.Errorf("%s: U+%04X reaches stdout raw:\n%s", what, r, out)
		}
	}
	if !strings.Contains(out, `\u009b2J`) {
		t.Errorf("%s: the CSI is not shown escaped as \\u009b:\n%s", what, out)
	}
}

// hostileServer allows the page and answers with hostile bytes in a header
// that is exposed, in ACAO's neighbour and in a Location-free header.
func hostileServer(t *testing.T, allow string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", allow)
		w.Header().Set("Access-Control-Expose-Headers", "X-Evil")
		w.Header().Set("X-Evil", hostile)
		w.Header().Set("Server", hostile)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTerminalSafeCheck: what a server sends is shown with C1 and bidi
// controls escaped in check's text and JSON (where the escape decodes back
// to the server's value).
func TestTerminalSafeCheck(t *testing.T) {
	allowed := hostileServer(t, page)
	out, _, code := cli(t, "check", allowed.URL, "--origin", page)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	assertTerminalSafe(t, "check", out)
	// A blocked call quotes the server's ACAO in the console lines.
	blocked := hostileServer(t, hostile)
	out, _, _ = cli(t, "check", blocked.URL, "--origin", page)
	assertTerminalSafe(t, "check (blocked)", out)

	out, _, _ = cli(t, "check", allowed.URL, "--origin", page, "--json")
	assertTerminalSafe(t, "check --json", out)
	var rep struct {
		Response struct {
			Headers map[string]string `json:"headers"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json is no longer JSON: %v\n%s", err, out)
	}
	if !strings.Contains(out, `\u009b`) || !json.Valid([]byte(out)) {
		t.Errorf("JSON escapes: %s", out)
	}
}

// TestTerminalSafeHAR: a HAR file written by someone else is shown safely,
// in text and JSON.
func TestTerminalSafeHAR(t *testing.T) {
	entry := map[string]any{
		"_resourceType": "fetch",
		"request": map[string]any{"method": "GET", "url": "https://api.example.com/a",
			"headers": []map[string]string{{"name": "Origin", "value": page}}},
		"response": map[string]any{"status": 200, "headers": []map[string]string{
			{"name": "Access-Control-Allow-Origin", "value": hostile}, {"name": "X-Evil", "value": hostile}}},
	}
	data, _ := json.Marshal(map[string]any{"log": map[string]any{"entries": []any{entry}}})
	path := filepath.Join(t.TempDir(), "hostile.har")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, _ := cli(t, "check", "--har", path)
	assertTerminalSafe(t, "check --har", out+errOut)
	out, _, _ = cli(t, "check", "--har", path, "--json")
	assertTerminalSafe(t, "check --har --json", out)
	if !json.Valid([]byte(out)) {
		t.Errorf("check --har --json is no longer JSON:\n%s", out)
	}
}

// TestTerminalSafeAudit: audit's findings quote the server's headers.
func TestTerminalSafeAudit(t *testing.T) {
	// The report quotes an Access-Control-Allow-Origin that is not an origin.
	srv := hostileServer(t, hostile)
	for _, format := range []string{"text", "json", "jsonl"} {
		out, _, _ := cli(t, "audit", srv.URL, "--format", format, "--rate", "0")
		assertTerminalSafe(t, "audit --format "+format, out)
		if format == "json" && !json.Valid([]byte(out)) {
			t.Errorf("audit --format json is no longer JSON:\n%s", out)
		}
	}
}

// TestSafeWriterSplitRune: a character written in two parts is escaped
// whole, and plain text and style's colours pass unchanged.
func TestSafeWriterSplitRune(t *testing.T) {
	var b bytes.Buffer
	w := newSafeWriter(&b)
	csi := []byte("\u009b")
	w.Write([]byte("x" + string(csi[:1])))
	w.Write([]byte(string(csi[1:]) + "y \x1b[1;31mred\x1b[0m \x1b]0;t\x07 é\t\n"))
	w.Flush()
	if got, want := b.String(), `x\u009by `+"\x1b[1;31mred\x1b[0m "+`\u001b]0;t\u0007 é`+"\t\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzSafeWriter: whatever a server sends and however it is cut into
// writes, what reaches the terminal holds no character a terminal acts on
// (but for style's own colours), is UTF-8, does not depend on the cuts,
// and JSON through it stays JSON with the same value.
func FuzzSafeWriter(f *testing.F) {
	f.Add("a\u009b2Jb\u202e\x1b]0;x\x07", uint(2))
	f.Add("\xe2\x80", uint(1))
	f.Add("\x1b[1;31mred\x1b[0m\xff", uint(5))
	f.Fuzz(func(t *testing.T, in string, cut uint) {
		write := func(parts ...string) string {
			var b bytes.Buffer
			w := newSafeWriter(&b)
			for _, p := range parts {
				if _, err := w.Write([]byte(p)); err != nil {
					t.Fatal(err)
				}
			}
			w.Flush()
			return b.String()
		}
		whole := write(in)
		k := int(cut % uint(len(in)+1))
		if split := write(in[:k], in[k:]); split != whole {
			t.Fatalf("cut at %d: %q, whole: %q", k, split, whole)
		}
		if !utf8.ValidString(whole) {
			t.Fatalf("not UTF-8: %q", whole)
		}
		rest := whole
		for _, sgr := range ownSGR {
			rest = strings.ReplaceAll(rest, string(sgr), "")
		}
		for _, r := range rest {
			if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || terminalUnsafe(r) {
				t.Fatalf("U+%04X reaches the terminal: %q", r, whole)
			}
		}
		data, _ := json.Marshal(in)
		var want, got string
		json.Unmarshal(data, &want)
		if err := json.Unmarshal([]byte(write(string(data))), &got); err != nil || got != want {
			t.Fatalf("JSON %s through the writer: %q (%v), want %q", data, got, err, want)
		}
	})
}
