package bindings

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// sock is a real OS socket made with socket(2), non-blocking underneath.
// Python's blocking and timeout modes are emulated on top: every call is
// tried at once, and only when it would block is the descriptor parked on
// Go's network poller (through an *os.File made at the first wait), so a
// blocked call holds no OS thread and every wait is interruptible, while a
// call that does not block costs its system call and nothing else.
type sock struct {
	family, typ, proto int
	fd                 int // the descriptor number, for fileno, repr and trace
	host               api.Host
	tracing            bool // --trace is on: the host's setting, read once

	// mu guards the descriptor against Close from another goroutine (the
	// runtime's, at its end): a system call made under mu never runs on a
	// descriptor number that was closed and reused meanwhile.
	mu      sync.Mutex
	open    bool
	file    *os.File // nil until the first wait; then it owns the descriptor
	rc      syscall.RawConn
	untrack func()

	// The waiting state, kept between waits so that a wait sets up only
	// what changed: the context whose cancellation pokes the waiter, and
	// which directions' deadlines may be set on the file. turns[d] lets
	// one thread at a time wait in direction d on the poller, which has
	// one deadline per direction; the others wait for their turn, each
	// with its own deadline and context.
	pokeCtx  context.Context // guarded by mu
	stopPoke func() bool     // guarded by mu
	armed    [2]atomic.Bool  // read, write: a deadline may be set
	turns    [2]turn
	// blocked[d]: the last call in direction d had to wait. The next one
	// goes straight to the poller, which tries the call (or, for a read
	// into a pooled buffer, asks poll(2)) before it parks: trying it first
	// as well would cost a system call that most likely says EAGAIN (the
	// recv of a ping-pong). Guarded by the interpreter lock.
	blocked [2]bool
	// bulk: the last recv filled a large read, so the next one reads
	// straight into its result, in slab (recvDirect). Guarded by the
	// interpreter lock.
	bulk bool
	slab []byte

	timeout time.Duration // < 0: blocking (Python's None); 0: non-blocking
	rbuf    []byte        // read ahead by recv_until, served before the kernel's
}

// noTimeout is Python's settimeout(None).
const noTimeout = time.Duration(-1)

// newSock wraps a non-blocking descriptor and registers it with the host.
// On failure the descriptor is left open for the caller to close.
func newSock(h api.Host, fd, family, typ, proto int, timeout time.Duration) (*sock, error) {
	s := &sock{family: family, typ: typ, proto: proto, fd: fd, timeout: timeout, host: h, open: true}
	if h != nil {
		s.tracing = h.Tracing()
		untrack, err := h.Track(s)
		if err != nil {
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
	if !s.open {
		s.mu.Unlock()
		return nil
	}
	s.open = false
	f := s.file
	s.file, s.rc = nil, nil
	if s.stopPoke != nil {
		s.stopPoke()
		s.stopPoke = nil
	}
	var err error
	if f == nil {
		err = unix.Close(s.fd)
	}
	s.mu.Unlock()
	if s.untrack != nil {
		s.untrack()
	}
	if f != nil {
		// The poller wakes the waiters; the descriptor is closed once the
		// last of them has left.
		err = f.Close()
	}
	return err
}

func (s *sock) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.open
}

// control runs op on the descriptor without waiting: for the calls that
// never block (bind, listen, setsockopt...).
func (s *sock) control(op func(fd int) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return unix.EBADF
	}
	return op(s.fd)
}

// sysOp is one of the calls that may block, with its arguments and
// results. It is a value rather than a closure so that a call that does
// not block allocates nothing.
type sysOp struct {
	kind opKind
	buf  []byte // read into, or written from
	// scratch, when > 0, asks for a pooled buffer of that many bytes to
	// read into, taken just before each attempt and given back when it
	// would block: a thread parked in recv holds no buffer (10,000 of them
	// would hold 640 MiB). After a read, release gives it back.
	scratch int
	pooled  *[]byte
	flags   int           // send and recv flags
	to      unix.Sockaddr // sendto's address, connect's
	n       int           // bytes moved; accept's new descriptor
	from    unix.Sockaddr // recvfrom's sender, accept's peer
}

type opKind uint8

const (
	opRead     opKind = iota // read(2): recv without flags or address
	opRecvfrom               // recvfrom(2)
	opSend                   // sendmsg(2), never raising SIGPIPE
	opAccept                 // accept4(2)
	opConnect                // connect(2) again, to learn how an earlier one ended
)

// direction is 0 for the calls that wait to read, 1 for those that wait
// to write.
func (op *sysOp) direction() int {
	if op.kind == opSend || op.kind == opConnect {
		return 1
	}
	return 0
}

