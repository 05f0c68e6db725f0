package main

import (
	"fmt"
	"io"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/reason"
)

// printORBConsole prints, for a load Opaque Response Blocking refused,
// what the engine shows besides its console (Chromium prints no console
// line: its Network panel and Issues panel name it) and what the script
// sees: an <img>'s error event, or, in the standard's profile, fetch()'s
// TypeError (the engines resolve a no-cors fetch() with an empty answer
// instead: a warning, not a failure).
func printORBConsole(w io.Writer, indent string, p fetch.Profile, res *fetch.Result) {
	if p.Messages == fetch.EngineChromium {
		issue, _, kind, _ := reason.ChromiumDevTools(res.Err.Reason, false)
		fmt.Fprintf(w, "%sconsole: (no line) Network panel: %s; Issues panel: %s %s\n", indent, p.ORBNetError(res), issue, kind)
	}
	if res.Request.Destination == fetch.DestinationImage {
		fmt.Fprintf(w, "%sthe <img> fires its error event\n", indent)
		return
	}
	fmt.Fprintf(w, "%sfetch() rejects with TypeError: %s\n", indent, p.TypeErrorMessage(res))
}
