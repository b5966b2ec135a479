package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/socklab/socklab/runtime"
)

// A Go program runs a socket script with its own output and arguments,
// and reads a failure as a typed error.
func Example() {
	rt := runtime.New(runtime.Options{Stdout: os.Stdout, Args: []string{"hello"}})
	defer rt.Close()

	err := rt.RunString(context.Background(), "echo.lua", `
		local a, b = socket.socketpair()
		a:sendall(struct.pack("!H", #arg[1]) .. arg[1])
		local n = struct.unpack("!H", b:recv_exactly(2))
		print("got", b:recv_exactly(n))
		a:close(); b:close()
		local sk = socket.socket()
		sk:connect({"127.0.0.1", 1})  -- nothing listens on port 1`)

	var serr *runtime.ScriptError
	if errors.As(err, &serr) {
		fmt.Println(serr.Kind, serr.Errno, serr.Where)
		fmt.Println(serr)
	}
	// Output:
	// got	hello
	// ConnectionRefusedError 111 echo.lua:8
	// ConnectionRefusedError: [Errno 111] Connection refused
}
