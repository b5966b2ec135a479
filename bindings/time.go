package bindings

import (
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

var timeModule = api.Module{
	Name: "time",
	Doc:  "Python's time module: sleep and clocks.",
	Funcs: []api.Func{
		{Name: "sleep", Doc: `time.sleep(secs)
Suspends the calling thread for secs seconds (a fraction is fine); other
threads run meanwhile. time.sleep(0) just lets them run. Ctrl-C interrupts it.
Python: time.sleep(secs)`, Fn: timeSleep},
		{Name: "time", Doc: `time.time() -> number
Seconds since the Unix epoch, with a fraction.
Python: time.time()`, Fn: func(L *lua.LState) int {
			L.Push(lua.LNumber(float64(time.Now().UnixNano()) / 1e9))
			return 1
		}},
		{Name: "monotonic", Doc: `time.monotonic() -> number
Seconds on a clock that never goes back; only differences mean something.
Python: time.monotonic()`, Fn: timeMonotonic},
		{Name: "perf_counter", Doc: `time.perf_counter() -> number
The highest-resolution clock, for timing code; only differences mean something.
Python: time.perf_counter()`, Fn: timeMonotonic},
		{Name: "strftime", Doc: `time.strftime(format [, t]) -> string
Formats t (seconds since the epoch, default now) in local time with C's
directives: %Y %m %d %H %M %S %y %b %B %a %A %j %p %I %Z %z %%.
Python: time.strftime(format[, t])`, Fn: timeStrftime},
	},
}

var clockStart = time.Now()

func timeMonotonic(L *lua.LState) int {
	L.Push(lua.LNumber(time.Since(clockStart).Seconds()))
	return 1
}

func timeSleep(L *lua.LState) int {
	secs := api.Function(L, "sleep").Number(1)
	if secs < 0 {
		api.Raisef(L, api.ValueError, "sleep length must be non-negative")
	}
	h := api.HostOf(L)
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	var err error
	h.Unlocked(func() {
		if secs == 0 {
			goruntime.Gosched()
			return
		}
		t := time.NewTimer(secondsToDuration(secs))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			err = ctx.Err()
		}
	})
	if err != nil {
		api.RaiseErr(L, err)
	}
	return 0
}

func timeStrftime(L *lua.LState) int {
	args := api.Function(L, "strftime")
	format := args.String(1)
	t := time.Now()
	if L.GetTop() >= 2 {
		secs := args.Number(2)
		t = time.Unix(0, int64(secs*1e9))
	}
	L.Push(lua.LString(strftime(format, t)))
	return 1
}

// strftime implements the C directives Python passes through.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'Y':
			fmt.Fprintf(&b, "%d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", (t.Hour()+11)%12+1)
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'b':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}
