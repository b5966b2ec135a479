package bindings

import (
	"bytes"
	"fmt"
	"slices"
	"time"
	"unsafe"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// The socket methods. Index 1 is the receiver, so argument numbers in
// messages are one less than stack indexes, as Lua 5.1 reports them.

func sockBind(L *lua.LState) int {
	s := checkSock(L, "bind")
	addr, _ := checkAddr(L, 2, 1, "bind", s.family)
	err := s.control(func(fd int) error { return unix.Bind(fd, addr.sa) })
	if err != nil {
		s.fail(L, err, "bind(%s)", formatAddr(addr.sa))
	}
	if s.tracing {
		s.tracef("bind(%s) -> ok", formatAddr(addr.sa))
	}
	if s.typ == unix.SOCK_DGRAM {
		s.announce(L)
	}
	return 0
}

// announce tells the host the socket is ready for peers.
func (s *sock) announce(L *lua.LState) {
	var sa unix.Sockaddr
	s.control(func(fd int) (err error) { sa, err = unix.Getsockname(fd); return })
	network := map[int]string{unix.SOCK_STREAM: "tcp", unix.SOCK_DGRAM: "udp"}[s.typ]
	if s.family == unix.AF_UNIX {
		network = "unix"
	}
	if sa != nil {
		api.HostOf(L).Listening(network, hostPort(sa))
	}
}

func sockListen(L *lua.LState) int {
	s := checkSock(L, "listen")
	// Python's default: min(SOMAXCONN, 128).
	backlog := api.Method(L, "listen").OptInt(2, min(unix.SOMAXCONN, 128))
	backlog = max(backlog, 0)
	err := s.control(func(fd int) error { return unix.Listen(fd, backlog) })
	if err != nil {
		s.fail(L, err, "listen(%d)", backlog)
	}
	if s.tracing {
		s.tracef("listen(%d) -> ok", backlog)
	}
	s.announce(L)
	return 0
}

func sockAccept(L *lua.LState) int {
	s := checkSock(L, "accept")
	op := sysOp{kind: opAccept}
	err := s.io(L, s.deadline(), &op)
	nfd, sa := op.n, op.from
	if err != nil {
		s.fail(L, err, "accept()")
	}
	conn, err := newSock(api.HostOf(L), nfd, s.family, s.typ, s.proto, defaultTimeout(L))
	if err != nil {
		unix.Close(nfd)
		api.RaiseErr(L, err)
	}
	if s.tracing {
		s.tracef("accept() -> fd=%d, %s", nfd, formatAddr(sa))
	}
	L.Push(sockValue(L, conn))
	L.Push(addrValue(L, sa))
	return 2
}

// connect connects to the address at index 2 and returns the error.
func (s *sock) connect(L *lua.LState, fname string) (sockAddr, error) {
	addr, _ := checkAddr(L, 2, 1, fname, s.family)
	s.checkPolicy(L, addr)
	return addr, s.connectTo(L, addr)
}

func (s *sock) checkPolicy(L *lua.LState, addr sockAddr) {
	if addr.ip.IsValid() && !api.HostOf(L).Allowed(addr.ip) {
		api.Raisef(L, api.PermissionError, "network policy does not allow %s", addr.ip)
	}
}

// connectTo is a non-blocking connect(2) and, when it is in progress, a
// wait for the descriptor to become writable, then SO_ERROR tells.
func (s *sock) connectTo(L *lua.LState, addr sockAddr) error {
	err := s.control(func(fd int) error { return unix.Connect(fd, addr.sa) })
	if err != unix.EINPROGRESS && err != unix.EAGAIN {
		return err
	}
	if s.timeout == 0 {
		return err
	}
	op := sysOp{kind: opConnect, to: addr.sa}
	_, err = s.wait(L, s.deadline(), &op)
	return err
}

func sockConnect(L *lua.LState) int {
	s := checkSock(L, "connect")
	addr, err := s.connect(L, "connect")
	if err != nil {
		s.fail(L, err, "connect(%s)", formatAddr(addr.sa))
	}
	if s.tracing {
		s.tracef("connect(%s) -> ok", formatAddr(addr.sa))
	}
	return 0
}

func sockConnectEx(L *lua.LState) int {
	s := checkSock(L, "connect_ex")
	addr, err := s.connect(L, "connect_ex")
	if err == nil {
		if s.tracing {
			s.tracef("connect_ex(%s) -> 0", formatAddr(addr.sa))
		}
		L.Push(number(0))
		return 1
	}
	pe := api.FromGoError(err)
	if pe.Errno == 0 {
		api.Raise(L, pe) // a timeout or an interrupt is raised, as in Python
	}
	if s.tracing {
		s.tracef("connect_ex(%s) -> %d", formatAddr(addr.sa), pe.Errno)
	}
	L.Push(number(pe.Errno))
	return 1
}

// sendOnce is one send(2) of data, waiting until the kernel takes some.
func (s *sock) sendOnce(L *lua.LState, data []byte, flags int, deadline time.Time, to unix.Sockaddr) (int, error) {
	op := sysOp{kind: opSend, buf: data, flags: flags, to: to}
	err := s.io(L, deadline, &op)
	return op.n, err
}

func sockSend(L *lua.LState) int {
	s := checkSock(L, "send")
	data := api.Method(L, "send").String(2)
	n, err := s.sendOnce(L, bytesOf(data), api.Method(L, "send").OptInt(3, 0), s.deadline(), nil)
	if err != nil {
		s.fail(L, err, "send(%d bytes)", len(data))
	}
	if s.tracing {
		s.tracef("send(%d bytes) -> %d", len(data), n)
	}
	L.Push(number(n))
	return 1
}

func sockSendall(L *lua.LState) int {
	s := checkSock(L, "sendall")
	data := bytesOf(api.Method(L, "sendall").String(2))
	flags := api.Method(L, "sendall").OptInt(3, 0)
	// One deadline for the whole call, as Python 3.5+.
	deadline := s.deadline()
	total := 0
	for total < len(data) || len(data) == 0 {
		n, err := s.sendOnce(L, data[total:], flags, deadline, nil)
		if err != nil {
			s.fail(L, err, "sendall(%d bytes)", len(data))
		}
		total += n
		if len(data) == 0 {
			break
		}
	}
	if s.tracing {
		s.tracef("sendall(%d bytes) -> ok", len(data))
	}
	return 0
}

func sockSendto(L *lua.LState) int {
	s := checkSock(L, "sendto")
	data := api.Method(L, "sendto").String(2)
	n := 3
	flags := 0
	// sendto(data, flags, address) as in Python, when a number comes first.
	if _, ok := L.Get(3).(lua.LNumber); ok && L.GetTop() >= 4 {
		flags = api.Method(L, "sendto").Int(3)
		n = 4
	}
	addr, _ := checkAddr(L, n, n-1, "sendto", s.family)
	s.checkPolicy(L, addr)
	sent, err := s.sendOnce(L, bytesOf(data), flags, s.deadline(), addr.sa)
	if err != nil {
		s.fail(L, err, "sendto(%d bytes, %s)", len(data), formatAddr(addr.sa))
	}
	if s.tracing {
		s.tracef("sendto(%d bytes, %s) -> %d", len(data), formatAddr(addr.sa), sent)
	}
	L.Push(number(sent))
	return 1
}

// checkBufsize reads recv's bufsize at index 2.
func checkBufsize(L *lua.LState, fname string) int {
	n := api.Method(L, fname).Int(2)
	if n < 0 {
		api.Raisef(L, api.ValueError, "negative buffersize in %s", fname)
	}
	return n
}

// recv receives up to bufsize bytes (and the sender's address when from
// is set) into a pooled buffer and returns them as a string: recv never
// allocates bufsize bytes up front, and copies what arrived once.
func (s *sock) recv(L *lua.LState, bufsize, flags int, from bool) (string, unix.Sockaddr, error) {
	if len(s.rbuf) > 0 && flags == 0 {
		return s.recvBuffered(bufsize, from)
	}
	if bufsize == 0 {
		return "", nil, nil
	}
	if bufsize > recvChunk && s.typ != unix.SOCK_STREAM {
		// A datagram is never split: learn its size, then take it whole.
		size, err := s.peekSize(L)
		if err != nil {
			return "", nil, err
		}
		buf := make([]byte, max(min(size, bufsize), 1))
		n, sa, err := s.recvInto(L, buf, flags, from)
		if err != nil {
			return "", nil, err
		}
		return stringOf(buf[:n]), sa, nil
	}
	if s.bulk && bufsize >= bulkRead {
		return s.recvDirect(L, min(bufsize, recvChunk), flags, from)
	}
	op := s.recvOp(nil, flags, from)
	op.scratch = min(bufsize, recvChunk)
	err := s.io(L, s.deadline(), &op)
	defer op.release()
	if err != nil {
		return "", nil, err
	}
	s.bulk = op.n >= bulkRead
	return string(op.buf[:op.n]), op.from, nil
}

// bulkRead is the size of a read that makes the next one a bulk read.
const bulkRead = 16 << 10

// recvDirect receives up to size bytes straight into the memory of the
// result: one copy, from the kernel, as CPython's recv makes. It serves
// bulk transfers, where recv after recv fills most of its buffer, and
// reads into a slab that successive results share, so that the collector
// sees one large allocation per slab rather than one per recv; a result
// pins its slab, which is why only bulk reads use it. A read that comes
// back small ends the bulk mode.
func (s *sock) recvDirect(L *lua.LState, size, flags int, from bool) (string, unix.Sockaddr, error) {
	if cap(s.slab)-len(s.slab) < size {
		s.slab = make([]byte, 0, max(slabSize, size))
	}
	start := len(s.slab)
	n, sa, err := s.recvInto(L, s.slab[start:start+size], flags, from)
	if err != nil {
		return "", nil, err
	}
	s.bulk = n >= bulkRead
	// The bytes up to start+n are never written again: the string may
	// own them.
	s.slab = s.slab[:start+n]
	return stringOf(s.slab[start : start+n]), sa, nil
}

// slabSize is the memory that bulk reads share (recvDirect).
const slabSize = 512 << 10

// recvInto is one recv(2) into buf, waiting for data as the socket's mode
// says.
func (s *sock) recvInto(L *lua.LState, buf []byte, flags int, from bool) (int, unix.Sockaddr, error) {
	op := s.recvOp(buf, flags, from)
	err := s.io(L, s.deadline(), &op)
	return op.n, op.from, err
}

// recvOp is the call that receives into buf: read(2), or recvfrom(2) when
// there are flags or the sender's address is wanted.
func (s *sock) recvOp(buf []byte, flags int, from bool) sysOp {
	op := sysOp{kind: opRead, buf: buf, flags: flags}
	if from || flags != 0 {
		op.kind = opRecvfrom
	}
	return op
}

// recvBuffered serves recv from what recv_until read ahead.
func (s *sock) recvBuffered(bufsize int, from bool) (string, unix.Sockaddr, error) {
	if s.closed() {
		// Kept data is not served once closed: EBADF, as Python.
		return "", nil, unix.EBADF
	}
	n := min(bufsize, len(s.rbuf))
	data := string(s.rbuf[:n])
	s.rbuf = s.rbuf[n:]
	var sa unix.Sockaddr
	// Linux's recvfrom names no sender on a stream socket (Python: None).
	if from && s.typ != unix.SOCK_STREAM {
		s.control(func(fd int) (err error) { sa, err = unix.Getpeername(fd); return })
	}
	return data, sa, nil
}

// peekSize waits for a datagram and returns its full length.
func (s *sock) peekSize(L *lua.LState) (int, error) {
	var one [1]byte
	op := sysOp{kind: opRecvfrom, buf: one[:], flags: unix.MSG_PEEK | unix.MSG_TRUNC}
	err := s.io(L, s.deadline(), &op)
	return op.n, err
}

func sockRecv(L *lua.LState) int {
	s := checkSock(L, "recv")
	bufsize := checkBufsize(L, "recv")
	data, _, err := s.recv(L, bufsize, api.Method(L, "recv").OptInt(3, 0), false)
	if err != nil {
		s.fail(L, err, "recv(%d)", bufsize)
	}
	if s.tracing {
		s.tracef("recv(%d) -> %d bytes", bufsize, len(data))
	}
	L.Push(lua.LString(data))
	return 1
}

func sockRecvfrom(L *lua.LState) int {
	s := checkSock(L, "recvfrom")
	bufsize := checkBufsize(L, "recvfrom")
	data, sa, err := s.recv(L, bufsize, api.Method(L, "recvfrom").OptInt(3, 0), true)
	if err != nil {
		s.fail(L, err, "recvfrom(%d)", bufsize)
	}
	if s.tracing {
		s.tracef("recvfrom(%d) -> %d bytes from %s", bufsize, len(data), formatAddr(sa))
	}
	L.Push(lua.LString(data))
	if sa == nil {
		L.Push(lua.LNil)
	} else {
		L.Push(addrValue(L, sa))
	}
	return 2
}

// eof raises EOFError carrying what arrived before the peer closed.
func eof(L *lua.LState, got []byte, want string) {
	api.Raise(L, &api.Error{
		Kind:    api.EOFError,
		Message: fmt.Sprintf("peer closed after %d bytes, %s", len(got), want),
		Attrs:   map[string]any{"partial": string(got)},
	})
}

func sockRecvExactly(L *lua.LState) int {
	s := checkSock(L, "recv_exactly")
	n := api.Method(L, "recv_exactly").Int(2)
	if n < 0 {
		api.Raisef(L, api.ValueError, "negative size in recv_exactly")
	}
	// The bytes go from the kernel into the result once; the buffer grows
	// as they arrive, so a large n allocates only what the peer sends.
	if s.closed() {
		s.fail(L, unix.EBADF, "recv_exactly(%d)", n)
	}
	buf := make([]byte, 0, min(n, recvChunk))
	if len(s.rbuf) > 0 {
		k := min(n, len(s.rbuf))
		buf = append(buf, s.rbuf[:k]...)
		s.rbuf = s.rbuf[k:]
	}
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(n-len(buf), max(len(buf), recvChunk)))
		}
		got, _, err := s.recvInto(L, buf[len(buf):min(n, cap(buf))], 0, false)
		if err != nil {
			// Keep what arrived for the next read (after a timeout, say).
			s.rbuf = append(buf, s.rbuf...)
			s.fail(L, err, "recv_exactly(%d)", n)
		}
		if got == 0 {
			eof(L, buf, fmt.Sprintf("expected %d", n))
		}
		buf = buf[:len(buf)+got]
	}
	if s.tracing {
		s.tracef("recv_exactly(%d) -> %d bytes", n, len(buf))
	}
	L.Push(lua.LString(stringOf(buf)))
	return 1
}

