package bindings

// Lua values made without the allocations a Go interface conversion
// costs. gopher-lua's values are interfaces (lua.LValue): storing a
// float64 or a string in one points to a heap copy of it, so
// L.Push(lua.LNumber(x)) allocates 8 bytes and L.Push(lua.LString(b))
// allocates the string's bytes and then its header. The hot results of
// the bindings (struct's) are made here instead, with the layout trick
// gopher-lua's own VM uses for arithmetic results (its unexported
// allocator.LNumber2I): an interface value whose data word points into
// memory allocated in bulk.

import (
	"math"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// luaIface is the layout of a Go interface value.
type luaIface struct {
	itab unsafe.Pointer
	data unsafe.Pointer
}

// setData points v's data word at p, which must hold a value of v's
// dynamic type.
func setData(v *lua.LValue, p unsafe.Pointer) {
	(*luaIface)(unsafe.Pointer(v)).data = p
}

// numberBoxes hands out Lua numbers from chunks of float64s: one
// allocation per numberChunk numbers. A chunk stays alive while any of
// its numbers does (256 bytes at most per live number). A numberBoxes
// belongs to one runtime and is used under its interpreter lock.
type numberBoxes struct {
	chunk []float64
}

const numberChunk = 32

// value returns x as a lua.LValue; nb may be nil, then it allocates.
func (nb *numberBoxes) value(x float64) lua.LValue {
	// A small count is one of the preboxed numbers (number.go), which
	// pins no chunk; -0 is not one of them.
	if i := int(x); float64(i) == x && uint(i) < uint(len(smallNumbers)) && !math.Signbit(x) {
		return smallNumbers[i]
	}
	if nb == nil {
		return lua.LNumber(x)
	}
	if len(nb.chunk) == cap(nb.chunk) {
		nb.chunk = make([]float64, 0, numberChunk)
	}
	nb.chunk = append(nb.chunk, x)
	v := lua.LValue(lua.LNumber(0)) // a constant: no allocation
	setData(&v, unsafe.Pointer(&nb.chunk[len(nb.chunk)-1]))
	return v
}

// stringBoxes hands out short Lua strings from chunks of bytes: each
// string's header and bytes side by side, the interface value pointing at
// the header and the header at the bytes. A chunk holds no pointer the
// collector must follow (the headers point into the chunk itself), so it
// is allocated as plain bytes, once per stringChunk bytes of strings, and
// stays alive while any of its strings does (1 KiB at most per live
// string). A stringBoxes belongs to one runtime and is used under its
// interpreter lock.
type stringBoxes struct {
	chunk []byte
}

const (
	stringChunk  = 1024
	stringBoxMax = 48 // longer strings are allocated on their own
	headerSize   = int(unsafe.Sizeof(""))
)

// value returns a copy of p as a Lua string value; sb may be nil, then
// it allocates.
func (sb *stringBoxes) value(p []byte) lua.LValue {
	v := lua.LValue(lua.LString("")) // a constant: no allocation
	switch {
	case len(p) == 0:
		return v
	case sb == nil || len(p) > stringBoxMax:
		return lua.LString(p)
	}
	need := headerSize + (len(p)+7)&^7 // the next header stays aligned
	if len(sb.chunk) < need {
		sb.chunk = make([]byte, stringChunk)
	}
	box := sb.chunk[:need:need]
	sb.chunk = sb.chunk[need:]
	n := copy(box[headerSize:], p)
	hdr := (*string)(unsafe.Pointer(&box[0]))
	*hdr = unsafe.String(&box[headerSize], n)
	setData(&v, unsafe.Pointer(hdr))
	return v
}
