package api

// Kind is the name of a Python exception: what an error object's kind
// field holds and what a traceback's last line starts with.
type Kind string

// The exceptions socklab raises, named as Python names them. LuaError and
// SyntaxError stand for a script's own error(...) value and a chunk that
// does not compile.
const (
	BaseException     Kind = "BaseException"
	Exception         Kind = "Exception"
	KeyboardInterrupt Kind = "KeyboardInterrupt"
	SystemExit        Kind = "SystemExit"

	OSError                Kind = "OSError"
	BlockingIOError        Kind = "BlockingIOError"
	ChildProcessError      Kind = "ChildProcessError"
	ConnectionError        Kind = "ConnectionError"
	BrokenPipeError        Kind = "BrokenPipeError"
	ConnectionAbortedError Kind = "ConnectionAbortedError"
	ConnectionRefusedError Kind = "ConnectionRefusedError"
	ConnectionResetError   Kind = "ConnectionResetError"
	FileExistsError        Kind = "FileExistsError"
	FileNotFoundError      Kind = "FileNotFoundError"
	InterruptedError       Kind = "InterruptedError"
	IsADirectoryError      Kind = "IsADirectoryError"
	NotADirectoryError     Kind = "NotADirectoryError"
	PermissionError        Kind = "PermissionError"
	ProcessLookupError     Kind = "ProcessLookupError"
	TimeoutError           Kind = "TimeoutError"
	GaiError               Kind = "gaierror" // socket.gaierror
	HError                 Kind = "herror"   // socket.herror

	ArithmeticError    Kind = "ArithmeticError"
	OverflowError      Kind = "OverflowError"
	AttributeError     Kind = "AttributeError"
	EOFError           Kind = "EOFError"
	LookupError        Kind = "LookupError"
	MemoryError        Kind = "MemoryError"
	RuntimeError       Kind = "RuntimeError"
	RecursionError     Kind = "RecursionError"
	SystemError        Kind = "SystemError"
	TypeError          Kind = "TypeError"
	ValueError         Kind = "ValueError"
	UnicodeError       Kind = "UnicodeError"
	UnicodeDecodeError Kind = "UnicodeDecodeError"
	UnicodeEncodeError Kind = "UnicodeEncodeError"
	JSONDecodeError    Kind = "json.JSONDecodeError"
	StructError        Kind = "struct.error"
	QueueEmpty         Kind = "queue.Empty"
	QueueFull          Kind = "queue.Full"

	LuaError    Kind = "LuaError"
	SyntaxError Kind = "SyntaxError"
)

// bases is Python's exception hierarchy for the kinds above: each kind's
// direct base class. A kind not listed derives from Exception.
var bases = map[Kind]Kind{
	Exception:         BaseException,
	KeyboardInterrupt: BaseException,
	SystemExit:        BaseException,

	BlockingIOError:        OSError,
	ChildProcessError:      OSError,
	ConnectionError:        OSError,
	BrokenPipeError:        ConnectionError,
	ConnectionAbortedError: ConnectionError,
	ConnectionRefusedError: ConnectionError,
	ConnectionResetError:   ConnectionError,
	FileExistsError:        OSError,
	FileNotFoundError:      OSError,
	InterruptedError:       OSError,
	IsADirectoryError:      OSError,
	NotADirectoryError:     OSError,
	PermissionError:        OSError,
	ProcessLookupError:     OSError,
	TimeoutError:           OSError,
	GaiError:               OSError,
	HError:                 OSError,

	OverflowError:      ArithmeticError,
	RecursionError:     RuntimeError,
	UnicodeError:       ValueError,
	UnicodeDecodeError: UnicodeError,
	UnicodeEncodeError: UnicodeError,
	JSONDecodeError:    ValueError,
}

// Base is k's direct base class: "" for BaseException.
func (k Kind) Base() Kind {
	if k == BaseException {
		return ""
	}
	if b, ok := bases[k]; ok {
		return b
	}
	return Exception
}

// Subclass reports whether k is class or derives from it, as Python's
// issubclass: ConnectionResetError is an OSError, TimeoutError is too.
func (k Kind) Subclass(class Kind) bool {
	for ; k != ""; k = k.Base() {
		if k == class {
			return true
		}
	}
	return false
}

// aliases are the other names Python gives some classes: socket.error is
// OSError, socket.timeout is TimeoutError (since 3.10), IOError and
// EnvironmentError are OSError.
var aliases = map[string]Kind{
	"socket.error":     OSError,
	"error":            OSError,
	"socket.timeout":   TimeoutError,
	"timeout":          TimeoutError,
	"IOError":          OSError,
	"EnvironmentError": OSError,
	"socket.gaierror":  GaiError,
	"socket.herror":    HError,
}

// KindOf is the kind a class name names, aliases resolved:
// KindOf("socket.timeout") is TimeoutError.
func KindOf(name string) Kind {
	if k, ok := aliases[name]; ok {
		return k
	}
	return Kind(name)
}
