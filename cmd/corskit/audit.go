package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	binenc "encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
)

const auditSynopsis = `audit [URL...] [--targets FILE|-] [--paths FILE] [-X METHOD]... [-H 'Name: value']...
        [--cookie 'name=value'] [--origin ORIGIN]... [--origins-file FILE]
        [--resolve HOST:PORT:ADDR]... [-k|--insecure] [--concurrency N] [--per-host N] [--rate N]
        [--timeout DUR] [--target-timeout DUR] [--no-cache-bust] [--prove-cache-poisoning]
        [--format text|json|jsonl|sarif] [--sarif-location PATH] [--fail-on high|medium|low|info]
        [--shard K/N|auto] [--shards N]

Probes each endpoint (URL and method) with attacker origins derived from its
own host and from every origin it is found to allow, and reports the CORS
misconfigurations that let other sites read its responses. A finding is high
only when a page on the probe origin could read the response with the user's
cookies, by the browser's own CORS check.

Caches: every probe carries ` + "`" + `?corskit-cb=<unique>` + "`" + ` and Cache-Control: no-cache,
Pragma: no-cache, so it reaches the server and leaves no cache entry a real
user can get (--no-cache-bust turns the parameter off). --prove-cache-poisoning
works on a throwaway URL of its own, never on the URL users fetch.

User data without CORP: with --cookie, a GET endpoint also gets the load a
page on another site makes with <img> (no-cors, Sec-Fetch-Dest: image, no
Origin), with the cookie, then without it (once more when only the bodies
differ): an answer that differs with the cookie and has no
Cross-Origin-Resource-Policy refusing other sites is embeddable-without-corp
(info). Without --cookie the audit cannot tell user data, and skips it.

Out of scope (audit/README.md says why): whether a CSRF guard exists at all
(no state-changing request is sent to find out), authentication and
authorisation, WebSocket messages (the handshake is the probe), the page's
own policies (Content-Security-Policy, COEP, mixed content) and the session
cookie's SameSite.

Sharding: --shard K/N audits only the targets whose URL hashes to shard K of
N, so N runs of the same list are disjoint, together cover it, and their
JSONL outputs concatenate into the findings of one run. --shard auto takes K
from JOB_COMPLETION_INDEX (0-based, as a Kubernetes Indexed Job sets it) and
N from --shards or CORSKIT_SHARDS. A shard that holds none of the list's
targets exits 0.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error (also after the report when --targets had malformed lines),
3 no target could be reached, 130 interrupted (Ctrl-C, SIGTERM: the report
of what was audited is written first).`

const auditExamples = `  corskit audit https://api.example.com/me --origin https://app.example.com
  corskit audit --targets urls.txt --format sarif > cors.sarif
  corskit audit https://api.example.com/me -X GET -X PUT --cookie 'session=...'
  corskit audit https://staging.example.com/api --resolve staging.example.com:443:10.0.0.5 -k
  cat urls.txt | corskit audit --targets - --format jsonl --shard 2/8
  JOB_COMPLETION_INDEX=1 corskit audit --targets urls.txt --format jsonl --shard auto --shards 8
`

// stringsFlag collects a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

