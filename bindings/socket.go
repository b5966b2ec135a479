package bindings

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// SocketType is the registry name of socket objects' metatable.
const SocketType = "socket.socket"

var socketModule = api.Module{
	Name: "socket",
	Doc: `Python's socket module on real OS sockets: TCP and UDP over IPv4 and
IPv6, and AF_UNIX. Addresses are tables {host, port} (Python's tuples), also
accepted as two arguments. Blocking calls let other threads run while they
wait, and Ctrl-C interrupts them with KeyboardInterrupt.`,
	Funcs: []api.Func{
		{Name: "socket", Doc: `socket([family [, type [, proto]]]) or socket{family=, type=, proto=} -> socket
Creates a socket. Defaults: AF_INET, SOCK_STREAM.
Python: socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0)`, Fn: sockSocket},
		{Name: "socketpair", Doc: `socketpair([family [, type [, proto]]]) -> socket, socket
Two connected sockets (AF_UNIX, SOCK_STREAM by default).
Python: socket.socketpair()`, Fn: sockSocketpair},
		{Name: "create_connection", Doc: `create_connection(address [, timeout]) -> socket
Connects a TCP socket to address {host, port}, trying each address the host
resolves to.
Python: socket.create_connection(address, timeout=None)`, Fn: sockCreateConnection},
		{Name: "create_server", Doc: `create_server(address [, {family=, backlog=, reuse_port=}]) -> socket
A TCP socket bound to address and listening, with SO_REUSEADDR set as
Python does on POSIX.
Python: socket.create_server(address, *, family=AF_INET, backlog=None, reuse_port=False)`, Fn: sockCreateServer},
		{Name: "getaddrinfo", Doc: `getaddrinfo(host, port [, family [, type [, proto [, flags]]]]) -> list
Resolves host and port into a list of {family, type, proto, canonname,
sockaddr} tables (also indexable 1..5, like Python's tuples).
Python: socket.getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`, Fn: sockGetaddrinfo},
		{Name: "gethostname", Doc: `gethostname() -> string
The machine's host name.
Python: socket.gethostname()`, Fn: sockGethostname},
		{Name: "gethostbyname", Doc: `gethostbyname(name) -> string
The IPv4 address of name, as a dotted string.
Python: socket.gethostbyname(hostname)`, Fn: sockGethostbyname},
		{Name: "getfqdn", Doc: `getfqdn([name]) -> string
A fully qualified domain name for name (default: this host).
Python: socket.getfqdn(name='')`, Fn: sockGetfqdn},
		{Name: "inet_aton", Doc: `inet_aton(ip) -> string
The 4 bytes of a dotted IPv4 address.
Python: socket.inet_aton(ip_string)`, Fn: sockInetAton},
		{Name: "inet_ntoa", Doc: `inet_ntoa(packed) -> string
The dotted form of 4 packed bytes.
Python: socket.inet_ntoa(packed_ip)`, Fn: sockInetNtoa},
		{Name: "inet_pton", Doc: `inet_pton(family, ip) -> string
The packed bytes of an IPv4 or IPv6 address.
Python: socket.inet_pton(address_family, ip_string)`, Fn: sockInetPton},
		{Name: "inet_ntop", Doc: `inet_ntop(family, packed) -> string
The text form of a packed IPv4 (4 bytes) or IPv6 (16 bytes) address.
Python: socket.inet_ntop(address_family, packed_ip)`, Fn: sockInetNtop},
		{Name: "htons", Doc: "htons(n) -> n\nHost to network byte order, 16 bits.\nPython: socket.htons(x)", Fn: byteOrder("htons", 16)},
		{Name: "ntohs", Doc: "ntohs(n) -> n\nNetwork to host byte order, 16 bits.\nPython: socket.ntohs(x)", Fn: byteOrder("ntohs", 16)},
		{Name: "htonl", Doc: "htonl(n) -> n\nHost to network byte order, 32 bits.\nPython: socket.htonl(x)", Fn: byteOrder("htonl", 32)},
		{Name: "ntohl", Doc: "ntohl(n) -> n\nNetwork to host byte order, 32 bits.\nPython: socket.ntohl(x)", Fn: byteOrder("ntohl", 32)},
		{Name: "getdefaulttimeout", Doc: `getdefaulttimeout() -> number or nil
The timeout new sockets start with; nil means blocking.
Python: socket.getdefaulttimeout()`, Fn: sockGetdefaulttimeout},
		{Name: "setdefaulttimeout", Doc: `setdefaulttimeout(timeout)
Sets the timeout new sockets start with (nil: blocking).
Python: socket.setdefaulttimeout(timeout)`, Fn: sockSetdefaulttimeout},
	},
	Types: []*api.Type{&socketType, {Name: AddrType, Meta: addrMeta}},
	Init:  initSocketConstants,
}

