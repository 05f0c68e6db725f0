package corscase

import (
	"fmt"
	"net/http"
)

// Answer is what an ORB case's target answers: a body of some kind
// under a Content-Type, with or without nosniff, whole or in part. The
// response carries no CORS header, so only a no-cors load (an <img>, a
// fetch() in no-cors mode) can use it, and Opaque Response Blocking
// decides whether that load sees it.
type Answer struct {
	ContentType string // "" sends no Content-Type at all
	Body        string // a key of orbBodies
	NoSniff     bool   // X-Content-Type-Options: nosniff
	Status      int    // 0 means 200
	// From, with Status 206, answers the body from this byte on, with a
	// Content-Range that says so.
	From int
}

// orbBodies are the bodies an ORB case can answer: what an API or a page
// sends, and what an <img> or a <script> expects.
var orbBodies = map[string][]byte{
	"json": []byte(`{"user":"alice","token":"s3cr3t"}`),
	"html": []byte("<!DOCTYPE html>\n<html><body><p>secret</p></body></html>\n"),
	"xml":  []byte(`<?xml version="1.0"?><data>secret</data>`),
	"text": []byte("secret text, not a script\n"),
	"js":   []byte("var corskit = 1;\n"),
	"css":  []byte("p { color: red }\n"),
	"gif":  gif1x1,
	"pdf":  []byte("%PDF-1.4\n%secret\n"),
}

// ORBBody is the body of an ORB case's answer, for the model's tests.
func ORBBody(key string) []byte { return orbBodies[key] }

// serveAnswer writes a.
func serveAnswer(w http.ResponseWriter, a *Answer) {
	body := orbBodies[a.Body]
	if a.ContentType == "" {
		w.Header()["Content-Type"] = nil // no sniffed one from net/http either
	} else {
		w.Header().Set("Content-Type", a.ContentType)
	}
	if a.NoSniff {
		w.Header().Set("X-Content-Type-Options", "nosniff")
	}
	status := a.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusPartialContent {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a.From, len(body)-1, len(body)))
		body = body[a.From:]
	}
	w.WriteHeader(status)
	w.Write(body)
}

// isImage reports whether an <img> can decode what c's target answers:
// one that cannot fires onerror whatever the network let through.
func (c GateCase) isImage() bool {
	return c.Answer == nil || c.Answer.Body == "gif" && c.Answer.Status != http.StatusPartialContent
}

// orbAnswer is one answer of the ORB cases, loaded by an <img> (every
// answer) and by a fetch() in no-cors mode (InFetch).
type orbAnswer struct {
	name, about string
	a           Answer
	img         string // the <img>'s outcome: blocked unless an image the network let through
	inFetch     bool
	engines     map[string]string // an <img>'s outcome in engines that differ
}

// noORB: WebKitGTK has no ORB, and an image loads whatever its type says.
var noORB = map[string]string{"webkit": allowed}

