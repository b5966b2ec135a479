package bindings

import (
	"context"
	"io"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

var inputFunc = api.Func{Name: "input", Doc: `input([prompt]) -> string
Writes prompt, then reads a line from standard input without its line
ending; raises EOFError at end of input. Other threads run while it waits.
Python: input([prompt])`, Fn: luaInput}

func luaInput(L *lua.LState) int {
	prompt := ""
	if L.GetTop() >= 1 {
		prompt = L.ToStringMeta(L.Get(1)).String()
	}
	ctx := api.HostOf(L).Context(L)
	if ctx == nil {
		ctx = context.Background()
	}
	line, err := api.HostOf(L).ReadLine(ctx, prompt)
	if err == io.EOF {
		api.Raisef(L, api.EOFError, "EOF when reading a line")
	} else if err != nil {
		api.RaiseErr(L, err)
	}
	L.Push(lua.LString(line))
	return 1
}
