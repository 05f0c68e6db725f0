package explain

import (
	"fmt"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/reason"
)

// orbDiagnosis fills d for a no-cors load that Opaque Response Blocking
// refused: the answer came, and it is not something a no-cors load may
// receive. When its bytes are an image under another Content-Type, the
// fix is that header on the resource's server; when it is data (JSON,
// HTML, text...), no header makes a no-cors load read it: the page must
// ask for it in CORS mode.
func orbDiagnosis(res *fetch.Result, d *Diagnosis) {
	e, n := res.Err, res.ORB
	if n == nil {
		return
	}
	issue, _, kind, _ := reason.ChromiumDevTools(e.Reason, false)
	g := &Gate{ID: e.Reason.String(), Layer: "page-code", DevToolsIssue: issue, DevToolsReason: kind,
		PageURL: pageURLOf(res), ORBRule: string(n.Rule), ContentType: n.Type, NetError: reason.ChromiumORBNetError}
	d.Gate = g
	why := orbWhy(res)
	if k := len(d.Steps); k > 0 {
		d.Steps[k-1] = "Not CORS: the answer came, and Opaque Response Blocking threw it away: " + why + "."
	}
	load := "a no-cors fetch()"
	if res.Request.Destination == fetch.DestinationImage {
		load = "an <img> without crossorigin"
	}
	if n.Sniffed != "" && n.Sniffed != "media" {
		g.Layer = "resource-server"
		d.Fixes = []Fix{{Response: "resource", Header: "Content-Type", Value: n.Sniffed,
			Text: fmt.Sprintf("not CORS: %s is a cross-origin load in no-cors mode, which may only receive images, media, scripts and style sheets; the answer's bytes are an image (%s), but %s. The server of the resource (%s) must send Content-Type: %s. No Access-Control-* header changes what a no-cors load may receive.", load, n.Sniffed, why, targetOrigin(e.URL), n.Sniffed)}}
		return
	}
	read := fmt.Sprintf("If the page means to read this data, request it in CORS mode: fetch(url) without mode: 'no-cors', and have %s answer Access-Control-Allow-Origin: %s", targetOrigin(e.URL), res.Request.Origin)
	if res.Request.Destination == fetch.DestinationImage {
		read = "An <img> shows images only: point it at an image. If the page means to read this data, fetch() it in CORS mode and have " + targetOrigin(e.URL) + " answer Access-Control-Allow-Origin: " + res.Request.Origin.String()
	}
	d.Fixes = []Fix{{Response: "client",
		Text: fmt.Sprintf("not CORS: %s is a cross-origin load in no-cors mode, which may only receive images, media, scripts and style sheets, and %s. %s (ORB does not look at CORS answers). If it is in fact an image, script or style sheet, serve it with that Content-Type.", load, why, read)}}
}

// orbWhy says what ORB saw in the answer, by the step that refused it.
func orbWhy(res *fetch.Result) string {
	n := res.ORB
	t := "it has no Content-Type"
	if n.Type != "" {
		t = "it says Content-Type: " + n.Type
	}
	switch n.Rule {
	case fetch.ORBPartialBlocklisted:
		return "it is a 206 partial answer and " + t[3:]
	case fetch.ORBNosniffBlocklisted:
		return t + " with X-Content-Type-Options: nosniff"
	case fetch.ORBNeverSniffed:
		return t + ", a type ORB never lets through"
	case fetch.ORBPartialNotFirst:
		return "it is a 206 partial answer that does not start at byte 0"
	case fetch.ORBNosniff:
		return t + " with nosniff, and its bytes are no image or media"
	case fetch.ORBStatus:
		return "its status is not 2xx, and its bytes are no image or media"
	case fetch.ORBMediaTypeMismatch:
		return t + ", but its bytes are no image, audio or video"
	}
	return t + ", and its body is no image, media or script (HTML, XML, JSON or text)"
}

// orbWarnings: a no-cors fetch() whose answer ORB refused resolves all the
// same in Chromium and Firefox, with an empty opaque response: say so, as
// the page sees nothing wrong but an empty body.
func orbWarnings(res *fetch.Result) []Warning {
	n := res.ORB
	if n == nil {
		return noORBWarnings(res)
	}
	if !n.Emptied {
		return nil
	}
	return []Warning{{ID: "orb-emptied", Text: fmt.Sprintf("not CORS: Opaque Response Blocking refused this no-cors answer (%s): fetch() resolves with an empty opaque response (Chromium's Network panel: %s). A no-cors fetch() never lets the page read a cross-origin answer anyway: to read it, use CORS mode (no mode: 'no-cors') and have %s answer Access-Control-Allow-Origin: %s.", orbWhy(res), reason.ChromiumORBEmptied, targetOrigin(res.Response.URL), res.Request.Origin)}}
}

// noORBWarnings: an <img> the network let through in an engine without
// ORB (WebKitGTK) whose answer is no image by its Content-Type: allowed
// says only that the bytes reached the page's process; the image still
// fails to decode unless they are an image.
func noORBWarnings(res *fetch.Result) []Warning {
	r := res.Response
	if res.Err != nil || r == nil || r.Type != fetch.ResponseOpaque || res.Request.Destination != fetch.DestinationImage || len(res.Trace) == 0 {
		return nil
	}
	ct := res.Trace[len(res.Trace)-1].ResponseHeader.Get("Content-Type")
	t, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(ct)), ";")
	if t == "" || strings.HasPrefix(t, "image/") {
		return nil
	}
	return []Warning{{ID: "orb-none", Text: fmt.Sprintf("WebKit runs no Opaque Response Blocking: the answer (Content-Type: %s) reaches the page's process, where Chromium and Firefox refuse it; the <img> still fires its error event unless its bytes are an image.", t)}}
}
