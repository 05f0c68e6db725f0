package checkjson

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// An exchange names the API that made the call ("as", and "crossorigin"):
// the page and the panel diagnose a <script crossorigin> or a WebSocket
// as check --as does. Before, "as" was an unknown field.
func TestExchangeKinds(t *testing.T) {
	got := diagnose(t, `{"request": {"url": "https://cdn.example.com/app.js", "origin": "https://app.example.com", "as": "script", "crossorigin": "anonymous"},
	  "actual": {"status": 200, "headers": {"Content-Type": "text/javascript"}}}`, Options{Browser: "chromium"})
	req, _ := got["request"].(map[string]any)
	if got["reason"] != "missing-allow-origin" || req["kind"] != "script" || req["mode"] != "cors" ||
		!strings.HasPrefix(got["message"].(string), "Access to script at 'https://cdn.example.com/app.js'") {
		t.Errorf("script: reason %v, request %v, message %v", got["reason"], req, got["message"])
	}
	got = diagnose(t, `{"request": {"url": "wss://api.example.com/live", "origin": "https://app.example.com", "as": "websocket"},
	  "actual": {"status": 101}}`, Options{Browser: "chromium"})
	if got["verdict"] != "allowed" {
		t.Errorf("websocket answered 101: %v %v", got["verdict"], got["message"])
	}
	got = diagnose(t, `{"request": {"url": "wss://api.example.com/live", "origin": "https://app.example.com", "as": "websocket"},
	  "actual": {"status": 403}}`, Options{Browser: "chromium"})
	if got["reason"] != "websocket-handshake" {
		t.Errorf("websocket answered 403: %v", got["reason"])
	}
	for _, c := range []struct{ in, field string }{
		{`{"request": {"url": "https://x.example", "origin": "https://a.example", "as": "video"}, "actual": {"status": 200}}`, "request.as"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example", "as": "font", "crossorigin": "anonymous"}, "actual": {"status": 200}}`, "request.crossorigin"},
		{`{"request": {"url": "ws://x.example", "origin": "https://a.example"}, "actual": {"status": 200}}`, "request.url"},
		// As check's flags: withCredentials is xhr's and eventsource's, an
		// <img> chooses its own method, an XMLHttpRequest its mode.
		{`{"request": {"url": "https://x.example", "origin": "https://a.example", "as": "script", "with_credentials": true}, "actual": {"status": 200}}`, "request.with_credentials"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example", "as": "xhr", "crossorigin": "use-credentials"}, "actual": {"status": 200}}`, "request.crossorigin"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example", "as": "img", "method": "PUT"}, "actual": {"status": 200}}`, "request.method"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example", "as": "xhr", "mode": "no-cors"}, "actual": {"status": 200}}`, "request.mode"},
	} {
		_, err := Diagnose(context.Background(), []byte(c.in), Options{})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%q: err %v, want an InputError on %s", c.in, err, c.field)
		}
	}
}

// The page's address space is check's --page-address-space: a public
// page calling loopback waits on the user's permission; a bad name is
// refused naming the field.
func TestPageAddressSpace(t *testing.T) {
	in := `{"request": {"url": "http://127.0.0.1:8080/api", "origin": "https://app.example.com"}}`
	got := diagnose(t, in, Options{Browser: "chromium", Page: &Page{AddressSpace: "public"}})
	g, _ := got["diagnosis"].(map[string]any)["gate"].(map[string]any)
	if got["reason"] != "local-network-access" || g["permission"] != "loopback-network" || g["pending_permission"] != true {
		t.Errorf("public page to loopback: reason %v, gate %v", got["reason"], g)
	}
	_, err := Diagnose(context.Background(), []byte(in), Options{Page: &Page{AddressSpace: "intranet"}})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "options.page.address_space" {
		t.Errorf("address_space intranet: %v", err)
	}
}
