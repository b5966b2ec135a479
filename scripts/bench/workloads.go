package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// sizes are the workloads' parameters, passed to the scripts as
// arguments.
type sizes struct {
	pingRounds  int // W1, W3: round trips
	msgSize     int // W1, W3, W6, W7, W8: bytes per message
	bulkTotal   int // W2: bytes sent
	bulkChunk   int // W2: bytes per sendall
	structOps   int // W4: pack+unpack pairs
	starts      int // W5: process starts per repetition
	churnConns  int // W6: connections
	echoConns   int // W7: concurrent connections (server threads)
	echoRounds  int // W7: round trips per connection
	scaleConns  int // W8: concurrent connections
	scaleRounds int // W8: round trips per connection
	gsubSize    int // W9: input bytes
	gsubMinTime float64
	backlog     int // W7, W8: the servers' listen backlog
	timeout     time.Duration
	scaleTime   time.Duration // W8's own limit: CPython needs minutes
}

// fullSizes are the measurement's sizes (the table).
func fullSizes() sizes {
	return sizes{
		pingRounds: 50000, msgSize: 32,
		bulkTotal: 1 << 30, bulkChunk: 64 << 10,
		structOps:  1000000,
		starts:     20,
		churnConns: 10000,
		echoConns:  200, echoRounds: 500,
		scaleConns: 10000, scaleRounds: 3,
		gsubSize: 1000000, gsubMinTime: 0.2,
		backlog: 4096,
		timeout: 3 * time.Minute, scaleTime: 10 * time.Minute,
	}
}

// smokeSizes are a few iterations of each: enough to check the results.
func smokeSizes() sizes {
	return sizes{
		pingRounds: 50, msgSize: 32,
		bulkTotal: 1<<20 + 100, bulkChunk: 64 << 10,
		structOps:  1000,
		starts:     2,
		churnConns: 20,
		echoConns:  5, echoRounds: 4,
		scaleConns: 50, scaleRounds: 3,
		gsubSize: 10000, gsubMinTime: 0,
		backlog: 128,
		timeout: time.Minute, scaleTime: time.Minute,
	}
}

// kind says which way a row is better and how its values read.
type kind string

const (
	rate   kind = "rate"   // higher is better: rt/s, conn/s, ops/s (k, M suffixes)
	speed  kind = "speed"  // higher is better: MB/s
	timing kind = "time"   // lower is better: ms, s
	memory kind = "memory" // lower is better: MiB
	count  kind = "count"  // higher is better: connections served
)

// lowerIsBetter reports whether a smaller value is the better one.
func (k kind) lowerIsBetter() bool { return k == timing || k == memory }

// rowSpec is one row a workload produces, from one RESULT key.
type rowSpec struct {
	key   string // RESULT key, or rssKey / startKey
	label string
	unit  string
	kind  kind
	only  Impl // when set, the only column that has this row
}

// Keys the runner adds to a run's metrics itself.
const (
	rssKey   = "server_rss_mib" // the server's VmHWM
	startKey = "start_ms"       // W5: mean wall time of a start
)

// metrics are one run's RESULT values.
type metrics map[string]float64

// workload is one benchmark.
type workload struct {
	id    string // W1
	short string // for the progress line
	rows  []rowSpec
	// needsGo marks workloads whose client is the Go load generator.
	needsGo bool
	// unable, when set, says why the machine cannot run the workload
	// ("" when it can); the workload is then skipped with that note.
	unable func() string
	// run runs it once in one implementation.
	run     func(ctx context.Context, r *runner, impl Impl) (metrics, error)
	timeout time.Duration
}

