package bindings

import (
	"errors"
	"testing"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/bindings/api/apitest"
	lua "github.com/yuin/gopher-lua"
)

// newTestState returns a Lua state with the standard libraries and every
// module opened on h; it is closed (and h's leftover resources, for an
// apitest.Host) when the test ends.
func newTestState(t *testing.T, h api.Host) *lua.LState {
	t.Helper()
	L := lua.NewState()
	Open(L, h)
	t.Cleanup(func() {
		L.Close()
		if fh, ok := h.(*apitest.Host); ok {
			fh.Close()
		}
	})
	return L
}

// errText is the text of err from a plain state's DoString: an error
// object's own text, which gopher-lua's ApiError would print as
// "userdata: 0x...".
func errText(err error) string {
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) {
		if e, ok := api.FromValue(apiErr.Object); ok {
			return e.Error()
		}
	}
	return err.Error()
}
