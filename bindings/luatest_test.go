package bindings_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socklab/socklab/runtime"
)

// runLuaTestdata runs every testdata/DIR/*.lua script in a fresh runtime,
// in parallel, with the assert helpers of socketPrelude (eq, ok, match,
// has, raises, spawn...) and a directory of its own as arg[1] (for
// AF_UNIX paths). A script passes when it runs to its end without writing
// to stderr; skip(reason) skips it.
func runLuaTestdata(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no scripts in testdata/%s", dir)
	}
	var total atomic.Int64
	t.Cleanup(func() {
		if n := total.Load(); n > 0 {
			t.Logf("%d checks in %d scripts", n, len(files))
		}
	})
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// The prelude and the script share line 1, so that the
			// script's line numbers (in errors and in here()) are its own.
			code := "assert(loadstring(" + luaQuote(socketPrelude) + `, "prelude"))() ` +
				string(src) + "\nprint(\"CHECKS \" .. __checks())\n"
			var stdout, stderr bytes.Buffer
			rt := runtime.New(runtime.Options{
				Stdin:  strings.NewReader(""),
				Stdout: &stdout,
				Stderr: &stderr,
				Args:   []string{t.TempDir()},
			})
			defer rt.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			err = rt.RunString(ctx, name, code)
			var serr *runtime.ScriptError
			if errors.As(err, &serr) && strings.HasPrefix(serr.Message, "SKIP: ") {
				t.Skip(strings.TrimPrefix(serr.Message, "SKIP: "))
			}
			if err != nil {
				msg := err.Error()
				if serr != nil {
					msg = serr.Traceback()
				}
				t.Fatalf("%s failed after %v:\n%s\n--- stdout:\n%s\n--- stderr:\n%s",
					name, time.Since(start).Round(time.Millisecond), msg, stdout.String(), stderr.String())
			}
			if stderr.Len() > 0 {
				// An uncaught error in a thread does not fail the script,
				// but it is a failure here.
				t.Fatalf("%s wrote to stderr:\n%s\n--- stdout:\n%s", name, stderr.String(), stdout.String())
			}
			m := checksLine.FindStringSubmatch(stdout.String())
			if m == nil {
				t.Fatalf("%s did not report its checks:\n%s", name, stdout.String())
			}
			n, _ := strconv.Atoi(m[1])
			t.Logf("%s: %d checks", name, n)
			total.Add(int64(n))
		})
	}
}
