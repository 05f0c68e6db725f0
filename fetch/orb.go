package fetch

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/corskit/corskit/reason"
)

// Opaque Response Blocking (the Fetch Standard's "opaque-response
// blocking", from https://github.com/annevk/orb): a cross-origin load in
// no-cors mode (an <img> without crossorigin, a fetch() with mode
// "no-cors") may only receive what such a load can use, an image, media,
// a script or a style sheet. JSON, HTML, XML, text with nosniff, a PDF...
// are refused after their answer, so that their bytes never reach the
// page's process. Not CORS: no Access-Control-* header on that answer is
// read. The fix is the answer's Content-Type (it is an image: say so), or,
// for data meant to be read cross-origin, CORS mode with CORS headers.

// ReasonORBBlocked is a load ORB refused, from package reason.
const ReasonORBBlocked = reason.ORBBlocked

// ORBRule is the step of the ORB algorithm that decided, by a stable
// name (JSON, the CLI).
type ORBRule string

// The steps, in the algorithm's order. The ones that let the answer
// through say so in ORBNote.Blocked.
const (
	ORBSafelisted         ORBRule = "safelisted"          // a JavaScript type, text/css or image/svg+xml: through
	ORBPartialBlocklisted ORBRule = "partial-blocklisted" // a 206 of HTML, JSON or XML
	ORBNosniffBlocklisted ORBRule = "nosniff-blocklisted" // nosniff, and HTML, JSON or XML (or text/plain, see orbEngine)
	ORBNeverSniffed       ORBRule = "never-sniffed"       // a type never sniffed: PDF, office documents, archives...
	ORBPartialNotFirst    ORBRule = "partial-not-first"   // a 206 that does not start at byte 0
	ORBSniffedImage       ORBRule = "sniffed-image"       // the bytes are an image: through
	ORBSniffedMedia       ORBRule = "sniffed-media"       // the bytes are audio or video: through
	ORBNosniff            ORBRule = "nosniff"             // nosniff, and the bytes are no image or media
	ORBStatus             ORBRule = "status"              // not an ok status
	ORBNoType             ORBRule = "no-type"             // no Content-Type: through
	ORBMediaTypeMismatch  ORBRule = "media-type-mismatch" // an image/, audio/ or video/ type, and no such bytes
	ORBScript             ORBRule = "script"              // the body is a script (Chromium: is not HTML, XML or JSON): through
	ORBNotScript          ORBRule = "not-script"          // the body is no script, or is JSON (Chromium: is HTML, XML or JSON)
)

// ORBNote is what ORB decided of a cross-origin no-cors answer, in the
// engine of the profile (nil in Result.ORB when ORB did not run: a CORS
// or same-origin load, a redirect, an engine without ORB).
type ORBNote struct {
	Blocked bool
	Rule    ORBRule
	// Type is the answer's MIME type essence ("" when it has none that
	// parses), NoSniff its X-Content-Type-Options: nosniff.
	Type    string
	NoSniff bool
	// Sniffed is the image type the first bytes are ("image/gif"...), or
	// "media" for audio or video, "" for neither: what the answer really
	// is when its Content-Type says otherwise.
	Sniffed string
	// Emptied: blocked, and the engine gave the no-cors fetch() an empty
	// opaque response rather than a network error (Chromium, Firefox).
	// fetch() resolves; the page could not read the body anyway.
	Emptied bool
}

// orbEngine is how an engine runs ORB, as measured (conformance
// TestORB*).
type orbEngine struct {
	// nosniffTextPlain: the early nosniff step refuses text/plain too,
	// before sniffing (Chromium, the standard). Firefox refuses only HTML,
	// JSON and XML there: an image served as text/plain with nosniff loads
	// (case orb-img-gif-as-text-nosniff).
	nosniffTextPlain bool
	// sniffData: the last step refuses what sniffs as HTML, XML or JSON
	// and lets the rest through (Chromium's ORB v0.1), where the standard
	// and Firefox let through only a body that parses as JavaScript (case
	// orb-img-text: plain text that is no script loads in Chromium).
	sniffData bool
	// emptiesFetch: a refused no-cors fetch() resolves to an empty opaque
	// response (Chromium's Network panel: net::ERR_ABORTED; Firefox: no
	// line), where the standard makes it a network error.
	emptiesFetch bool
	// noStatusOrTypeStep: the steps after sniffing that refuse a status
	// other than 2xx and an image/, audio/ or video/ type whose bytes are
	// none are missing (Chromium: cases orb-img-text-404 and
	// orb-img-gif-type-text-body pass ORB).
	noStatusOrTypeStep bool
}

