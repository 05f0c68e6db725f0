package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corskit/corskit/cors"
)

// serverEnv, when set in the environment, makes the binary (the command or
// the test binary) run as the server process instead of the load generator.
// The server runs in a child process so that its RSS is its own, not the
// load generator's.
const serverEnv = "CORSKIT_LOAD_SERVER"

// serverStats is what the control endpoint reports.
type serverStats struct {
	RSS             int64 `json:"rss"`  // resident set now, bytes
	PeakRSS         int64 `json:"peak"` // high-water mark, bytes
	Reconfigures    int64 `json:"reconfigures"`
	ReconfigureErrs int64 `json:"reconfigure_errors"`
	Requests        int64 `json:"requests"`
}

// serve runs the server process: the cors middleware around a small
// handler on one loopback listener, and a control endpoint on another. It
// prints both addresses on stdout and exits when stdin closes (the parent
// is gone) or on an error.
func serve(stdin io.Reader, stdout io.Writer) error {
	mw, err := cors.New(policies[0])
	if err != nil {
		return err
	}
	var requests atomic.Int64
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Handler", "ran")
		io.WriteString(w, "ok")
	})
	// Counted in front of the middleware: it answers preflights itself.
	wrapped := mw.Wrap(app)
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		wrapped.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctlLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           counted,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20, // net/http's default, stated
	}
	go srv.Serve(ln)

	var (
		mu       sync.Mutex
		stop     chan struct{}
		done     chan struct{}
		reconfs  atomic.Int64
		reconfEr atomic.Int64
	)
	ctl := http.NewServeMux()
	ctl.HandleFunc("POST /reconfigure", func(w http.ResponseWriter, r *http.Request) {
		every, err := time.ParseDuration(r.FormValue("every"))
		if err != nil || every <= 0 {
			http.Error(w, "every: want a positive duration", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if stop != nil {
			http.Error(w, "already reconfiguring", http.StatusConflict)
			return
		}
		stop, done = make(chan struct{}), make(chan struct{})
		go func(stop, done chan struct{}) {
			defer close(done)
			t := time.NewTicker(every)
			defer t.Stop()
			for i := 1; ; i++ {
				select {
				case <-stop:
					// Leave policy A in force for the phases after this one.
					if err := mw.Reconfigure(policies[0]); err != nil {
						reconfEr.Add(1)
					}
					return
				case <-t.C:
					if err := mw.Reconfigure(policies[i%2]); err != nil {
						reconfEr.Add(1)
					}
					reconfs.Add(1)
				}
			}
		}(stop, done)
	})
	ctl.HandleFunc("POST /reconfigure/stop", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if stop != nil {
			close(stop)
			<-done
			stop = nil
		}
	})
	ctl.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		s := serverStats{Reconfigures: reconfs.Load(), ReconfigureErrs: reconfEr.Load(), Requests: requests.Load()}
		s.RSS, s.PeakRSS = memory()
		json.NewEncoder(w).Encode(s)
	})
	go (&http.Server{Handler: ctl, ReadHeaderTimeout: 10 * time.Second}).Serve(ctlLn)

	fmt.Fprintf(stdout, "%s %s\n", ln.Addr(), ctlLn.Addr())
	io.Copy(io.Discard, stdin) // until the parent closes it or dies
	return nil
}

// memory reads the process's resident set size and its peak from
// /proc/self/status (Linux); zeros elsewhere.
func memory() (rss, peak int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
		switch string(f[0]) {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return rss, peak
}
