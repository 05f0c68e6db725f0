package main

import (
	"context"
	"net/url"
	"strings"
)

// lookahead is how many endpoints the scheduler holds queued at most. It
// lets a run get past a long stretch of one host's endpoints to the other
// hosts behind them, while memory stays bounded whatever the number of
// targets (an endpoint queued is a URL, a method and a line number: the
// window costs a few MB at worst).
const lookahead = 10_000

// hostKey returns the key endpoints are scheduled and rate-limited by:
// the URL's host and port, as audit's per-host rate limiter keys them.
func hostKey(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Host)
}

// schedule hands the endpoints read from in to the workers through work,
// each host from a queue of its own, at most perHost of one host at once.
// A worker thus always gets an endpoint of a host that is free to take
// one: the endpoints of a busy host (many paths, held to --rate by the
// audit's per-host limiter) wait in their queue instead of holding every
// worker while other hosts have nothing to do. Hosts are served in turn,
// so each gets its share of the workers.
//
// A worker reports the host of each endpoint it finished on done.
// schedule closes work when in is closed and every endpoint is done; when
// ctx ends it drops what is queued (nothing more is sent).
func schedule(ctx context.Context, in <-chan job, work chan<- job, done <-chan string, perHost int) {
	defer close(work)
	queues := map[string][]job{} // host -> its endpoints waiting
	inflight := map[string]int{} // host -> its endpoints being audited
	var ready []string           // hosts with an endpoint waiting and room for it, in turn
	queued, running := 0, 0
	stopped := ctx.Done()
	stop := func() {
		stopped = nil
		clear(queues)
		ready, queued = nil, 0
		if in != nil {
			// Drain in, so that the feeder is never stuck sending.
			go func(in <-chan job) {
				for range in {
				}
			}(in)
			in = nil
		}
	}
	for {
		var (
			recv = in
			send chan<- job
			next job
		)
		if queued >= lookahead {
			recv = nil // full: read on when an endpoint leaves
		}
		if len(ready) > 0 {
			send, next = work, queues[ready[0]][0]
		}
		if in == nil && queued == 0 && running == 0 {
			return
		}
		if stopped != nil && ctx.Err() != nil {
			stop()
			continue
		}
		select {
		case j, ok := <-recv:
			if !ok {
				in = nil
				continue
			}
			h := hostKey(j.url)
			if len(queues[h]) == 0 && inflight[h] < perHost {
				ready = append(ready, h)
			}
			queues[h] = append(queues[h], j)
			queued++
		case send <- next:
			h := ready[0]
			ready = ready[1:]
			q := queues[h][1:]
			if len(q) == 0 {
				delete(queues, h) // memory: no entry for hosts with nothing waiting
			} else {
				queues[h] = q
			}
			queued--
			running++
			inflight[h]++
			if len(q) > 0 && inflight[h] < perHost {
				ready = append(ready, h) // its next turn comes after the other hosts'
			}
		case h := <-done:
			running--
			if inflight[h]--; inflight[h] == 0 {
				delete(inflight, h)
			}
			if len(queues[h]) > 0 && inflight[h] == perHost-1 {
				ready = append(ready, h) // it was full: room again
			}
		case <-stopped:
			stop()
		}
	}
}
