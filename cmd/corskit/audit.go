package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/audit"
)

const auditSynopsis = `audit [URL...] [--targets FILE|-] [-X METHOD] [-H 'Name: value']...
        [--resolve HOST:PORT:ADDR]... [-k|--insecure] [--concurrency N] [--rate N]
        [--timeout DUR] [--format text|json|jsonl|sarif] [--fail-on high|medium|low|info]
        [--shard K/N]

Probes each URL with attacker origins derived from its own host and domain and
reports the CORS misconfigurations that let other sites read its responses. A
finding is high only when a page on the probe origin could read the response
with the user's cookies, by the browser's own CORS check.

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error, 3 no target could be reached.`

const auditExamples = `  corskit audit https://api.example.com/me
  corskit audit --targets urls.txt --format sarif > cors.sarif
  corskit audit https://staging.example.com/api --resolve staging.example.com:443:10.0.0.5 -k
  cat urls.txt | corskit audit --targets - --format jsonl --shard 2/8
`

// stringsFlag collects a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

type auditOptions struct {
	targets     string
	method      string
	headers     headerFlags
	resolve     stringsFlag
	insecure    bool
	concurrency int
	rate        float64
	timeout     time.Duration
	format      choice
	failOn      choice
	shard       string
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := auditOptions{
		format: choice{"text", []string{"text", "json", "jsonl", "sarif"}},
		failOn: choice{"low", []string{"high", "medium", "low", "info"}},
	}
	fs := newFlags("audit", auditSynopsis, stderr)
	fs.examples = auditExamples
	fs.StringVar(&o.targets, "targets", "", "read target URLs from FILE, one a line ('-' for stdin; # comments)")
	fs.StringVar(&o.method, "X", "GET", "request method of the probes")
	fs.Var(&o.headers, "H", "request header 'Name: value' sent with every probe (repeatable)")
	fs.Var(&o.resolve, "resolve", "HOST:PORT:ADDR, connect to ADDR for HOST:PORT, as curl --resolve (repeatable)")
	fs.BoolVar(&o.insecure, "k", false, "do not verify TLS certificates")
	fs.BoolVar(&o.insecure, "insecure", false, "same as -k")
	fs.IntVar(&o.concurrency, "concurrency", 4, "targets audited at once")
	fs.Float64Var(&o.rate, "rate", 20, "probes per second to one host, at most (0: no limit)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit for each probe")
	fs.Var(&o.format, "format", "output: text, json, jsonl (one finding a line) or sarif (2.1.0)")
	fs.Var(&o.failOn, "fail-on", "exit 1 when a finding is at least this severe")
	fs.StringVar(&o.shard, "shard", "", "K/N: audit only the targets of shard K of N (by a hash of the URL)")
	urls, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(urls) == 0 && o.targets == "":
		return usageError{"no target: give URLs or --targets FILE"}
	case o.concurrency < 1 || o.concurrency > 256:
		return usageError{fmt.Sprintf("--concurrency %d: want 1 to 256", o.concurrency)}
	case o.rate < 0:
		return usageError{"--rate must not be negative"}
	case o.timeout <= 0:
		return usageError{"--timeout must be positive"}
	}
	shardK, shardN, err := parseShard(o.shard)
	if err != nil {
		return err
	}
	dial, err := resolver(o.resolve)
	if err != nil {
		return err
	}
	failOn, _ := audit.ParseSeverity(o.failOn.value)
	for _, u := range urls {
		if err := checkTargetURL(u); err != nil {
			return usageError{err.Error()}
		}
	}
	var targetFile io.Reader
	switch o.targets {
	case "":
	case "-":
		targetFile = os.Stdin
	default:
		f, err := os.Open(o.targets)
		if err != nil {
			return usageError{fmt.Sprintf("--targets: %v", err)}
		}
		defer f.Close()
		targetFile = f
	}

	tr := &http.Transport{
		DialContext:            dial,
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: o.insecure},
		MaxResponseHeaderBytes: 1 << 20,
		ResponseHeaderTimeout:  o.timeout,
		MaxIdleConnsPerHost:    4,
		TLSHandshakeTimeout:    o.timeout,
	}
	defer tr.CloseIdleConnections()
	scanner := audit.New(audit.Options{Transport: tr, Timeout: o.timeout, RatePerHost: o.rate})

	// Targets stream through a channel: memory does not grow with their number.
	targets := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		defer close(targets)
		readErr <- feedTargets(ctx, urls, targetFile, shardK, shardN, targets)
	}()
	results := make(chan audit.Result)
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range targets {
				results <- scanner.Scan(ctx, audit.Target{URL: u, Method: o.method, Headers: o.headers})
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	out := newAuditOutput(o.format.value, stdout, stderr)
	var progress *progressLine
	if useColor(stderr) && (len(urls) > 1 || targetFile != nil) {
		progress = &progressLine{w: stderr}
	}
	reached, total, worst := 0, 0, audit.Severity(-1)
	for r := range results {
		total++
		if r.Err == nil {
			reached++
		}
		for _, f := range r.Findings {
			if f.Severity > worst {
				worst = f.Severity
			}
		}
		out.add(r)
		progress.update(total)
	}
	progress.done()
	if err := <-readErr; err != nil {
		return usageError{fmt.Sprintf("--targets: %v", err)}
	}
	if err := out.finish(total); err != nil {
		return err
	}
	switch {
	case total == 0:
		return exitError{3, "no target to audit (an empty list, or none in this shard)"}
	case reached == 0:
		return exitError{3, fmt.Sprintf("none of the %d targets could be reached", total)}
	case worst >= failOn:
		return exitError{code: 1}
	}
	return nil
}

