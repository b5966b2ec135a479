package runtime_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/socklab/socklab/runtime"
)

func TestComplete(t *testing.T) {
	t.Parallel()
	rt := runtime.New(runtime.Options{Stdout: &bytes.Buffer{}})
	defer rt.Close()
	// Globals made by a chunk stay for completion, as at the prompt.
	if serr, _ := rt.Eval(context.Background(), `sk = socket.socket(); greeting = "hi"; box = {alpha = 1, beta = 2}`); serr != nil {
		t.Fatal(serr)
	}
	cases := []struct {
		line, partial string
		want          []string
	}{
		{"pri", "pri", []string{"print"}},
		{"x = sel", "sel", []string{"select"}},
		{"socket.SO_RE", "SO_RE", []string{"SO_REUSEADDR", "SO_REUSEPORT"}},
		{"sk:re", "re", []string{"recv", "recv_exactly", "recv_until", "recvfrom"}},
		{"greeting:enc", "enc", []string{"encode"}},
		{"box.", "", []string{"alpha", "beta"}},
		{"threading.Th", "Th", []string{"Thread"}},
		{"nosuch.x", "x", nil},
	}
	for _, c := range cases {
		partial, got := rt.Complete(c.line)
		if partial != c.partial || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Complete(%q) = %q, %q; want %q, %q", c.line, partial, got, c.partial, c.want)
		}
	}
}
