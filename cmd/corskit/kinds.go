package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
	"github.com/corskit/corskit/fetch"
)

// check's --as: what API of the page loads the URL (fetch.Kind), with
// --crossorigin for the elements (img, script, module, stylesheet) and
// --with-credentials for XMLHttpRequest and EventSource.

// asFlags say what loads the URL.
type asFlags struct {
	as, crossOrigin choice
	withCredentials bool
}

func (a *asFlags) register(fs *flag.FlagSet) {
	kinds := make([]string, 0, len(fetch.Kinds()))
	for _, k := range fetch.Kinds() {
		kinds = append(kinds, string(k))
	}
	a.as = choice{"fetch", kinds}
	a.crossOrigin = choice{"", []string{"anonymous", "use-credentials"}}
	fs.Var(&a.as, "as", "what loads the URL: fetch (the default), xhr, img, script, module, font, stylesheet, eventsource or websocket; img, script and stylesheet are no-cors without --crossorigin, module and font always CORS, websocket has no CORS at all")
	fs.Var(&a.crossOrigin, "crossorigin", "the element's crossorigin attribute, with --as img, script, module or stylesheet: anonymous or use-credentials (CORS mode)")
	fs.BoolVar(&a.withCredentials, "with-credentials", false, "withCredentials = true, with --as xhr or eventsource: cookies go, and the answer needs Access-Control-Allow-Credentials: true")
}

// kind is the kind --as names.
func (a *asFlags) kind() fetch.Kind { return fetch.Kind(a.as.value) }

// load is the flags as checkjson.Load, the one mapping of a kind to a
// request that check and the page share.
func (a *asFlags) load() checkjson.Load {
	return checkjson.Load{As: a.as.value, CrossOrigin: a.crossOrigin.value, WithCredentials: a.withCredentials}
}

// schemeOK: a WebSocket URL is ws:// or wss://; the rest http(s).
func (a *asFlags) schemeOK(scheme string) bool { return a.load().SchemeOK(scheme) }

// flagSpelling names the load's options as check's flags.
var flagSpelling = checkjson.Spelling{
	checkjson.OptAs: "--as", checkjson.OptCrossOrigin: "--crossorigin", checkjson.OptWithCredentials: "--with-credentials",
	checkjson.OptMethod: "--X", checkjson.OptHeaders: "--H", checkjson.OptBody: "--data",
	checkjson.OptMode: "--mode", checkjson.OptCredentials: "--credentials",
}

// apply makes req the load --as names; given holds the flags given, which
// must not contradict it (checkjson.Load.Apply); a DevTools copy is a
// fetch().
func (a *asFlags) apply(req *fetch.Request, given map[string]bool) error {
	k := a.kind()
	for _, f := range []string{"curl", "fetch"} {
		if given[f] && k != fetch.KindFetch {
			return usageError{"--" + f + ": not with --as " + string(k) + " (the copy is a fetch())"}
		}
	}
	flag := map[string]string{checkjson.OptMethod: "X", checkjson.OptHeaders: "H", checkjson.OptBody: "data",
		checkjson.OptMode: "mode", checkjson.OptCredentials: "credentials"}
	err := a.load().Apply(req, func(opt string) bool { return given[flag[opt]] }, flagSpelling)
	if le, ok := err.(*checkjson.LoadError); ok {
		return usageError{flagSpelling[le.Option] + ": " + le.Msg}
	}
	return err
}

// scriptSees is what the page's script sees of a failed load of kind k,
// for the engines that print no console line about it: an element's or
// an XMLHttpRequest's error event, a font's rejected promise, a
// WebSocket's error and close events; "" for fetch().
func scriptSees(k fetch.Kind) string {
	switch k {
	case fetch.KindFetch:
		return ""
	case fetch.KindFont:
		return "the FontFace's load() rejects with NetworkError"
	case fetch.KindXHR:
		return "the XMLHttpRequest fires its error event (status 0)"
	case fetch.KindEventSource:
		return "the EventSource fires its error event and closes"
	case fetch.KindWebSocket:
		return "the WebSocket fires its error event, then close with code 1006"
	}
	return "the <" + checkjson.ElementName(k) + "> fires its error event"
}

// loadWords says how the call is made: its credentials and mode, and
// its kind when it is not a fetch().
func loadWords(req fetch.Request) string {
	mode := fmt.Sprintf("credentials %s, mode %s", req.Credentials, req.Mode)
	switch req.Kind {
	case fetch.KindFetch, "":
		return mode
	case fetch.KindWebSocket:
		return "as websocket: a handshake, no CORS, with the URL's cookies"
	}
	return "as " + string(req.Kind) + ", " + mode
}

// printWebSocket says, for a WebSocket, what the handshake answered and
// whose job Origin is: there is no CORS to check.
func printWebSocket(w io.Writer, res *fetch.Result) {
	if res.Request.Kind != fetch.KindWebSocket {
		return
	}
	answered := "no answer"
	for _, ex := range res.Trace {
		if ex.Status != 0 {
			answered = fmt.Sprintf("%d", ex.Status)
		}
	}
	switch {
	case res.Err == nil:
		fmt.Fprintf(w, "\nWebSocket: the handshake was answered 101 Switching Protocols: the connection opens. A WebSocket has no CORS; the server accepted Origin %s, and checking it is the server's job (corskit audit --websocket probes whether it accepts any site's).\n", res.Request.Origin)
	case res.Err.Reason == fetch.ReasonWebSocketHandshake:
		fmt.Fprintf(w, "\nWebSocket: the handshake was answered %s, not 101 Switching Protocols%s: the connection fails. A WebSocket has no CORS; checking Origin is the server's job, and no Access-Control-* header plays any part.\n", answered, strings.TrimPrefix(" ("+res.Err.Header+")", " ()"))
	}
}
