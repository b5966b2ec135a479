package bindings

import (
	"context"
	"io"

	lua "github.com/yuin/gopher-lua"
)

var inputFunc = Func{"input", `input([prompt]) -> string
Writes prompt, then reads a line from standard input without its line
ending; raises EOFError at end of input. Other threads run while it waits.
Python: input([prompt])`, luaInput}

func luaInput(L *lua.LState) int {
	prompt := ""
	if L.GetTop() >= 1 {
		prompt = L.ToStringMeta(L.Get(1)).String()
	}
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	line, err := hostOf(L).ReadLine(ctx, prompt)
	if err == io.EOF {
		Raisef(L, "EOFError", "EOF when reading a line")
	} else if err != nil {
		RaiseErr(L, err)
	}
	L.Push(lua.LString(line))
	return 1
}