func sockRecvUntil(L *lua.LState) int {
	s := checkSock(L, "recv_until")
	delim := api.Method(L, "recv_until").String(2)
	limit := api.Method(L, "recv_until").OptInt(3, 65536)
	if delim == "" {
		api.Function(L, "recv_until").Error(1, "delimiter is empty")
	}
	// What was read ahead comes first; the kernel's bytes are read straight
	// into the same buffer, which becomes the result without another copy.
	if s.closed() {
		s.fail(L, unix.EBADF, "recv_until(%q)", delim)
	}
	got := s.rbuf
	s.rbuf = nil
	searched := 0
	for {
		if i := bytes.Index(got[searched:], bytesOf(delim)); i >= 0 {
			end := searched + i + len(delim)
			if end > limit {
				// Found past max in one read: refused as if read byte by byte.
				s.rbuf = got
				api.Raisef(L, api.ValueError, "delimiter not found within %d bytes", limit)
			}
			// Keep what came after the delimiter for the next read.
			if end < len(got) {
				s.rbuf = append([]byte(nil), got[end:]...)
			}
			if s.tracing {
				s.tracef("recv_until(%q) -> %d bytes", delim, end)
			}
			L.Push(lua.LString(stringOf(got[:end])))
			return 1
		}
		searched = max(0, len(got)-len(delim)+1)
		if len(got) >= limit {
			s.rbuf = got
			api.Raisef(L, api.ValueError, "delimiter not found within %d bytes", limit)
		}
		if cap(got)-len(got) < recvChunk/4 {
			got = slices.Grow(got, recvChunk)
		}
		n, _, err := s.recvInto(L, got[len(got):cap(got)], 0, false)
		if err != nil {
			s.rbuf = got
			s.fail(L, err, "recv_until(%q)", delim)
		}
		if n == 0 {
			eof(L, got, fmt.Sprintf("before %q", delim))
		}
		got = got[:len(got)+n]
	}
}

