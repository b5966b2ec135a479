package runtime_test

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
)

// An uncaught error reaches the host as the one error type, whose Unwrap
// is the cause and whose Is matches Python's classes, subclasses
// included.
func TestScriptErrorUnwrapsToCause(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		src     string
		timeout time.Duration
		kind    api.Kind
		is      []error // errors.Is holds
		isNot   []error // errors.Is does not hold
	}{
		{
			name:  "refused",
			src:   `local s = socket.socket(); s:connect{"127.0.0.1", 1}`,
			kind:  api.ConnectionRefusedError,
			is:    []error{syscall.ECONNREFUSED, api.ConnectionRefusedError, api.ConnectionError, api.OSError, api.Exception},
			isNot: []error{syscall.ECONNRESET, api.TimeoutError, api.ValueError, context.Canceled},
		},
		{
			name:  "socket timeout",
			src:   `local a, b = socket.socketpair(); a:settimeout(0.01); a:recv(1)`,
			kind:  api.TimeoutError,
			is:    []error{os.ErrDeadlineExceeded, api.TimeoutError, api.OSError},
			isNot: []error{api.ConnectionError, context.DeadlineExceeded},
		},
		{
			name:    "cancelled in recv",
			src:     `local a, b = socket.socketpair(); a:recv(1)`,
			timeout: 50 * time.Millisecond,
			kind:    api.KeyboardInterrupt,
			is:      []error{context.DeadlineExceeded, api.KeyboardInterrupt, api.BaseException},
			isNot:   []error{api.Exception, api.OSError},
		},
		{
			name:    "cancelled in a pure Lua loop",
			src:     `while true do end`,
			timeout: 50 * time.Millisecond,
			kind:    api.KeyboardInterrupt,
			is:      []error{context.DeadlineExceeded, api.KeyboardInterrupt},
			isNot:   []error{api.Exception},
		},
		{
			name:  "bad argument",
			src:   `local s = socket.socket(); s:recv("many")`,
			kind:  api.TypeError,
			is:    []error{api.TypeError, api.Exception},
			isNot: []error{api.OSError},
		},
		{
			name:  "os.exit",
			src:   `os.exit(3)`,
			kind:  api.SystemExit,
			is:    []error{api.SystemExit, api.BaseException},
			isNot: []error{api.Exception},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := runtime.New(runtime.Options{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}})
			defer rt.Close()
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 20 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			serr := scriptError(t, rt.RunString(ctx, "t.lua", tc.src))
			if serr.Kind != tc.kind {
				t.Fatalf("kind %s (%v), want %s", serr.Kind, serr, tc.kind)
			}
			for _, target := range tc.is {
				if !errors.Is(serr, target) {
					t.Errorf("errors.Is(%v, %v) = false, want true", serr, target)
				}
			}
			for _, target := range tc.isNot {
				if errors.Is(serr, target) {
					t.Errorf("errors.Is(%v, %v) = true, want false", serr, target)
				}
			}
		})
	}
}

// The object a script catches is the error the host would get: the same
// fields, read from one value.
func TestCaughtErrorIsTheHostError(t *testing.T) {
	t.Parallel()
	out, stderr, err := run(t, `
		local s = socket.socket()
		local ok, e = pcall(s.connect, s, {"127.0.0.1", 1})
		print(e:is("OSError"), e:is("ConnectionError"), e:is(socket.error), e:is(socket.timeout))
		error(e)`)
	if out != "true\ttrue\ttrue\tfalse\n" {
		t.Errorf("printed %q\n%s", out, stderr)
	}
	serr := scriptError(t, err)
	if serr.Kind != api.ConnectionRefusedError || serr.Where != "test.lua:3" || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("got %#v", serr)
	}
}
