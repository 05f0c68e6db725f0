package main

import (
	"fmt"
	"io"

	"github.com/corskit/corskit/explain"
)

// printPermission finishes the DevTools line of a Local Network Access
// gate and says what the verdict means: the call waits on the user's
// answer (measured: Firefox's fetch stays pending; headless Chromium
// denies at once, and its Network panel shows the request failed as a
// CORS error).
func printPermission(w io.Writer, g *explain.Gate) {
	fmt.Fprintf(w, "; Network panel status CORS error (net::ERR_FAILED)\n")
	fmt.Fprintf(w, "  Verdict: blocked pending permission: the page is public and the API is %s, so the browser asks the user's %q permission before sending anything (Chromium shows a prompt, headless Chromium denies it at once; Firefox's call waits for the answer)", g.TargetSpace, g.Permission)
}