func sockShutdown(L *lua.LState) int {
	s := checkSock(L, "shutdown")
	how := api.Method(L, "shutdown").Int(2)
	err := s.control(func(fd int) error { return unix.Shutdown(fd, how) })
	if err != nil {
		s.fail(L, err, "shutdown(%d)", how)
	}
	if s.tracing {
		s.tracef("shutdown(%d) -> ok", how)
	}
	return 0
}

func sockClose(L *lua.LState) int {
	s := checkSock(L, "close")
	if !s.closed() {
		if s.tracing {
			s.tracef("close()")
		}
	}
	s.Close()
	return 0
}

// checkTimeout reads a timeout: nil blocks, a number of seconds >= 0.
func checkTimeout(L *lua.LState, n int, fname string) time.Duration {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return noTimeout
	case lua.LNumber:
		if v != v {
			api.Raisef(L, api.ValueError, "Invalid value NaN (not a number)")
		}
		if v < 0 {
			api.Raisef(L, api.ValueError, "Timeout value out of range")
		}
		return secondsToDuration(float64(v))
	}
	api.Function(L, fname).Error(n-1, "number or nil expected, got "+api.TypeNameAt(L, n))
	return 0
}

func sockSettimeout(L *lua.LState) int {
	s := checkSock(L, "settimeout")
	if L.GetTop() < 2 {
		api.Function(L, "settimeout").Error(1, "number or nil expected, got no value")
	}
	s.timeout = checkTimeout(L, 2, "settimeout")
	return 0
}

