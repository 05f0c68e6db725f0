package reason

// The words of Opaque Response Blocking (ORBBlocked) in each engine,
// measured by conformance/ (TestORB*, recorded in
// internal/corscase/testdata/orb-*.json) in Chromium 156, Firefox ESR 153
// and WebKitGTK 2.50 (which has no ORB: it lets every answer through).

// ChromiumORBNetError is the error Chromium's Network panel gives an
// <img> (or other element) that ORB refused. Chromium's console prints
// nothing for it (measured: no Log.entryAdded, no console line).
const ChromiumORBNetError = "net::ERR_BLOCKED_BY_ORB"

// ChromiumORBEmptied is the error Chromium's Network panel gives a no-cors
// fetch() that ORB refused: Chromium does not reject the fetch but hands
// it an empty opaque response, and cancels the load.
const ChromiumORBEmptied = "net::ERR_ABORTED"

// FirefoxORBLine is Firefox's console line for a load ORB refused, with
// the step of the algorithm that refused it (see FirefoxORBReason). Firefox
// prints it for an <img>, not for a no-cors fetch() (measured).
func FirefoxORBLine(url, why string) string {
	return "The resource at “" + url + "” was blocked by OpaqueResponseBlocking. Reason: “" + why + "”."
}