// orbEngines holds the engines with ORB. WebKit (WebKitGTK 2.50) has
// none: every answer reaches the page (cases orb-img-gif-as-json-nosniff
// and orb-img-gif-as-text-nosniff load).
var orbEngines = map[Engine]orbEngine{
	EngineChromium: {nosniffTextPlain: true, sniffData: true, emptiesFetch: true, noStatusOrTypeStep: true},
	EngineFirefox:  {emptiesFetch: true},
}

// orbSpec is the Fetch Standard's ORB.
var orbSpec = orbEngine{nosniffTextPlain: true}

// orb is engine p's ORB; ok is false for an engine without it.
func (p Profile) orb() (orbEngine, bool) {
	if p.Name == Spec.Name {
		return orbSpec, true
	}
	e, ok := orbEngines[p.Messages]
	return e, ok
}

// ORB is what engine p's Opaque Response Blocking decides of a
// cross-origin no-cors answer and the first bytes of its body (1,024 are
// all it sniffs); ok is false for an engine without ORB (WebKit). The
// audit words its embed finding by it.
func (p Profile) ORB(resp *http.Response, body []byte) (note ORBNote, ok bool) {
	eng, ok := p.orb()
	if !ok {
		return ORBNote{}, false
	}
	return eng.decide(resp, body), true
}

// orbCheck runs ORB on a cross-origin no-cors answer that is not a
// redirect: it records the note, and returns the refusal of a load that
// fails (an <img>; a fetch() in the standard).
func (f *fetcher) orbCheck(resp *http.Response) *Error {
	if f.tainting != ResponseOpaque || isRedirect(resp) {
		return nil
	}
	eng, ok := f.p.orb()
	if !ok {
		return nil
	}
	var body []byte
	if b, ok := resp.Body.(*readBody); ok {
		body = b.data
	}
	n := eng.decide(resp, body)
	f.res.ORB = &n
	if !n.Blocked {
		return nil
	}
	if f.req.Destination == DestinationEmpty && eng.emptiesFetch {
		n.Emptied = true
		f.res.ORB = &n
		return nil
	}
	return &Error{Reason: ReasonORBBlocked, Header: "Content-Type", Value: n.Type}
}

// decide is the ORB algorithm over an answer and its body.
func (eng orbEngine) decide(resp *http.Response, body []byte) ORBNote {
	head := body[:min(len(body), 1024)]
	n := ORBNote{Type: mimeEssence(resp.Header), NoSniff: nosniff(resp.Header), Sniffed: sniffImage(head)}
	if n.Sniffed == "" && sniffMedia(head) {
		n.Sniffed = "media"
	}
	verdict := func(r ORBRule, blocked bool) ORBNote { n.Rule, n.Blocked = r, blocked; return n }
	t := n.Type
	if t != "" {
		switch {
		case isJavaScriptType(t) || t == "text/css" || t == "image/svg+xml":
			return verdict(ORBSafelisted, false)
		case resp.StatusCode == http.StatusPartialContent && isBlocklistedType(t):
			return verdict(ORBPartialBlocklisted, true)
		case n.NoSniff && (isBlocklistedType(t) || eng.nosniffTextPlain && t == "text/plain"):
			return verdict(ORBNosniffBlocklisted, true)
		case neverSniffed[t]:
			return verdict(ORBNeverSniffed, true)
		}
	}
	if resp.StatusCode == http.StatusPartialContent && !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes 0-") {
		return verdict(ORBPartialNotFirst, true)
	}
	switch {
	case n.Sniffed == "media":
		return verdict(ORBSniffedMedia, false)
	case n.Sniffed != "":
		return verdict(ORBSniffedImage, false)
	case n.NoSniff:
		return verdict(ORBNosniff, true)
	case !eng.noStatusOrTypeStep && (resp.StatusCode < 200 || resp.StatusCode > 299):
		return verdict(ORBStatus, true)
	case t == "":
		return verdict(ORBNoType, false)
	case !eng.noStatusOrTypeStep && (strings.HasPrefix(t, "image/") || strings.HasPrefix(t, "audio/") || strings.HasPrefix(t, "video/")):
		return verdict(ORBMediaTypeMismatch, true)
	}
	if eng.sniffData {
		if sniffData(head) {
			return verdict(ORBNotScript, true)
		}
		return verdict(ORBScript, false)
	}
	if looksLikeScript(body) {
		return verdict(ORBScript, false)
	}
	return verdict(ORBNotScript, true)
}