var socketType = api.Type{
	Name: SocketType,
	Doc:  "A socket object, as Python's socket.socket.",
	Methods: []api.Func{
		{Name: "bind", Doc: `sk:bind(address)
Binds the socket to address {host, port} ("" is every interface), or a path
for AF_UNIX.
Python: sk.bind(address)`, Fn: sockBind},
		{Name: "listen", Doc: `sk:listen([backlog])
Starts accepting connections; the kernel queues up to backlog of them
before accept is called.
Python: sk.listen([backlog])`, Fn: sockListen},
		{Name: "accept", Doc: `sk:accept() -> conn, address
Waits for a connection; returns a new socket for it and the peer's address.
Python: conn, address = sk.accept()`, Fn: sockAccept},
		{Name: "connect", Doc: `sk:connect(address)
Connects to address; raises ConnectionRefusedError, TimeoutError, ...
Python: sk.connect(address)`, Fn: sockConnect},
		{Name: "connect_ex", Doc: `sk:connect_ex(address) -> errno
Like connect, but returns the error number (0 on success) instead of raising.
Python: sk.connect_ex(address)`, Fn: sockConnectEx},
		{Name: "send", Doc: `sk:send(data [, flags]) -> count
Sends data; returns how many bytes the kernel took (maybe fewer than all).
Python: sk.send(data)`, Fn: sockSend},
		{Name: "sendall", Doc: `sk:sendall(data [, flags])
Sends all of data, waiting as needed.
Python: sk.sendall(data)`, Fn: sockSendall},
		{Name: "sendto", Doc: `sk:sendto(data, address) -> count
Sends a datagram to address.
Python: sk.sendto(data, address)`, Fn: sockSendto},
		{Name: "recv", Doc: `sk:recv(bufsize [, flags]) -> data
Receives up to bufsize bytes; "" when the peer has closed. A datagram longer
than bufsize is truncated.
Python: sk.recv(bufsize)`, Fn: sockRecv},
		{Name: "recvfrom", Doc: `sk:recvfrom(bufsize [, flags]) -> data, address
Receives up to bufsize bytes and the sender's address.
Python: data, address = sk.recvfrom(bufsize)`, Fn: sockRecvfrom},
		{Name: "recv_exactly", Doc: `sk:recv_exactly(n) -> data
Receives exactly n bytes; raises EOFError (with .partial) if the peer closes
first. Beyond Python, for protocol scripts.
Python: (asyncio) await reader.readexactly(n)`, Fn: sockRecvExactly},
		{Name: "recv_until", Doc: `sk:recv_until(delim [, max]) -> data
Receives up to and including delim; raises ValueError past max bytes
(default 65536) and EOFError (with .partial) if the peer closes first.
Beyond Python, for protocol scripts.
Python: (asyncio) await reader.readuntil(delim)`, Fn: sockRecvUntil},
		{Name: "shutdown", Doc: `sk:shutdown(how)
Shuts down reading (SHUT_RD), writing (SHUT_WR) or both (SHUT_RDWR).
Python: sk.shutdown(how)`, Fn: sockShutdown},
		{Name: "close", Doc: `sk:close()
Closes the socket. Closing twice is harmless; using it after raises
OSError [Errno 9].
Python: sk.close()`, Fn: sockClose},
		{Name: "settimeout", Doc: `sk:settimeout(timeout)
nil: blocking; 0: non-blocking (BlockingIOError when not ready); t: raise
TimeoutError after t seconds.
Python: sk.settimeout(value)`, Fn: sockSettimeout},
		{Name: "gettimeout", Doc: `sk:gettimeout() -> number or nil
Python: sk.gettimeout()`, Fn: sockGettimeout},
		{Name: "setblocking", Doc: `sk:setblocking(flag)
setblocking(true) is settimeout(nil), setblocking(false) is settimeout(0).
Python: sk.setblocking(flag)`, Fn: sockSetblocking},
		{Name: "getblocking", Doc: `sk:getblocking() -> boolean
Python: sk.getblocking()`, Fn: sockGetblocking},
		{Name: "setsockopt", Doc: `sk:setsockopt(level, option, value)
Sets a socket option; value is a number, a boolean or a string of bytes.
Python: sk.setsockopt(level, optname, value)`, Fn: sockSetsockopt},
		{Name: "getsockopt", Doc: `sk:getsockopt(level, option [, buflen]) -> number or string
Reads a socket option's value from the kernel (bytes when buflen is given).
Python: sk.getsockopt(level, optname[, buflen])`, Fn: sockGetsockopt},
		{Name: "getpeername", Doc: `sk:getpeername() -> address
The address of the connected peer.
Python: sk.getpeername()`, Fn: sockGetpeername},
		{Name: "getsockname", Doc: `sk:getsockname() -> address
The socket's own address.
Python: sk.getsockname()`, Fn: sockGetsockname},
		{Name: "fileno", Doc: `sk:fileno() -> number
The descriptor number, -1 once closed.
Python: sk.fileno()`, Fn: sockFileno},
	},
	Meta: map[string]lua.LGFunction{
		"__tostring": sockTostring,
		"__index":    sockField,
	},
	Fields: []string{"family", "type", "proto", "timeout"},
}

