package bindings

import (
	"context"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// sock is a real OS socket made with socket(2), non-blocking underneath
// and parked on Go's network poller (through an *os.File), so that a
// blocked call holds no OS thread and every wait is interruptible.
// Python's blocking and timeout modes are emulated on top.
type sock struct {
	family, typ, proto int
	fd                 int // the descriptor number while open, for fileno and repr
	host               Host
	tracing            bool // --trace is on: the host's setting, read once

	mu      sync.Mutex // guards file against Close from another goroutine
	file    *os.File
	rc      syscall.RawConn
	untrack func()

	timeout time.Duration // < 0: blocking (Python's None); 0: non-blocking
	rbuf    []byte        // read ahead by recv_until, served before the kernel's
}

// noTimeout is Python's settimeout(None).
const noTimeout = time.Duration(-1)

// newSock wraps a non-blocking descriptor and registers it with the host.
func newSock(h Host, fd, family, typ, proto int, timeout time.Duration) (*sock, error) {
	s := &sock{family: family, typ: typ, proto: proto, fd: fd, timeout: timeout, host: h}
	s.file = os.NewFile(uintptr(fd), "socket")
	rc, err := s.file.SyscallConn()
	if err != nil {
		s.file.Close()
		return nil, err
	}
	s.rc = rc
	if h != nil {
		s.tracing = h.Tracing()
		untrack, err := h.Track(s)
		if err != nil {
			s.file.Close()
			return nil, err
		}
		s.untrack = untrack
	}
	return s, nil
}

// Close closes the descriptor; closing again does nothing, as in Python.
// A call blocked on the socket in another thread wakes with EBADF.
func (s *sock) Close() error {
	s.mu.Lock()
	f := s.file
	s.file = nil
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	if s.untrack != nil {
		s.untrack()
	}
	return f.Close()
}

// conn returns the open file, or EBADF once closed.
func (s *sock) conn() (*os.File, syscall.RawConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file == nil {
		return nil, nil, unix.EBADF
	}
	return s.file, s.rc, nil
}

func (s *sock) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file == nil
}

// control runs op on the descriptor without waiting.
func (s *sock) control(op func(fd int) error) error {
	_, rc, err := s.conn()
	if err != nil {
		return err
	}
	var opErr error
	if err := rc.Control(func(fd uintptr) { opErr = op(int(fd)) }); err != nil {
		return closedErr(err)
	}
	return opErr
}

// io runs op until it stops answering EAGAIN, as Python's socket module
// does for a blocking call: once at once, then, if it would block and the
// socket is not in non-blocking mode, with the interpreter lock released,
// parked on the poller until the descriptor is ready, the timeout passes
// (TimeoutError) or L's context ends (KeyboardInterrupt).
func (s *sock) io(L *lua.LState, write bool, op func(fd int) error) error {
	return s.ioUntil(L, write, s.deadline(), op)
}

// deadline is when an operation started now times out; zero for never.
func (s *sock) deadline() time.Time {
	if s.timeout > 0 {
		return time.Now().Add(s.timeout)
	}
	return time.Time{}
}

func (s *sock) ioUntil(L *lua.LState, write bool, deadline time.Time, op func(fd int) error) error {
	err := s.control(op)
	if !wouldBlock(err) || s.timeout == 0 {
		return err
	}
	f, rc, cerr := s.conn()
	if cerr != nil {
		return cerr
	}
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	s.host.Unlocked(func() { err = wait(ctx, f, rc, write, deadline, op) })
	if err != nil && ctx.Err() == nil && s.closed() {
		// Closed by another thread while waiting: the poller says "use of
		// closed file" (internal/poll.ErrFileClosing, not os.ErrClosed).
		return unix.EBADF
	}
	return err
}

func wouldBlock(err error) bool {
	return err == unix.EAGAIN || err == unix.EINTR
}

// wait parks on the poller until op succeeds or fails for good.
func wait(ctx context.Context, f *os.File, rc syscall.RawConn, write bool, deadline time.Time, op func(fd int) error) error {
	setDeadline := f.SetReadDeadline
	if write {
		setDeadline = f.SetWriteDeadline
	}
	// Cancellation wakes the waiter by moving its deadline to the past.
	woken := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(woken)
		setDeadline(time.Unix(1, 0))
	})
	defer func() {
		if !stop() {
			<-woken
		}
	}()
	for {
		if err := setDeadline(deadline); err != nil {
			return closedErr(err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var opErr error
		ready := func(fd uintptr) bool {
			opErr = op(int(fd))
			return !wouldBlock(opErr)
		}
		var err error
		if write {
			err = rc.Write(ready)
		} else {
			err = rc.Read(ready)
		}
		switch {
		case err == nil:
			return opErr
		case errors.Is(err, os.ErrDeadlineExceeded):
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !deadline.IsZero() && !time.Now().Before(deadline) {
				return os.ErrDeadlineExceeded
			}
			// Another waiter's cancellation moved the deadline: wait again.
		default:
			return closedErr(err)
		}
	}
}

// closedErr maps the poller's "file already closed" to EBADF.
func closedErr(err error) error {
	if errors.Is(err, os.ErrClosed) {
		return unix.EBADF
	}
	return err
}

// bufPool holds the scratch buffers recv reads into before the bytes are
// copied into a Lua string, so recv(n) never allocates n up front.
var bufPool = sync.Pool{New: func() any { b := make([]byte, recvChunk); return &b }}

const recvChunk = 64 * 1024