type auditOptions struct {
	targets, paths, originsFile string
	methods                     stringsFlag
	headers                     headerFlags
	cookie                      string
	origins                     stringsFlag
	resolve                     stringsFlag
	insecure                    bool
	concurrency, perHost        int
	rate                        float64
	timeout, targetTimeout      time.Duration
	noCacheBust, prove          bool
	websocket                   bool
	format                      choice
	sarifLocation               string
	failOn                      choice
	shard                       string
	shards                      int
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := auditOptions{
		format: choice{"text", []string{"text", "json", "jsonl", "sarif"}},
		failOn: choice{"low", []string{"high", "medium", "low", "info"}},
	}
	fs := newFlags("audit", auditSynopsis, stderr)
	fs.examples = auditExamples
	fs.StringVar(&o.targets, "targets", "", "read target URLs from FILE, one a line ('-' for stdin; # comments)")
	fs.StringVar(&o.paths, "paths", "", "read paths from FILE, one a line: each is audited on every target's origin")
	fs.Var(&o.methods, "X", "request method of the probes (repeatable: each endpoint is audited with each; default GET)")
	fs.Var(&o.headers, "H", "request header 'Name: value' sent with every probe (repeatable; Cookie as --cookie)")
	fs.StringVar(&o.cookie, "cookie", "", "Cookie header sent with every probe, to audit as a logged-in user (never shown in the report)")
	fs.Var(&o.origins, "origin", "an origin the deployment trusts (its front end): probes are derived from it too (repeatable)")
	fs.StringVar(&o.originsFile, "origins-file", "", "read trusted origins from FILE, one a line")
	fs.Var(&o.resolve, "resolve", "HOST:PORT:ADDR, connect to ADDR for HOST:PORT, as curl --resolve (repeatable)")
	fs.BoolVar(&o.insecure, "k", false, "do not verify TLS certificates")
	fs.BoolVar(&o.insecure, "insecure", false, "same as -k")
	fs.IntVar(&o.concurrency, "concurrency", 4, "endpoints audited at once, across hosts (the rate per host still holds)")
	fs.IntVar(&o.perHost, "per-host", 2, "endpoints of one host audited at once, at most (they share its --rate)")
	fs.Float64Var(&o.rate, "rate", 20, "probes per second to one host, at most (0: no limit)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit for each probe")
	fs.DurationVar(&o.targetTimeout, "target-timeout", 3*time.Minute, "time limit for each endpoint's whole audit (then reported as partial)")
	fs.BoolVar(&o.noCacheBust, "no-cache-bust", false, "do not add the "+audit.CacheBustParam+" query parameter (for endpoints that reject unknown parameters; a cache may then hide the server's answers)")
	fs.BoolVar(&o.prove, "prove-cache-poisoning", false, "show cache poisoning on a throwaway URL of each endpoint (never the URL users fetch)")
	fs.BoolVar(&o.websocket, "websocket", false, "also send each GET endpoint one WebSocket handshake from an attacker's origin (cross-site WebSocket hijacking; no frame is sent); ws:// and wss:// targets get it alone")
	fs.Var(&o.format, "format", "output: text, json, jsonl (one finding a line, streamed) or sarif (2.1.0, for GitHub code scanning)")
	colorMode := colorFlag(fs)
	fs.StringVar(&o.sarifLocation, "sarif-location", "", "repository file SARIF results point at (default: the --targets file, else .corskit/targets.txt)")
	fs.Var(&o.failOn, "fail-on", "exit 1 when a finding is at least this severe")
	fs.StringVar(&o.shard, "shard", "", "K/N: audit only shard K of N of the targets (by a hash of the URL); auto: K is $JOB_COMPLETION_INDEX+1 (as a Kubernetes Indexed Job sets it), N is --shards or $CORSKIT_SHARDS")
	fs.IntVar(&o.shards, "shards", 0, "the number of shards N for --shard auto (when not given: $CORSKIT_SHARDS)")
	urls, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(urls) == 0 && o.targets == "":
		return usageError{"no target: give URLs or --targets FILE"}
	case o.concurrency < 1 || o.concurrency > 256:
		return usageError{fmt.Sprintf("--concurrency %d: want 1 to 256", o.concurrency)}
	case o.perHost < 1 || o.perHost > 256:
		return usageError{fmt.Sprintf("--per-host %d: want 1 to 256", o.perHost)}
	case o.rate < 0:
		return usageError{"--rate must not be negative"}
	case o.timeout <= 0:
		return usageError{"--timeout must be positive"}
	case o.targetTimeout <= 0:
		return usageError{"--target-timeout must be positive"}
	case o.sarifLocation != "" && strings.Contains(o.sarifLocation, "://"):
		return usageError{fmt.Sprintf("--sarif-location %q: want a file path in the repository, not a URL", o.sarifLocation)}
	}
	if len(o.methods) == 0 {
		o.methods = stringsFlag{http.MethodGet}
	}
	for _, m := range o.methods {
		if !httplist.IsToken(m) {
			return usageError{fmt.Sprintf("-X %q: not a method name", m)}
		}
	}
	// Cookie is a header no script may set, so the browser model drops
	// it from -H; the audit sends it itself, as the browser sends cookies.
	var headers []fetch.Header
	cookies := []string{}
	if o.cookie != "" {
		cookies = append(cookies, o.cookie)
	}
	for _, h := range o.headers {
		if strings.EqualFold(h.Name, "Cookie") {
			cookies = append(cookies, h.Value)
			continue
		}
		headers = append(headers, h)
	}
	sh, err := parseShard(o.shard, o.shards, os.LookupEnv)
	if err != nil {
		return err
	}
	dial, err := resolver(o.resolve)
	if err != nil {
		return err
	}
	failOn, _ := audit.ParseSeverity(o.failOn.value)
	for _, u := range urls {
		if err := audit.CheckURL(u); err != nil {
			return usageError{err.Error()}
		}
	}
	paths, err := readList(o.paths, "--paths", func(p string) error {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("path %q: want one starting with /", p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fileOrigins, err := readList(o.originsFile, "--origins-file", checkOrigin)
	if err != nil {
		return err
	}
	for _, x := range o.origins {
		if err := checkOrigin(x); err != nil {
			return usageError{fmt.Sprintf("--origin %q: want scheme://host[:port]", x)}
		}
	}
	trusted := append(slices.Clone([]string(o.origins)), fileOrigins...)
	var targetFile io.Reader
	switch o.targets {
	case "":
	case "-":
		targetFile = skipBOM(os.Stdin)
	default:
		f, err := os.Open(o.targets)
		if err != nil {
			return fileError("--targets", o.targets, err)
		}
		defer f.Close()
		targetFile = skipBOM(f)
	}

	tr := &http.Transport{
		DialContext:            dial,
		TLSClientConfig:        insecureTLS(o.insecure),
		MaxResponseHeaderBytes: audit.MaxResponseHeaderBytes,
		ResponseHeaderTimeout:  o.timeout,
		MaxIdleConnsPerHost:    4,
		TLSHandshakeTimeout:    o.timeout,
	}
	defer tr.CloseIdleConnections()
	scanner := audit.New(audit.Options{Transport: tr, Timeout: o.timeout, TargetTimeout: o.targetTimeout, RatePerHost: o.rate,
		NoCacheBust: o.noCacheBust, ProveCachePoisoning: o.prove, Origins: trusted, WebSocket: o.websocket})

	// Endpoints stream through a channel, and results to a spill file (or
	// straight out for jsonl): memory does not grow with their number.
	jobs := make(chan job)
	outcomes := make(chan outcome)
	feed := feeder{ctx: ctx, methods: o.methods, paths: paths, shard: sh, jobs: jobs, outcomes: outcomes}
	// The feeder is not waited for when the run is interrupted: it may be
	// blocked reading a stalled --targets - (a read nothing interrupts),
	// and the run must end at once all the same.
	readErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		readErr <- feed.run(urls, targetFile)
	}()
	cookie := strings.Join(cookies, "; ")
	// Each host has its own queue: workers take whichever host is free,
	// so a host held to the rate does not hold up the others.
	work := make(chan job)
	done := make(chan string)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		schedule(ctx, jobs, work, done, o.perHost)
	}()
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				r := scanner.Scan(ctx, audit.Target{URL: j.url, Method: j.method, Headers: headers, Cookie: cookie})
				outcomes <- outcome{res: r, line: j.line}
				done <- hostKey(j.url)
			}
		}()
	}
	// The workers (and the scheduler) end when the feeder has sent every
	// endpoint, or at once when ctx ends: then the outcomes received are
	// all there are, and every malformed line came before them.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()

	loc := sarifLoc{path: ".corskit/targets.txt"}
	switch {
	case o.sarifLocation != "":
		loc = sarifLoc{path: o.sarifLocation, lines: true}
	case o.targets != "" && o.targets != "-":
		loc = sarifLoc{path: o.targets, lines: true}
	}
	out, err := newAuditOutput(o.format.value, stdout, stderr, loc)
	if err != nil {
		return err
	}
	out.color = colorOn(colorMode.value, stdout)
	defer out.close()
	var progress *progressLine
	if useColor(stderr) && (len(urls) > 1 || targetFile != nil || len(paths) > 0 || len(o.methods) > 1) {
		progress = &progressLine{w: stderr, rate: o.rate, feed: &feed, start: time.Now()}
	}
