package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
)

// env is a fake environment for parseShard.
func env(kv ...string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1], true
			}
		}
		return "", false
	}
}

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		shard  string
		shards int
		env    func(string) (string, bool)
		want   shard
		err    string // part of the usage error, "" for none
	}{
		{"", 0, env(), shard{1, 1}, ""},
		{"2/8", 0, env(), shard{2, 8}, ""},
		{"2/8", 0, env("JOB_COMPLETION_INDEX", "5", "CORSKIT_SHARDS", "6"), shard{2, 8}, ""}, // K/N ignores the environment
		{"auto", 0, env("JOB_COMPLETION_INDEX", "0", "CORSKIT_SHARDS", "8"), shard{1, 8}, ""},
		{"auto", 0, env("JOB_COMPLETION_INDEX", "7", "CORSKIT_SHARDS", "8"), shard{8, 8}, ""},
		{"auto", 4, env("JOB_COMPLETION_INDEX", "3", "CORSKIT_SHARDS", "8"), shard{4, 4}, ""}, // --shards wins
		{"auto", 1, env("JOB_COMPLETION_INDEX", "0"), shard{1, 1}, ""},
		{"auto", 0, env("JOB_COMPLETION_INDEX", " 2 ", "CORSKIT_SHARDS", "3\n"), shard{3, 3}, ""},

		{"3/2", 0, env(), shard{}, `--shard "3/2": want K/N with 1 <= K <= N, or auto`},
		{"0/2", 0, env(), shard{}, `--shard "0/2"`},
		{"Auto", 0, env("JOB_COMPLETION_INDEX", "0", "CORSKIT_SHARDS", "8"), shard{}, `--shard "Auto"`},
		{"", 8, env(), shard{}, "--shards 8: only with --shard auto"},
		{"1/8", 8, env(), shard{}, "--shards 8: only with --shard auto"},
		{"auto", 0, env("JOB_COMPLETION_INDEX", "0"), shard{}, "give --shards N or CORSKIT_SHARDS=N"},
		{"auto", 0, env("JOB_COMPLETION_INDEX", "0", "CORSKIT_SHARDS", ""), shard{}, "give --shards N or CORSKIT_SHARDS=N"},
		{"auto", 0, env("JOB_COMPLETION_INDEX", "0", "CORSKIT_SHARDS", "eight"), shard{}, `CORSKIT_SHARDS "eight": want a whole number of at least 1`},
		{"auto", 0, env("JOB_COMPLETION_INDEX", "0", "CORSKIT_SHARDS", "0"), shard{}, `CORSKIT_SHARDS "0"`},
		{"auto", -2, env("JOB_COMPLETION_INDEX", "0"), shard{}, "--shards -2: want a whole number of at least 1"},
		{"auto", 8, env(), shard{}, "JOB_COMPLETION_INDEX is not set"},
		{"auto", 0, env("CORSKIT_SHARDS", "8"), shard{}, "JOB_COMPLETION_INDEX is not set"},
		{"auto", 8, env("JOB_COMPLETION_INDEX", "x"), shard{}, `JOB_COMPLETION_INDEX "x": want a whole number from 0 to 7`},
		{"auto", 8, env("JOB_COMPLETION_INDEX", "-1"), shard{}, `JOB_COMPLETION_INDEX "-1"`},
		{"auto", 8, env("JOB_COMPLETION_INDEX", "8"), shard{}, "JOB_COMPLETION_INDEX 8 is not below the 8 shards of --shards"},
		{"auto", 0, env("JOB_COMPLETION_INDEX", "9", "CORSKIT_SHARDS", "8"), shard{}, "JOB_COMPLETION_INDEX 9 is not below the 8 shards of CORSKIT_SHARDS"},
	} {
		name := fmt.Sprintf("--shard %q --shards %d", c.shard, c.shards)
		got, err := parseShard(c.shard, c.shards, c.env)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("%s: %v, %v; want %v", name, got, err, c.want)
			}
			continue
		}
		if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %T %q, want a one-line usage error with %q", name, err, err, c.err)
		}
	}
}