// mimeEssence is the answer's MIME type essence, lowercased, or "" when
// Content-Type is absent or does not parse (the standard's failure).
func mimeEssence(h http.Header) string {
	vs := h.Values("Content-Type")
	if len(vs) == 0 {
		return ""
	}
	t, _, err := mime.ParseMediaType(vs[len(vs)-1])
	if err != nil || !strings.Contains(t, "/") {
		return ""
	}
	return t
}

// nosniff is the Fetch Standard's "determine nosniff": the first value of
// X-Content-Type-Options is nosniff, in any case.
func nosniff(h http.Header) bool {
	v := h.Get("X-Content-Type-Options")
	first, _, _ := strings.Cut(v, ",")
	return strings.EqualFold(strings.TrimSpace(first), "nosniff")
}

// isJavaScriptType: the MIME Sniffing Standard's JavaScript MIME types.
func isJavaScriptType(t string) bool {
	switch t {
	case "application/ecmascript", "application/javascript", "application/x-ecmascript", "application/x-javascript",
		"text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1", "text/javascript1.2",
		"text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
		"text/x-ecmascript", "text/x-javascript":
		return true
	}
	return false
}

// isBlocklistedType: an HTML, JSON or XML MIME type (image/svg+xml is
// safelisted before this is asked).
func isBlocklistedType(t string) bool {
	return t == "text/html" || t == "application/json" || t == "text/json" || strings.HasSuffix(t, "+json") ||
		t == "application/xml" || t == "text/xml" || strings.HasSuffix(t, "+xml")
}

// neverSniffed are the standard's opaque-blocklisted-never-sniffed MIME
// types.
var neverSniffed = map[string]bool{
	"application/dash+xml": true, "application/gzip": true, "application/msexcel": true,
	"application/mspowerpoint": true, "application/msword": true, "application/msword-template": true,
	"application/pdf": true, "application/vnd.apple.mpegurl": true, "application/vnd.ces-quickpoint": true,
	"application/vnd.ces-quicksheet": true, "application/vnd.ces-quickword": true, "application/vnd.ms-excel": true,
	"application/vnd.ms-excel.sheet.macroenabled.12": true, "application/vnd.ms-powerpoint": true,
	"application/vnd.ms-powerpoint.presentation.macroenabled.12": true, "application/vnd.ms-word": true,
	"application/vnd.ms-word.document.12": true, "application/vnd.ms-word.document.macroenabled.12": true,
	"application/vnd.msword": true, "application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/vnd.openxmlformats-officedocument.presentationml.template":   true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template":    true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template": true,
	"application/vnd.presentation-openxml":                                    true, "application/vnd.presentation-openxmlm": true,
	"application/vnd.spreadsheet-openxml": true, "application/vnd.wordprocessing-openxml": true,
	"application/x-gzip": true, "application/x-protobuf": true, "application/x-protobuffer": true,
	"application/zip": true, "audio/mpegurl": true, "multipart/byteranges": true, "multipart/signed": true,
	"text/event-stream": true, "text/csv": true, "text/vtt": true,
}

// sniffImage: the MIME Sniffing Standard's image type pattern matching;
// the type, or "".
func sniffImage(b []byte) string {
	for _, sig := range []struct{ prefix, typ string }{{"GIF87a", "image/gif"}, {"GIF89a", "image/gif"},
		{"\x89PNG\r\n\x1a\n", "image/png"}, {"\xff\xd8\xff", "image/jpeg"}, {"BM", "image/bmp"},
		{"\x00\x00\x01\x00", "image/x-icon"}, {"\x00\x00\x02\x00", "image/x-icon"}} {
		if bytes.HasPrefix(b, []byte(sig.prefix)) {
			return sig.typ
		}
	}
	if len(b) >= 14 && string(b[:4]) == "RIFF" && string(b[8:14]) == "WEBPVP" {
		return "image/webp"
	}
	return ""
}

// sniffMedia: the MIME Sniffing Standard's audio or video type pattern
// matching, for the signatures with a fixed prefix.
func sniffMedia(b []byte) bool {
	for _, sig := range [][]byte{[]byte("ID3"), []byte("OggS\x00"), []byte("MThd\x00\x00\x00\x06"), []byte("\x1a\x45\xdf\xa3"), []byte("FORM")} {
		if bytes.HasPrefix(b, sig) {
			return true
		}
	}
	if len(b) >= 12 && string(b[:4]) == "RIFF" && (string(b[8:12]) == "WAVE" || string(b[8:12]) == "AVI ") {
		return true
	}
	return len(b) >= 12 && string(b[4:8]) == "ftyp"
}