receive:
	for {
		select {
		case oc := <-outcomes:
			if err := out.add(oc); err != nil {
				return err
			}
			progress.update(out.endpoints, out.hosts)
		case <-finished:
			break receive
		}
	}
	progress.done()
	if ctx.Err() != nil {
		// Interrupted (Ctrl-C, SIGTERM): the report of what was audited,
		// marked unsuccessful, and a status that is not success.
		out.failed = true
		if err := out.finish(); err != nil {
			return err
		}
		return exitError{interruptedStatus, fmt.Sprintf("interrupted: %d endpoints audited before the signal; the report is partial", out.endpoints)}
	}
	// The report of what was read comes first, also when reading failed.
	readE := <-readErr
	out.failed = out.lineErrs > 0 || readE != nil
	if err := out.finish(); err != nil {
		return err
	}
	switch {
	case readE != nil:
		return usageError{fmt.Sprintf("--targets: %v", readE)}
	case out.lineErrs > 0:
		return usageError{fmt.Sprintf("--targets: %d malformed line(s), %s; the first: %s", out.lineErrs, out.lineErrsWhere(), out.firstLineErr)}
	case out.endpoints == 0 && feed.elsewhere > 0:
		// Hashing leaves a shard empty now and then when the list is
		// short: that is no failure of this run, whose share was audited
		// (all of nothing), and the other shards hold the targets.
		fmt.Fprintf(stderr, "corskit: none of the list's %d targets falls in shard %d/%d: nothing to audit here\n", feed.elsewhere, sh.k, sh.n)
		return nil
	case out.endpoints == 0:
		return exitError{3, "no target to audit (an empty list)"}
	case out.reached == 0:
		if out.endpoints == 1 {
			return exitError{3, "the target could not be reached"}
		}
		return exitError{3, fmt.Sprintf("none of the %d targets could be reached", out.endpoints)}
	case out.worst >= failOn:
		return exitError{code: 1}
	}
	return nil
}