// run makes the system call on fd.
func (op *sysOp) run(fd int) (err error) {
	if op.scratch > 0 && op.pooled == nil {
		op.pooled = bufPool.Get().(*[]byte)
		op.buf = (*op.pooled)[:op.scratch]
	}
	defer func() {
		if op.pooled != nil && wouldBlock(err) {
			op.release()
		}
	}()
	switch op.kind {
	case opRead:
		op.n, err = unix.Read(fd, op.buf)
	case opRecvfrom:
		op.n, op.from, err = unix.Recvfrom(fd, op.buf, op.flags)
	case opSend:
		op.n, err = unix.SendmsgN(fd, op.buf, nil, op.to, op.flags|unix.MSG_NOSIGNAL)
	case opAccept:
		op.n, op.from, err = unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	case opConnect:
		// Calling connect again tells the outcome, and leaves the socket
		// as a blocking connect would (ready for another try after a
		// failure).
		switch err = unix.Connect(fd, op.to); err {
		case unix.EALREADY, unix.EINPROGRESS, unix.EINTR:
			err = unix.EAGAIN
		case unix.EISCONN:
			err = nil
		}
	}
	return err
}

// release gives the pooled buffer back.
func (op *sysOp) release() {
	if op.pooled != nil {
		bufPool.Put(op.pooled)
		op.pooled, op.buf = nil, nil
	}
}

// try runs op once, without waiting. When another thread waits for the
// interpreter lock, the call is made with the lock released, so that the
// other thread runs Lua meanwhile (CPython releases it around every
// socket call).
func (s *sock) try(op *sysOp) error {
	// Not for a read into a pooled buffer: queued for the lock afterwards,
	// the thread would hold the buffer meanwhile.
	if op.scratch == 0 && s.host != nil && s.host.Contended() {
		// c escapes to the closure; op stays on the caller's stack.
		c := struct {
			op  sysOp
			err error
		}{op: *op}
		s.host.Unlocked(func() { c.err = s.tryLocked(&c.op) })
		*op = c.op
		return c.err
	}
	return s.tryLocked(op)
}

func (s *sock) tryLocked(op *sysOp) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return unix.EBADF
	}
	return op.run(s.fd)
}

// io runs op as Python's socket module runs a blocking call: once at once,
// then, if it would block and the socket is not in non-blocking mode,
// with the interpreter lock released, parked on the poller until the
// descriptor is ready, the deadline passes (TimeoutError) or L's context
// ends (KeyboardInterrupt). A zero deadline never passes.
func (s *sock) io(L *lua.LState, deadline time.Time, op *sysOp) error {
	d := op.direction()
	if s.timeout == 0 || !s.blocked[d] {
		err := s.try(op)
		if !wouldBlock(err) || s.timeout == 0 {
			s.blocked[d] = false
			return err
		}
	}
	for {
		// The waiter gets a copy of its own, so that op, which the fast
		// path uses, stays on the caller's stack.
		waiting := *op
		parked, err := s.wait(L, deadline, &waiting)
		*op = waiting
		s.blocked[d] = parked
		if err != errReady {
			return err
		}
		// Readable: the read is made now, with the lock held, just before
		// its bytes are used. Another thread may have taken them first.
		if err := s.tryLocked(op); !wouldBlock(err) {
			return err
		}
	}
}

// errReady is what a wait for a read into a pooled buffer returns once
// the descriptor is readable: the read itself is left to the caller, so
// that a thread woken by its data and queued for the interpreter lock
// holds no buffer meanwhile (10,000 woken at once would hold one each).
var errReady = errors.New("ready")

// deadline is when an operation started now times out; zero for never.
func (s *sock) deadline() time.Time {
	if s.timeout > 0 {
		return time.Now().Add(s.timeout)
	}
	return time.Time{}
}

func wouldBlock(err error) bool {
	return err == unix.EAGAIN || err == unix.EINTR
}

// poller returns the file that parks waits on the poller, making it at
// the first wait.
func (s *sock) poller() (*os.File, syscall.RawConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.open {
		return nil, nil, unix.EBADF
	}
	if s.file == nil {
		f := os.NewFile(uintptr(s.fd), "socket")
		rc, err := f.SyscallConn()
		if err != nil {
			return nil, nil, err
		}
		s.file, s.rc = f, rc
	}
	return s.file, s.rc, nil
}

// wait runs op until it succeeds or fails for good, parked on the poller
// with the lock released while it would block; parked tells whether it
// had to.
func (s *sock) wait(L *lua.LState, deadline time.Time, op *sysOp) (parked bool, err error) {
	f, rc, err := s.poller()
	if err != nil {
		return false, err
	}
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	w := waiter{s: s, ctx: ctx, f: f, rc: rc, deadline: deadline, op: op}
	s.host.Unlocked(w.park)
	if w.err != nil && ctx.Err() == nil && s.closed() {
		// Closed by another thread while waiting: the poller says "use of
		// closed file" (internal/poll.ErrFileClosing, not os.ErrClosed).
		return w.parked, unix.EBADF
	}
	return w.parked, w.err
}

