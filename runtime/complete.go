package runtime

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

// The identifier chain at the end of a line: socket.SO_, sk:re, pri.
var chainRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)*)?([.:]?)([A-Za-z_][A-Za-z0-9_]*)?$`)
})

// Complete returns what can complete the identifier chain that ends line,
// from the live values: globals, fields after ".", methods after ":".
// partial is the part of the last name already typed; each candidate is
// a whole name that starts with it.
func (rt *Runtime) Complete(line string) (partial string, candidates []string) {
	m := chainRE().FindStringSubmatch(line)
	if m == nil {
		return "", nil
	}
	base, sep, partial := m[1], m[2], m[3]
	if sep == "" && base != "" {
		// The chain took the last name too: "pri" is the partial name of
		// a global, "socket.SO_" and "sk:re" end in a partial field or
		// method name.
		if i := strings.LastIndexAny(base, ".:"); i >= 0 {
			base, sep, partial = base[:i], base[i:i+1], base[i+1:]
		} else {
			base, partial = "", base
		}
	}
	// A computing thread may hold the lock: then offer nothing rather
	// than freeze the prompt.
	if !rt.gil.tryAcquire(100 * time.Millisecond) {
		return partial, nil
	}
	defer rt.gil.release()

	var names []string
	switch {
	case base == "":
		names = keys(rt.ls.G.Global)
		names = append(names, luaKeywords...)
	default:
		v := rt.lookupChain(base)
		if sep == ":" {
			names = rt.methodNames(v)
		} else if t, ok := v.(*lua.LTable); ok {
			names = keys(t)
		}
	}
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, partial) && !strings.HasPrefix(n, "__") && !seen[n] {
			seen[n] = true
			candidates = append(candidates, n)
		}
	}
	sort.Strings(candidates)
	return partial, candidates
}

var luaKeywords = []string{"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}

// lookupChain walks a.b:c-style names from the globals, without calling
// anything but raw field reads and the types' own field lookups.
func (rt *Runtime) lookupChain(chain string) lua.LValue {
	var v lua.LValue = rt.ls.G.Global
	for _, name := range strings.FieldsFunc(chain, func(r rune) bool { return r == '.' || r == ':' }) {
		switch t := v.(type) {
		case *lua.LTable:
			v = t.RawGetString(name)
		default:
			return lua.LNil
		}
	}
	return v
}

// methodNames lists what v:name can call.
func (rt *Runtime) methodNames(v lua.LValue) []string {
	var mt lua.LValue = lua.LNil
	switch v := v.(type) {
	case lua.LString:
		if s, ok := rt.ls.GetGlobal("string").(*lua.LTable); ok {
			return keys(s)
		}
	case *lua.LUserData:
		mt = v.Metatable
	case *lua.LTable:
		mt = v.Metatable
		names := []string{}
		v.ForEach(func(k, val lua.LValue) {
			if _, ok := val.(*lua.LFunction); ok {
				if s, ok := k.(lua.LString); ok {
					names = append(names, string(s))
				}
			}
		})
		if mtt, ok := mt.(*lua.LTable); ok {
			names = append(names, tableMethods(mtt)...)
		}
		return names
	}
	if mtt, ok := mt.(*lua.LTable); ok {
		return tableMethods(mtt)
	}
	return nil
}

func tableMethods(mt *lua.LTable) []string {
	if methods, ok := mt.RawGetString(api.MethodsField).(*lua.LTable); ok {
		return keys(methods)
	}
	if index, ok := mt.RawGetString("__index").(*lua.LTable); ok {
		return keys(index)
	}
	return nil
}

func keys(t *lua.LTable) []string {
	var names []string
	t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok {
			names = append(names, string(s))
		}
	})
	return names
}
