package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// options bound a run in time and in count.
type options struct {
	phases           []string      // workloads, then "reconfigure"
	conns            []int         // concurrent keep-alive connections, one level after another
	duration         time.Duration // per phase
	maxRequests      int64         // per phase
	reconfigureConns int
	reconfigureEvery time.Duration
}

// phaseResult is one phase's tally.
type phaseResult struct {
	name         string
	conns        int
	requests     int64
	errors       int64
	mismatches   int64
	elapsed      time.Duration
	p50, p99     time.Duration
	rss          int64
	reconfigures int64
	examples     []string // the first few errors and mismatches
}

// run starts the server process, runs every phase against it, prints one
// line per phase to out, and reports whether every response was right.
func run(ctx context.Context, o options, out io.Writer) (ok bool, err error) {
	srv, err := startServer(ctx)
	if err != nil {
		return false, err
	}
	defer srv.close()

	fmt.Fprintf(out, "%-12s %6s %9s %9s %8s %8s %7s %10s %9s %s\n",
		"phase", "conns", "requests", "req/s", "p50", "p99", "errors", "mismatches", "srv RSS", "reconfigs")
	ok = true
	var total phaseResult
	for _, name := range o.phases {
		mix, levels := workloads[name], o.conns
		if name == "reconfigure" {
			mix, levels = reconfigureMix, []int{o.reconfigureConns}
		}
		if mix == nil {
			return false, fmt.Errorf("unknown phase %q", name)
		}
		for _, n := range levels {
			if name == "reconfigure" {
				if err := srv.post("/reconfigure", url.Values{"every": {o.reconfigureEvery.String()}}); err != nil {
					return false, err
				}
			}
			before, err := srv.stats()
			if err != nil {
				return false, err
			}
			r := runPhase(ctx, srv.addr, mix, n, o.duration, o.maxRequests, name == "reconfigure")
			if name == "reconfigure" {
				if err := srv.post("/reconfigure/stop", nil); err != nil {
					return false, err
				}
			}
			after, err := srv.stats()
			if err != nil {
				return false, err
			}
			r.name, r.rss, r.reconfigures = name, after.RSS, after.Reconfigures-before.Reconfigures
			if after.ReconfigureErrs != 0 {
				r.errors += after.ReconfigureErrs
				r.examples = append(r.examples, fmt.Sprintf("%d Reconfigure calls failed", after.ReconfigureErrs))
			}
			if name == "reconfigure" && r.reconfigures == 0 {
				r.errors++
				r.examples = append(r.examples, "the policy was never swapped")
			}
			if r.requests == 0 {
				r.errors++
				r.examples = append(r.examples, "no request completed")
			}
			reconf := ""
			if name == "reconfigure" {
				reconf = fmt.Sprint(r.reconfigures)
			}
			fmt.Fprintf(out, "%-12s %6d %9d %9.0f %8s %8s %7d %10d %9s %s\n", r.name, r.conns, r.requests,
				float64(r.requests)/r.elapsed.Seconds(), round(r.p50), round(r.p99), r.errors, r.mismatches, mib(r.rss), reconf)
			for _, e := range r.examples {
				fmt.Fprintf(out, "    %s\n", e)
			}
			ok = ok && r.errors == 0 && r.mismatches == 0
			total.requests += r.requests
			total.errors += r.errors
			total.mismatches += r.mismatches
			total.reconfigures += r.reconfigures
		}
	}
	st, err := srv.stats()
	if err != nil {
		return false, err
	}
	if st.Requests != total.requests {
		// Every request sent was answered once: a response the server never
		// counted (or a request counted twice) would mean a broken exchange.
		fmt.Fprintf(out, "server counted %d requests, the load generator %d\n", st.Requests, total.requests)
		ok = false
	}
	fmt.Fprintf(out, "total: %d requests, %d errors, %d mismatches, %d reconfigurations; server peak RSS %s\n",
		total.requests, total.errors, total.mismatches, total.reconfigures, mib(st.PeakRSS))
	return ok, nil
}