func sockGettimeout(L *lua.LState) int {
	pushTimeout(L, checkSock(L, "gettimeout").timeout)
	return 1
}

func sockSetblocking(L *lua.LState) int {
	s := checkSock(L, "setblocking")
	if L.ToBool(2) {
		s.timeout = noTimeout
	} else {
		s.timeout = 0
	}
	return 0
}

func sockGetblocking(L *lua.LState) int {
	L.Push(lua.LBool(checkSock(L, "getblocking").timeout != 0))
	return 1
}

func sockSetsockopt(L *lua.LState) int {
	s := checkSock(L, "setsockopt")
	level, opt := api.Method(L, "setsockopt").Int(2), api.Method(L, "setsockopt").Int(3)
	var err error
	switch v := L.Get(4).(type) {
	case lua.LNumber:
		err = s.control(func(fd int) error { return unix.SetsockoptInt(fd, level, opt, int(v)) })
	case lua.LBool:
		b := 0
		if v {
			b = 1
		}
		err = s.control(func(fd int) error { return unix.SetsockoptInt(fd, level, opt, b) })
	case lua.LString:
		err = s.control(func(fd int) error { return unix.SetsockoptString(fd, level, opt, string(v)) })
	default:
		api.Function(L, "setsockopt").Error(3, "number, boolean or string expected, got "+api.TypeNameAt(L, 4))
	}
	if err != nil {
		s.fail(L, err, "setsockopt(%d, %d, %s)", level, opt, L.Get(4))
	}
	if s.tracing {
		s.tracef("setsockopt(%d, %d, %s) -> ok", level, opt, L.Get(4))
	}
	return 0
}

