package explain_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// TestExplainCookies: a call that passed CORS with a cookie left out is
// "not CORS:", with Chromium's DevTools reason and the fix in the stack's
// syntax; a blocked call says nothing of the kind (CORS is its problem).
func TestExplainCookies(t *testing.T) {
	page := origin.MustParse("https://app.example")
	held, err := fetch.ParseCookie("sessionid=1; Secure; HttpOnly")
	if err != nil {
		t.Fatal(err)
	}
	res := &fetch.Result{
		Request:  fetch.Request{Origin: page, URL: "https://api.other.example/me", Credentials: fetch.CredentialsInclude},
		Response: &fetch.Response{Status: 200},
		Trace:    []fetch.Exchange{{URL: "https://api.other.example/me", Status: 200, ResponseHeader: http.Header{"Set-Cookie": {"csrftoken=x; SameSite=Lax; Secure"}}}},
	}
	django, _ := stacks.Lookup("django")
	d := explain.ExplainCookies([]fetch.Profile{fetch.Chromium}, []*fetch.Result{res}, page, []fetch.Cookie{held}, django)
	if len(d.Notes) != 2 || d.Notes[0].DevTools != "ExcludeSameSiteUnspecifiedTreatedAsLax" || d.Notes[1].DevTools != "SameSiteLax" || !d.Notes[1].Set {
		t.Fatalf("notes: %+v", d.Notes)
	}
	if !strings.HasPrefix(d.Text, "not CORS: the call passed CORS, but chromium did not send sessionid, chromium did not store csrftoken") {
		t.Errorf("text: %s", d.Text)
	}
	// SameSite=None; Secure alone would meet Chromium's third-party
	// cookie blocking next: the fix adds Partitioned, which Django's
	// settings cannot write.
	want := []string{
		`where the API sets the cookie: response.set_cookie("csrftoken", value, samesite="None", secure=True)  # Django writes no Partitioned: append "; Partitioned" to the Set-Cookie header`,
		`where the API sets the cookie: response.set_cookie("sessionid", value, samesite="None", secure=True)  # Django writes no Partitioned: append "; Partitioned" to the Set-Cookie header`,
	}
	if len(d.Fixes) != 3 || d.Fixes[0] != want[0] || d.Fixes[1] != want[1] || !strings.HasPrefix(d.Fixes[2], "a Partitioned cookie lives in the page's partition") {
		t.Errorf("fixes: %q", d.Fixes)
	}
	// Firefox alone: a cookie set in the third-party answer lands in the
	// page's partition by itself, one stored on a visit to the API's
	// site needs Partitioned (and to be set from the page's call).
	d = explain.ExplainCookies([]fetch.Profile{fetch.Firefox}, []*fetch.Result{res}, page, []fetch.Cookie{held}, nil)
	if len(d.Fixes) < 2 || d.Fixes[0] != "where the API sets the cookie: Set-Cookie: csrftoken=...; SameSite=None; Secure" ||
		d.Fixes[1] != "where the API sets the cookie: Set-Cookie: sessionid=...; SameSite=None; Secure; Partitioned" {
		t.Errorf("firefox fixes: %q", d.Fixes)
	}
	if d.Notes[0].Reason != "cookie-third-party-partitioned" || d.Notes[0].DevTools != "" {
		t.Errorf("firefox note: %+v (DevTools names are Chromium's)", d.Notes[0])
	}

	res.Response, res.Err = nil, &fetch.Error{Reason: fetch.ReasonMissingAllowOrigin}
	if d := explain.ExplainCookies([]fetch.Profile{fetch.Chromium}, []*fetch.Result{res}, page, []fetch.Cookie{held}, nil); d.Text != "" || len(d.Notes) != 2 {
		t.Errorf("blocked call: %+v", d)
	}
}

// TestExplainCookiesHTTPAPI: on an http API the Secure gate comes first,
// so the fix is tried over https, where third-party blocking is next:
// Partitioned is part of the fix all the same.
func TestExplainCookiesHTTPAPI(t *testing.T) {
	page := origin.MustParse("https://app.example")
	held, err := fetch.ParseCookie("theme=1; SameSite=Lax; Secure")
	if err != nil {
		t.Fatal(err)
	}
	res := &fetch.Result{
		Request:  fetch.Request{Origin: page, URL: "http://api.other.example/me", Credentials: fetch.CredentialsInclude},
		Response: &fetch.Response{Status: 200},
		Trace:    []fetch.Exchange{{URL: "http://api.other.example/me", Status: 200}},
	}
	d := explain.ExplainCookies([]fetch.Profile{fetch.Chromium}, []*fetch.Result{res}, page, []fetch.Cookie{held}, nil)
	if len(d.Notes) != 1 || d.Notes[0].Reason != "cookie-secure-only" {
		t.Fatalf("notes: %+v", d.Notes)
	}
	// Over https, SameSite=Lax would stop it next, then third-party
	// blocking: the fix names all three.
	if len(d.Fixes) != 3 || d.Fixes[0] != "where the API sets the cookie: Set-Cookie: theme=...; SameSite=None; Secure; Partitioned" ||
		!strings.HasPrefix(d.Fixes[2], "serve the API over https") {
		t.Errorf("fixes: %q", d.Fixes)
	}
}