func checkOrigin(s string) error {
	if _, err := origin.Parse(s); err != nil || s == "null" {
		return fmt.Errorf("origin %q: want scheme://host[:port]", s)
	}
	return nil
}

// readList reads a small list file (paths, origins): one item a line, #
// comments; the first bad line is a usage error naming it.
func readList(name, flag string, check func(string) error) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fileError(flag, name, err)
	}
	var out []string
	for i, l := range strings.Split(string(bytes.TrimPrefix(b, utf8BOM)), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if err := check(l); err != nil {
			return nil, usageError{fmt.Sprintf("%s: line %d: %v", flag, i+1, err)}
		}
		if len(out) == 10_000 {
			return nil, usageError{fmt.Sprintf("%s: more than 10000 entries", flag)}
		}
		out = append(out, l)
	}
	return out, nil
}

// interruptedStatus is the exit status of a run ended by a signal, as a
// shell reports one killed by SIGINT.
const interruptedStatus = 130

// job is one endpoint to audit; line is its line in --targets (0 for a
// URL given as an argument).
type job struct {
	url, method string
	line        int
}

// outcome is an audited endpoint, or a malformed --targets line.
type outcome struct {
	res     audit.Result
	line    int
	lineErr *audit.LineError
}

// feeder expands the URLs given and those of the file into endpoints
// (each path on each URL's origin, each method), keeping the shard's share.
type feeder struct {
	ctx      context.Context
	methods  []string
	paths    []string
	shard    shard
	jobs     chan<- job
	outcomes chan<- outcome

	// elsewhere counts the targets left to other shards; it is read once
	// run has returned.
	elsewhere int

	// queued counts the endpoints handed to the workers, and fed says that
	// run has returned, so that queued is the total: the progress line
	// reads both while run goes on.
	queued atomic.Int64
	fed    atomic.Bool
}

func (f *feeder) send(u string, line int) bool {
	if !f.shard.owns(u) {
		f.elsewhere++
		return true
	}
	urls := []string{u}
	if len(f.paths) > 0 {
		p, _ := url.Parse(u)
		urls = urls[:0]
		for _, path := range f.paths {
			urls = append(urls, p.Scheme+"://"+p.Host+path)
		}
	}
	for _, x := range urls {
		for _, m := range f.methods {
			select {
			case f.jobs <- job{x, m, line}:
				f.queued.Add(1)
			case <-f.ctx.Done():
				return false
			}
		}
	}
	return true
}

func (f *feeder) run(urls []string, file io.Reader) error {
	defer f.fed.Store(true)
	for _, u := range urls {
		if !f.send(u, 0) {
			return nil
		}
	}
	if file == nil {
		return nil
	}
	return audit.ReadTargets(file, func(line int, u string, err error) bool {
		if err != nil {
			var le *audit.LineError
			errors.As(err, &le)
			// One shard reports a malformed line, as one run would: the
			// concatenated outputs then hold it once.
			if !f.shard.owns(le.Value) {
				return true
			}
			select {
			case f.outcomes <- outcome{line: line, lineErr: le}:
				return true
			case <-f.ctx.Done():
				return false
			}
		}
		return f.send(u, line)
	})
}

// shard is a run's share of the target list: shard k of n, 1 <= k <= n.
type shard struct{ k, n int }

