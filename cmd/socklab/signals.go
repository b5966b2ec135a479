package main

import (
	"os"
	"os/signal"
	"sync"
)

// sigint routes Ctrl-C. By default it cancels the run (exit status 130),
// and a second one ends the process at once; the REPL takes it over to
// interrupt only the chunk that runs.
var sigint = &router{}

type router struct {
	mu sync.Mutex
	fn func()
}

// set makes fn the handler and returns a func that restores the previous.
func (r *router) set(fn func()) (restore func()) {
	r.mu.Lock()
	prev := r.fn
	r.fn = fn
	r.mu.Unlock()
	return func() { r.set(prev) }
}

func (r *router) fire() {
	r.mu.Lock()
	fn := r.fn
	r.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// routeSignals delivers SIGINT to the router until the process ends.
func routeSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	go func() {
		for range ch {
			sigint.fire()
		}
	}()
}