// sniffData is Chromium's last step: the body sniffs as HTML, XML or JSON
// (an object with a string key, or a JSON parser breaker such as )]}').
func sniffData(b []byte) bool {
	s := bytes.TrimLeft(b, " \t\r\n\f")
	lower := bytes.ToLower(s[:min(len(s), 16)])
	for _, p := range []string{"<!doctype html", "<html", "<script", "<head", "<iframe", "<h1", "<div", "<font", "<table",
		"<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--", "<?xml"} {
		if bytes.HasPrefix(lower, []byte(p)) {
			return true
		}
	}
	for _, p := range []string{")]}'", "{}&&", "{};", "for(;;);", "while(1);"} {
		if bytes.HasPrefix(s, []byte(p)) {
			return true
		}
	}
	if rest, ok := bytes.CutPrefix(s, []byte("{")); ok {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		return bytes.HasPrefix(rest, []byte(`"`))
	}
	return false
}

// looksLikeScript stands in for the standard's "parses as JavaScript and
// does not parse as JSON": the model runs no JavaScript parser. It refuses
// JSON, markup, and a line where two words follow each other with no
// operator between them and the first is no keyword ("secret text"),
// which no script can hold; anything else counts as a script. Firefox
// runs a real parser ("Javascript validation failed"): a body the model
// counts as a script may still fail there.
func looksLikeScript(body []byte) bool {
	s := bytes.TrimSpace(body)
	if len(s) > 0 && json.Valid(s) || bytes.HasPrefix(s, []byte("<")) {
		return false
	}
	for _, line := range bytes.Split(s[:min(len(s), 4096)], []byte("\n")) {
		prev := ""
		for _, w := range bytes.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' }) {
			word := string(w)
			if prev != "" && isWord(prev) && isWord(word) && !jsKeywords[prev] && !jsKeywords[word] {
				return false
			}
			prev = word
		}
	}
	return true
}

// isWord: an identifier, all of it.
func isWord(s string) bool {
	for i, r := range s {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

var jsKeywords = map[string]bool{
	"var": true, "let": true, "const": true, "return": true, "typeof": true, "new": true, "delete": true, "void": true,
	"in": true, "of": true, "instanceof": true, "else": true, "do": true, "function": true, "class": true, "async": true,
	"await": true, "yield": true, "throw": true, "case": true, "export": true, "import": true, "from": true, "as": true,
	"static": true, "get": true, "set": true, "extends": true, "break": true, "continue": true, "try": true,
	"finally": true, "default": true, "debugger": true,
}

// firefoxORBReason is the reason Firefox's console line gives for rule r,
// "" where Firefox prints no line (measured: a body that is no image
// with nosniff fails without one, case orb-img-text-nosniff).
var firefoxORBReason = map[ORBRule]string{
	ORBNosniffBlocklisted: "nosniff is true and mimeType is an opaque-blocklisted MIME type or its essence is 'text/plain'",
	ORBPartialBlocklisted: "response's status is 206 and mimeType is an opaque-blocklisted MIME type",
	ORBNeverSniffed:       "mimeType is an opaque-blocklisted-never-sniffed MIME type",
	ORBPartialNotFirst:    "response status is 206 and not first partial response",
	ORBStatus:             "after sniff: status code is not in allowed range",
	ORBNotScript:          "Javascript validation failed",
	ORBMediaTypeMismatch:  "after sniff: content-type declares image/video/audio, but sniffing fails",
}

// orbConsole is the engine's console lines for a load ORB refused:
// Firefox's one line; Chromium and WebKit print none.
func (p Profile) orbConsole(r *Result) []string {
	if p.Messages != EngineFirefox || r.ORB == nil {
		return nil
	}
	if why := firefoxORBReason[r.ORB.Rule]; why != "" {
		return []string{reason.FirefoxORBLine(r.Err.URL, why)}
	}
	return nil
}

// ORBNetError is the error Chromium's Network panel gives the load of r
// that ORB refused (net::ERR_BLOCKED_BY_ORB for an <img>,
// net::ERR_ABORTED for the no-cors fetch() it emptied), "" otherwise and
// in other engines.
func (p Profile) ORBNetError(r *Result) string {
	if p.Messages != EngineChromium || p.Name == Spec.Name {
		return ""
	}
	switch {
	case r.Err != nil && r.Err.Reason == ReasonORBBlocked:
		return reason.ChromiumORBNetError
	case r.ORB != nil && r.ORB.Emptied:
		return reason.ChromiumORBEmptied
	}
	return ""
}
