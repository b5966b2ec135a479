package bench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSocklab writes a shell script that stands in for socklab: it gets
// "run FILE ARGS..." and does what body says.
func fakeSocklab(t *testing.T, body string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-socklab")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{path}
}

// The runner reports what went wrong with a run, in the cell and the
// notes, instead of hanging or failing as a whole.
func TestRunFailures(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake socklab")
	}
	cases := []struct {
		name     string
		only     string
		body     string
		cell     string // the socklab cell of the workload's first row
		problem  string
		progress string
	}{
		// sleep is bounded, in case the kill went astray.
		{"timeout", "W4", "exec sleep 30", "timeout", "W4 socklab rep 1: timeout after 300ms", "W4 struct socklab rep 1 ... timeout"},
		{"wrong result", "W4", `echo "RESULT ops=3 ops_per_s=1 floor_ops_per_s=2"`, "failed", "3 pack+unpack pairs, want 1000", ""},
		{"exit status", "W9", `echo boom >&2; exit 3`, "failed", "exit status 3", ""},
		{"no port", "W1", `echo "not a port line"`, "failed", "ended before printing its port", ""},
		{"server hangs", "W1", `case "$2" in *server*) exec sleep 30;; esac`, "timeout", "timeout", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var progress strings.Builder
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := Run(ctx, Options{
				Socklab: fakeSocklab(t, c.body), Reps: 1, Only: []string{c.only}, Smoke: true,
				RunTimeout: 300 * time.Millisecond, Progress: &progress,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed() {
				t.Error("Failed() is false")
			}
			if got := res.Rows[0].cell(Socklab); got != c.cell {
				t.Errorf("cell %q, want %q", got, c.cell)
			}
			if p := strings.Join(res.Problems(), "\n"); !strings.Contains(p, c.problem) {
				t.Errorf("problems %q lack %q", p, c.problem)
			}
			if !strings.Contains(progress.String(), c.progress) {
				t.Errorf("progress %q lacks %q", progress.String(), c.progress)
			}
			// No Python, no Go: their columns are empty and say why.
			if got := res.Rows[0].cell(CPython); got != "—" {
				t.Errorf("CPython cell %q, want —", got)
			}
			if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "CPython: no python3") || !strings.Contains(notes, "Go: no go command") {
				t.Errorf("notes %q", notes)
			}
		})
	}
}

// Without Go there is no load generator: W7 and W8 are skipped, with a
// note, and nothing runs.
func TestRunWithoutGoSkipsLoadgen(t *testing.T) {
	t.Parallel()
	var progress strings.Builder
	res, err := Run(context.Background(), Options{Socklab: []string{"/nonexistent"}, Reps: 2, Only: []string{"W7", "W8"}, Smoke: true, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if progress.Len() != 0 || res.Failed() {
		t.Errorf("ran something: %q, problems %q", progress.String(), res.Problems())
	}
	for _, row := range res.Rows {
		if row.Skipped[Socklab] == "" || row.cell(Socklab) != "—" {
			t.Errorf("%s not skipped: %+v", row.Label, row.Skipped)
		}
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "W7: skipped, it needs the Go load generator") {
		t.Errorf("notes %q", notes)
	}
}

// Cancelling the run (Ctrl-C) stops it at once; what was measured stays,
// and the interrupted run is not counted as a failure.
func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	progress := &startWriter{started: make(chan struct{})}
	done := make(chan struct{})
	var res *Results
	var err error
	go func() {
		defer close(done)
		res, err = Run(ctx, Options{Socklab: fakeSocklab(t, "exec sleep 30"), Reps: 3, Only: []string{"W4", "W9"}, Smoke: true, Progress: progress})
	}()
	select {
	case <-progress.started:
	case <-time.After(20 * time.Second):
		t.Fatal("the first run did not start")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Errorf("interrupted run counted as failed: %q", res.Problems())
	}
	if notes := strings.Join(res.Notes, "\n"); !strings.Contains(notes, "interrupted after 1 of 6 runs") {
		t.Errorf("notes %q; progress %q", notes, progress.String())
	}
	if !strings.HasSuffix(progress.String(), "rep 1 ... interrupted\n") {
		t.Errorf("progress %q", progress.String())
	}
}

// startWriter collects the progress lines and closes started at the
// first one.
type startWriter struct {
	mu      sync.Mutex
	b       strings.Builder
	started chan struct{}
}

func (w *startWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.b.Len() == 0 {
		close(w.started)
	}
	return w.b.Write(p)
}

func (w *startWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
