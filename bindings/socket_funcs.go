package bindings

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// The socket module's functions.

// openSocket makes a socket with the same call Python makes, plus
// SOCK_NONBLOCK (the poller needs it) and SOCK_CLOEXEC.
func openSocket(L *lua.LState, family, typ, proto int) *sock {
	fd, err := unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		api.RaiseErr(L, err)
	}
	s, err := newSock(api.HostOf(L), fd, family, typ, proto, defaultTimeout(L))
	if err != nil {
		unix.Close(fd)
		api.RaiseErr(L, err)
	}
	return s
}

// familyTypeProto reads socket()'s arguments: positional or keywords.
func familyTypeProto(L *lua.LState, defFamily int, fname string) (family, typ, proto int) {
	family, typ = defFamily, unix.SOCK_STREAM
	if t, ok := L.Get(1).(*lua.LTable); ok {
		get := func(name string, def int) int {
			switch v := t.RawGetString(name).(type) {
			case lua.LNumber:
				return int(v)
			case *lua.LNilType:
				return def
			default:
				api.Raisef(L, api.TypeError, "socket(): %s must be an integer, not %s", name, v.Type())
			}
			return def
		}
		return get("family", family), get("type", typ), get("proto", 0)
	}
	return api.Function(L, fname).OptInt(1, family), api.Function(L, fname).OptInt(2, typ), api.Function(L, fname).OptInt(3, 0)
}

func sockSocket(L *lua.LState) int {
	family, typ, proto := familyTypeProto(L, unix.AF_INET, "socket")
	s := openSocket(L, family, typ, proto)
	if s.tracing {
		s.tracef("socket(%s, %s, %d)", familyName(family), sockTypeName(typ), proto)
	}
	L.Push(sockValue(L, s))
	return 1
}

func sockSocketpair(L *lua.LState) int {
	family, typ, proto := familyTypeProto(L, unix.AF_UNIX, "socketpair")
	fds, err := unix.Socketpair(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		api.RaiseErr(L, err)
	}
	h := api.HostOf(L)
	a, err := newSock(h, fds[0], family, typ, proto, defaultTimeout(L))
	if err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		api.RaiseErr(L, err)
	}
	b, err := newSock(h, fds[1], family, typ, proto, defaultTimeout(L))
	if err != nil {
		a.Close()
		unix.Close(fds[1])
		api.RaiseErr(L, err)
	}
	L.Push(sockValue(L, a))
	L.Push(sockValue(L, b))
	return 2
}

func sockCreateConnection(L *lua.LState) int {
	host, port := addrHostPort(L, 1, "create_connection")
	timeout := defaultTimeout(L)
	if L.GetTop() >= 2 {
		timeout = checkTimeout(L, 2, "create_connection")
	}
	ips := []netip.Addr{}
	if ip, err := netip.ParseAddr(host); err == nil {
		checkZone(L, ip)
		ips = append(ips, ip)
	} else {
		found, perr := lookupHost(L, host, 0)
		if perr != nil {
			api.Raise(L, perr)
		}
		ips = found
	}
	var last error
	for _, ip := range ips {
		family := unix.AF_INET
		if !ip.Unmap().Is4() {
			family = unix.AF_INET6
		} else {
			ip = ip.Unmap()
		}
		addr := sockAddr{sa: toSockaddr(ip, port, family), ip: ip}
		s := openSocket(L, family, unix.SOCK_STREAM, 0)
		s.timeout = timeout
		s.checkPolicy(L, addr)
		if last = s.connectTo(L, addr); last == nil {
			if s.tracing {
				s.tracef("create_connection(%s) -> ok", formatAddr(addr.sa))
			}
			L.Push(sockValue(L, s))
			return 1
		}
		s.Close()
	}
	api.RaiseErr(L, last)
	return 0
}

