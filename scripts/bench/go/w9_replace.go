//go:build socklabbench

package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// w9Replace: SIZE MINTIME, strings.ReplaceAll(s, "\n", "\r\n") over SIZE
// bytes of 64-byte lines, repeated until MINTIME seconds have passed.
func w9Replace(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("want SIZE MINTIME")
	}
	size, err := strconv.Atoi(args[0])
	if err != nil {
		return err
	}
	mintime, err := strconv.ParseFloat(args[1], 64)
	if err != nil {
		return err
	}
	line := strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 2)[:63] + "\n"
	s := strings.Repeat(line, size/64) + line[:size%64]
	var out string
	iters := 0
	t0 := time.Now()
	for {
		out = strings.ReplaceAll(s, "\n", "\r\n")
		iters++
		if time.Since(t0).Seconds() >= mintime {
			break
		}
	}
	elapsed := time.Since(t0).Seconds()
	fmt.Printf("RESULT size=%d replaced=%d outlen=%d mb_per_s=%.2f\n", len(s), len(out)-len(s), len(out), float64(size)*float64(iters)/1e6/elapsed)
	return nil
}
