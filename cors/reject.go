package cors

import (
	"net/http"
	"strconv"

	"github.com/corskit/corskit/reason"
)

// Rejection describes one request the policy refused, for the
// [Config.OnReject] hook. It is a plain value: keep it, send it on a
// channel, count it. Every string in it is bounded, whatever the client
// sent.
type Rejection struct {
	// Reason is the cause, from the vocabulary the browser model and
	// `corskit check` use, so that a log, a metric and the user's console
	// name it alike:
	//
	//   - [reason.MissingAllowOrigin]: the origin is not allowed, so the
	//     response carries no Access-Control-Allow-Origin (Value: the origin);
	//   - [reason.MethodNotAllowed]: a preflight asked for a method the policy
	//     does not allow (Value: the method);
	//   - [reason.HeaderNotAllowed]: a preflight asked for a header the policy
	//     does not allow (Value: the first such name, lowercase as sent);
	//   - [reason.InvalidRequestMethod], [reason.InvalidRequestHeaders]: a
	//     preflight whose Access-Control-Request-Method or -Headers no browser
	//     would send (malformed, or over the parser's bounds).
	Reason reason.ID

	// Preflight is set for a rejected preflight (OPTIONS with
	// Access-Control-Request-Method), clear for an actual request.
	Preflight bool

	// Value is the offending value, at most 128 bytes (longer ones are cut
	// and end with "...").
	Value string

	// Origin is the request's Origin, bounded like Value.
	Origin string

	// URL is the request's URL as this server saw it: http or https (from
	// the TLS state), the Host header, the path and query, at most 2048
	// bytes. Behind a proxy that terminates TLS or rewrites paths, set it
	// to the public URL before calling Console.
	URL string

	// Status is the status of the response the middleware wrote: the
	// preflight's 403, or its success status when the origin was allowed
	// but a method or header was not. It is 0 when the handler owns the
	// status: for an actual request (the hook runs before the handler)
	// and with PreflightPassthrough. Set it, when you know it, before
	// calling Console: Firefox and WebKit print it.
	Status int

	// Generation is the generation of the policy that refused: 1 for the
	// Config given to New, one more for each successful Reconfigure.
	Generation uint64
}

// Console returns the lines the engine writes in the user's developer
// console for this rejection, byte for byte as the browser model
// (package fetch) says them and conformance/ measured them: one line for
// Chromium, two for Firefox after a failed preflight and for WebKit.
//
// Two things a server cannot see make the rendering inexact: WebKit names
// a refused header as the script spelled it, while browsers send the names
// lowercase, so the line says "x-b" where WebKit says "X-B"; and Firefox and
// WebKit print the status of an actual response, which the handler chooses
// after the hook ran (see Status).
func (rj Rejection) Console(e reason.Engine) []string {
	id, value := rj.Reason, rj.Value
	switch id {
	case reason.MissingAllowOrigin, reason.InvalidRequestMethod, reason.InvalidRequestHeaders:
		// All three answers carry no CORS header: the browser sees a
		// missing Allow-Origin.
		id, value = reason.MissingAllowOrigin, ""
	case reason.MethodNotAllowed, reason.HeaderNotAllowed:
	default:
		return nil // not a reason the middleware gives
	}
	switch e {
	case reason.Firefox:
		var line string
		if id == reason.MissingAllowOrigin {
			line = reason.FirefoxLineStatus(rj.URL, reason.FirefoxPhrase(id, ""), firefoxStatus(rj.Status))
		} else {
			line = reason.FirefoxLine(rj.URL, reason.FirefoxPhrase(id, value))
		}
		if !rj.Preflight {
			return []string{line}
		}
		// A failed preflight fails the request, and Firefox says so too.
		return []string{line, reason.FirefoxLineStatus(rj.URL, reason.FirefoxRequestFailed, "(null)")}
	case reason.WebKit:
		if id == reason.MissingAllowOrigin && rj.Preflight && !okStatus(rj.Status) {
			// WebKit checks a preflight's status before its Allow-Origin
			// (fetch.Profile.AllowOriginCheckedBeforeStatus is false).
			id = reason.PreflightInvalidStatus
		}
		return []string{reason.WebKitLine(id, rj.Origin, value, rj.Status), reason.WebKitCannotLoad(rj.URL)}
	}
	return []string{reason.ChromiumLine(rj.URL, "", rj.Origin, reason.ChromiumDetail(id, value, rj.Preflight))}
}

// firefoxStatus is how Firefox prints a status: "(null)" for none.
func firefoxStatus(s int) string {
	if s == 0 {
		return "(null)"
	}
	return strconv.Itoa(s)
}

func okStatus(s int) bool { return s >= 200 && s <= 299 }

// maxURLLen bounds Rejection.URL.
const maxURLLen = 2048

// newRejection builds the Rejection of r. Called only when someone listens
// (a hook or a logger), so its allocations cost nothing otherwise.
func (p *policy) newRejection(r *http.Request, id reason.ID, preflight bool, origin, value string, status int) Rejection {
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	u := scheme + r.Host + r.URL.RequestURI()
	if len(u) > maxURLLen {
		u = u[:maxURLLen] + "..."
	}
	return Rejection{Reason: id, Preflight: preflight, Value: truncate(value), Origin: truncate(origin),
		URL: u, Status: status, Generation: p.generation}
}

// reject tells the hook and the log about a rejection. Callers check
// p.reports first, so that a policy nobody listens to pays one branch.
func (p *policy) reject(r *http.Request, id reason.ID, preflight bool, origin, value string, status int) {
	rj := p.newRejection(r, id, preflight, origin, value, status)
	if p.onReject != nil {
		p.onReject(r, rj)
	}
	if p.logger.l != nil {
		p.logger.reject(r, rj)
	}
}
