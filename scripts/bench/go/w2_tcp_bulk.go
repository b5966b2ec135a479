//go:build socklabbench

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// w2Server counts the bytes of one connection until the sender closes,
// timed from the first byte to the end.
func w2Server(args []string) error {
	conn, err := acceptOne()
	if err != nil {
		return err
	}
	defer conn.Close()
	buf := make([]byte, 65536)
	total := 0
	var t0 time.Time
	for {
		n, err := conn.Read(buf)
		if n > 0 && t0.IsZero() {
			t0 = time.Now()
		}
		total += n
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
	}
	elapsed := max(time.Since(t0).Seconds(), 1e-9)
	fmt.Printf("RESULT bytes=%d mb_per_s=%.1f\n", total, float64(total)/1e6/elapsed)
	return nil
}

// w2Client: PORT TOTAL CHUNK, TOTAL bytes written CHUNK at a time from
// the same buffer.
func w2Client(args []string) error {
	a, err := ints(args, 3)
	if err != nil {
		return err
	}
	port, total, chunk := a[0], a[1], a[2]
	conn, err := net.Dial("tcp4", addr(port))
	if err != nil {
		return err
	}
	defer conn.Close()
	block := make([]byte, chunk)
	for i := range block {
		block[i] = 'x'
	}
	for sent := 0; sent < total; sent += chunk {
		if _, err := conn.Write(block[:min(chunk, total-sent)]); err != nil {
			return err
		}
	}
	return nil
}
