package main

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"

	"github.com/chzyer/readline"
)

// markDelete stands for the Delete key (ESC [ 3 ~) between the key reader
// and the rune filter: readline turns that key into the rune of Ctrl-D,
// which ends the session on an empty line (its issues #148, #187).
const markDelete = '\uFDD3'

// markInterrupt is injected to interrupt the line being read (SIGINT from
// outside, input() whose context ended); keyFilter.interruptWanted says
// whether it still should when it arrives.
const markInterrupt = '\uFDD4'

var deleteKey = []byte("\x1b[3~")

// keyReader is readline's stdin. It reads the terminal only while asked
// to (so that between prompts the keys stay with the terminal), stops
// waiting when closed (readline never closes the reader it wraps, and its
// Close waits for the read), and can be handed keys to inject. What it
// reads it cleans up before readline sees it:
//   - NUL (Ctrl-Space) is dropped: readline takes rune 0 for end of input,
//     and its Close then waits for a key that never comes.
//   - A Tab that arrives in one read with other bytes was pasted: it
//     becomes spaces instead of asking for completion.
//   - The Delete key becomes markDelete (see keyFilter.filter).
//   - The screen's marker runes are dropped.
type keyReader struct {
	in      io.Reader
	pending chan readResult // a read of in that has not returned yet
	inject  chan []byte
	closed  chan struct{}
	once    sync.Once
	rest    []byte // cleaned bytes not yet returned
	carry   []byte // a Delete key sequence cut by the end of a read
	err     error  // in's error, once rest is drained
}

type readResult struct {
	data []byte
	err  error
}

func newKeyReader(in io.Reader) *keyReader {
	return &keyReader{in: in, inject: make(chan []byte, 16), closed: make(chan struct{})}
}

// Read is only called by readline's terminal goroutine.
func (k *keyReader) Read(p []byte) (int, error) {
	for {
		if len(k.rest) > 0 {
			n := copy(p, k.rest)
			k.rest = k.rest[n:]
			return n, nil
		}
		if k.err != nil {
			return 0, k.err
		}
		if k.pending == nil {
			ch := make(chan readResult, 1)
			k.pending = ch
			go func() {
				buf := make([]byte, 4096)
				n, err := k.in.Read(buf)
				ch <- readResult{buf[:n], err}
			}()
		}
		select {
		case res := <-k.pending:
			k.pending = nil
			k.rest = k.clean(res.data)
			if res.err != nil {
				k.rest = append(k.rest, k.carry...)
				k.carry, k.err = nil, res.err
			}
		case b := <-k.inject:
			k.rest = b
		case <-k.closed:
			return 0, io.EOF
		}
	}
}

// clean applies the rules above to one read.
func (k *keyReader) clean(data []byte) []byte {
	pasted := len(data) > 1
	if len(k.carry) > 0 {
		data = append(k.carry, data...)
		k.carry = nil
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == 0:
		case c == '\t' && pasted:
			out = append(out, "    "...)
		case c == 0x1b && bytes.HasPrefix(data[i:], deleteKey):
			out = append(out, string(markDelete)...)
			i += len(deleteKey) - 1
		case c == 0x1b && bytes.HasPrefix(deleteKey, data[i:]):
			// ESC, ESC [ or ESC [ 3 at the end: wait for the rest, as
			// readline itself would before acting on an ESC.
			k.carry = append([]byte(nil), data[i:]...)
			i = len(data)
		case c == 0xef && i+2 < len(data) && data[i+1] == 0xb7 && data[i+2] >= 0x90 && data[i+2] <= 0xaf:
			i += 2 // U+FDD0..U+FDEF, the markers
		default:
			out = append(out, c)
		}
	}
	return out
}

// Inject hands keys to readline as if typed.
func (k *keyReader) Inject(b []byte) {
	select {
	case k.inject <- b:
	default:
	}
}

func (k *keyReader) Close() error {
	k.once.Do(func() { close(k.closed) })
	return nil
}

// keyFilter holds readline's FuncFilterInputRune and Listener, which run
// on its goroutine (the listener also once per Readline on the caller's).
type keyFilter struct {
	mu      sync.Mutex
	lineLen int    // runes in the line, as the listener last saw it
	onWidth func() // readline's width-change callback
	resized atomic.Bool
	// interruptWanted: a markInterrupt is on its way and the Readline it
	// is for has not returned.
	interruptWanted atomic.Bool
}

// Runes readline acts on; other control runes it would insert into the
// line as they are. An array, built into the binary, not a map built at
// every start.
var handledControls = [0x20]bool{
	readline.CharLineStart: true, readline.CharBackward: true, readline.CharInterrupt: true,
	readline.CharDelete: true, readline.CharLineEnd: true, readline.CharForward: true,
	readline.CharBell: true, readline.CharCtrlH: true, readline.CharTab: true,
	readline.CharCtrlJ: true, readline.CharKill: true, readline.CharCtrlL: true,
	readline.CharEnter: true, readline.CharNext: true, readline.CharPrev: true,
	readline.CharBckSearch: true, readline.CharFwdSearch: true, readline.CharTranspose: true,
	readline.CharCtrlU: true, readline.CharCtrlW: true, readline.CharCtrlY: true,
	readline.CharCtrlZ: true, readline.CharEsc: true,
}

// filter is FuncFilterInputRune. It always returns true: false makes
// readline's Close hang. Rune 0 is readline's end of input and passes.
func (f *keyFilter) filter(r rune) (rune, bool) {
	if f.resized.Swap(false) {
		// readline's widths are updated here, on its own goroutine, not
		// from the signal's (its issue #214).
		f.mu.Lock()
		onWidth := f.onWidth
		f.mu.Unlock()
		if onWidth != nil {
			onWidth()
		}
	}
	switch {
	case r == markDelete:
		f.mu.Lock()
		n := f.lineLen
		f.mu.Unlock()
		if n > 0 {
			return readline.CharDelete, true // delete under the cursor
		}
		return readline.CharBell, true // on an empty line: nothing
	case r == markInterrupt:
		if f.interruptWanted.Swap(false) {
			return readline.CharInterrupt, true
		}
		return readline.CharBell, true
	case r > 0 && r < 0x20 && !handledControls[r]:
		return readline.CharBell, true
	case r >= 0xFDD0 && r <= 0xFDEF:
		return readline.CharBell, true
	}
	return r, true
}

func (f *keyFilter) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	f.mu.Lock()
	f.lineLen = len(line)
	f.mu.Unlock()
	return nil, 0, false
}

// onWidthChanged is FuncOnWidthChanged: it keeps readline's callback for
// the next key.
func (f *keyFilter) onWidthChanged(cb func()) {
	f.mu.Lock()
	f.onWidth = cb
	f.mu.Unlock()
}