// targetList writes n target lines spread over the given bases (loopback
// servers), each with its own path and query variant, as a real list
// would vary, with comments, blank lines and malformed lines among them.
// It returns the file and its URLs in order.
func targetList(t *testing.T, n int, bases []string, malformed []string) (string, []string) {
	t.Helper()
	var b bytes.Buffer
	var urls []string
	b.WriteString("# targets of the sharding test\n\n")
	step := n/(len(malformed)+1) + 1 // a malformed line every step lines
	for i := range n {
		u := fmt.Sprintf("%s/api/v%d/items/%d", bases[i%len(bases)], i%3+1, i)
		switch i % 4 {
		case 1:
			u += "?page=" + strconv.Itoa(i%17)
		case 2:
			u += "?q=x" + strconv.Itoa(i) + "&sort=asc"
		}
		urls = append(urls, u)
		fmt.Fprintln(&b, u)
		if i%1000 == 500 {
			b.WriteString("   # a comment\n\n")
		}
		if i%step == 7 && len(malformed) > 0 {
			fmt.Fprintln(&b, malformed[0])
			malformed = malformed[1:]
		}
	}
	file := filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, urls
}

// feedShard runs the CLI's feeder for one shard over the file, as
// 'corskit audit --targets file --shard K/N -X GET -X PUT' does, and
// returns the endpoints it would audit and the malformed lines it would
// report.
func feedShard(t *testing.T, file string, sh shard) (endpoints []job, lineErrs []int) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	jobs := make(chan job)
	outcomes := make(chan outcome)
	feed := feeder{ctx: context.Background(), methods: []string{"GET", "PUT"}, shard: sh, jobs: jobs, outcomes: outcomes}
	errc := make(chan error, 1)
	go func() {
		errc <- feed.run(nil, f)
		close(jobs)
		close(outcomes)
	}()
	for jobs != nil || outcomes != nil {
		select {
		case j, ok := <-jobs:
			if !ok {
				jobs = nil
				continue
			}
			endpoints = append(endpoints, j)
		case o, ok := <-outcomes:
			if !ok {
				outcomes = nil
				continue
			}
			lineErrs = append(lineErrs, o.line)
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return endpoints, lineErrs
}

// N shards of a 10,000-target list are disjoint and cover it: every URL,
// with each of its methods, goes to exactly one shard, at its own line
// number, and each malformed line is reported by exactly one. The shards
// are also near even, or sharding would not shorten the run.
func TestShardsPartition10000(t *testing.T) {
	bases := []string{"http://127.0.0.1:8081", "http://127.0.0.1:8082", "https://api.example.com", "http://[::1]:9000"}
	malformed := []string{"ftp://files.example.com/x", "not a url", "http://"}
	file, urls := targetList(t, 10_000, bases, malformed)
	one, oneErrs := feedShard(t, file, shard{1, 1})
	if len(one) != 2*len(urls) || len(oneErrs) != len(malformed) {
		t.Fatalf("the whole list: %d endpoints and %d malformed lines, want %d and %d", len(one), len(oneErrs), 2*len(urls), len(malformed))
	}
	for _, n := range []int{2, 3, 8, 10, 16} {
		owner := map[job]int{}
		errOwner := map[int][]int{}
		for k := 1; k <= n; k++ {
			endpoints, lineErrs := feedShard(t, file, shard{k, n})
			for _, j := range endpoints {
				if o, ok := owner[j]; ok {
					t.Fatalf("%d shards: %s %s (line %d) in shards %d and %d", n, j.method, j.url, j.line, o, k)
				}
				owner[j] = k
			}
			for _, l := range lineErrs {
				errOwner[l] = append(errOwner[l], k)
			}
			// Each of the n shards holds its share give or take a fifth
			// (about six standard deviations at 16 shards).
			fair := float64(len(one)) / float64(n)
			if got := float64(len(endpoints)); got < 0.8*fair || got > 1.2*fair {
				t.Errorf("%d shards: shard %d holds %d endpoints, far from an even %.0f", n, k, len(endpoints), fair)
			}
		}
		for _, j := range one {
			if _, ok := owner[j]; !ok {
				t.Errorf("%d shards: %s %s (line %d) is in none", n, j.method, j.url, j.line)
			}
		}
		if len(owner) != len(one) {
			t.Errorf("%d shards: %d endpoints, the whole list %d", n, len(owner), len(one))
		}
		for _, l := range oneErrs {
			if len(errOwner[l]) != 1 {
				t.Errorf("%d shards: malformed line %d reported by shards %v, want exactly one", n, l, errOwner[l])
			}
		}
		if len(errOwner) != len(oneErrs) {
			t.Errorf("%d shards report malformed lines %v, the whole list %v", n, errOwner, oneErrs)
		}
	}
}

// The shards' JSONL outputs, concatenated, are the findings of one run:
// the same lines, once each, equal but for the per-run cache-bust values
// and Date headers. The shards are chosen as a Kubernetes Indexed Job
// chooses them (--shard auto with JOB_COMPLETION_INDEX and CORSKIT_SHARDS),
// over loopback servers of three kinds; a malformed line is reported by
// one shard, which alone exits 2, as the single run does.
func TestShardsMergeJSONL(t *testing.T) {
	reflecting := reflectAll(t)
	strictSrv := strict(t)
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	// nullToo adds a hole to a correct middleware: Origin null is let in.
	nullToo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "null" {
			w.Header().Set("Access-Control-Allow-Origin", "null")
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Add("Vary", "Origin")
			return
		}
		mw.Wrap(http.NotFoundHandler()).ServeHTTP(w, r)
	}))
	t.Cleanup(nullToo.Close)
	const n, targets = 5, 150
	file, urls := targetList(t, targets, []string{reflecting.URL, strictSrv.URL, nullToo.URL}, []string{"gopher://example.com/"})
	audit := func(env ...string) (lines []string, stderr string, code int) {
		cmd := exec.Command(binary, "audit", "--targets", file, "--format", "jsonl", "--rate", "0",
			"--concurrency", "12", "--per-host", "4", "--shard", "auto")
		cmd.Env = append(os.Environ(), "NO_COLOR=1", "JOB_COMPLETION_INDEX=", "CORSKIT_SHARDS=")
		cmd.Env = append(cmd.Env, env...)
		if len(env) == 0 {
			cmd.Args = cmd.Args[:len(cmd.Args)-2] // the single run: no --shard
		}
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&o)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, normalizeRun(sc.Text()))
		}
		return lines, e.String(), code
	}
	want, wantErr, wantCode := audit()
	// Two servers in three have holes: their endpoints must be found.
	found := map[string]bool{}
	for _, l := range want {
		found[l[:strings.Index(l, `","method"`)]] = true
	}
	if wantCode != 2 || !strings.Contains(wantErr, `"gopher://example.com/"`) || len(found) < 2*len(urls)/3 {
		t.Fatalf("the single run: exit %d, findings on %d of %d targets, stderr:\n%s", wantCode, len(found), len(urls), wantErr)
	}
	var merged []string
	var twos []int
	for i := range n {
		lines, stderr, code := audit("JOB_COMPLETION_INDEX="+strconv.Itoa(i), "CORSKIT_SHARDS="+strconv.Itoa(n))
		switch code {
		case 0, 1:
		case 2:
			twos = append(twos, i)
			if !strings.Contains(stderr, `"gopher://example.com/"`) {
				t.Errorf("shard index %d exits 2 without naming the malformed line:\n%s", i, stderr)
			}
		default:
			t.Fatalf("shard index %d: exit %d:\n%s", i, code, stderr)
		}
		if len(lines) == 0 {
			t.Errorf("shard index %d found nothing: %d targets over %d shards should leave none empty", i, targets, n)
		}
		merged = append(merged, lines...)
	}
	if len(twos) != 1 {
		t.Errorf("shards %v exit 2 for the one malformed line, want exactly one", twos)
	}
	slices.Sort(want)
	slices.Sort(merged)
	if !slices.Equal(merged, want) {
		t.Errorf("the %d shards' JSONL holds %d lines, the single run's %d; they differ", n, len(merged), len(want))
		for _, l := range merged {
			if _, found := slices.BinarySearch(want, l); !found {
				t.Errorf("only in the shards: %.300s", l)
			}
		}
		for _, l := range want {
			if _, found := slices.BinarySearch(merged, l); !found {
				t.Errorf("only in the single run: %.300s", l)
			}
		}
	}
}

