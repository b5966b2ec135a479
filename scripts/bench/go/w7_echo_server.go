//go:build socklabbench

package main

import (
	"net"
	"syscall"
)

// w7Server: BACKLOG, a goroutine-per-connection echo server (Go's thread
// per connection) until it is killed. Go's runtime raises the descriptor
// soft limit itself; the listen backlog is set by hand, as the Lua and
// Python servers set it.
func w7Server(args []string) error {
	a, err := ints(args, 1)
	if err != nil {
		return err
	}
	ln, err := listenTCP()
	if err != nil {
		return err
	}
	if raw, err := ln.(*net.TCPListener).SyscallConn(); err == nil {
		raw.Control(func(fd uintptr) { syscall.Listen(int(fd), a[0]) })
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer conn.Close()
			buf := make([]byte, 4096)
			for {
				n, err := conn.Read(buf)
				if err != nil {
					return
				}
				if _, err := conn.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
	}
}