// ORBCases returns the Opaque Response Blocking cases: a page on {page}
// loading {api} (cross-origin) in no-cors mode, with an <img> and for some
// with a fetch(), whose answer is JSON, HTML, XML, text, a script, a style
// sheet, an image or a PDF, under its own or another Content-Type, with
// or without nosniff, whole or in part. No answer carries CORS headers.
// A no-cors fetch() resolves to an opaque response in every engine,
// whatever ORB decides (Chromium empties it): the engines differ in what
// their DevTools and console say, which the conformance runs compare.
func ORBCases() []GateCase {
	const json, html, xml, text = "application/json", "text/html", "application/xml", "text/plain"
	answers := []orbAnswer{
		{name: "json", about: "JSON", a: Answer{ContentType: json, Body: "json"}, img: blocked, inFetch: true},
		{name: "json-nosniff", about: "JSON with nosniff", a: Answer{ContentType: json, Body: "json", NoSniff: true}, img: blocked},
		{name: "html", about: "an HTML page", a: Answer{ContentType: html, Body: "html"}, img: blocked, inFetch: true},
		{name: "xml", about: "XML", a: Answer{ContentType: xml, Body: "xml"}, img: blocked},
		{name: "text-nosniff", about: "text/plain with nosniff", a: Answer{ContentType: text, Body: "text", NoSniff: true}, img: blocked, inFetch: true},
		{name: "text", about: "text/plain that is no script, without nosniff", a: Answer{ContentType: text, Body: "text"}, img: blocked},
		{name: "text-js", about: "text/plain that parses as a script, without nosniff", a: Answer{ContentType: text, Body: "js"}, img: blocked},
		{name: "no-type-json", about: "JSON without a Content-Type", a: Answer{Body: "json"}, img: blocked, inFetch: true},
		{name: "json-404", about: "a 404 answered with JSON", a: Answer{ContentType: json, Body: "json", Status: http.StatusNotFound}, img: blocked},
		{name: "pdf", about: "a PDF (a type never sniffed)", a: Answer{ContentType: "application/pdf", Body: "pdf"}, img: blocked, inFetch: true},
		{name: "js", about: "a script (JavaScript MIME type, opaque-safelisted)", a: Answer{ContentType: "text/javascript", Body: "js"}, img: blocked},
		{name: "css-nosniff", about: "a style sheet with nosniff (opaque-safelisted)", a: Answer{ContentType: "text/css", Body: "css", NoSniff: true}, img: blocked},
		{name: "gif", about: "an image", a: Answer{ContentType: "image/gif", Body: "gif"}, img: allowed, inFetch: true},
		{name: "gif-as-json", about: "an image served as JSON, without nosniff (sniffed as an image)", a: Answer{ContentType: json, Body: "gif"}, img: allowed},
		{name: "gif-as-json-nosniff", about: "an image served as JSON with nosniff", a: Answer{ContentType: json, Body: "gif", NoSniff: true}, img: blocked, inFetch: true, engines: noORB},
		{name: "gif-as-html", about: "an image served as text/html, without nosniff (sniffed as an image)", a: Answer{ContentType: html, Body: "gif"}, img: allowed},
		{name: "gif-as-text-nosniff", about: "an image served as text/plain with nosniff", a: Answer{ContentType: text, Body: "gif", NoSniff: true}, img: blocked,
			engines: map[string]string{"firefox": allowed, "webkit": allowed}}, // Firefox's nosniff step spares text/plain
		{name: "text-404", about: "a 404 answered with text that is no script", a: Answer{ContentType: text, Body: "text", Status: http.StatusNotFound}, img: blocked},
		{name: "gif-type-text-body", about: "text that is no script, served as image/gif", a: Answer{ContentType: "image/gif", Body: "text"}, img: blocked},
		{name: "csv", about: "text/csv", a: Answer{ContentType: "text/csv", Body: "text"}, img: blocked},
		{name: "json-206", about: "a 206 of JSON from its first byte", a: Answer{ContentType: json, Body: "json", Status: http.StatusPartialContent}, img: blocked, inFetch: true},
		{name: "gif-206-middle", about: "a 206 of an image from its middle (no signature to sniff)", a: Answer{ContentType: "image/gif", Body: "gif", Status: http.StatusPartialContent, From: 6}, img: blocked},
	}
	var out []GateCase
	for _, a := range answers {
		a := a
		out = append(out, GateCase{Name: "orb-img-" + a.name, About: "an <img> of " + a.about, As: AsImg, Answer: &a.a, NoACAO: true, Want: a.img, Engines: a.engines})
	}
	for _, a := range answers {
		if a.inFetch {
			a := a
			out = append(out, GateCase{Name: "orb-fetch-" + a.name, About: "a no-cors fetch() of " + a.about + ": opaque", As: AsNoCORS, Answer: &a.a, NoACAO: true, Want: allowed})
		}
	}
	return out
}