// The binary itself: --shard auto's misuses are one line and exit 2,
// whatever the environment the test runs in; and a shard that holds none
// of a short list's targets exits 0 (its share, nothing, was audited),
// so a Job or a matrix does not fail on it, while an empty list still
// exits 3.
func TestShardAutoCLI(t *testing.T) {
	srv := reflectAll(t)
	one := srv.URL + "/only"
	file := filepath.Join(t.TempDir(), "one.txt")
	if err := os.WriteFile(file, []byte(one+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.txt")
	if err := os.WriteFile(empty, []byte("# nothing yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	audit := func(env []string, args ...string) (string, string, int) {
		cmd := exec.Command(binary, append([]string{"audit", "--rate", "0", "--format", "jsonl"}, args...)...)
		cmd.Env = append(append(os.Environ(), "NO_COLOR=1", "JOB_COMPLETION_INDEX=", "CORSKIT_SHARDS="), env...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return o.String(), e.String(), code
	}
	for _, c := range []struct {
		env  []string
		args []string
		msg  string
	}{
		{nil, []string{one, "--shard", "auto", "--shards", "4"}, "JOB_COMPLETION_INDEX is not set"},
		{[]string{"JOB_COMPLETION_INDEX=1"}, []string{one, "--shard", "auto"}, "give --shards N or CORSKIT_SHARDS=N"},
		{[]string{"JOB_COMPLETION_INDEX=4", "CORSKIT_SHARDS=4"}, []string{one, "--shard", "auto"}, "JOB_COMPLETION_INDEX 4 is not below the 4 shards of CORSKIT_SHARDS"},
		{[]string{"JOB_COMPLETION_INDEX=one", "CORSKIT_SHARDS=4"}, []string{one, "--shard", "auto"}, `JOB_COMPLETION_INDEX "one"`},
		{[]string{"JOB_COMPLETION_INDEX=0"}, []string{one, "--shard", "auto", "--shards", "four"}, `--shards "four": want a whole number`},
		{nil, []string{one, "--shard", "1/4", "--shards", "4"}, "--shards 4: only with --shard auto"},
	} {
		out, stderr, code := audit(c.env, c.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 || out != "" || len(lines) != 1 || !strings.Contains(lines[0], c.msg) {
			t.Errorf("%q %q: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.env, c.args, code, out, stderr, c.msg)
		}
	}

	audited := 0
	for i := range 4 {
		out, stderr, code := audit([]string{"JOB_COMPLETION_INDEX=" + strconv.Itoa(i), "CORSKIT_SHARDS=4"}, "--targets", file, "--shard", "auto")
		switch {
		case code == 1 && strings.Contains(out, one):
			audited++
		case code == 0 && out == "" && strings.Contains(stderr, fmt.Sprintf("none of the list's 1 targets falls in shard %d/4", i+1)):
		default:
			t.Errorf("index %d of 4 over one target: exit %d, stdout %.200q, stderr %q", i, code, out, stderr)
		}
	}
	if audited != 1 {
		t.Errorf("%d of 4 shards audited the one target, want 1", audited)
	}
	if _, stderr, code := audit(nil, "--targets", empty, "--shard", "2/4"); code != 3 || !strings.Contains(stderr, "no target to audit") {
		t.Errorf("an empty list, sharded: exit %d, stderr %q; want 3", code, stderr)
	}
}
