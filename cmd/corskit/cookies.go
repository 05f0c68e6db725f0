package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// storedCookies is check's --stored-cookie: a cookie as the browser
// stored it, in Set-Cookie syntax ('sid=1; SameSite=Lax; Secure'),
// repeatable. Not --cookie, which in `corskit audit` is a raw Cookie
// header sent as is: here the attributes matter, and the model decides
// whether each cookie goes with the call.
type storedCookies []fetch.Cookie

func (s *storedCookies) String() string {
	var parts []string
	for _, c := range *s {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, ", ")
}

// Set parses one cookie; its error names the part at fault, and the flag
// package puts the flag's name and value before it.
func (s *storedCookies) Set(v string) error {
	c, err := fetch.ParseCookie(v)
	if err != nil {
		return err
	}
	*s = append(*s, c)
	return nil
}

// printCookies prints, after the verdict, what each engine did with the
// stored cookies and the answer's Set-Cookie lines, and the fix.
func printCookies(w io.Writer, d *explain.CookieDiagnosis, s style) {
	if d == nil || len(d.Notes) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", s.bold("Cookies:"))
	for _, n := range d.Notes {
		what, ok := "sent", "not sent"
		if n.Set {
			what, ok = "stored (Set-Cookie)", "not stored (Set-Cookie)"
		}
		if n.OK {
			fmt.Fprintf(w, "  %-8s %-16s %s\n", n.Engine, n.Cookie, s.green(what))
			continue
		}
		dev := ""
		if n.DevTools != "" {
			dev = ", DevTools: " + n.DevTools
		}
		fmt.Fprintf(w, "  %-8s %-16s %s: %s [%s%s]\n", n.Engine, n.Cookie, s.red(ok), n.Why, n.Reason, dev)
	}
	if d.Text != "" {
		fmt.Fprintf(w, "\n%s\n", d.Text)
	}
	for _, f := range d.Fixes {
		fmt.Fprintf(w, "  fix: %s\n", f)
	}
}

// checkCookies is the cookies' diagnosis of one call (checkjson's, which
// the page's replays write too), nil when there is nothing to say.
func checkCookies(engines []fetch.Profile, results []*fetch.Result, page origin.Origin, held storedCookies, sd *explain.StackDetection) *explain.CookieDiagnosis {
	return checkjson.StoredCookies(engines, results, page, held, sd)
}
