// Command socklab runs Lua scripts that use Python's socket interface:
// the bundled exercises (list, show, eject, demo), your own scripts (run),
// and a REPL.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// After the first Ctrl-C, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
