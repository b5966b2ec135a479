package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"
)

// termGuard keeps the terminal's state from before the REPL and puts it
// back on every way out: Close, a panic (cmdRepl's deferred recover) and
// SIGTERM, which would otherwise leave the shell in raw mode.
type termGuard struct {
	fd    int
	saved *unix.Termios
	raw   *readline.State // readline's raw mode, while a line is read
	stop  chan struct{}
}

func newTermGuard(fd int) *termGuard {
	g := &termGuard{fd: fd, stop: make(chan struct{})}
	if t, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
		g.saved = t
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	go func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
			g.restore()
			// Die of SIGTERM as if it had not been caught.
			signal.Reset(syscall.SIGTERM)
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(time.Second)
			os.Exit(128 + int(syscall.SIGTERM))
		case <-g.stop:
		}
	}()
	return g
}

// makeRaw and exitRaw are readline's FuncMakeRaw and FuncExitRaw, on the
// terminal the REPL reads (readline's own always use fd 0).
func (g *termGuard) makeRaw() (err error) {
	g.raw, err = readline.MakeRaw(g.fd)
	return err
}

func (g *termGuard) exitRaw() error {
	if g.raw == nil {
		return nil
	}
	return readline.Restore(g.fd, g.raw)
}

func (g *termGuard) restore() {
	if g.saved != nil {
		unix.IoctlSetTermios(g.fd, unix.TCSETS, g.saved)
	}
}

func (g *termGuard) Close() {
	select {
	case <-g.stop:
	default:
		close(g.stop)
	}
	g.restore()
}

// termWidth is readline's FuncGetWidth: the width of the first of fds
// that is a terminal with a size, else 80. With 0 readline silently turns
// completion and history search off, and a new pseudo-terminal is 0 wide.
func termWidth(fds ...int) func() int {
	return func() int {
		for _, fd := range fds {
			if ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
				return int(ws.Col)
			}
		}
		return 80
	}
}

// watchWidth is readline's FuncOnWidthChanged: on SIGWINCH it marks the
// width changed, and the key filter passes that on to readline from its
// own goroutine with the next key.
func watchWidth(f *keyFilter, stop <-chan struct{}) func(func()) {
	return func(cb func()) {
		f.onWidthChanged(cb)
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGWINCH)
		go func() {
			defer signal.Stop(ch)
			for {
				select {
				case <-ch:
					f.resized.Store(true)
				case <-stop:
					return
				}
			}
		}()
	}
}