// runPhase runs n connections for d (or until max requests), each cycling
// through mix from its own offset, and checks every response. With either,
// a response may match policy A or B but must match one of them wholly.
func runPhase(ctx context.Context, addr string, mix []*kind, n int, d time.Duration, max int64, either bool) phaseResult {
	res := phaseResult{conns: n}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		budget  atomic.Int64
		wg      sync.WaitGroup
		dialed  sync.WaitGroup
		start   = make(chan struct{})
		example = func(s string) {
			mu.Lock()
			if len(res.examples) < 5 {
				res.examples = append(res.examples, s)
			}
			mu.Unlock()
		}
	)
	budget.Store(max)
	deadline := new(atomic.Pointer[time.Time])
	for w := range n {
		wg.Add(1)
		dialed.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var errs, bad, reqs int64
			defer func() {
				mu.Lock()
				lat = append(lat, mine...)
				res.errors += errs
				res.mismatches += bad
				res.requests += reqs
				mu.Unlock()
			}()
			c, err := dial(ctx, addr)
			dialed.Done()
			if err != nil {
				errs++
				example(err.Error())
				return
			}
			defer func() { c.close() }()
			<-start
			end := *deadline.Load()
			for i := w; ; i++ {
				if budget.Add(-1) < 0 || time.Now().After(end) || ctx.Err() != nil {
					return
				}
				k := mix[i%len(mix)]
				t0 := time.Now()
				status, hdr, body, closed, err := c.do(k)
				mine = append(mine, time.Since(t0))
				reqs++
				if err != nil {
					errs++
					example(fmt.Sprintf("%s: %v", k.name, err))
					c.close()
					if c, err = dial(ctx, addr); err != nil {
						example(err.Error())
						return
					}
					continue
				}
				if msg := k.want[0].check(status, hdr, body); msg != "" {
					if !either || k.want[1].check(status, hdr, body) != "" {
						bad++
						if either {
							msg += fmt.Sprintf("; and policy B: %s", k.want[1].check(status, hdr, body))
						}
						example(fmt.Sprintf("%s: %s", k.name, msg))
					}
				}
				if closed {
					// The server must keep an answered keep-alive
					// connection open.
					errs++
					example(fmt.Sprintf("%s: the server closed the connection", k.name))
					c.close()
					if c, err = dial(ctx, addr); err != nil {
						example(err.Error())
						return
					}
				}
			}
		}()
	}
	dialed.Wait()
	t0 := time.Now()
	end := t0.Add(d)
	deadline.Store(&end)
	close(start)
	wg.Wait()
	res.elapsed = time.Since(t0)
	slices.Sort(lat)
	if len(lat) > 0 {
		res.p50 = lat[len(lat)*50/100]
		res.p99 = lat[len(lat)*99/100]
	}
	return res
}

// conn is one keep-alive connection speaking HTTP/1.1 by hand, so that
// each worker owns exactly one connection and can send requests that
// net/http's client would tidy up (repeated lines, empty values).
type conn struct {
	c  net.Conn
	br *bufio.Reader
}

func dial(ctx context.Context, addr string) (*conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	return &conn{c: c, br: bufio.NewReaderSize(c, 32<<10)}, nil
}

func (c *conn) close() { c.c.Close() }

// do sends k and reads its response, body included.
func (c *conn) do(k *kind) (status int, hdr http.Header, body string, closed bool, err error) {
	c.c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.c.Write(k.raw); err != nil {
		return 0, nil, "", false, fmt.Errorf("write: %w", err)
	}
	resp, err := http.ReadResponse(c.br, &http.Request{Method: k.method})
	if err != nil {
		return 0, nil, "", false, fmt.Errorf("read: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if err != nil {
		return 0, nil, "", false, fmt.Errorf("read body: %w", err)
	}
	return resp.StatusCode, resp.Header, string(b), resp.Close, nil
}

// server is the child process.
type server struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
	ctl   string
}

func startServer(ctx context.Context) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), serverEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the server process: %w", err)
	}
	s := &server{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addrs := strings.Fields(line)
	if err != nil || len(addrs) != 2 {
		s.close()
		return nil, fmt.Errorf("the server process did not print its addresses: %q %v", line, err)
	}
	s.addr, s.ctl = addrs[0], "http://"+addrs[1]
	return s, nil
}

func (s *server) close() {
	s.stdin.Close() // the server exits when its stdin closes
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

var ctlClient = &http.Client{Timeout: 30 * time.Second}

func (s *server) post(path string, form url.Values) error {
	resp, err := ctlClient.PostForm(s.ctl+path, form)
	if err != nil {
		return fmt.Errorf("control %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("control %s: %s: %s", path, resp.Status, b)
	}
	return nil
}

func (s *server) stats() (serverStats, error) {
	var st serverStats
	resp, err := ctlClient.Get(s.ctl + "/stats")
	if err != nil {
		return st, fmt.Errorf("control /stats: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("control /stats: %w", err)
	}
	return st, nil
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

func mib(b int64) string { return fmt.Sprintf("%.1fMiB", float64(b)/(1<<20)) }
