//go:build socklabbench

package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// pack is struct.pack("!IHd", a, b, c) by hand: a fresh buffer per call,
// as pack returns a fresh string.
//
//go:noinline
func pack(a uint32, b uint16, c float64) []byte {
	buf := make([]byte, 14)
	binary.BigEndian.PutUint32(buf, a)
	binary.BigEndian.PutUint16(buf[4:], b)
	binary.BigEndian.PutUint64(buf[6:], math.Float64bits(c))
	return buf
}

//go:noinline
func unpack(buf []byte) (uint32, uint16, float64, error) {
	if len(buf) != 14 {
		return 0, 0, 0, fmt.Errorf("unpack requires a buffer of 14 bytes")
	}
	return binary.BigEndian.Uint32(buf), binary.BigEndian.Uint16(buf[4:]), math.Float64frombits(binary.BigEndian.Uint64(buf[6:])), nil
}

// w4Struct: N packs and unpacks.
func w4Struct(args []string) error {
	a, err := ints(args, 1)
	if err != nil {
		return err
	}
	n := a[0]
	var x uint32
	var y uint16
	var z float64
	t0 := time.Now()
	for i := 1; i <= n; i++ {
		x, y, z, err = unpack(pack(uint32(i), 7, 0.5))
		if err != nil {
			return err
		}
	}
	elapsed := time.Since(t0).Seconds()
	if int(x) != n || y != 7 || z != 0.5 {
		return fmt.Errorf("unpack gave %d %d %g", x, y, z)
	}
	fmt.Printf("RESULT ops=%d ops_per_s=%.1f\n", n, float64(n)/elapsed)
	return nil
}
