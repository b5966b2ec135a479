//go:build socklabbench

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// w1Server echoes one connection until the client closes.
func w1Server(args []string) error {
	conn, err := acceptOne()
	if err != nil {
		return err
	}
	defer conn.Close()
	buf := make([]byte, 65536)
	for {
		n, err := conn.Read(buf)
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := conn.Write(buf[:n]); err != nil {
			return err
		}
	}
}

// w1Client: PORT ROUNDS SIZE, round trips timed from the first send to
// the last reply.
func w1Client(args []string) error {
	a, err := ints(args, 3)
	if err != nil {
		return err
	}
	port, rounds, size := a[0], a[1], a[2]
	conn, err := net.Dial("tcp4", addr(port))
	if err != nil {
		return err
	}
	defer conn.Close()
	msg := []byte(strings.Repeat("x", size))
	buf := make([]byte, 65536)
	t0 := time.Now()
	for range rounds {
		if _, err := conn.Write(msg); err != nil {
			return err
		}
		for got := 0; got < size; {
			n, err := conn.Read(buf)
			if err != nil {
				return err
			}
			got += n
		}
	}
	elapsed := time.Since(t0).Seconds()
	fmt.Printf("RESULT rounds=%d rt_per_s=%.1f\n", rounds, float64(rounds)/elapsed)
	return nil
}