// socketConstants are the Linux values scripts compare against, in the
// order the socket table gets them. A slice, not a map: it is compiled
// into the binary, with nothing to build at start-up.
var socketConstants = []struct {
	name  string
	value int
}{
	{"AF_INET", unix.AF_INET}, {"AF_INET6", unix.AF_INET6}, {"AF_UNIX", unix.AF_UNIX}, {"AF_UNSPEC", unix.AF_UNSPEC},
	{"SOCK_STREAM", unix.SOCK_STREAM}, {"SOCK_DGRAM", unix.SOCK_DGRAM}, {"SOCK_RAW", unix.SOCK_RAW},
	{"SOL_SOCKET", unix.SOL_SOCKET}, {"SO_REUSEADDR", unix.SO_REUSEADDR}, {"SO_REUSEPORT", unix.SO_REUSEPORT},
	{"SO_BROADCAST", unix.SO_BROADCAST}, {"SO_KEEPALIVE", unix.SO_KEEPALIVE}, {"SO_RCVBUF", unix.SO_RCVBUF},
	{"SO_SNDBUF", unix.SO_SNDBUF}, {"SO_ERROR", unix.SO_ERROR}, {"SO_TYPE", unix.SO_TYPE}, {"SO_LINGER", unix.SO_LINGER},
	{"SO_RCVLOWAT", unix.SO_RCVLOWAT}, {"SO_SNDLOWAT", unix.SO_SNDLOWAT}, {"SO_ACCEPTCONN", unix.SO_ACCEPTCONN},
	{"IPPROTO_IP", unix.IPPROTO_IP}, {"IPPROTO_IPV6", unix.IPPROTO_IPV6}, {"IPPROTO_TCP", unix.IPPROTO_TCP},
	{"IPPROTO_UDP", unix.IPPROTO_UDP}, {"TCP_NODELAY", unix.TCP_NODELAY}, {"TCP_KEEPIDLE", unix.TCP_KEEPIDLE},
	{"TCP_KEEPINTVL", unix.TCP_KEEPINTVL}, {"TCP_KEEPCNT", unix.TCP_KEEPCNT}, {"TCP_MAXSEG", unix.TCP_MAXSEG},
	{"IP_TTL", unix.IP_TTL}, {"IP_MULTICAST_TTL", unix.IP_MULTICAST_TTL}, {"IP_MULTICAST_LOOP", unix.IP_MULTICAST_LOOP},
	{"IPV6_V6ONLY", unix.IPV6_V6ONLY},
	{"SHUT_RD", unix.SHUT_RD}, {"SHUT_WR", unix.SHUT_WR}, {"SHUT_RDWR", unix.SHUT_RDWR},
	{"SOMAXCONN", unix.SOMAXCONN},
	{"AI_PASSIVE", aiPassive}, {"AI_CANONNAME", aiCanonname}, {"AI_NUMERICHOST", aiNumerichost},
	{"AI_NUMERICSERV", aiNumericserv}, {"AI_ADDRCONFIG", aiAddrconfig}, {"AI_V4MAPPED", aiV4mapped},
	{"AI_ALL", aiAll},
	{"MSG_PEEK", unix.MSG_PEEK}, {"MSG_WAITALL", unix.MSG_WAITALL}, {"MSG_DONTWAIT", unix.MSG_DONTWAIT},
	{"MSG_OOB", unix.MSG_OOB}, {"MSG_TRUNC", unix.MSG_TRUNC},
	{"EPERM", int(unix.EPERM)}, {"ENOENT", int(unix.ENOENT)}, {"EINTR", int(unix.EINTR)}, {"EBADF", int(unix.EBADF)},
	{"EAGAIN", int(unix.EAGAIN)}, {"EWOULDBLOCK", int(unix.EWOULDBLOCK)}, {"EACCES", int(unix.EACCES)},
	{"EINVAL", int(unix.EINVAL)}, {"EMFILE", int(unix.EMFILE)}, {"EPIPE", int(unix.EPIPE)},
	{"EADDRINUSE", int(unix.EADDRINUSE)}, {"EADDRNOTAVAIL", int(unix.EADDRNOTAVAIL)},
	{"ENETUNREACH", int(unix.ENETUNREACH)}, {"ECONNABORTED", int(unix.ECONNABORTED)},
	{"ECONNRESET", int(unix.ECONNRESET)}, {"EISCONN", int(unix.EISCONN)}, {"ENOTCONN", int(unix.ENOTCONN)},
	{"ETIMEDOUT", int(unix.ETIMEDOUT)}, {"ECONNREFUSED", int(unix.ECONNREFUSED)},
	{"EHOSTUNREACH", int(unix.EHOSTUNREACH)}, {"EALREADY", int(unix.EALREADY)}, {"EINPROGRESS", int(unix.EINPROGRESS)},
	{"INADDR_ANY", 0},
}