// owns reports whether the target line s (a URL, or a malformed line's
// text) falls in this shard. The share depends on the line's text alone,
// not on its position or on the other lines, so N runs over the same list,
// anywhere and in any order, agree without talking to each other: their
// shares are disjoint and together cover the list. (Runs of different
// corskit versions need not agree: give every shard the same binary.)
//
// The hash is SHA-256, not a faster one such as FNV-1a, whose low bits
// mix the last bytes poorly: URLs that differ in a trailing number left
// some of 16 shards with three quarters of their share and others with
// more than a quarter extra. A URL costs well under a microsecond either
// way, nothing beside its probes.
func (s shard) owns(line string) bool {
	if s.n <= 1 {
		return true
	}
	sum := sha256.Sum256([]byte(line))
	return binenc.BigEndian.Uint64(sum[:8])%uint64(s.n) == uint64(s.k-1)
}

// parseShard reads --shard and --shards. s is "" (the whole list), "K/N",
// or "auto": K from JOB_COMPLETION_INDEX, which a Kubernetes Indexed Job
// sets from 0 in each pod, and N from --shards (total, when not 0) or else
// CORSKIT_SHARDS, which the Job must set to its completions: the index
// alone cannot tell how many shards there are.
func parseShard(s string, total int, lookupEnv func(string) (string, bool)) (shard, error) {
	switch {
	case total != 0 && s != "auto":
		return shard{}, usageError{fmt.Sprintf("--shards %d: only with --shard auto (--shard K/N names its own total)", total)}
	case s == "":
		return shard{1, 1}, nil
	case s == "auto":
		return autoShard(total, lookupEnv)
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return shard{}, usageError{fmt.Sprintf("--shard %q: want K/N with 1 <= K <= N, or auto", s)}
	}
	return shard{k, n}, nil
}

func autoShard(total int, lookupEnv func(string) (string, bool)) (shard, error) {
	n, from := total, "--shards"
	if total < 0 {
		return shard{}, usageError{fmt.Sprintf("--shards %d: want a whole number of at least 1", total)}
	}
	if n == 0 {
		v, ok := lookupEnv("CORSKIT_SHARDS")
		if !ok || strings.TrimSpace(v) == "" {
			return shard{}, usageError{"--shard auto: the number of shards is not set: give --shards N or CORSKIT_SHARDS=N (the Job's completions)"}
		}
		var err error
		if n, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 1 {
			return shard{}, usageError{fmt.Sprintf("--shard auto: CORSKIT_SHARDS %q: want a whole number of at least 1", v)}
		}
		from = "CORSKIT_SHARDS"
	}
	v, ok := lookupEnv("JOB_COMPLETION_INDEX")
	if !ok || strings.TrimSpace(v) == "" {
		return shard{}, usageError{"--shard auto: JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it; elsewhere give --shard K/N)"}
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	switch {
	case err != nil || i < 0:
		return shard{}, usageError{fmt.Sprintf("--shard auto: JOB_COMPLETION_INDEX %q: want a whole number from 0 to %d", v, n-1)}
	case i >= n:
		return shard{}, usageError{fmt.Sprintf("--shard auto: JOB_COMPLETION_INDEX %d is not below the %d shards of %s (it must equal the Job's completions)", i, n, from)}
	}
	return shard{i + 1, n}, nil
}

// resolver returns a DialContext honouring --resolve HOST:PORT:ADDR.
func resolver(entries []string) (func(ctx context.Context, network, addr string) (net.Conn, error), error) {
	m := map[string]string{}
	for _, e := range entries {
		i := strings.Index(e, ":")
		j := -1
		if i >= 0 {
			j = strings.Index(e[i+1:], ":")
		}
		if i <= 0 || j <= 0 {
			return nil, usageError{fmt.Sprintf("--resolve %q: want HOST:PORT:ADDR", e)}
		}
		host, port, addr := e[:i], e[i+1:i+1+j], strings.Trim(e[i+2+j:], "[]")
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || net.ParseIP(addr) == nil {
			return nil, usageError{fmt.Sprintf("--resolve %q: want HOST:PORT:ADDR with a port (1-65535) and an IP address", e)}
		}
		m[net.JoinHostPort(strings.ToLower(host), port)] = net.JoinHostPort(addr, port)
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := m[strings.ToLower(addr)]; ok {
			addr = to
		}
		return d.DialContext(ctx, network, addr)
	}, nil
}
