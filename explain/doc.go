// Package explain turns a fetch result into a diagnosis: what the browser
// did and why, where it stopped, and the smallest server-side change that
// makes the call pass, as exact header lines on the exact response, with
// the cors.Config field to change where the server uses corskit's
// middleware. Allowed calls get warnings when something is fragile.
//
// It answers the question a developer asks in front of a red line in the
// console: "which header, on which response, with which value?"
//
// # The types
//
// [Explain] takes a [*fetch.Result] (what the fetch package's browser
// model did with one fetch() call: the exchanges, the verdict, the console
// message) and returns a [Diagnosis]:
//
//   - Verdict is "allowed" or "blocked"; Message is the console line the
//     browser prints, and Reason the fetch.Reason behind it.
//   - StoppedAt says where the browser stopped: at the "preflight", at the
//     "actual" response, at a "redirect", in the "browser" before anything
//     was sent (a forbidden method, a mode that cannot work), or on the
//     "network".
//   - PreflightWhy names everything that made the call non-simple (the
//     method, each header, a Content-Type value), and Steps tells the whole
//     call in sentences, in order.
//   - Fixes are the changes that make the call pass, each a [Fix]: the
//     Response to change ("preflight", "actual", or "client" when the
//     page's own code must change), the Header and the whole Value to send,
//     the change in a sentence (Text), the same change as cors.Config
//     fields, in words (Config) and as data ([ConfigChange]), and what the
//     change risks (Security), when it risks something.
//   - Warnings ([Warning]) flag what works today but is fragile: a
//     response that names an origin without Vary: Origin (missing-vary),
//     Access-Control-Allow-Origin: null (null-origin), a Max-Age beyond
//     what Chromium keeps (max-age-capped), Authorization passing only
//     because Chromium lets "*" cover it (wildcard-authorization).
//
// [NewReport] wraps a diagnosis with the facts it rests on (status, readable
// headers, the request, every exchange) in the JSON form that `corskit
// check --json` prints and docs/check-json.md documents.
//
// # A worked example
//
// A front end on http://localhost:3000 calls PUT /items/1 with
// "Content-Type: application/json" and "X-Api-Key: k". The server runs the
// cors middleware with AllowedHeaders: ["Content-Type"]. The browser model
// sends a preflight (PreflightWhy lists three reasons: the method PUT, the
// JSON Content-Type, the custom header); the middleware answers 204 with
// "Access-Control-Allow-Headers: content-type"; the browser stops there
// with "Request header field x-api-key is not allowed by
// Access-Control-Allow-Headers in preflight response". Explain returns
// StoppedAt "preflight", Reason "header-not-allowed", and two fixes:
//
//	on the preflight response: Access-Control-Allow-Headers: content-type, x-api-key
//	  in cors.Config: AllowedHeaders: add "x-api-key"
//	on the actual response: Access-Control-Allow-Origin: http://localhost:3000
//
// The first keeps what the server already allows and adds what is
// missing, so it can be pasted as it is. The second is there because the
// browser never sent the actual request: once the preflight passes, that
// response needs its own Access-Control-Allow-Origin, and a fix that left
// it out would only move the error one step further. The package example
// runs this call against an httptest server, applies the ConfigChange with
// Reconfigure, and shows the call pass.
//
// # How a diagnosis is decided
//
// Explain never decides the verdict itself. Whether the call is blocked,
// at which step, and the console message all come from the fetch package,
// whose checks follow the Fetch Standard in the order Chromium applies
// them and are pinned to the real browsers by the conformance suite
// (CONFORMANCE.md). Explain reads that outcome and the exchanges in the
// trace, and works out what the failing response lacks:
//
//   - the fixes are complete, not only the first complaint: a preflight
//     that lacks both a method and a header gets both, and a credentialed
//     call gets Access-Control-Allow-Credentials as well as the origin;
//   - values extend what the server sent (the header list it had, plus
//     the missing names), using the same list parser as the middleware;
//   - with credentials, "*" cannot allow the call, so the fix names the
//     origin and says, in Security, never to reflect every origin to get
//     there; an origin on plain http or "null" needs an Unsafe option,
//     and the fix says so and offers the safe alternative;
//   - where no header can help (a network error, a forbidden method, a
//     redirect of the preflight), the fix says what to change instead.
//
// ConfigChange is exact enough to apply mechanically: a property test in
// corstest applies the changes of thousands of random blocked calls to
// their servers' random configurations and checks that cors.New accepts
// the result and that the call then passes.
//
// # Where it shows up
//
// `corskit check URL --origin ORIGIN` prints the diagnosis of a live call
// (--json for a [Report]); `corskit check --har FILE` diagnoses every
// cross-origin call in a HAR file exported from DevTools; the playground
// (`corskit serve`) shows it beside the sequence diagram; and a failing
// corstest assertion prints the fixes in the same layout as check.
package explain