func initSocketConstants(L *lua.LState, mod *lua.LTable) {
	for _, c := range socketConstants {
		mod.RawSetString(c.name, lua.LNumber(c.value))
	}
	// Python's exception aliases, as class names for e:is(...) and
	// e.kind == ...: except socket.timeout reads
	// if e:is(socket.timeout) then.
	for name, kind := range map[string]api.Kind{
		"error": api.OSError, "timeout": api.TimeoutError,
		"gaierror": api.GaiError, "herror": api.HError,
	} {
		mod.RawSetString(name, lua.LString(kind))
	}
}

// getaddrinfo flags: glibc's values (x/sys/unix does not carry them).
const (
	aiPassive     = 0x1
	aiCanonname   = 0x2
	aiNumerichost = 0x4
	aiV4mapped    = 0x8
	aiAll         = 0x10
	aiAddrconfig  = 0x20
	aiNumericserv = 0x400
)

// familyName and sockTypeName are the names of constants for repr, "" for
// a value without one.
func familyName(family int) string {
	switch family {
	case unix.AF_INET:
		return "AF_INET"
	case unix.AF_INET6:
		return "AF_INET6"
	case unix.AF_UNIX:
		return "AF_UNIX"
	case unix.AF_UNSPEC:
		return "AF_UNSPEC"
	}
	return ""
}

func sockTypeName(typ int) string {
	switch typ {
	case unix.SOCK_STREAM:
		return "SOCK_STREAM"
	case unix.SOCK_DGRAM:
		return "SOCK_DGRAM"
	case unix.SOCK_RAW:
		return "SOCK_RAW"
	}
	return ""
}

