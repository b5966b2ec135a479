// Command socklab runs Lua scripts that use Python's socket interface:
// the bundled exercises (list, show, eject, demo), your own scripts (run),
// and a REPL.
package main

import (
	"context"
	"os"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	interrupted := false
	sigint.set(func() {
		if interrupted {
			os.Exit(exitInterrupted) // a second Ctrl-C: do not wait
		}
		interrupted = true
		cancel()
	})
	routeSignals()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
