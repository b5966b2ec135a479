//go:build socklabbench

package main

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// w3Server: ROUNDS, echoes that many datagrams back to their senders.
func w3Server(args []string) error {
	a, err := ints(args, 1)
	if err != nil {
		return err
	}
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return err
	}
	defer conn.Close()
	fmt.Printf("PORT %d\n", conn.LocalAddr().(*net.UDPAddr).Port)
	buf := make([]byte, 65536)
	for range a[0] {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			return err
		}
		if _, err := conn.WriteToUDP(buf[:n], from); err != nil {
			return err
		}
	}
	return nil
}

// w3Client: PORT ROUNDS SIZE, each datagram waiting for its echo.
func w3Client(args []string) error {
	a, err := ints(args, 3)
	if err != nil {
		return err
	}
	port, rounds, size := a[0], a[1], a[2]
	conn, err := net.ListenUDP("udp4", nil)
	if err != nil {
		return err
	}
	defer conn.Close()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
	msg := []byte(strings.Repeat("x", size))
	buf := make([]byte, 65536)
	t0 := time.Now()
	for range rounds {
		if _, err := conn.WriteToUDP(msg, to); err != nil {
			return err
		}
		n, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			return err
		}
		if n != size {
			return fmt.Errorf("short echo: %d bytes", n)
		}
	}
	elapsed := time.Since(t0).Seconds()
	fmt.Printf("RESULT rounds=%d rt_per_s=%.1f\n", rounds, float64(rounds)/elapsed)
	return nil
}
