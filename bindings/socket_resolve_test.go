package bindings_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socklab/socklab/bindings"
	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/runtime"
	"go.uber.org/goleak"
)

// fakeDNS is a DNS server on 127.0.0.1 that never answers: it reports
// each query it receives on queries, so that a test knows the look-up is
// under way.
type fakeDNS struct {
	conn    *net.UDPConn
	queries chan struct{}
	done    chan struct{}
}

func startFakeDNS(t *testing.T) *fakeDNS {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	d := &fakeDNS{conn: conn, queries: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		buf := make([]byte, 512)
		for {
			if _, _, err := conn.ReadFromUDP(buf); err != nil {
				return // closed
			}
			select {
			case d.queries <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(d.stop)
	return d
}

// stop closes the server and waits for its goroutine.
func (d *fakeDNS) stop() {
	d.conn.Close()
	<-d.done
}

// resolver is a bindings.NewResolver whose every query goes to d, over
// UDP whatever server /etc/resolv.conf names.
func (d *fakeDNS) resolver() *net.Resolver {
	return bindings.NewResolver(func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dialer net.Dialer
		return dialer.DialContext(ctx, "udp", d.conn.LocalAddr().String())
	})
}

// stuckResolver answers addresses at once (127.0.0.1), and blocks in
// the look-ups named in stuck until the caller's context ends, reporting
// on started that it blocks.
type stuckResolver struct {
	stuck   map[string]bool // "cname", "port"
	started chan struct{}
	// release ends a blocked look-up too, at the end of the test: a
	// resolver called with a context that never ends (or with the
	// interpreter lock held) must not hang the test's clean-up.
	release chan struct{}
}

func newStuckResolver(stuck ...string) *stuckResolver {
	r := &stuckResolver{stuck: map[string]bool{}, started: make(chan struct{}, 1), release: make(chan struct{})}
	for _, s := range stuck {
		r.stuck[s] = true
	}
	return r
}

func (r *stuckResolver) block(ctx context.Context, what string) error {
	if !r.stuck[what] {
		return nil
	}
	select {
	case r.started <- struct{}{}:
	default:
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-r.release:
		return errors.New("released at the end of the test")
	}
}

func (r *stuckResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

func (r *stuckResolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	if err := r.block(ctx, "cname"); err != nil {
		return "", err
	}
	return "canonical.socklab.test.", nil
}

func (r *stuckResolver) LookupPort(ctx context.Context, _, service string) (int, error) {
	if err := r.block(ctx, "port"); err != nil {
		return 0, err
	}
	if service == "socklab-svc" {
		return 4242, nil
	}
	return 0, errors.New("unknown service")
}

// tickBuffer collects a script's output and counts its "tick" lines.
type tickBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ticks int
	tick  chan struct{} // poked at each tick line
}

func newTickBuffer() *tickBuffer { return &tickBuffer{tick: make(chan struct{}, 1)} }

func (b *tickBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if n := bytes.Count(p, []byte("tick\n")); n > 0 {
		b.ticks += n
		select {
		case b.tick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

func (b *tickBuffer) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ticks
}

func (b *tickBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitTicks waits until more than n ticks have been written.
func (b *tickBuffer) waitTicks(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	expired := time.After(timeout)
	for b.count() <= n {
		select {
		case <-b.tick:
		case <-expired:
			t.Fatalf("no tick from the other thread within %v while the look-up blocked (%d ticks)", timeout, b.count())
		}
	}
}

// A look-up that blocks releases the interpreter lock, so that another
// thread runs meanwhile, and cancelling the runtime interrupts it with
// KeyboardInterrupt at once, leaving no goroutine behind: through the
// DNS client (a server that never answers) and through a Resolver whose
// CNAME or service look-up blocks.
func TestBlockedLookupReleasesLockAndIsInterruptible(t *testing.T) {
	// Not parallel: it counts the process's goroutines.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cases := []struct {
		name  string
		call  string
		dns   bool     // through the fake DNS server
		stuck []string // else a stuckResolver blocking in these
	}{
		{name: "gethostbyname", call: `socket.gethostbyname("stuck.socklab.test")`, dns: true},
		{name: "getaddrinfo", call: `socket.getaddrinfo("stuck.socklab.test", 80)`, dns: true},
		{name: "create_connection", call: `socket.create_connection({"stuck.socklab.test", 80})`, dns: true},
		{name: "getfqdn", call: `socket.getfqdn("stuck.socklab.test")`, dns: true},
		{name: "getaddrinfo AI_CANONNAME", call: `socket.getaddrinfo("svc.socklab.test", 80, 0, 0, 0, socket.AI_CANONNAME)`, stuck: []string{"cname"}},
		{name: "getfqdn CNAME", call: `socket.getfqdn("svc.socklab.test")`, stuck: []string{"cname"}},
		{name: "getaddrinfo service", call: `socket.getaddrinfo("127.0.0.1", "http")`, stuck: []string{"port"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resolver runtime.Resolver
			var started <-chan struct{}
			var release func()
			if tc.dns {
				d := startFakeDNS(t)
				resolver, started, release = d.resolver(), d.queries, func() {}
			} else {
				r := newStuckResolver(tc.stuck...)
				resolver, started, release = r, r.started, func() { close(r.release) }
			}
			out := newTickBuffer()
			rt := runtime.New(runtime.Options{Stdout: out, Stderr: out, Resolver: resolver})
			t.Cleanup(func() { rt.Close() })
			t.Cleanup(release) // first
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			runCtx, interrupt := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() {
				done <- rt.RunString(runCtx, "lookup.lua", `
					threading.Thread{daemon = true, target = function()
						while true do print("tick"); time.sleep(0.002) end
					end}:start()
					`+tc.call+`
					print("the look-up returned")`)
			}()
			select {
			case <-started:
			case err := <-done:
				t.Fatalf("the script ended before the look-up blocked: %v\n%s", err, out)
			case <-ctx.Done():
				t.Fatal("the look-up never started")
			}
			// The look-up is under way and cannot return (nothing
			// answers): the other thread still runs.
			out.waitTicks(t, out.count()+2, 5*time.Second)
			start := time.Now()
			interrupt()
			var err error
			select {
			case err = <-done:
			case <-time.After(2 * time.Second):
				t.Fatal("the look-up was not interrupted within 2s of the cancellation")
			}
			var serr *runtime.ScriptError
			if !errors.As(err, &serr) || serr.Kind != api.KeyboardInterrupt {
				t.Fatalf("got %v, want KeyboardInterrupt\n%s", err, out)
			}
			if strings.Contains(out.String(), "the look-up returned") {
				t.Fatal("the script went on after the look-up")
			}
			t.Logf("interrupted %v after the cancellation", time.Since(start).Round(time.Millisecond))
		})
	}
}

// The resolver of Options.Resolver answers the socket module's look-ups:
// service names, canonical names.
func TestInjectedResolverAnswers(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	rt := runtime.New(runtime.Options{Stdout: &out, Stderr: &out, Resolver: newStuckResolver()})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := rt.RunString(ctx, "answers.lua", `
		local ai = socket.getaddrinfo("svc.socklab.test", "socklab-svc", 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
		print(ai[1].sockaddr, ai[1].canonname)
		print(socket.getfqdn("svc.socklab.test"))
		print(socket.gethostbyname("svc.socklab.test"))
		print(pcall(socket.getaddrinfo, "127.0.0.1", "no-such-service"))`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := "('127.0.0.1', 4242)\tcanonical.socklab.test\n" +
		"canonical.socklab.test\n" +
		"127.0.0.1\n" +
		"false\tgaierror: [Errno -8] Servname not supported for ai_socktype\n"
	if got := out.String(); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}
