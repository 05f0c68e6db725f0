package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
)

// TestWebPageNamesGates fills the static page's form (the model in
// WebAssembly) with the page's context for a call that a gate before CORS
// refuses, or whose cookie stays home, and checks that what the page
// renders is what `corskit check --json --browser all` says for the same
// flags: each engine's verdict and console lines, the reason, the gate as
// Chromium's DevTools name it, and the fix, which leads with "not CORS:";
// for the cookie, each engine's note.
func TestWebPageNamesGates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The resource and the API check sends to: an image without CORP, an
	// API that allows the page with credentials.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".png") {
			w.Header().Set("Content-Type", "image/png")
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}))
	defer srv.Close()
	bin := cli.Build(ctx, t)
	tab, _, _ := openPage(ctx, t, "")
	// The page's examples of each gate, on the static page: one click each.
	presets := clickPresets(t, tab, []string{"mixed-content", "page-csp", "coep", "samesite"}, `rep ? (rep.querySelector(".gate") || {dataset: {}}).dataset.gate + " " +
		[...rep.querySelectorAll(".cookie-notes tr")].map(r => r.dataset.engine + "=" + r.dataset.ok).join(",") : document.getElementById("results").textContent`)
	if want := []string{"mixed-content: mixed-content ", "page-csp: csp-connect-src ", "coep: coep-corp-missing ",
		"samesite: undefined chromium=false,firefox=false,webkit=false"}; fmt.Sprint(presets) != fmt.Sprint(want) {
		t.Errorf("the gates' examples: %q, want %q", presets, want)
	}
	const page = "https://app.example.com/dashboard"
	for _, tc := range []struct {
		name, url string
		flags     []string
		form      map[string]string // the page's fields
		gate      string            // the gate's ID, "" for the cookie
	}{
		{"csp", "https://api.example.com/items", []string{"--page-url", page, "--page-csp", "default-src 'self'"},
			map[string]string{"p-url": page, "p-csp": "default-src 'self'"}, "csp-connect-src"},
		{"mixed content", "http://api.example.com/items", []string{"--page-url", page},
			map[string]string{"p-url": page}, "mixed-content"},
		{"coep", srv.URL + "/logo.png", []string{"--page-url", page, "--page-coep", "require-corp", "--mode", "no-cors"},
			map[string]string{"p-url": page, "p-coep": "require-corp", "f-mode": "no-cors", "f-act-status": "200", "f-act-headers": "Content-Type: image/png"},
			"coep-corp-missing"},
		{"cookie", srv.URL + "/me", []string{"--page-url", page, "--credentials", "include", "--stored-cookie", "sid=1; SameSite=Lax; Secure"},
			map[string]string{"p-url": page, "f-credentials": "include", "p-cookies": "sid=1; SameSite=Lax; Secure", "f-act-status": "200",
				"f-act-headers": "Access-Control-Allow-Credentials: true\nAccess-Control-Allow-Origin: https://app.example.com"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want struct {
				Reason   string `json:"reason"`
				Browsers map[string]struct {
					Verdict string   `json:"verdict"`
					Console []string `json:"console"`
				} `json:"browsers"`
				Fixes []struct {
					Text string `json:"text"`
				} `json:"fixes"`
				Diagnosis struct {
					Gate *struct {
						ID            string `json:"id"`
						DevToolsIssue string `json:"devtools_issue"`
					} `json:"gate"`
				} `json:"diagnosis"`
				Cookies *struct {
					Notes []struct {
						Engine string `json:"engine"`
						OK     bool   `json:"ok"`
						Reason string `json:"reason"`
					} `json:"notes"`
				} `json:"cookies"`
			}
			checkAllJSON(ctx, t, bin, tc.url, tc.flags, &want)
			got := diagnoseOnPage(t, tab, tc.url, tc.form)
			samePageAndCheck(t, got, want.Browsers, want.Reason)
			if tc.gate == "" {
				var notes []string
				for _, n := range want.Cookies.Notes {
					notes = append(notes, fmt.Sprintf("%s=%v", n.Engine, n.OK))
				}
				if fmt.Sprint(got["cookies"]) != fmt.Sprint(notes) || len(notes) == 0 || want.Cookies.Notes[0].Reason != "cookie-samesite-lax" {
					t.Errorf("cookies: page %v, check %v (%+v)", got["cookies"], notes, want.Cookies)
				}
			} else {
				if want.Diagnosis.Gate == nil || want.Diagnosis.Gate.ID != tc.gate || got["gate"] != tc.gate ||
					!strings.Contains(fmt.Sprint(got["gateText"]), want.Diagnosis.Gate.DevToolsIssue) {
					t.Errorf("gate: page %q (%q), check %+v; want %s", got["gate"], got["gateText"], want.Diagnosis.Gate, tc.gate)
				}
				if len(want.Fixes) == 0 || got["fix"] != want.Fixes[0].Text || !strings.HasPrefix(want.Fixes[0].Text, "not CORS:") {
					t.Errorf("fix: page %q, check %+v; want check's, leading with \"not CORS:\"", got["fix"], want.Fixes)
				}
			}
			if !strings.Contains(fmt.Sprint(got["hash"]), "p-url=") {
				t.Errorf("the page's context is not in the fragment: %q", got["hash"])
			}
			if *update && tc.name == "csp" {
				shot, err := chromedp.Run(tab.Ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("..", "docs", "page-gate.png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// clickPresets clicks each of the page's examples (presets) in turn and,
// once the page has diagnosed it, records "preset: " and what describe, a
// JavaScript expression over the report rep (null when the page shows
// none), says of it.
func clickPresets(t *testing.T, tab *browser.Tab, presets []string, describe string) []string {
	t.Helper()
	names, _ := json.Marshal(presets)
	out, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[[]string](`(async () => {
		const out = [];
		for (const p of `+string(names)+`) {
			const n = document.body.dataset.diagnosed;
			document.querySelector('[data-preset="' + p + '"]').click();
			while (document.body.dataset.diagnosed === n) await new Promise(r => setTimeout(r, 10));
			const rep = document.querySelector("#results .report");
			out.push(p + ": " + (`+describe+`));
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkAllJSON runs `corskit check url --json --browser all --no-probe
// flags...`, which may exit 0 or 1, decodes its output into v and returns
// it.
func checkAllJSON(ctx context.Context, t *testing.T, bin, url string, flags []string, v any) []byte {
	t.Helper()
	out, err := exec.CommandContext(ctx, bin, append([]string{"check", url, "--json", "--browser", "all", "--no-probe"}, flags...)...).Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("check: %v\n%s", err, out)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	return out
}

// diagnoseOnPage fills the page's form (every field reset, then url and
// form's fields set), runs it and returns what the report shows: each
// engine's verdict and console lines, the reason, the gate and its text,
// the first fix, ORB's rule, the permission, the WebSocket's answer, the
// kind's line, the warnings, the cookie notes and the fragment.
func diagnoseOnPage(t *testing.T, tab *browser.Tab, url string, form map[string]string) map[string]any {
	t.Helper()
	fields, _ := json.Marshal(form)
	got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf(`(async () => {
		const $ = (id) => document.getElementById(id);
		for (const id of ["input", "f-origin", "f-method", "f-headers", "f-body", "f-pre-status", "f-pre-headers", "f-act-status",
			"f-act-headers", "p-url", "p-csp", "p-csp-ro", "p-coep", "p-space", "p-cookies", "f-crossorigin", "f-with-credentials"]) $(id).value = "";
		$("f-as").value = "fetch";
		$("f-credentials").value = "same-origin";
		$("f-mode").value = "cors";
		$("browser").value = "all";
		$("f-url").value = %q;
		for (const [id, v] of Object.entries(%s)) $(id).value = v;
		const n = document.body.dataset.diagnosed;
		$("go").click();
		while (document.body.dataset.diagnosed === n) await new Promise(r => setTimeout(r, 10));
		const rep = document.querySelector("#results .report");
		if (!rep) return {error: $("results").textContent};
		const gate = rep.querySelector(".gate");
		const q = (sel, attr) => { const e = rep.querySelector(sel); return e ? (attr ? e.dataset[attr] : e.textContent) : ""; };
		return {
			engines: Object.fromEntries([...rep.querySelectorAll(".engines tr")].map(r => [r.dataset.engine,
				r.querySelector(".verdict").dataset.verdict + "|" + [...r.querySelectorAll(".console div:not(.dim)")].map(d => d.textContent).join("\n")])),
			reason: q(".reason code"),
			gate: gate ? gate.dataset.gate : "", gateText: gate ? gate.textContent : "",
			fix: q(".fix li div"),
			orbRule: q(".gate .orb", "orbRule"), permission: q(".gate .pending", "permission"), pending: q(".gate .pending"),
			answered: q(".websocket", "answered"), kindLine: q(".report > .dim"),
			warnings: [...rep.querySelectorAll(".warnings li")].map(l => l.dataset.warning),
			cookies: [...rep.querySelectorAll(".cookie-notes tr")].map(r => r.dataset.engine + "=" + r.dataset.ok),
			hash: location.hash,
		};
	})()`, url, fields), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
	}
	if got["error"] != nil {
		t.Fatalf("the page: %v", got["error"])
	}
	return got
}

// samePageAndCheck: the page's engines (verdict and console lines) and
// reason, in got (diagnoseOnPage), are check's.
func samePageAndCheck(t *testing.T, got map[string]any, browsers map[string]struct {
	Verdict string   `json:"verdict"`
	Console []string `json:"console"`
}, reason string) {
	t.Helper()
	engines, _ := got["engines"].(map[string]any)
	for _, e := range []string{"chromium", "firefox", "webkit"} {
		w := browsers[e]
		if line := w.Verdict + "|" + strings.Join(w.Console, "\n"); engines[e] != line {
			t.Errorf("%s: the page shows %q, check says %q", e, engines[e], line)
		}
	}
	if got["reason"] != reason {
		t.Errorf("reason: page %q, check %q", got["reason"], reason)
	}
}