func sockGetsockopt(L *lua.LState) int {
	s := checkSock(L, "getsockopt")
	level, opt := api.Method(L, "getsockopt").Int(2), api.Method(L, "getsockopt").Int(3)
	if L.GetTop() >= 4 {
		buflen := api.Method(L, "getsockopt").Int(4)
		if buflen <= 0 || buflen > 1024 {
			api.Raisef(L, api.OSError, "getsockopt buflen out of range")
		}
		// Raw getsockopt(2): unix.GetsockoptString would cut the bytes at
		// the first NUL.
		buf := make([]byte, buflen)
		size := uint32(buflen)
		err := s.control(func(fd int) error {
			_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt),
				uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0)
			if errno != 0 {
				return errno
			}
			return nil
		})
		if err != nil {
			s.fail(L, err, "getsockopt(%d, %d, %d)", level, opt, buflen)
		}
		L.Push(lua.LString(buf[:min(int(size), buflen)]))
		return 1
	}
	var v int
	err := s.control(func(fd int) (err error) { v, err = unix.GetsockoptInt(fd, level, opt); return })
	if err != nil {
		s.fail(L, err, "getsockopt(%d, %d)", level, opt)
	}
	L.Push(number(v))
	return 1
}

func sockGetpeername(L *lua.LState) int {
	s := checkSock(L, "getpeername")
	var sa unix.Sockaddr
	err := s.control(func(fd int) (err error) { sa, err = unix.Getpeername(fd); return })
	if err != nil {
		s.fail(L, err, "getpeername()")
	}
	L.Push(addrValue(L, sa))
	return 1
}

func sockGetsockname(L *lua.LState) int {
	s := checkSock(L, "getsockname")
	var sa unix.Sockaddr
	err := s.control(func(fd int) (err error) { sa, err = unix.Getsockname(fd); return })
	if err != nil {
		s.fail(L, err, "getsockname()")
	}
	L.Push(addrValue(L, sa))
	return 1
}

func sockFileno(L *lua.LState) int {
	s := checkSock(L, "fileno")
	if s.closed() {
		L.Push(lua.LNumber(-1))
	} else {
		L.Push(number(s.fd))
	}
	return 1
}