// addrHostPort reads a {host, port} table (or host, port) without
// resolving it.
func addrHostPort(L *lua.LState, n int, fname string) (string, int) {
	var host, port lua.LValue
	switch v := L.Get(n).(type) {
	case *lua.LTable:
		host, port = v.RawGetInt(1), v.RawGetInt(2)
	case lua.LString:
		host, port = v, L.Get(n+1)
	default:
		api.Function(L, fname).Error(n, "address expected, got "+api.TypeNameAt(L, n))
	}
	if port == lua.LNil {
		api.Function(L, fname).Error(n, "address {host, port} expected, without its port")
	}
	p, ok := toInteger(port)
	if !ok || p < 0 || p > 65535 {
		api.Raisef(L, api.OverflowError, "%s(): port must be 0-65535.", fname)
	}
	h, _ := host.(lua.LString)
	return string(h), int(p)
}

func sockCreateServer(L *lua.LState) int {
	host, port := addrHostPort(L, 1, "create_server")
	family, backlog, reusePort := unix.AF_INET, -1, false
	if opts, ok := L.Get(2).(*lua.LTable); ok {
		if v, ok := opts.RawGetString("family").(lua.LNumber); ok {
			family = int(v)
		}
		if v, ok := opts.RawGetString("backlog").(lua.LNumber); ok {
			backlog = int(v)
		}
		reusePort = lua.LVAsBool(opts.RawGetString("reuse_port"))
	}
	s := openSocket(L, family, unix.SOCK_STREAM, 0)
	err := s.control(func(fd int) error {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return err
		}
		if reusePort {
			return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		}
		return nil
	})
	addr := sockAddr{sa: toSockaddr(resolveHost(L, host, family), port, family)}
	if err == nil {
		err = s.control(func(fd int) error { return unix.Bind(fd, addr.sa) })
	}
	if err == nil {
		if backlog < 0 {
			backlog = min(unix.SOMAXCONN, 128)
		}
		err = s.control(func(fd int) error { return unix.Listen(fd, backlog) })
	}
	if err != nil {
		s.Close()
		pe := api.FromGoError(err)
		pe.Message = fmt.Sprintf("%s (while attempting to bind on address %s)", pe.Message, formatAddr(addr.sa))
		api.Raise(L, pe)
	}
	if s.tracing {
		s.tracef("create_server(%s) -> listening", formatAddr(addr.sa))
	}
	s.announce(L)
	L.Push(sockValue(L, s))
	return 1
}

