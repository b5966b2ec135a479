package bindings

import (
	"fmt"
	"sort"
	"strings"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
)

const docsKey = "socklab.docs"

// docIndex maps the function values Open made to their qualified names,
// so that help(sk.recv) finds "socket.socket.recv".
type docIndex struct {
	names   map[*lua.LFunction]string
	modules []*api.Module     // what Open loaded
	docs    map[string]string // every name's doc, made at the first help
}

func openHelp(L *lua.LState, modules []*api.Module) *docIndex {
	d := &docIndex{names: map[*lua.LFunction]string{}, modules: modules}
	ud := L.NewUserData()
	ud.Value = d
	L.SetField(L.Get(lua.RegistryIndex), docsKey, ud)
	L.SetGlobal("help", L.NewFunction(luaHelp))
	return d
}

// docsOf returns the index openHelp stored in L's registry.
func docsOf(L *lua.LState) *docIndex {
	ud, _ := L.GetField(L.Get(lua.RegistryIndex), docsKey).(*lua.LUserData)
	if ud == nil {
		return nil
	}
	d, _ := ud.Value.(*docIndex)
	return d
}

// function makes f's Lua function value and remembers its name. state,
// when not nil, is the function's upvalue (Module.State).
func (d *docIndex) function(L *lua.LState, name string, f api.Func, state ...lua.LValue) *lua.LFunction {
	fn := L.NewClosure(api.Protect(f.Name, f.Fn), state...)
	if d != nil {
		d.names[fn] = name
	}
	return fn
}

const helpDoc = `help([x])
Prints the documentation of x: a module (help(socket)), a function or method
(help(socket.socket), help(sk.recv)), an object (help(sk)), or a name as a
string (help("socket.recv")). help() lists the modules.
Python: help(x)`

// all returns the documentation of every name: modules ("socket"),
// functions ("socket.create_connection", "repr"), types and their methods
// ("socket.socket.recv", also "socket.recv" and "sk.recv"-style short forms
// where they are not ambiguous). It is made at the first call.
func (d *docIndex) all() map[string]string {
	if d.docs == nil {
		docs := map[string]string{}
		short := map[string][]string{}
		add := func(name, doc string) {
			if _, taken := docs[name]; !taken {
				docs[name] = doc
			}
		}
		for _, m := range d.modules {
			prefix := m.Name + "."
			if m.Name == "_G" {
				prefix = ""
			} else {
				docs[m.Name] = moduleDoc(m)
			}
			for _, f := range m.Funcs {
				add(prefix+f.Name, f.Doc)
			}
			for _, t := range m.Types {
				typeDoc := t.Doc + "\n\nMethods: " + strings.Join(funcNames(t.Methods), ", ")
				if d, ok := docs[t.Name]; ok {
					docs[t.Name] = d + "\n\n" + typeDoc // the constructor, then its methods
				} else {
					docs[t.Name] = typeDoc
				}
				for _, f := range t.Methods {
					docs[t.Name+"."+f.Name] = f.Doc
					names := []string{prefix + f.Name}
					if i := strings.LastIndex(t.Name, "."); i >= 0 && t.Name[i+1:]+"." != prefix {
						names = append(names, t.Name[i+1:]+"."+f.Name)
					}
					for _, n := range names {
						short[n] = append(short[n], f.Doc)
					}
				}
			}
		}
		for _, f := range StringMethods {
			add("string."+f.Name, f.Doc)
		}
		add("help", helpDoc)
		for name, ds := range short {
			if len(ds) == 1 {
				add(name, ds[0])
			}
		}
		d.docs = docs
	}
	return d.docs
}

func funcNames(fs []api.Func) []string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

func moduleDoc(m *api.Module) string {
	var b strings.Builder
	b.WriteString(m.Doc)
	if len(m.Funcs) > 0 {
		b.WriteString("\n\nFunctions:")
		for _, f := range m.Funcs {
			first, _, _ := strings.Cut(f.Doc, "\n")
			fmt.Fprintf(&b, "\n  %s", first)
		}
	}
	return b.String()
}

// HelpFor returns the documentation for a Lua value, as help(v) prints it.
func HelpFor(L *lua.LState, v lua.LValue) (string, bool) {
	index := docsOf(L)
	if index == nil {
		return "", false
	}
	d := index.all()
	switch v := v.(type) {
	case lua.LString:
		doc, ok := d[string(v)]
		return doc, ok
	case *lua.LFunction:
		if name, ok := index.names[v]; ok {
			return d[name], true
		}
		if v == L.GetGlobal("help") {
			return helpDoc, true
		}
	case *lua.LTable:
		for _, m := range index.modules {
			if m.Name != "_G" && L.GetGlobal(m.Name) == v {
				return d[m.Name], true
			}
		}
		if mt, ok := v.Metatable.(*lua.LTable); ok && mt == L.GetTypeMetatable(AddrType) {
			return "An address {host, port} (Python's tuple): also .host and .port; prints like ('127.0.0.1', 9000).", true
		}
	case *lua.LUserData:
		if _, ok := api.FromValue(v); ok {
			return `An exception: fields kind, errno, message and where; tostring(e) reads like Python's last traceback line.
e:is(class) is Python's isinstance: e:is("OSError") holds for every OSError, ConnectionResetError and TimeoutError included; socket.timeout and socket.error name TimeoutError and OSError.`, true
		}
		for name, doc := range d {
			if mt, ok := v.Metatable.(*lua.LTable); ok && L.GetTypeMetatable(name) == mt {
				return doc, true
			}
		}
	}
	return "", false
}

func luaHelp(L *lua.LState) int {
	out := api.HostOf(L).Stdout()
	if L.GetTop() == 0 {
		var names []string
		var modules []*api.Module
		if d := docsOf(L); d != nil {
			modules = d.modules
		}
		for _, m := range modules {
			if m.Name != "_G" {
				names = append(names, m.Name)
			}
		}
		sort.Strings(names)
		fmt.Fprintf(out, "Modules: %s\nGlobals: repr, hexdump, input, help, s:encode(), s:decode()\nhelp(x) or help(\"socket.recv\") for more.\n", strings.Join(names, ", "))
		return 0
	}
	doc, ok := HelpFor(L, L.Get(1))
	if !ok {
		fmt.Fprintf(out, "No documentation for %s\n", L.ToStringMeta(L.Get(1)))
		return 0
	}
	fmt.Fprintln(out, doc)
	return 0
}
