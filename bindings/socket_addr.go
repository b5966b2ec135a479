package bindings

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// AddrType is the registry name of the metatable of returned addresses:
// tables {host, port} with .host/.port that print like Python's tuples.
const AddrType = "socket.address"

// sockAddr is a parsed address: the system call's form, and the IP for the
// network policy (invalid for AF_UNIX).
type sockAddr struct {
	sa unix.Sockaddr
	ip netip.Addr
}

// checkAddr reads the address at stack index n for family: a table
// {host, port}, or host and port as two arguments, or a path for AF_UNIX.
// It returns the index of the next argument. argn is the argument number
// reported in errors (methods do not count the receiver).
func checkAddr(L *lua.LState, n, argn int, fname string, family int) (sockAddr, int) {
	v := L.Get(n)
	if family == unix.AF_UNIX {
		path, ok := v.(lua.LString)
		if !ok {
			api.Function(L, fname).Error(argn, "address expected, got "+api.TypeNameAt(L, n))
		}
		if len(path) > 107 {
			api.Raisef(L, api.OSError, "AF_UNIX path too long")
		}
		return sockAddr{sa: &unix.SockaddrUnix{Name: string(path)}}, n + 1
	}
	var host, port lua.LValue
	next := n + 1
	switch v := v.(type) {
	case *lua.LTable:
		host, port = v.RawGetInt(1), v.RawGetInt(2)
		if host == lua.LNil {
			host, port = v.RawGetString("host"), v.RawGetString("port")
		}
	case lua.LString:
		host, port = v, L.Get(n+1)
		next = n + 2
	default:
		api.Function(L, fname).Error(argn, "address expected, got "+api.TypeNameAt(L, n))
	}
	h, ok := host.(lua.LString)
	if !ok {
		api.Raisef(L, api.TypeError, "%s(): host must be a string, not %s", fname, typeName(host))
	}
	p, ok := toInteger(port)
	if !ok {
		api.Raisef(L, api.TypeError, "%s(): port must be an integer, not %s", fname, typeName(port))
	}
	if p < 0 || p > 65535 {
		api.Raisef(L, api.OverflowError, "%s(): port must be 0-65535.", fname)
	}
	ip := resolveHost(L, string(h), family)
	return sockAddr{sa: toSockaddr(ip, int(p), family), ip: ip}, next
}

// toInteger accepts integral numbers and strings that Lua would coerce.
func toInteger(v lua.LValue) (int64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		if float64(v) != float64(int64(v)) {
			return 0, false
		}
		return int64(v), true
	case lua.LString:
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// resolveHost turns a host as Python's socket module takes it into an IP:
// "" is every interface, "<broadcast>" the broadcast address, a literal
// is parsed, a name is looked up (with the interpreter lock released).
func resolveHost(L *lua.LState, host string, family int) netip.Addr {
	switch host {
	case "":
		if family == unix.AF_INET6 {
			return netip.IPv6Unspecified()
		}
		return netip.IPv4Unspecified()
	case "<broadcast>":
		return netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		// getaddrinfo refuses a literal of the other family (an IPv4
		// address on an AF_INET6 socket must be written ::ffff:a.b.c.d).
		if family == unix.AF_INET && !ip.Unmap().Is4() || family == unix.AF_INET6 && ip.Is4() {
			api.Raise(L, &api.Error{Kind: api.GaiError, Errno: -9, Message: "Address family for hostname not supported"})
		}
		checkZone(L, ip)
		return ip
	}
	ips, err := lookupHost(L, host, family)
	if err != nil {
		api.Raise(L, err)
	}
	return ips[0]
}

// lookupHost resolves name to the addresses of family (0: any), with the
// interpreter lock released; KeyboardInterrupt when L's context ends.
func lookupHost(L *lua.LState, name string, family int) ([]netip.Addr, *api.Error) {
	network := "ip"
	switch family {
	case unix.AF_INET:
		network = "ip4"
	case unix.AF_INET6:
		network = "ip6"
	}
	ips, err := resolve(L, func(ctx context.Context, r api.Resolver) ([]netip.Addr, error) {
		return r.LookupNetIP(ctx, network, name)
	})
	if pe := interrupted(err); pe != nil {
		return nil, pe
	}
	if err != nil || len(ips) == 0 {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsTemporary {
			return nil, &api.Error{Kind: api.GaiError, Errno: -3, Message: "Temporary failure in name resolution"}
		}
		return nil, &api.Error{Kind: api.GaiError, Errno: -2, Message: "Name or service not known"}
	}
	for i, ip := range ips {
		if family == unix.AF_INET {
			ips[i] = ip.Unmap()
		}
	}
	return ips, nil
}

func toSockaddr(ip netip.Addr, port, family int) unix.Sockaddr {
	if family == unix.AF_INET6 {
		sa := &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
		if z := ip.Zone(); z != "" {
			sa.ZoneId, _ = zoneIndex(z) // checkZone raised for a bad one
		}
		return sa
	}
	return &unix.SockaddrInet4{Port: port, Addr: ip.Unmap().As4()}
}

// pushAddr pushes the Lua form of sa: {host, port} (IPv6 adds flowinfo
// and scope_id), or the path for AF_UNIX.
func addrValue(L *lua.LState, sa unix.Sockaddr) lua.LValue {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return newAddr(L, netip.AddrFrom4(sa.Addr).String(), sa.Port)
	case *unix.SockaddrInet6:
		t := newAddr(L, netip.AddrFrom16(sa.Addr).String(), sa.Port)
		t.RawSetInt(3, lua.LNumber(0))
		t.RawSetInt(4, lua.LNumber(sa.ZoneId))
		t.RawSetString("flowinfo", lua.LNumber(0))
		t.RawSetString("scope_id", lua.LNumber(sa.ZoneId))
		return t
	case *unix.SockaddrUnix:
		return lua.LString(unixPath(sa))
	}
	return lua.LNil
}

