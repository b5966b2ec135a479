//go:build socklabbench

package main

import (
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// w6Server: N SIZE, N connections one after another, each read, echoed,
// closed.
func w6Server(args []string) error {
	a, err := ints(args, 2)
	if err != nil {
		return err
	}
	n, size := a[0], a[1]
	ln, err := listenTCP()
	if err != nil {
		return err
	}
	defer ln.Close()
	buf := make([]byte, size)
	for range n {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		got, err := io.ReadFull(conn, buf)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			conn.Close()
			return err
		}
		_, err = conn.Write(buf[:got])
		conn.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// w6Client: PORT N SIZE, N times connect, send, read the echo, close.
func w6Client(args []string) error {
	a, err := ints(args, 3)
	if err != nil {
		return err
	}
	port, n, size := a[0], a[1], a[2]
	to := addr(port)
	msg := []byte(strings.Repeat("x", size))
	buf := make([]byte, size)
	t0 := time.Now()
	for range n {
		conn, err := net.Dial("tcp4", to)
		if err != nil {
			return err
		}
		if _, err := conn.Write(msg); err != nil {
			conn.Close()
			return err
		}
		_, err = io.ReadFull(conn, buf)
		conn.Close()
		if err != nil {
			return err
		}
	}
	elapsed := time.Since(t0).Seconds()
	fmt.Printf("RESULT conns=%d conn_per_s=%.1f\n", n, float64(n)/elapsed)
	return nil
}
