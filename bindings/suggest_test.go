package bindings

import "testing"

func TestSuggestion(t *testing.T) {
	names := []string{"sendall", "send", "sendto", "recv", "recvfrom", "family", "settimeout", "close"}
	cases := []struct{ name, want string }{
		{"sendAll", "sendall"},   // a change of case
		{"sendal", "sendall"},    // a letter missing
		{"recvform", "recvfrom"}, // two letters swapped
		{"familly", "family"},    // a letter too many
		{"setTimeout", "settimeout"},
		{"frobnicate", ""}, // nothing near
		{"x", ""},          // too short to guess
	}
	for _, c := range cases {
		if got := suggestion(c.name, names); got != c.want {
			t.Errorf("suggestion(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
