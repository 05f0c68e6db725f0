package explain

import (
	"fmt"
	"strings"

	"github.com/corskit/corskit/fetch"
)

// upgradeDiagnosis says what an https page did with an http <img>:
// upgradable mixed content is not blocked but loaded over https (what
// follows is that load's verdict), or, on a loopback host, loaded over
// http as it is. An upgraded load that got no answer is the https
// server's fault, not CORS: the fix says so.
func upgradeDiagnosis(res *fetch.Result, d *Diagnosis) {
	m := res.MixedUpgrade
	if m == nil {
		return
	}
	if !m.Upgraded {
		why := "its host is a loopback address, which is not upgraded"
		if m.Kept == fetch.KeptIPPage {
			why = "this engine upgrades nothing on a page whose host is an IP address"
		}
		d.Warnings = append(d.Warnings, Warning{ID: "mixed-content-not-upgraded", Text: fmt.Sprintf("the page is https and loads the image %s over plain http: %s. Browsers may stop loading insecure images on https pages: serve it over https.", m.URL, why)})
		return
	}
	secure := upgradedURL(res)
	d.Warnings = append(d.Warnings, Warning{ID: "mixed-content-upgraded", Text: fmt.Sprintf("not CORS: the page is https and names the image over plain http (%s): upgradable mixed content, so the browser did not block it but loaded %s instead; the verdict is that https load's. Write the URL with https: yourself.", m.URL, secure)})
	if res.Err != nil && res.Err.Reason == fetch.ReasonNetwork {
		d.Fixes = []Fix{{Response: "resource", Text: fmt.Sprintf("not CORS: the page is https, so the browser loaded this http image over https (%s), and that failed (%v): the server at %s does not answer https there. Serve the image over https at that address, or from another https URL; an https page does not load it over plain http.", secure, res.Err.Err, targetOrigin(secure))}}
	}
}

// upgradedURL is the https URL an upgraded load went to.
func upgradedURL(res *fetch.Result) string {
	if res.Err != nil {
		return res.Err.InitialURLOrURL()
	}
	if len(res.Trace) > 0 {
		return res.Trace[0].URL
	}
	return strings.Replace(res.MixedUpgrade.URL, "http://", "https://", 1)
}
