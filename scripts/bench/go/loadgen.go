//go:build socklabbench

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// loadgen: PORT CONNS ROUNDS SIZE DEADLINE_S, the load generator of W7
// and W8. It dials CONNS connections (a bounded number in flight) and
// holds them all; once every dial has finished, each connection does
// ROUNDS round trips of SIZE bytes at once, checking each echo. It prints
// how many dialled, how many were served every round trip correctly, the
// dial phase's length and the round-trip rate of the second phase. Every
// connection gives up DEADLINE_S seconds after the start, so a stuck
// server still gets a result line.
func loadgen(args []string) error {
	a, err := ints(args, 5)
	if err != nil {
		return err
	}
	port, conns, rounds, size, deadlineS := a[0], a[1], a[2], a[3], a[4]
	start := time.Now()
	deadline := start.Add(time.Duration(deadlineS) * time.Second)
	to := addr(port)

	// Dial phase: 64 in flight, as a client pool would.
	all := make([]net.Conn, conns)
	var dialErrs atomic.Int64
	var firstErr atomic.Value
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range conns {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			d := net.Dialer{Deadline: deadline}
			c, err := d.Dial("tcp4", to)
			if err != nil {
				dialErrs.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			c.SetDeadline(deadline)
			all[i] = c
		}()
	}
	wg.Wait()
	connectS := time.Since(start).Seconds()

	// Round-trip phase.
	var served atomic.Int64
	t0 := time.Now()
	for i, c := range all {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := make([]byte, size)
			buf := make([]byte, size)
			for r := range rounds {
				for j := range msg {
					msg[j] = byte('a' + (i+r+j)%26)
				}
				if _, err := c.Write(msg); err != nil {
					firstErr.CompareAndSwap(nil, err.Error())
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					firstErr.CompareAndSwap(nil, err.Error())
					return
				}
				if !bytes.Equal(msg, buf) {
					firstErr.CompareAndSwap(nil, "echo differs")
					return
				}
			}
			served.Add(1)
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0).Seconds()
	for _, c := range all {
		if c != nil {
			c.Close()
		}
	}
	if e, ok := firstErr.Load().(string); ok {
		fmt.Printf("NOTE first error: %s\n", e)
	}
	fmt.Printf("RESULT conns=%d connected=%d served=%d rt_per_s=%.1f connect_s=%.3f\n",
		conns, conns-int(dialErrs.Load()), served.Load(), float64(served.Load())*float64(rounds)/max(elapsed, 1e-9), connectS)
	return nil
}
