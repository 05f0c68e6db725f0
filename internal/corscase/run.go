package corscase

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/loopback"
	"github.com/corskit/corskit/origin"
)

// Request is fetch f of case c as the model takes it.
func (f Fetch) Request(c string, urls URLs) fetch.Request {
	u, _ := url.Parse(urls.Page)
	return fetch.Request{
		Origin:      origin.FromURL(u),
		Method:      f.Method,
		URL:         urls.URL(f.Target, c, 0),
		Headers:     f.Headers,
		Body:        f.Body,
		Mode:        f.Mode,
		Credentials: f.Credentials,
		Cache:       f.Cache,
		Redirect:    f.Redirect,
	}
}

// RunTable runs every case in a fresh model browser with profile p,
// against the servers s, and returns the results by case name.
func RunTable(ctx context.Context, p fetch.Profile, cases []Case, s *Servers) (map[string]Result, error) {
	var clock Clock
	b := &fetch.Browser{Profile: p, Transport: loopback.Transport(), Now: clock.Now, ServerNow: time.Now}
	out := make(map[string]Result, len(cases))
	for _, c := range cases {
		r, err := RunModel(ctx, b, &clock, c, s.URLs, s.Recorder)
		if err != nil {
			return nil, err
		}
		out[c.Name] = r
	}
	return out, nil
}

// Clock is the model's clock in a run: the wall clock, moved ahead by
// each fetch's After instead of waiting for it.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the wall clock plus the time advanced so far.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock ahead by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// RunModel runs case c in the model b, whose clock is clock, against live
// servers at urls whose requests rec records.
func RunModel(ctx context.Context, b *fetch.Browser, clock *Clock, c Case, urls URLs, rec *Recorder) (Result, error) {
	var out Result
	rec.Take(c.Name)
	for i, f := range c.Fetches {
		clock.Advance(f.After)
		res, err := b.Fetch(ctx, f.Request(c.Name, urls))
		if err != nil {
			return out, fmt.Errorf("case %s, fetch %d: %w", c.Name, i, err)
		}
		obs := Observation{Outcome: "allowed"}
		for _, l := range b.Profile.ConsoleLines(res) {
			out.Console = append(out.Console, urls.Normalize(l))
		}
		if res.Err != nil {
			obs.Outcome = "blocked"
			obs.Error = b.Profile.TypeErrorMessage(res)
		} else {
			obs.Type = string(res.Response.Type)
			obs.Status = res.Response.Status
			if names := res.Response.ReadableHeaderNames(); len(names) > 0 {
				obs.Headers = names
			}
		}
		obs.Wire = rec.Take(c.Name)
		out.Fetches = append(out.Fetches, obs)
	}
	return out, nil
}