func newAddr(L *lua.LState, host string, port int) *lua.LTable {
	t := L.CreateTable(2, 2)
	t.RawSetInt(1, lua.LString(host))
	t.RawSetInt(2, lua.LNumber(port))
	t.RawSetString("host", lua.LString(host))
	t.RawSetString("port", lua.LNumber(port))
	t.Metatable = typeMetatable(L, AddrType)
	return t
}

// formatAddr is Python's repr of an address tuple: ('127.0.0.1', 9000).
func formatAddr(sa unix.Sockaddr) string {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return fmt.Sprintf("('%s', %d)", netip.AddrFrom4(sa.Addr), sa.Port)
	case *unix.SockaddrInet6:
		return fmt.Sprintf("('%s', %d, 0, %d)", netip.AddrFrom16(sa.Addr), sa.Port, sa.ZoneId)
	case *unix.SockaddrUnix:
		return "'" + unixPath(sa) + "'"
	}
	return "None"
}

// unixPath is Python's form of an AF_UNIX name: "" for an unnamed socket,
// "\x00name" for an abstract one. x/sys reports both with a leading "@"
// instead of the NUL (and an unnamed socket as "@").
func unixPath(sa *unix.SockaddrUnix) string {
	if strings.HasPrefix(sa.Name, "@") {
		if sa.Name == "@" {
			return ""
		}
		return "\x00" + sa.Name[1:]
	}
	return sa.Name
}

// hostPort is the address as "host:port" (or the path) for the host's
// OnListen callback.
func hostPort(sa unix.Sockaddr) string {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return net.JoinHostPort(netip.AddrFrom4(sa.Addr).String(), strconv.Itoa(sa.Port))
	case *unix.SockaddrInet6:
		return net.JoinHostPort(netip.AddrFrom16(sa.Addr).String(), strconv.Itoa(sa.Port))
	case *unix.SockaddrUnix:
		return sa.Name
	}
	return ""
}

// addrMeta is the metatable of returned addresses.
var addrMeta = map[string]lua.LGFunction{
	"__tostring": func(L *lua.LState) int {
		t := L.CheckTable(1)
		s := fmt.Sprintf("('%s', %s)", lua.LVAsString(t.RawGetInt(1)), t.RawGetInt(2))
		if t.RawGetInt(3) != lua.LNil {
			s = fmt.Sprintf("('%s', %s, %s, %s)", lua.LVAsString(t.RawGetInt(1)), t.RawGetInt(2), t.RawGetInt(3), t.RawGetInt(4))
		}
		L.Push(lua.LString(s))
		return 1
	},
	// Addresses compare by value, as Python's tuples do.
	"__eq": func(L *lua.LState) int {
		a, b := L.CheckTable(1), L.CheckTable(2)
		eq := true
		for i := 1; i <= 4; i++ {
			if a.RawGetInt(i) != b.RawGetInt(i) {
				eq = false
			}
		}
		L.Push(lua.LBool(eq))
		return 1
	},
}
