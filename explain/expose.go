package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/fetchspec"
)

// Unexposed is the fix for a script that needs to read response headers
// the call's answer does not let it read: names lists the headers the
// script reads (response.headers.get(name)). A CORS response lets script
// read the CORS-safelisted response headers and those listed in
// Access-Control-Expose-Headers ("*" counts only without credentials);
// every other header reads as null even when the server sent it, with no
// console error. The fix lists the missing names in
// Access-Control-Expose-Headers on the actual response. It reports false
// when the call was blocked (fix that first), was not a CORS response
// (same-origin, opaque), or when every name is readable already.
//
// The check is on the exposure, not on the header's presence: a header
// the application does not send yet is unreadable for two reasons, and
// only the CORS one is the server's CORS configuration's to fix.
func Unexposed(res *fetch.Result, names []string) (Fix, bool) {
	if !res.Allowed() || res.Response.Type != fetch.ResponseCORS {
		return Fix{}, false
	}
	act := lastExchange(res, fetch.ExchangeRequest)
	if act == nil || act.Err != nil {
		return Fix{}, false
	}
	include := res.Request.Credentials == fetch.CredentialsInclude
	exposed := list(act.ResponseHeader, "Access-Control-Expose-Headers")
	var missing []string
	for _, n := range names {
		l := strings.ToLower(strings.TrimSpace(n))
		if l == "" || fetchspec.IsSafelistedResponseHeader(l) ||
			slices.ContainsFunc(exposed, func(e string) bool { return strings.EqualFold(e, l) || e == "*" && !include }) ||
			slices.ContainsFunc(missing, func(m string) bool { return strings.EqualFold(m, n) }) {
			continue
		}
		missing = append(missing, strings.TrimSpace(n))
	}
	if len(missing) == 0 {
		return Fix{}, false
	}
	text := fmt.Sprintf("Script reads %s as null: list it in Access-Control-Expose-Headers on the actual response.", strings.Join(missing, ", "))
	if include {
		text += ` (With credentials "*" exposes nothing: list the names.)`
	}
	return withChange(Fix{Response: "actual", Header: "Access-Control-Expose-Headers",
		Value: extend(act.ResponseHeader, "Access-Control-Expose-Headers", false, include, missing...), Text: text},
		ConfigChange{AddExposed: missing}), true
}
