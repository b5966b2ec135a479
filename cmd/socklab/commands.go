package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
	"github.com/socklab/socklab/scripts"
)

func cmdRun(e *env) int {
	opts, err := e.runtimeOptions()
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitUsage
	}
	var name, src string
	switch {
	case e.flags.code.set:
		name, src = "(command line)", e.flags.code.code
		opts.Args = e.args
	case len(e.args) == 0:
		fmt.Fprintln(e.stderr, "usage: socklab run FILE|NAME [args...]  (or -e CODE, or - for stdin)")
		return exitUsage
	case e.args[0] == "-":
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			fmt.Fprintf(e.stderr, "socklab: reading stdin: %v\n", err)
			return exitError
		}
		name, src = "stdin", string(data)
		opts.Stdin = strings.NewReader("")
		opts.Args = e.args[1:]
	default:
		name = e.args[0]
		if data, err := os.ReadFile(name); err == nil {
			src = string(data)
		} else if file, bundled, berr := scripts.Source(name); berr == nil {
			name, src = file, bundled
		} else {
			fmt.Fprintf(e.stderr, "socklab: %s: no such file, and %v\n", name, berr)
			return exitError
		}
		opts.Args = e.args[1:]
	}
	// The traceback goes out at once, before the threads are waited for.
	printed := false
	opts.OnError = func(serr *runtime.ScriptError) {
		if serr.Kind != api.SystemExit && serr.Kind != api.KeyboardInterrupt {
			io.WriteString(e.stderr, serr.Traceback())
			printed = true
		}
	}
	ctx, cancel := e.runContext()
	defer cancel()
	rt := runtime.New(opts)
	defer rt.Close()
	err = rt.RunString(ctx, name, src)
	return e.status(ctx, err, !printed)
}

func cmdList(e *env) int {
	list, err := scripts.List()
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitError
	}
	for _, ex := range list {
		fmt.Fprintf(e.stdout, "%-18s %s\n%-18s   concept: %s\n%-18s   seed:    %s\n", ex.Name, ex.Summary, "", ex.Concept, "", ex.Seed)
	}
	return exitOK
}

func cmdShow(e *env) int {
	if len(e.args) != 1 {
		fmt.Fprintln(e.stderr, "usage: socklab show NAME   (an exercise, or one script such as tcp_basic/server)")
		return exitUsage
	}
	name := e.args[0]
	if _, src, err := scripts.Source(name); err == nil && strings.Contains(name, "/") {
		io.WriteString(e.stdout, src)
		return exitOK
	}
	ex, err := scripts.Lookup(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitError
	}
	shown := map[string]bool{}
	for _, role := range ex.Roles {
		script := ex.ScriptName(role)
		if shown[script] {
			continue
		}
		file, src, err := scripts.Source(script)
		if err != nil {
			fmt.Fprintf(e.stderr, "socklab: %v\n", err)
			return exitError
		}
		if len(shown) > 0 {
			fmt.Fprintln(e.stdout)
		}
		shown[script] = true
		fmt.Fprintf(e.stdout, "==> %s <==\n%s", file, src)
	}
	return exitOK
}

func cmdEject(e *env) int {
	if len(e.args) < 1 || len(e.args) > 2 {
		fmt.Fprintln(e.stderr, "usage: socklab eject NAME [DIR]")
		return exitUsage
	}
	name := e.args[0]
	dir := name
	if len(e.args) == 2 {
		dir = e.args[1]
	}
	files, err := scripts.Files(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitError
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "socklab: eject: %v\n", err)
		return exitError
	}
	for _, f := range files {
		data, err := fs.ReadFile(scripts.FS(), f)
		if err != nil {
			fmt.Fprintf(e.stderr, "socklab: eject: %v\n", err)
			return exitError
		}
		dst := filepath.Join(dir, filepath.Base(f))
		if _, err := os.Stat(dst); err == nil {
			fmt.Fprintf(e.stderr, "socklab: eject: %s exists; not overwriting it\n", dst)
			return exitError
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			fmt.Fprintf(e.stderr, "socklab: eject: %v\n", err)
			return exitError
		}
		fmt.Fprintln(e.stdout, dst)
	}
	return exitOK
}

func cmdDemo(e *env) int {
	if len(e.args) != 1 {
		fmt.Fprintln(e.stderr, "usage: socklab demo [--port P] [-i] NAME   (see socklab list)")
		return exitUsage
	}
	opts, err := e.runtimeOptions()
	if err != nil {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitUsage
	}
	d := scripts.DemoOptions{Port: e.flags.port, Stdout: e.stdout, Stderr: e.stderr, Runtime: opts}
	if e.flags.input {
		d.Stdin = e.stdin
	}
	ctx, cancel := e.runContext()
	defer cancel()
	err = scripts.Demo(ctx, e.args[0], d)
	var roleErr *scripts.RoleError
	if err != nil && !errors.As(err, &roleErr) {
		fmt.Fprintf(e.stderr, "socklab: %v\n", err)
		return exitError
	}
	if roleErr != nil {
		// Demo printed the role's traceback already.
		return e.status(ctx, roleErr.Err, false)
	}
	return exitOK
}
