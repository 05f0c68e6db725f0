package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

// check's flags for loads that are not fetch(): --as img (an <img>, a
// no-cors GET with an image Accept, or CORS with --crossorigin), and the
// page's --page-coep, which with Cross-Origin-Resource-Policy decides
// such a load.

func (p *pageFlags) registerCOEP(fs *flag.FlagSet) {
	p.coep = choice{"", []string{fetch.COEPRequireCORP, fetch.COEPCredentialless}}
	fs.Var(&p.coep, "page-coep", "the page's Cross-Origin-Embedder-Policy: require-corp or credentialless; a cross-origin no-cors load (--as img, --mode no-cors) then needs Cross-Origin-Resource-Policy on the resource")
}

// snippetsLead says whose server sends the header the snippets write.
func snippetsLead(g *explain.Gate) string {
	if g.Layer == "resource-server" {
		return "The resource's server sends Cross-Origin-Resource-Policy: " + g.CORP
	}
	return "The page's server sends the policy"
}

// printCORPConsole prints, for a load CORP refused, Chromium's line (it
// names no URL, so ConsoleLines leaves it out, as its other "Failed to
// load resource" lines) and what the script sees: an <img>'s error
// event, or fetch()'s TypeError.
func printCORPConsole(w io.Writer, indent string, p fetch.Profile, res *fetch.Result, noLines bool) {
	if p.Messages == fetch.EngineChromium {
		fmt.Fprintf(w, "%sconsole: %s\n", indent, res.Err.ConsoleMessage())
	}
	if sees := scriptSees(res.Request.Kind); sees != "" { // kinds.go: an <img>, a <script>...
		fmt.Fprintf(w, "%s%s\n", indent, sees)
		return
	}
	if noLines {
		fmt.Fprintf(w, "%sfetch() rejects with TypeError: %s\n", indent, p.TypeErrorMessage(res))
	}
}
