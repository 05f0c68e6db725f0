package main

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The scheduler hands out a host's endpoints only while the host has
// room (perHost), and serves the hosts in turn: no done is needed for
// the second host's endpoint to come out while the first host is full.
func TestScheduleHostsInTurn(t *testing.T) {
	in, work, done := make(chan job), make(chan job), make(chan string)
	go schedule(context.Background(), in, work, done, 1)
	go func() {
		for i := range 5 {
			in <- job{url: fmt.Sprintf("http://a.example/%d", i)}
		}
		in <- job{url: "http://B.example:81/x"}
		in <- job{url: "http://c.example/x"}
		close(in)
	}()
	recv := func() string {
		select {
		case j := <-work:
			return j.url
		case <-time.After(5 * time.Second):
			t.Fatal("no endpoint handed out")
		}
		return ""
	}
	got := []string{recv(), recv(), recv()}
	want := []string{"http://a.example/0", "http://B.example:81/x", "http://c.example/x"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("handed out %v with nothing done: want %v (one a host)", got, want)
	}
	select {
	case j := <-work:
		t.Fatalf("handed out %s while every host is full", j.url)
	case <-time.After(50 * time.Millisecond):
	}
	for i := 1; i < 5; i++ {
		done <- "a.example"
		if j := recv(); j != fmt.Sprintf("http://a.example/%d", i) {
			t.Fatalf("after a.example's endpoint was done: got %s", j)
		}
	}
	done <- "a.example"
	done <- "b.example:81"
	done <- "c.example"
	if _, ok := <-work; ok {
		t.Fatal("work not closed when everything is done")
	}
}

// Stopping the run drops what is queued and ends the scheduler, however
// many endpoints the feeder still has.
func TestScheduleStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	in, work, done := make(chan job), make(chan job), make(chan string)
	go schedule(ctx, in, work, done, 1)
	fed := make(chan bool)
	go func() {
		defer close(fed)
		for i := range 100_000 {
			select {
			case in <- job{url: fmt.Sprintf("http://a.example/%d", i)}:
			case <-ctx.Done():
				return
			}
		}
	}()
	<-work
	cancel()
	done <- "a.example"
	select {
	case j, ok := <-work:
		if ok {
			t.Fatalf("handed out %s after the stop", j.url)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("work not closed after the stop")
	}
	<-fed
}