// workloads are the suite, in order.
func workloads(sz sizes) []*workload {
	itoa := strconv.Itoa
	msg := itoa(sz.msgSize)
	return []*workload{
		{
			id: "W1", short: "tcp ping-pong",
			rows: []rowSpec{{key: "rt_per_s", label: fmt.Sprintf("W1 TCP ping-pong, %s round trips of %d B", amount(sz.pingRounds), sz.msgSize), unit: "rt/s", kind: rate}},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.pair(ctx, impl, "w1_tcp_pingpong_server", nil, "w1_tcp_pingpong_client", []string{itoa(sz.pingRounds), msg})
				return m, check(err, m, "rounds", sz.pingRounds, "round trips")
			},
		},
		{
			id: "W2", short: "bulk",
			rows: []rowSpec{{key: "mb_per_s", label: fmt.Sprintf("W2 TCP bulk, %s in %s sendall", byteSize(sz.bulkTotal), byteSize(sz.bulkChunk)), unit: "MB/s", kind: speed}},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.pair(ctx, impl, "w2_tcp_bulk_server", nil, "w2_tcp_bulk_client", []string{itoa(sz.bulkTotal), itoa(sz.bulkChunk)})
				return m, check(err, m, "bytes", sz.bulkTotal, "bytes received")
			},
		},
		{
			id: "W3", short: "udp ping-pong",
			rows: []rowSpec{{key: "rt_per_s", label: fmt.Sprintf("W3 UDP ping-pong, %s datagrams of %d B", amount(sz.pingRounds), sz.msgSize), unit: "rt/s", kind: rate}},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.pair(ctx, impl, "w3_udp_pingpong_server", []string{itoa(sz.pingRounds)}, "w3_udp_pingpong_client", []string{itoa(sz.pingRounds), msg})
				return m, check(err, m, "rounds", sz.pingRounds, "round trips")
			},
		},
		{
			id: "W4", short: "struct",
			rows: []rowSpec{
				{key: "ops_per_s", label: "W4 struct pack+unpack `!IHd`", unit: "ops/s", kind: rate},
				{key: "floor_ops_per_s", label: "W4 floor: the same loop calling rawequal twice", unit: "ops/s", kind: rate, only: Socklab},
			},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.single(ctx, impl, "w4_struct", itoa(sz.structOps))
				return m, check(err, m, "ops", sz.structOps, "pack+unpack pairs")
			},
		},
		{
			id: "W5", short: "start-up",
			rows: []rowSpec{{key: startKey, label: fmt.Sprintf("W5 empty script start-up (mean of %d)", sz.starts), unit: "ms", kind: timing}},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				return r.startup(ctx, impl, sz.starts)
			},
		},
		{
			id: "W6", short: "churn",
			rows: []rowSpec{{key: "conn_per_s", label: fmt.Sprintf("W6 connect/send/recv/close churn, %s connections", amount(sz.churnConns)), unit: "conn/s", kind: rate}},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.pair(ctx, impl, "w6_churn_server", []string{itoa(sz.churnConns), msg}, "w6_churn_client", []string{itoa(sz.churnConns), msg})
				return m, check(err, m, "conns", sz.churnConns, "connections")
			},
		},
		{
			id: "W7", short: "threads echo", needsGo: true,
			rows: []rowSpec{
				{key: "rt_per_s", label: fmt.Sprintf("W7 %d threads echo, %s round trips each (Go load generator)", sz.echoConns, amount(sz.echoRounds)), unit: "rt/s", kind: rate},
				{key: rssKey, label: "W7 server peak RSS", unit: "MiB", kind: memory},
			},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.echoLoad(ctx, impl, sz.echoConns, sz.echoRounds, sz.msgSize, sz.backlog)
				return m, check(err, m, "served", sz.echoConns, "connections served")
			},
		},
		{
			id: "W8", short: "scale", needsGo: true, timeout: sz.scaleTime,
			unable: func() string { return nofileFor(sz.scaleConns) },
			rows: []rowSpec{
				{key: "served", label: fmt.Sprintf("W8 %s concurrent connections: served", amount(sz.scaleConns)), unit: "conns", kind: count},
				{key: "rt_per_s", label: fmt.Sprintf("W8 %d round trips each, once all connected", sz.scaleRounds), unit: "rt/s", kind: rate},
				{key: "connect_s", label: "W8 time to connect them all", unit: "s", kind: timing},
				{key: rssKey, label: "W8 server peak RSS", unit: "MiB", kind: memory},
			},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.echoLoad(ctx, impl, sz.scaleConns, sz.scaleRounds, sz.msgSize, sz.backlog)
				return m, check(err, m, "served", sz.scaleConns, "connections served")
			},
		},
		{
			id: "W9", short: "gsub",
			rows: []rowSpec{{key: "mb_per_s", label: fmt.Sprintf(`W9 gsub "\n" to "\r\n" over %s (re.sub, strings.ReplaceAll)`, byteSize(sz.gsubSize)), unit: "MB/s", kind: speed}},
			run: func(ctx context.Context, r *runner, impl Impl) (metrics, error) {
				m, err := r.single(ctx, impl, "w9_gsub", itoa(sz.gsubSize), strconv.FormatFloat(sz.gsubMinTime, 'g', -1, 64))
				if err == nil {
					lines := sz.gsubSize / 64
					err = check(nil, m, "replaced", lines, "newlines replaced")
					if err == nil {
						err = check(nil, m, "outlen", sz.gsubSize+lines, "bytes out")
					}
				}
				return m, err
			},
		},
	}
}

// check passes err on, or checks that the run reported key = want.
func check(err error, m metrics, key string, want int, what string) error {
	if err != nil {
		return err
	}
	got, ok := m[key]
	if !ok {
		return fmt.Errorf("no %s in the results", key)
	}
	if got != float64(want) {
		return fmt.Errorf("%.0f %s, want %d", got, what, want)
	}
	return nil
}

// amount writes a count as the table does: 50k, 10k, 200.
func amount(n int) string {
	switch {
	case n >= 1000000 && n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// byteSize writes a size: 1 GiB, 64 KiB, 1 MB, 1048676 B.
func byteSize(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1000000 && n%1000000 == 0:
		return fmt.Sprintf("%d MB", n/1000000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%d KB", n/1000)
	}
	return fmt.Sprintf("%d B", n)
}