func sockGetaddrinfo(L *lua.LState) int {
	// host and port may be nil, but not left out, as in Python.
	if top := L.GetTop(); top < 2 {
		api.Function(L, "getaddrinfo").Error(top+1, "host and port expected, got no value")
	}
	var host string
	if v, ok := L.Get(1).(lua.LString); ok {
		host = string(v)
	} else if L.Get(1) != lua.LNil {
		api.Function(L, "getaddrinfo").Error(1, "string or nil expected, got "+api.TypeNameAt(L, 1))
	}
	var port int
	switch v := L.Get(2).(type) {
	case lua.LNumber:
		port = int(v)
	case lua.LString:
		p, err := strconv.Atoi(string(v))
		if err != nil {
			network := "tcp"
			if api.Function(L, "getaddrinfo").OptInt(4, 0) == unix.SOCK_DGRAM {
				network = "udp"
			}
			pn, perr := lookupPort(L, network, string(v))
			if perr != nil {
				api.Raise(L, perr)
			}
			p = pn
		}
		port = p
	}
	family, typ, proto, flags := api.Function(L, "getaddrinfo").OptInt(3, 0), api.Function(L, "getaddrinfo").OptInt(4, 0),
		api.Function(L, "getaddrinfo").OptInt(5, 0), api.Function(L, "getaddrinfo").OptInt(6, 0)
	var ips []netip.Addr
	switch {
	case host == "" && flags&aiPassive != 0:
		ips = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
	case host == "":
		ips = []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}
	default:
		if ip, err := netip.ParseAddr(host); err == nil {
			checkZone(L, ip)
			ips = []netip.Addr{ip}
		} else {
			found, perr := lookupHost(L, host, family)
			if perr != nil {
				api.Raise(L, perr)
			}
			// Go's resolver gives IPv4 answers as IPv4-mapped IPv6;
			// the C library gives them as AF_INET.
			for i, ip := range found {
				if family != unix.AF_INET6 {
					found[i] = ip.Unmap()
				}
			}
			ips = found
		}
	}
	canon := ""
	if flags&aiCanonname != 0 {
		canon = host
		if c, ok := lookupCNAME(L, host); ok {
			canon = c
		}
	}
	list := L.NewTable()
	types := []int{unix.SOCK_STREAM, unix.SOCK_DGRAM, unix.SOCK_RAW}
	if typ != 0 {
		types = []int{typ}
	}
	for _, ip := range ips {
		fam := unix.AF_INET6
		if ip.Unmap().Is4() && (ip.Is4() || family == unix.AF_INET) {
			fam = unix.AF_INET
			ip = ip.Unmap()
		}
		if family != 0 && family != fam {
			continue
		}
		for _, t := range types {
			p := proto
			if p == 0 {
				p = map[int]int{unix.SOCK_STREAM: unix.IPPROTO_TCP, unix.SOCK_DGRAM: unix.IPPROTO_UDP}[t]
			}
			entry := L.CreateTable(5, 5)
			vals := []lua.LValue{lua.LNumber(fam), lua.LNumber(t), lua.LNumber(p), lua.LString(canon), addrValue(L, toSockaddr(ip, port, fam))}
			for i, name := range []string{"family", "type", "proto", "canonname", "sockaddr"} {
				entry.RawSetInt(i+1, vals[i])
				entry.RawSetString(name, vals[i])
			}
			list.Append(entry)
			canon = "" // only the first entry carries it, as in C
		}
	}
	L.Push(list)
	return 1
}

func trimDot(s string) string {
	if len(s) > 1 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

func sockGethostname(L *lua.LState) int {
	name, err := os.Hostname()
	if err != nil {
		api.RaiseErr(L, err)
	}
	L.Push(lua.LString(name))
	return 1
}

func sockGethostbyname(L *lua.LState) int {
	host := api.Function(L, "gethostbyname").String(1)
	L.Push(lua.LString(resolveHost(L, host, unix.AF_INET).String()))
	return 1
}

func sockGetfqdn(L *lua.LState) int {
	name := api.Function(L, "getfqdn").OptString(1, "")
	if name == "" || name == "0.0.0.0" {
		h, err := os.Hostname()
		if err != nil {
			api.RaiseErr(L, err)
		}
		name = h
	}
	if cname, ok := lookupCNAME(L, name); ok {
		name = cname
	}
	L.Push(lua.LString(name))
	return 1
}

func sockInetAton(L *lua.LState) int {
	b, ok := inetAton(api.Function(L, "inet_aton").String(1))
	if !ok {
		api.Raisef(L, api.OSError, "illegal IP address string passed to inet_aton")
	}
	L.Push(lua.LString(b[:]))
	return 1
}

// inetAton parses an IPv4 address as the C library's inet_aton (which
// Python calls) does: 1 to 4 parts, each decimal, octal (leading 0) or hex
// (0x), the last one filling the remaining bytes ("127.1" is 127.0.0.1);
// whatever follows a whitespace is ignored.
func inetAton(s string) ([4]byte, bool) {
	if i := strings.IndexAny(s, " \t\n\v\f\r"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return [4]byte{}, false
	}
	var v uint32
	for i, p := range parts {
		base := 10
		if len(p) > 1 && (p[1] == 'x' || p[1] == 'X') && p[0] == '0' {
			base, p = 16, p[2:]
		} else if len(p) > 1 && p[0] == '0' {
			base, p = 8, p[1:]
		}
		if p == "" || p[0] == '+' || p[0] == '-' {
			return [4]byte{}, false
		}
		n, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return [4]byte{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return [4]byte{}, false
			}
			v |= uint32(n) << (24 - 8*i)
		} else {
			if n > 0xffffffff>>(8*i) {
				return [4]byte{}, false
			}
			v |= uint32(n)
		}
	}
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}, true
}

