package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
)

// reflectAll is a vulnerable server: it echoes any Origin, with credentials.
func reflectAll(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Vary", "Origin")
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func strict(t *testing.T) *httptest.Server {
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mw.Wrap(http.NotFoundHandler()))
	t.Cleanup(srv.Close)
	return srv
}

// named returns the server's URL under a host name, and the --resolve
// flag that makes it reachable.
func named(srv *httptest.Server, host string) (string, string) {
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	return "http://" + host + ":" + port + "/me", fmt.Sprintf("%s:%s:127.0.0.1", host, port)
}

func TestAuditExitStatus(t *testing.T) {
	vuln, strictSrv := reflectAll(t), strict(t)
	vURL, vResolve := named(vuln, "api.example.com")
	sURL, sResolve := named(strictSrv, "api.example.net")
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	dir := t.TempDir()
	badList := filepath.Join(dir, "bad.txt")
	os.WriteFile(badList, []byte("# targets\n"+vURL+"\n\nftp://nope\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"vulnerable", []string{"audit", vURL, "--resolve", vResolve, "--rate", "0"}, 1, ""},
		{"strict", []string{"audit", sURL, "--resolve", sResolve, "--rate", "0"}, 0, ""},
		{"fail-on high, vulnerable", []string{"audit", vURL, "--resolve", vResolve, "--rate", "0", "--fail-on", "high"}, 1, ""},
		{"unreachable only", []string{"audit", closedURL}, 3, "none of the 1 targets could be reached"},
		{"one reachable of two", []string{"audit", sURL, closedURL, "--resolve", sResolve, "--rate", "0"}, 0, ""},
		{"no target", []string{"audit"}, 2, "no target"},
		{"bad url", []string{"audit", "not-a-url"}, 2, "want an absolute http:// or https:// URL"},
		{"bad shard", []string{"audit", vURL, "--shard", "3/2"}, 2, "--shard"},
		{"bad resolve", []string{"audit", vURL, "--resolve", "api.example.com:80"}, 2, "want HOST:PORT:ADDR"},
		{"bad format", []string{"audit", vURL, "--format", "xml"}, 2, "must be one of text, json, jsonl, sarif"},
		{"bad fail-on", []string{"audit", vURL, "--fail-on", "critical"}, 2, "must be one of"},
		{"bad concurrency", []string{"audit", vURL, "--concurrency", "0"}, 2, "--concurrency 0"},
		{"missing list", []string{"audit", "--targets", filepath.Join(dir, "none.txt")}, 2, "no such file"},
		{"bad line in list", []string{"audit", "--targets", badList, "--resolve", vResolve, "--rate", "0"}, 2, "line 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			// Usage errors are one line; an unreachable target gets its own
			// line before the summary.
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if tc.msg != "" && (!strings.Contains(lines[len(lines)-1], tc.msg) || (tc.code == 2 && len(lines) > 1)) {
				t.Errorf("stderr %q: want a last line containing %q", errOut, tc.msg)
			}
		})
	}
}

func TestAuditFormats(t *testing.T) {
	vURL, vResolve := named(reflectAll(t), "api.example.com")
	base := []string{"audit", vURL, "--resolve", vResolve, "--rate", "0"}

	out, _, _ := cli(t, append(base, "--format", "json")...)
	var doc struct {
		Targets  int              `json:"targets"`
		Probes   int              `json:"probes"`
		Findings []map[string]any `json:"findings"`
		Errors   []any            `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.Targets != 1 || doc.Probes < 5 || len(doc.Findings) == 0 || doc.Errors == nil {
		t.Errorf("json: %+v", doc)
	}
	f := doc.Findings[0]
	for _, k := range []string{"url", "id", "severity", "origin", "credentials", "evidence", "explanation", "fix"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q: %v", k, f)
		}
	}
	if f["id"] != "reflect-any-origin" || f["severity"] != "high" || f["credentials"] != true {
		t.Errorf("first finding %v", f)
	}

	out, _, _ = cli(t, append(base, "--format", "jsonl")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(doc.Findings) {
		t.Errorf("jsonl: %d lines, json: %d findings", len(lines), len(doc.Findings))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["id"] == nil {
			t.Errorf("jsonl line %q: %v", l, err)
		}
	}

	out, _, _ = cli(t, append(base, "--format", "text")...)
	for _, want := range []string{"HIGH", "reflect-any-origin", "readable with the user's cookies", "with corskit: cors.Config{AllowedOrigins:"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

// --shard K/N splits a list deterministically: the shards' outputs are
// disjoint and together cover every target.
func TestAuditShards(t *testing.T) {
	vuln := reflectAll(t)
	_, resolve := named(vuln, "api.example.com")
	port := strings.Split(resolve, ":")[1]
	var list []string
	for i := range 12 {
		list = append(list, fmt.Sprintf("http://api.example.com:%s/t%d", port, i))
	}
	file := filepath.Join(t.TempDir(), "targets.txt")
	os.WriteFile(file, []byte(strings.Join(list, "\n")+"\n"), 0o644)
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		out, _, _ := cli(t, "audit", "--targets", file, "--resolve", resolve, "--rate", "0", "--format", "jsonl", "--shard", fmt.Sprintf("%d/3", k))
		urls := map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var f struct{ URL string }
			json.Unmarshal(sc.Bytes(), &f)
			urls[f.URL] = true
		}
		for u := range urls {
			seen[u]++
		}
	}
	for _, u := range list {
		if seen[u] != 1 {
			t.Errorf("%s audited by %d shards, want 1", u, seen[u])
		}
	}
	if len(seen) != len(list) || slices.ContainsFunc(list, func(u string) bool { return seen[u] == 0 }) {
		t.Errorf("shards covered %d of %d targets", len(seen), len(list))
	}
}