// checkSock returns the socket at index 1 (the method's receiver).
func checkSock(L *lua.LState, fname string) *sock {
	return api.Self[*sock](L, fname, "socket")
}

// pushSock wraps s as a Lua socket object.
func sockValue(L *lua.LState, s *sock) *lua.LUserData {
	return newObject(L, SocketType, s)
}

// defaultTimeoutKey holds socket.setdefaulttimeout's value in the registry.
const defaultTimeoutKey = "socket.defaulttimeout"

// defaultTimeout is socket.getdefaulttimeout() as a Duration.
func defaultTimeout(L *lua.LState) time.Duration {
	if n, ok := L.GetField(L.Get(lua.RegistryIndex), defaultTimeoutKey).(lua.LNumber); ok {
		return secondsToDuration(float64(n))
	}
	return noTimeout
}

func secondsToDuration(secs float64) time.Duration {
	if secs > math.MaxInt64/float64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(secs * float64(time.Second))
}

// fail raises the Python exception for err, tracing the failed call.
func (s *sock) fail(L *lua.LState, err error, format string, args ...any) {
	pe := api.FromGoError(err)
	if s.tracing {
		s.tracef("%s -> %s", fmt.Sprintf(format, args...), pe)
	}
	api.Raise(L, pe)
}

// tracef writes one --trace line for the socket. Callers test s.tracing
// first, so that a run without --trace formats nothing.
func (s *sock) tracef(format string, args ...any) {
	s.host.Tracef("fd=%d %s", s.fd, fmt.Sprintf(format, args...))
}

func sockTostring(L *lua.LState) int {
	s := L.CheckUserData(1).Value.(*sock)
	family, typ := familyName(s.family), sockTypeName(s.typ)
	if family == "" {
		family = fmt.Sprint(s.family)
	}
	if typ == "" {
		typ = fmt.Sprint(s.typ)
	}
	if s.closed() {
		L.Push(lua.LString(fmt.Sprintf("<socket [closed] fd=-1, family=%s, type=%s, proto=%d>", family, typ, s.proto)))
		return 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<socket fd=%d, family=%s, type=%s, proto=%d", s.fd, family, typ, s.proto)
	// Python prints str(addr): a tuple's repr, but an AF_UNIX path bare,
	// and nothing for an unnamed AF_UNIX socket.
	str := func(sa unix.Sockaddr) string {
		if sa, ok := sa.(*unix.SockaddrUnix); ok {
			return unixPath(sa)
		}
		return formatAddr(sa)
	}
	s.control(func(fd int) error {
		if sa, err := unix.Getsockname(fd); err == nil && !unspecified(sa) {
			fmt.Fprintf(&b, ", laddr=%s", str(sa))
		}
		if sa, err := unix.Getpeername(fd); err == nil && !unnamedUnix(sa) {
			fmt.Fprintf(&b, ", raddr=%s", str(sa))
		}
		return nil
	})
	b.WriteString(">")
	L.Push(lua.LString(b.String()))
	return 1
}

// unspecified reports an address that is all zeros: an unbound socket.
func unspecified(sa unix.Sockaddr) bool {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return sa.Port == 0 && sa.Addr == [4]byte{}
	case *unix.SockaddrInet6:
		return sa.Port == 0 && sa.Addr == [16]byte{}
	case *unix.SockaddrUnix:
		return unixPath(sa) == ""
	}
	return false
}

func unnamedUnix(sa unix.Sockaddr) bool {
	u, ok := sa.(*unix.SockaddrUnix)
	return ok && unixPath(u) == ""
}

// sockField serves the fields family, type, proto and timeout.
func sockField(L *lua.LState) int {
	s := L.CheckUserData(1).Value.(*sock)
	switch L.CheckString(2) {
	case "family":
		L.Push(lua.LNumber(s.family))
	case "type":
		L.Push(lua.LNumber(s.typ))
	case "proto":
		L.Push(lua.LNumber(s.proto))
	case "timeout":
		pushTimeout(L, s.timeout)
	default:
		L.Push(lua.LNil)
	}
	return 1
}

func pushTimeout(L *lua.LState, d time.Duration) {
	if d < 0 {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LNumber(d.Seconds()))
	}
}