// pokeOn makes ctx's cancellation wake whoever waits on the socket, by
// moving the file's deadlines to the past. The registration outlives the
// wait: the next wait of the same thread finds it made.
func (s *sock) pokeOn(ctx context.Context, f *os.File) {
	if ctx.Done() == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx == s.pokeCtx || !s.open {
		return
	}
	if s.stopPoke != nil {
		s.stopPoke()
	}
	s.stopPoke = context.AfterFunc(ctx, func() {
		s.armed[0].Store(true)
		s.armed[1].Store(true)
		past := time.Unix(1, 0)
		f.SetReadDeadline(past)
		f.SetWriteDeadline(past)
	})
	s.pokeCtx = ctx
}

// turn is a first-come first-served lock whose waiters give up at their
// own deadline or when their context ends.
type turn struct {
	mu      sync.Mutex
	held    bool
	waiters []chan struct{}
}

// take waits for the turn until deadline (zero: none) or ctx's end.
func (t *turn) take(ctx context.Context, deadline time.Time) error {
	t.mu.Lock()
	if !t.held {
		t.held = true
		t.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	t.waiters = append(t.waiters, ch)
	t.mu.Unlock()
	var expired <-chan time.Time
	if !deadline.IsZero() {
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		expired = timer.C
	}
	var err error
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-expired:
		err = os.ErrDeadlineExceeded
	}
	t.mu.Lock()
	for i, c := range t.waiters {
		if c == ch {
			t.waiters = append(t.waiters[:i], t.waiters[i+1:]...)
			t.mu.Unlock()
			return err
		}
	}
	t.mu.Unlock()
	t.give() // handed over as it gave up: pass it on
	return err
}

// give hands the turn to the longest waiter, or frees it.
func (t *turn) give() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.waiters) == 0 {
		t.held = false
		return
	}
	close(t.waiters[0])
	t.waiters = t.waiters[1:]
}

// waiter is one wait on the poller, run with the interpreter lock released.
type waiter struct {
	s        *sock
	ctx      context.Context
	f        *os.File
	rc       syscall.RawConn
	deadline time.Time
	op       *sysOp

	calls  int // of op: more than one means it parked
	parked bool
	opErr  error
	err    error
}

// ready is the poller's callback: it makes the call, and says whether it
// is done.
func (w *waiter) ready(fd uintptr) bool {
	w.calls++
	if w.op.scratch > 0 {
		// A read into a pooled buffer is left to the caller: the poller
		// asks first whether the descriptor is readable already (its
		// readiness was reset), then wakes it when it becomes so.
		if w.calls == 1 && !readable(int(fd)) {
			return false
		}
		w.opErr = errReady
		return true
	}
	w.opErr = w.op.run(int(fd))
	return !wouldBlock(w.opErr)
}

// readable asks poll(2), without waiting, whether a read on fd would not
// block: data, end of file or an error to report.
func readable(fd int) bool {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds[:], 0)
	return n > 0 || (err != nil && err != unix.EINTR)
}

// park waits on the poller until op stops answering EAGAIN.
func (w *waiter) park() {
	d := w.op.direction()
	if w.err = w.s.turns[d].take(w.ctx, w.deadline); w.err != nil {
		return
	}
	defer w.s.turns[d].give()
	w.s.pokeOn(w.ctx, w.f)
	w.err = w.loop(&w.s.armed[d])
	w.parked = w.calls > 1
}

func (w *waiter) loop(armed *atomic.Bool) error {
	write := w.op.direction() == 1
	setDeadline := w.f.SetReadDeadline
	if write {
		setDeadline = w.f.SetWriteDeadline
	}
	for {
		// A deadline left by an earlier wait or a poke is reset; none is
		// set when there is none to set, as in a blocking call.
		if !w.deadline.IsZero() || armed.Swap(false) {
			if err := setDeadline(w.deadline); err != nil {
				return closedErr(err)
			}
			armed.Store(!w.deadline.IsZero())
		}
		if w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		var err error
		if write {
			err = w.rc.Write(w.ready)
		} else {
			err = w.rc.Read(w.ready)
		}
		switch {
		case err == nil:
			return w.opErr
		case errors.Is(err, os.ErrDeadlineExceeded):
			if w.ctx.Err() != nil {
				return w.ctx.Err()
			}
			if !w.deadline.IsZero() && !time.Now().Before(w.deadline) {
				return os.ErrDeadlineExceeded
			}
			// A poke for an earlier waiter's context moved the deadline:
			// wait again.
			armed.Store(true)
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

// bytesOf is the bytes of a Lua string without a copy, for the calls that
// only read them (send): Lua strings are immutable, and the kernel copies
// what it takes before the call returns.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// stringOf makes a Lua string of b without a copy; b must not be written
// afterwards.
func stringOf(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// bufPool holds the scratch buffers recv reads into before the bytes are
// copied into a Lua string, so recv(n) never allocates n up front.
var bufPool = sync.Pool{New: func() any { b := make([]byte, recvChunk); return &b }}

const recvChunk = 64 * 1024
