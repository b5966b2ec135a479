package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
)

// Exit statuses.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitTimeout     = 124
	exitInterrupted = 130
)

// env is what a command gets: its arguments after the flags, the streams
// and the common flags.
type env struct {
	ctx    context.Context
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	flags  *commonFlags
	bench  benchFlags // socklab bench's own flags
}

// command is one subcommand.
type command struct {
	name  string
	usage string // arguments, for the help
	help  string
	run   func(e *env) int
	// setup adds the command's own flags.
	setup func(fs *flag.FlagSet, e *env)
}

// commands in the order help lists them.
var commands []*command

func init() {
	commands = []*command{
		{name: "run", usage: "FILE|NAME [args...]", help: "run a script: a file, a bundled NAME such as tcp_basic/server, -e CODE, or - for stdin", run: cmdRun, setup: setupRun},
		{name: "repl", usage: "", help: "the interactive prompt", run: cmdRepl},
		{name: "list", usage: "", help: "list the bundled exercises", run: cmdList},
		{name: "show", usage: "NAME", help: "print a bundled script (tcp_basic/server) or an exercise's scripts", run: cmdShow},
		{name: "eject", usage: "NAME [DIR]", help: "copy an exercise's files into DIR (default ./NAME) to edit them", run: cmdEject},
		{name: "demo", usage: "NAME", help: "run an exercise's server and client together, output labelled [server]/[client]", run: cmdDemo, setup: setupDemo},
		{name: "bench", usage: "", help: "the benchmark suite: socklab, CPython and Go side by side, one table of medians (--smoke: a quick correctness check)", run: cmdBench, setup: setupBench},
	}
}

// commonFlags are accepted before the command and after it.
type commonFlags struct {
	trace   bool
	allow   string
	timeout time.Duration
	code    codeFlag // -e
	port    int
	input   bool // demo -i
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&c.trace, "trace", c.trace, "print each socket call with its arguments and result to stderr")
	fs.StringVar(&c.allow, "allow", c.allow, "network policy: comma-separated CIDRs the script may talk to (others raise PermissionError)")
	fs.DurationVar(&c.timeout, "timeout", c.timeout, "cancel the run after this long (exit status 124)")
}

// codeFlag is -e CODE; set tells an empty -e "" (run nothing, as python3 -c "" does)
// from no -e at all (the REPL).
type codeFlag struct {
	code string
	set  bool
}

func (c *codeFlag) String() string { return c.code }

func (c *codeFlag) Set(s string) error {
	c.code, c.set = s, true
	return nil
}

func setupRun(fs *flag.FlagSet, e *env) {
	fs.Var(&e.flags.code, "e", "run CODE instead of a file")
}

func setupDemo(fs *flag.FlagSet, e *env) {
	fs.IntVar(&e.flags.port, "port", -1, "port for both sides (default: the seed's; 0: any free port)")
	fs.BoolVar(&e.flags.input, "i", false, "read the scripts' input() lines from the terminal instead of the exercise's")
}

// run is the whole program, testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, flags: &commonFlags{}}
	top := flag.NewFlagSet("socklab", flag.ContinueOnError)
	top.SetOutput(stderr)
	e.flags.register(top)
	top.Var(&e.flags.code, "e", "run CODE")
	top.Usage = func() { usage(stderr) }
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	args = top.Args()
	if e.flags.code.set {
		e.args = args
		return cmdRun(e)
	}
	if len(args) == 0 {
		return cmdRepl(e)
	}
	cmd := lookup(args[0])
	if cmd == nil {
		// socklab FILE [args] and socklab - run a script.
		if args[0] == "-" || strings.HasSuffix(args[0], ".lua") || fileExists(args[0]) {
			cmd, args = lookup("run"), append([]string{"run"}, args...)
		} else {
			fmt.Fprintf(stderr, "socklab: unknown command %q\n", args[0])
			usage(stderr)
			return exitUsage
		}
	}
	fs := flag.NewFlagSet("socklab "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	e.flags.register(fs)
	if cmd.setup != nil {
		cmd.setup(fs, e)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: socklab %s [flags] %s\n\n%s\n\nflags:\n", cmd.name, cmd.usage, cmd.help)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	e.args = fs.Args()
	return cmd.run(e)
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: socklab [flags] [command] [args...]")
	fmt.Fprintln(w, "       socklab FILE [args...]     run a script (same as socklab run FILE)")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-6s %-20s %s\n", c.name, c.usage, c.help)
	}
	fmt.Fprintln(w, "\nflags (before or after the command):")
	fmt.Fprintln(w, "  --trace            print each socket call to stderr")
	fmt.Fprintln(w, "  --allow CIDR,...   network policy: anything else raises PermissionError")
	fmt.Fprintln(w, "  --timeout DURATION cancel the run after DURATION (exit status 124)")
	fmt.Fprintln(w, "  -e CODE            run CODE")
	fmt.Fprintln(w, "\nexit status: 0 ok, 1 script error, 2 usage, 124 timed out, 130 interrupted, or os.exit's code")
}

// runtimeOptions builds the options the common flags ask for.
func (e *env) runtimeOptions() (runtime.Options, error) {
	opts := runtime.Options{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr}
	if e.flags.trace {
		opts.Trace = e.stderr
	}
	if e.flags.allow != "" {
		opts.Allow = []netip.Prefix{}
		for _, s := range strings.Split(e.flags.allow, ",") {
			s = strings.TrimSpace(s)
			p, err := netip.ParsePrefix(s)
			if err != nil {
				ip, ierr := netip.ParseAddr(s)
				if ierr != nil {
					return opts, fmt.Errorf("--allow: %q is not a CIDR (like 127.0.0.0/8) or an address", s)
				}
				p = netip.PrefixFrom(ip, ip.BitLen())
			}
			opts.Allow = append(opts.Allow, p)
		}
	}
	return opts, nil
}

// runContext applies --timeout.
func (e *env) runContext() (context.Context, context.CancelFunc) {
	if e.flags.timeout > 0 {
		return context.WithTimeout(e.ctx, e.flags.timeout)
	}
	return context.WithCancel(e.ctx)
}

// status turns a run's error into the exit status, printing what the
// user needs to see.
func (e *env) status(ctx context.Context, err error, printTraceback bool) int {
	if err == nil {
		return exitOK
	}
	var serr *runtime.ScriptError
	if !errors.As(err, &serr) {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitError
	}
	switch {
	case serr.Kind == api.SystemExit:
		return serr.Code
	case serr.Kind == api.KeyboardInterrupt && errors.Is(ctx.Err(), context.DeadlineExceeded) && e.ctx.Err() == nil:
		fmt.Fprintf(e.stderr, "socklab: timed out after %s\n", e.flags.timeout)
		return exitTimeout
	case serr.Kind == api.KeyboardInterrupt:
		if printTraceback {
			io.WriteString(e.stderr, serr.Traceback())
		}
		return exitInterrupted
	}
	if printTraceback {
		io.WriteString(e.stderr, serr.Traceback())
	}
	return exitError
}
