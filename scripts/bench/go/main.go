//go:build socklabbench

// Command peer is the Go column of socklab's benchmark suite: every
// workload's Go side, chosen by the first argument, and the load generator
// that W7 and W8 run against all three servers. The runner builds it
// (go build -tags socklabbench) in a directory of its own; the build tag
// keeps it out of the socklab module's own builds and vets.
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// programs are the subcommands, named as the Lua and Python scripts are.
var programs = map[string]func(args []string) error{
	"w1_tcp_pingpong_server": w1Server,
	"w1_tcp_pingpong_client": w1Client,
	"w2_tcp_bulk_server":     w2Server,
	"w2_tcp_bulk_client":     w2Client,
	"w3_udp_pingpong_server": w3Server,
	"w3_udp_pingpong_client": w3Client,
	"w4_struct":              w4Struct,
	"w6_churn_server":        w6Server,
	"w6_churn_client":        w6Client,
	"w7_echo_server":         w7Server,
	"w9_gsub":                w9Replace,
	"loadgen":                loadgen,
}

func main() {
	if len(os.Args) < 2 || programs[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: peer PROGRAM [args...]")
		os.Exit(2)
	}
	if err := programs[os.Args[1]](os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "peer %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// ints parses the arguments as integers, n of them.
func ints(args []string, n int) ([]int, error) {
	if len(args) != n {
		return nil, fmt.Errorf("want %d arguments, got %d", n, len(args))
	}
	out := make([]int, n)
	for i, a := range args {
		v, err := strconv.Atoi(a)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// listenTCP listens on a kernel-chosen port of 127.0.0.1 and prints it,
// the line the runner waits for.
func listenTCP() (net.Listener, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fmt.Printf("PORT %d\n", ln.Addr().(*net.TCPAddr).Port)
	return ln, nil
}

// addr is 127.0.0.1:port.
// acceptOne listens as listenTCP does and takes the one connection of a
// workload that has one.
func acceptOne() (net.Conn, error) {
	ln, err := listenTCP()
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	return ln.Accept()
}

func addr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