// feedTargets sends the URLs given, then those of the file, keeping the
// shard's share.
func feedTargets(ctx context.Context, urls []string, file io.Reader, k, n int, out chan<- string) error {
	send := func(u string) bool {
		if n > 1 {
			h := fnv.New32a()
			h.Write([]byte(u))
			if int(h.Sum32()%uint32(n)) != k-1 {
				return true
			}
		}
		select {
		case out <- u:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, u := range urls {
		if !send(u) {
			return nil
		}
	}
	if file == nil {
		return nil
	}
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		u := strings.TrimSpace(sc.Text())
		if u == "" || strings.HasPrefix(u, "#") {
			continue
		}
		if err := checkTargetURL(u); err != nil {
			return fmt.Errorf("line %d: %v", line, err)
		}
		if !send(u) {
			return nil
		}
	}
	return sc.Err()
}

func checkTargetURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("target %q: want an absolute http:// or https:// URL", u)
	}
	return nil
}

func parseShard(s string) (k, n int, err error) {
	if s == "" {
		return 1, 1, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, usageError{fmt.Sprintf("--shard %q: want K/N with 1 <= K <= N", s)}
	}
	return k, n, nil
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
		if _, err := strconv.Atoi(port); err != nil || net.ParseIP(addr) == nil {
			return nil, usageError{fmt.Sprintf("--resolve %q: want HOST:PORT:ADDR with a numeric port and an IP address", e)}
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

// progressLine shows targets done on a terminal's stderr.
type progressLine struct {
	w    io.Writer
	last time.Time
}

func (p *progressLine) update(n int) {
	if p == nil || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\x1b[Kaudited %d targets…", n)
}

func (p *progressLine) done() {
	if p != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// auditOutput writes results in one of the formats.
type auditOutput struct {
	format   string
	w, errw  io.Writer
	findings []audit.Finding // kept for text, json and sarif; jsonl streams
	errs     []targetError
	probes   int
	enc      *json.Encoder
}

type targetError struct {
	URL   string `json:"url"`
	Error string `json:"error"`
}

func newAuditOutput(format string, w, errw io.Writer) *auditOutput {
	o := &auditOutput{format: format, w: w, errw: errw, enc: json.NewEncoder(w)}
	o.enc.SetEscapeHTML(false)
	return o
}

func (o *auditOutput) add(r audit.Result) {
	o.probes += r.Probes
	if r.Err != nil {
		e := targetError{r.URL, describeError(r.Err)}
		o.errs = append(o.errs, e)
		if o.format == "jsonl" || o.format == "text" {
			fmt.Fprintf(o.errw, "corskit audit: %s: %s\n", e.URL, e.Error)
		}
	}
	if o.format == "jsonl" {
		for _, f := range r.Findings {
			o.enc.Encode(f)
		}
		return
	}
	o.findings = append(o.findings, r.Findings...)
}

// describeError names the cause of a target's failure in one line.
func describeError(err error) string {
	msg := networkCause(err)
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		msg += " (use -k to audit anyway)"
	}
	return msg
}

func (o *auditOutput) finish(targets int) error {
	switch o.format {
	case "jsonl":
		return nil
	case "json":
		if o.errs == nil {
			o.errs = []targetError{}
		}
		if o.findings == nil {
			o.findings = []audit.Finding{}
		}
		return writeJSON(o.w, map[string]any{"targets": targets, "probes": o.probes, "findings": o.findings, "errors": o.errs})
	case "sarif":
		return writeJSON(o.w, sarifLog(o.findings, o.errs))
	}
	o.text(targets)
	return nil
}

func (o *auditOutput) text(targets int) {
	s := style{useColor(o.w)}
	color := map[audit.Severity]func(string) string{audit.High: s.red, audit.Medium: s.red, audit.Low: s.bold, audit.Info: s.dim}
	for sev := audit.High; sev >= audit.Info; sev-- {
		first := true
		for _, f := range o.findings {
			if f.Severity != sev {
				continue
			}
			if first {
				fmt.Fprintf(o.w, "%s\n", color[sev](strings.ToUpper(sev.String())))
				first = false
			}
			cred := ""
			if f.Credentials {
				cred = " (readable with the user's cookies)"
			}
			fmt.Fprintf(o.w, "  %s  %s\n", s.bold(f.ID), f.URL)
			if f.Origin != "" {
				fmt.Fprintf(o.w, "    Origin: %s%s\n", f.Origin, cred)
			}
			if acao := f.Evidence.ResponseHeaders.Get("Access-Control-Allow-Origin"); acao != "" {
				fmt.Fprintf(o.w, "    answer: %d, Access-Control-Allow-Origin: %s", f.Evidence.Status, acao)
				if acac := f.Evidence.ResponseHeaders.Get("Access-Control-Allow-Credentials"); acac != "" {
					fmt.Fprintf(o.w, ", Access-Control-Allow-Credentials: %s", acac)
				}
				fmt.Fprintln(o.w)
			}
			fmt.Fprintf(o.w, "    %s\n    fix: %s\n    with corskit: %s\n", f.Explanation, f.Fix.Headers, f.Fix.Config)
		}
	}
	counts := map[audit.Severity]int{}
	for _, f := range o.findings {
		counts[f.Severity]++
	}
	fmt.Fprintf(o.w, "\n%d targets, %d unreachable, %d probes: %d high, %d medium, %d low, %d info.\n",
		targets, len(o.errs), o.probes, counts[audit.High], counts[audit.Medium], counts[audit.Low], counts[audit.Info])
}
