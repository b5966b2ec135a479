package bindings

import (
	"context"
	"net"
	"net/netip"
	"strconv"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// systemResolver looks names up as the system is configured to. Go's own
// DNS client stops waiting for an answer at its timeout (5 s by default,
// per attempt), not when the context ends; its connections are tied to
// the context so that a cancelled look-up ends at once.
var systemResolver = NewResolver(nil)

// NewResolver returns a Resolver whose DNS queries go through dial (nil:
// to the servers of /etc/resolv.conf, as the system looks names up), each
// connection closed as soon as the look-up's context ends, so that a
// cancelled look-up returns at once instead of at the DNS timeout and
// leaves no goroutine waiting for an answer. With a dial, Go's own DNS
// client is used (so that every query goes through it).
func NewResolver(dial func(ctx context.Context, network, address string) (net.Conn, error)) *net.Resolver {
	preferGo := dial != nil
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	return &net.Resolver{
		PreferGo: preferGo,
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			c, err := dial(ctx, network, address)
			if err != nil {
				return nil, err
			}
			// The resolver closes c itself when the query ends; closing it
			// again from here is harmless.
			context.AfterFunc(ctx, func() { c.Close() })
			return c, nil
		},
	}
}

// resolverOf is the resolver L's host chose, or the system's.
func resolverOf(L *lua.LState) api.Resolver {
	if r := api.HostOf(L).Resolver(); r != nil {
		return r
	}
	return systemResolver
}

// resolve runs look with the interpreter lock released, as CPython
// releases the GIL around getaddrinfo, passing it L's context. When the
// context ends, it returns the context's error (KeyboardInterrupt) whatever
// look returned.
func resolve[T any](L *lua.LState, look func(ctx context.Context, r api.Resolver) (T, error)) (T, error) {
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	r := resolverOf(L)
	var v T
	var err error
	api.HostOf(L).Unlocked(func() { v, err = look(ctx, r) })
	if cerr := ctx.Err(); cerr != nil {
		var zero T
		return zero, cerr
	}
	return v, err
}

// lookupPort turns a service name into its port number for network
// ("tcp" or "udp"), as getaddrinfo does with getservbyname.
func lookupPort(L *lua.LState, network, service string) (int, *api.Error) {
	port, err := resolve(L, func(ctx context.Context, r api.Resolver) (int, error) {
		return r.LookupPort(ctx, network, service)
	})
	if err != nil {
		if pe := interrupted(err); pe != nil {
			return 0, pe
		}
		return 0, &api.Error{Kind: api.GaiError, Errno: -8, Message: "Servname not supported for ai_socktype"}
	}
	return port, nil
}

// lookupCNAME is the canonical name of host; ok is false when it has none
// to report.
func lookupCNAME(L *lua.LState, host string) (cname string, ok bool) {
	c, err := resolve(L, func(ctx context.Context, r api.Resolver) (string, error) {
		return r.LookupCNAME(ctx, host)
	})
	if pe := interrupted(err); pe != nil {
		api.Raise(L, pe)
	}
	if err != nil || c == "" {
		return "", false
	}
	return trimDot(c), true
}

// interrupted is the KeyboardInterrupt for err when err is the end of a
// context, or nil.
func interrupted(err error) *api.Error {
	if err == nil {
		return nil
	}
	if pe := api.FromGoError(err); pe.Kind == api.KeyboardInterrupt {
		return pe
	}
	return nil
}

// zoneIndex is the scope id of an IPv6 zone: an interface's name or its
// index, as getaddrinfo reads "fe80::1%lo" or "fe80::1%1". The name is
// looked up with one ioctl, as the C library's if_nametoindex does,
// rather than with net.InterfaceByName, which dumps every interface over
// netlink.
func zoneIndex(zone string) (uint32, bool) {
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), true
	}
	ifr, err := unix.NewIfreq(zone)
	if err != nil {
		return 0, false // too long for an interface name
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, false
	}
	return ifr.Uint32(), true
}

// checkZone raises gaierror for an IPv6 literal whose zone names no
// interface, as getaddrinfo fails for it.
func checkZone(L *lua.LState, ip netip.Addr) {
	if z := ip.Zone(); z != "" {
		if _, ok := zoneIndex(z); !ok {
			api.Raise(L, &api.Error{Kind: api.GaiError, Errno: -2, Message: "Name or service not known"})
		}
	}
}
