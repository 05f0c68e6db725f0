package har

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
)

// TestReplayKinds: each entry is replayed as the kind of load it records,
// from Chromium's "_resourceType" or, in a HAR without it, from
// Sec-Fetch-Dest and Sec-Fetch-Mode; the diagnosis then words it as the
// engine did. Before, only fetch and xhr entries were replayed, each as a
// fetch(): an <img> the page's img-src refused was not diagnosed, and a
// <script crossorigin> was "Access to fetch at".
func TestReplayKinds(t *testing.T) {
	const page = "https://app.example.com/index.html"
	doc := entry("document", "GET", page, nil, 200,
		[]string{"Content-Type", "text/html", "Content-Security-Policy", "img-src 'self'"}, "")
	t.Run("image refused by img-src", func(t *testing.T) {
		out := replayHAR(t, fetch.Chromium, doc,
			entry("image", "GET", "https://cdn.example.net/a.png", []string{"Referer", "https://app.example.com/", "Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "image"}, 0, nil, "net::ERR_BLOCKED_BY_CSP"))
		if len(out) != 1 {
			t.Fatalf("%d replayed, want 1", len(out))
		}
		r := out[0].Result
		if r.Request.Kind != fetch.KindImage || r.Request.Mode != fetch.ModeNoCORS || r.Err == nil || r.Err.Reason != fetch.ReasonCSPImgSrc {
			t.Fatalf("kind %s mode %s err %+v", r.Request.Kind, r.Request.Mode, r.Err)
		}
		want := "Loading the image 'https://cdn.example.net/a.png' violates the following Content Security Policy directive: \"img-src 'self'\". The action has been blocked."
		if got := fetch.Chromium.ConsoleLines(r); len(got) != 1 || got[0] != want {
			t.Errorf("console %q, want %q", got, want)
		}
	})
	t.Run("script crossorigin without resource types", func(t *testing.T) {
		out := replayHAR(t, fetch.Chromium,
			entry("", "GET", "https://cdn.example.net/app.js", []string{"Origin", "https://app.example.com", "Sec-Fetch-Mode", "cors", "Sec-Fetch-Dest", "script"}, 200, []string{"Content-Type", "text/javascript"}, ""))
		if len(out) != 1 {
			t.Fatalf("%d replayed, want 1", len(out))
		}
		r := out[0].Result
		if r.Request.Kind != fetch.KindScript || r.Request.Mode != fetch.ModeCORS || r.Request.Credentials != fetch.CredentialsSameOrigin || r.Err == nil || r.Err.Reason != fetch.ReasonMissingAllowOrigin {
			t.Fatalf("kind %s mode %s credentials %s err %+v", r.Request.Kind, r.Request.Mode, r.Request.Credentials, r.Err)
		}
		if got := fetch.Chromium.ConsoleLines(r); len(got) != 1 || !strings.HasPrefix(got[0], "Access to script at 'https://cdn.example.net/app.js'") {
			t.Errorf("console %q", got)
		}
	})
	t.Run("eventsource with credentials", func(t *testing.T) {
		out := replayHAR(t, fetch.Firefox,
			entry("", "GET", "https://api.example.com/events", []string{"Origin", "https://app.example.com", "Accept", "text/event-stream", "Cookie", "sid=1", "Sec-Fetch-Mode", "cors", "Sec-Fetch-Dest", "empty"},
				200, []string{"Access-Control-Allow-Origin", "https://app.example.com", "Content-Type", "text/event-stream"}, ""))
		r := out[0].Result
		if r.Request.Kind != fetch.KindEventSource || r.Request.Credentials != fetch.CredentialsInclude || r.Err == nil || r.Err.Reason != fetch.ReasonInvalidAllowCredentials {
			t.Fatalf("kind %s credentials %s err %+v", r.Request.Kind, r.Request.Credentials, r.Err)
		}
		if got := fetch.Firefox.ConsoleLines(r); len(got) != 2 || got[1] != "Firefox can’t establish a connection to the server at https://api.example.com/events." {
			t.Errorf("console %q", got)
		}
	})
	t.Run("websocket", func(t *testing.T) {
		const key = "dGhlIHNhbXBsZSBub25jZQ=="
		hs := []string{"Origin", "https://app.example.com", "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Key", key, "Sec-WebSocket-Version", "13"}
		out := replayHAR(t, fetch.Chromium,
			entry("websocket", "GET", "wss://api.example.com/live", hs, 101, []string{"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}, ""),
			entry("websocket", "GET", "wss://api.example.com/admin", hs, 403, nil, ""))
		if len(out) != 2 {
			t.Fatalf("%d replayed, want 2", len(out))
		}
		if r := out[0].Result; r.Request.Kind != fetch.KindWebSocket || r.Err != nil || r.Response.Status != 101 {
			t.Errorf("opened handshake: kind %s err %+v", r.Request.Kind, r.Err)
		}
		r := out[1].Result
		want := "WebSocket connection to 'wss://api.example.com/admin' failed: Error during WebSocket handshake: Unexpected response code: 403"
		if r.Err == nil || r.Err.Reason != fetch.ReasonWebSocketHandshake || fetch.Chromium.ConsoleLines(r)[0] != want {
			t.Errorf("refused handshake: %+v %q", r.Err, fetch.Chromium.ConsoleLines(r))
		}
	})
	t.Run("not loads", func(t *testing.T) {
		out := replayHAR(t, fetch.Chromium,
			entry("other", "GET", "https://cdn.example.net/x", []string{"Origin", "https://app.example.com"}, 200, nil, ""),
			entry("", "GET", "https://cdn.example.net/v.mp4", []string{"Origin", "https://app.example.com", "Sec-Fetch-Dest", "video"}, 200, nil, ""),
			// An <img> that loaded, no-cors: nothing to diagnose.
			entry("image", "GET", "https://cdn.example.net/ok.png", []string{"Referer", "https://app.example.com/"}, 200, nil, ""))
		if len(out) != 0 {
			t.Errorf("%d replayed, want none", len(out))
		}
	})
}