func sockInetNtoa(L *lua.LState) int {
	b := api.Function(L, "inet_ntoa").StrictString(1)
	if len(b) != 4 {
		api.Raisef(L, api.OSError, "packed IP wrong length for inet_ntoa")
	}
	L.Push(lua.LString(netip.AddrFrom4([4]byte([]byte(b))).String()))
	return 1
}

func sockInetPton(L *lua.LState) int {
	args := api.Function(L, "inet_pton")
	family, s := args.Int(1), args.String(2)
	ip, err := netip.ParseAddr(s)
	switch {
	case family == unix.AF_INET && err == nil && ip.Is4():
		b := ip.As4()
		L.Push(lua.LString(b[:]))
	case family == unix.AF_INET6 && err == nil && ip.Is6() && ip.Zone() == "": // C takes no "%zone"
		b := ip.As16()
		L.Push(lua.LString(b[:]))
	case family != unix.AF_INET && family != unix.AF_INET6:
		api.Raise(L, api.ErrnoError(unix.EAFNOSUPPORT))
	default:
		api.Raisef(L, api.OSError, "illegal IP address string passed to inet_pton")
	}
	return 1
}

func sockInetNtop(L *lua.LState) int {
	args := api.Function(L, "inet_ntop")
	family, b := args.Int(1), args.StrictString(2)
	switch {
	case family == unix.AF_INET && len(b) == 4:
		L.Push(lua.LString(netip.AddrFrom4([4]byte([]byte(b))).String()))
	case family == unix.AF_INET6 && len(b) == 16:
		L.Push(lua.LString(netip.AddrFrom16([16]byte([]byte(b))).String()))
	case family != unix.AF_INET && family != unix.AF_INET6:
		api.Raisef(L, api.ValueError, "unknown address family %d", family)
	default:
		api.Raisef(L, api.ValueError, "invalid length of packed IP address string")
	}
	return 1
}

// byteOrder swaps 16 or 32 bits: x86-64 is little-endian, the network is
// big-endian.
func byteOrder(name string, bits int) lua.LGFunction {
	return func(L *lua.LState) int {
		n := lua.LNumber(api.Function(L, name).Number(1))
		v, ok := toInteger(n)
		if !ok || v < 0 {
			api.Raisef(L, api.OverflowError, "can't convert negative Python int to C 16-bit unsigned integer")
		}
		if bits == 16 {
			if v > 0xffff {
				api.Raisef(L, api.OverflowError, "Python int too large to convert to C 16-bit unsigned integer")
			}
			L.Push(lua.LNumber(uint16(v)>>8 | uint16(v)<<8))
			return 1
		}
		if v > 0xffffffff {
			api.Raisef(L, api.OverflowError, "int larger than 32 bits")
		}
		u := uint32(v)
		L.Push(lua.LNumber(u>>24 | (u>>8)&0xff00 | (u<<8)&0xff0000 | u<<24))
		return 1
	}
}

func sockGetdefaulttimeout(L *lua.LState) int {
	pushTimeout(L, defaultTimeout(L))
	return 1
}

func sockSetdefaulttimeout(L *lua.LState) int {
	d := checkTimeout(L, 1, "setdefaulttimeout")
	var v lua.LValue = lua.LNil
	if d >= 0 {
		v = L.Get(1)
	}
	L.SetField(L.Get(lua.RegistryIndex), defaultTimeoutKey, v)
	return 0
}
