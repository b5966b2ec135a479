package bindings

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/socklab/socklab/bindings/api"
	"github.com/socklab/socklab/bindings/api/apitest"
)

// Every expected message below was checked against CPython 3.11
// (/usr/bin/python3): b.decode(enc, errors) and s.encode(enc, errors).

func TestDecode(t *testing.T) {
	tests := []struct {
		in, enc, errors string
		want            string // when wantErr is ""
		wantErr         string
	}{
		// utf-8
		{in: "hello", enc: "utf-8", want: "hello"},
		{in: "今天下了一天的雨", enc: "utf-8", want: "今天下了一天的雨"},
		{in: "\xff", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
		{in: "abc\xff", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 3: invalid start byte"},
		{in: "\xe4A", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe4 in position 0: invalid continuation byte"},
		{in: "\xe4\xbb", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
		{in: "abc\xe4\xbb", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 3-4: unexpected end of data"},
		{in: "\xf0\x9f\x98A", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: invalid continuation byte"},
		{in: "\xf0\x9f\x98", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"},
		{in: "\xed\xa0\x80", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"},
		{in: "\xc0\x80", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"},
		{in: "\xe0\x80\x80", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte"},
		{in: "\xf4\x90\x80\x80", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"},
		{in: "\xf5", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xf5 in position 0: invalid start byte"},
		{in: "\x80", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte"},
		{in: "\xc2", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc2 in position 0: unexpected end of data"},
		{in: "\xe4\xbb\x8a\xe5", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe5 in position 3: unexpected end of data"},
		{in: "a\xe4\xbbb", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte"},
		{in: "\xf0\x90\x80", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"},
		{in: "\xc4\xe3\xba\xc3", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc4 in position 0: invalid continuation byte"},
		{in: "\xff", enc: "utf-8", errors: "replace", want: "\ufffd"},
		{in: "abc\xff", enc: "utf-8", errors: "ignore", want: "abc"},
		{in: "\xe4A", enc: "utf-8", errors: "replace", want: "\ufffdA"},
		{in: "\xe4\xbb", enc: "utf-8", errors: "replace", want: "\ufffd"},
		{in: "\xf0\x9f\x98A", enc: "utf-8", errors: "replace", want: "\ufffdA"},
		{in: "\xed\xa0\x80", enc: "utf-8", errors: "replace", want: "\ufffd\ufffd\ufffd"},
		{in: "\xc0\x80", enc: "utf-8", errors: "replace", want: "\ufffd\ufffd"},
		{in: "\xe4\xbb\x8a\xe5", enc: "utf-8", errors: "replace", want: "今\ufffd"},
		{in: "a\xe4\xbbb", enc: "utf-8", errors: "ignore", want: "ab"},
		// ascii
		{in: "hello", enc: "ascii", want: "hello"},
		{in: "\xe4\xbb\x8a", enc: "ascii", wantErr: "UnicodeDecodeError: 'ascii' codec can't decode byte 0xe4 in position 0: ordinal not in range(128)"},
		{in: "ab\x80", enc: "ascii", wantErr: "UnicodeDecodeError: 'ascii' codec can't decode byte 0x80 in position 2: ordinal not in range(128)"},
		{in: "\xe4\xbb\x8a", enc: "ascii", errors: "replace", want: "\ufffd\ufffd\ufffd"},
		{in: "ab\x80", enc: "ascii", errors: "ignore", want: "ab"},
		// latin-1 never fails
		{in: "caf\xe9 \x80\xff", enc: "latin-1", want: "café \u0080ÿ"},
		{in: "\x00\x7f", enc: "latin1", want: "\x00\x7f"},
		// gbk
		{in: "\xc4\xe3\xba\xc3", enc: "gbk", want: "你好"},
		{in: "\xbd\xf1\xcc\xec", enc: "gbk", want: "今天"},
		{in: "\x81A", enc: "gbk", want: "丄"},
		{in: "\xa1\xaa\xa8\x44\xa1\xa4", enc: "gbk", want: "\u2014\u2015\u00b7"},
		{in: "\x80", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0x80 in position 0: incomplete multibyte sequence"},
		{in: "\x80A", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0x80 in position 0: illegal multibyte sequence"},
		{in: "\x81\x7f", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0x81 in position 0: illegal multibyte sequence"},
		{in: "ab\xc4", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xc4 in position 2: incomplete multibyte sequence"},
		{in: "\xff", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xff in position 0: incomplete multibyte sequence"},
		{in: "\xffA", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xff in position 0: illegal multibyte sequence"},
		{in: "\xfeP", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xfe in position 0: illegal multibyte sequence"},
		{in: "\xc4\xe3\xc4", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xc4 in position 2: incomplete multibyte sequence"},
		{in: "\xa10", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xa1 in position 0: illegal multibyte sequence"},
		{in: "\xf0\x90\x80", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0x80 in position 2: incomplete multibyte sequence"},
		{in: "\xa2\xe3", enc: "gbk", wantErr: "UnicodeDecodeError: 'gbk' codec can't decode byte 0xa2 in position 0: illegal multibyte sequence"},
		{in: "你好", enc: "gbk", want: "浣犲ソ"}, // UTF-8 read as gbk: mojibake
		{in: "\x81\x7f", enc: "gbk", errors: "replace", want: "\ufffd\x7f"},
		{in: "\xfeP", enc: "gbk", errors: "replace", want: "\ufffdP"},
		{in: "\xc4\xe3\xc4", enc: "gbk", errors: "replace", want: "你\ufffd"},
		{in: "\xf0\x90\x80", enc: "gbk", errors: "replace", want: "饜\ufffd"},
		{in: "\xa10", enc: "gbk", errors: "ignore", want: "0"},
		// names and handlers
		{in: "a", enc: "UTF-8", want: "a"},
		{in: "a", enc: "Utf 8", want: "a"},
		{in: "a", enc: " utf--8 ", want: "a"},
		{in: "\xe9", enc: "ISO-8859-1", want: "é"},
		{in: "\xe9", enc: "iso_8859_1:1987", want: "é"},
		{in: "\xc4\xe3", enc: "CP936", want: "你"},
		{in: "a", enc: "us-ascii", want: "a"},
		{in: "a", enc: "xyz", wantErr: "LookupError: unknown encoding: xyz"},
		{in: "a", enc: "utf.8", wantErr: "LookupError: unknown encoding: utf.8"},
		{in: "a", enc: "x-gbk", wantErr: "LookupError: unknown encoding: x-gbk"},
		{in: "a", enc: "", wantErr: "LookupError: unknown encoding: "},
		{in: "a", enc: "gb2312", wantErr: "LookupError: unknown encoding: gb2312 (socklab supports utf-8, ascii, latin-1 and gbk)"},
		{in: "\xff", enc: "utf-8", errors: "foo", wantErr: "LookupError: unknown error handler name 'foo'"},
		{in: "\xff", enc: "utf-8", errors: "surrogateescape", wantErr: "LookupError: error handler 'surrogateescape' is not supported by socklab (use 'strict', 'replace' or 'ignore')"},
	}
	for _, tt := range tests {
		errors := tt.errors
		if errors == "" {
			errors = "strict"
		}
		got, err := Decode(tt.in, tt.enc, errors)
		switch {
		case tt.wantErr != "" && err == nil:
			t.Errorf("Decode(%q, %q, %q) = %q, want error %s", tt.in, tt.enc, errors, got, tt.wantErr)
		case tt.wantErr != "" && err.Error() != tt.wantErr:
			t.Errorf("Decode(%q, %q, %q) error\n  %s\nwant\n  %s", tt.in, tt.enc, errors, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("Decode(%q, %q, %q) error %s, want %q", tt.in, tt.enc, errors, err, tt.want)
		case tt.wantErr == "" && got != tt.want:
			t.Errorf("Decode(%q, %q, %q) = %q, want %q", tt.in, tt.enc, errors, got, tt.want)
		}
		if err != nil {
			if _, ok := err.(*api.Error); !ok {
				t.Errorf("Decode error is %T, want *api.Error", err)
			}
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		in, enc, errors string
		want            string
		wantErr         string
	}{
		{in: "hello", enc: "utf-8", want: "hello"},
		{in: "今天", enc: "utf-8", want: "今天"},
		{in: "今天", enc: "gbk", want: "\xbd\xf1\xcc\xec"},
		{in: "你好, world", enc: "gbk", want: "\xc4\xe3\xba\xc3, world"},
		{in: "\u2014\u2015\u00b7", enc: "gbk", want: "\xa1\xaa\xa8\x44\xa1\xa4"},
		{in: "café", enc: "latin-1", want: "caf\xe9"},
		{in: "hello", enc: "ascii", want: "hello"},
		{in: "今天", enc: "ascii", wantErr: "UnicodeEncodeError: 'ascii' codec can't encode characters in position 0-1: ordinal not in range(128)"},
		{in: "今天", enc: "ascii", errors: "replace", want: "??"},
		{in: "今天", enc: "ascii", errors: "ignore", want: ""},
		{in: "a今", enc: "ascii", wantErr: "UnicodeEncodeError: 'ascii' codec can't encode character '\\u4eca' in position 1: ordinal not in range(128)"},
		{in: "今天下雨", enc: "ascii", wantErr: "UnicodeEncodeError: 'ascii' codec can't encode characters in position 0-3: ordinal not in range(128)"},
		{in: "é", enc: "ascii", wantErr: "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 0: ordinal not in range(128)"},
		{in: "\u0080", enc: "ascii", wantErr: "UnicodeEncodeError: 'ascii' codec can't encode character '\\x80' in position 0: ordinal not in range(128)"},
		{in: "a😀b", enc: "ascii", wantErr: "UnicodeEncodeError: 'ascii' codec can't encode character '\\U0001f600' in position 1: ordinal not in range(128)"},
		{in: "a😀b", enc: "ascii", errors: "replace", want: "a?b"},
		{in: "今a天", enc: "latin-1", wantErr: "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u4eca' in position 0: ordinal not in range(256)"},
		{in: "今a天", enc: "latin-1", errors: "replace", want: "?a?"},
		{in: "abĀāc", enc: "latin-1", wantErr: "UnicodeEncodeError: 'latin-1' codec can't encode characters in position 2-3: ordinal not in range(256)"},
		{in: "abĀāc", enc: "latin-1", errors: "replace", want: "ab??c"},
		{in: "abĀāc", enc: "latin-1", errors: "ignore", want: "abc"},
		{in: "€€", enc: "gbk", wantErr: "UnicodeEncodeError: 'gbk' codec can't encode character '\\u20ac' in position 0: illegal multibyte sequence"},
		{in: "a€", enc: "gbk", wantErr: "UnicodeEncodeError: 'gbk' codec can't encode character '\\u20ac' in position 1: illegal multibyte sequence"},
		{in: "€€", enc: "gbk", errors: "replace", want: "??"},
		{in: "a€", enc: "gbk", errors: "ignore", want: "a"},
		{in: "😀", enc: "gbk", wantErr: "UnicodeEncodeError: 'gbk' codec can't encode character '\\U0001f600' in position 0: illegal multibyte sequence"},
		{in: "今天ǹ", enc: "gbk", wantErr: "UnicodeEncodeError: 'gbk' codec can't encode character '\\u01f9' in position 2: illegal multibyte sequence"},
		// A string that is not UTF-8 has no characters to encode.
		{in: "ab\xff", enc: "utf-8", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"},
		{in: "ab\xff", enc: "gbk", wantErr: "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"},
		{in: "ab\xffc", enc: "utf-8", errors: "replace", want: "ab?c"},
		{in: "ab\xffc", enc: "ascii", errors: "ignore", want: "abc"},
		{in: "ab\xff今", enc: "ascii", errors: "replace", want: "ab??"},
		{in: "a", enc: "UTF8", want: "a"},
		{in: "é", enc: "L1", want: "\xe9"},
		{in: "你", enc: "936", want: "\xc4\xe3"},
		{in: "a", enc: "utf-16", wantErr: "LookupError: unknown encoding: utf-16 (socklab supports utf-8, ascii, latin-1 and gbk)"},
		{in: "a", enc: "ascii", errors: "Strict", wantErr: "LookupError: unknown error handler name 'Strict'"},
	}
	for _, tt := range tests {
		errors := tt.errors
		if errors == "" {
			errors = "strict"
		}
		got, err := Encode(tt.in, tt.enc, errors)
		switch {
		case tt.wantErr != "" && err == nil:
			t.Errorf("Encode(%q, %q, %q) = %q, want error %s", tt.in, tt.enc, errors, got, tt.wantErr)
		case tt.wantErr != "" && err.Error() != tt.wantErr:
			t.Errorf("Encode(%q, %q, %q) error\n  %s\nwant\n  %s", tt.in, tt.enc, errors, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("Encode(%q, %q, %q) error %s, want %q", tt.in, tt.enc, errors, err, tt.want)
		case tt.wantErr == "" && got != tt.want:
			t.Errorf("Encode(%q, %q, %q) = %q, want %q", tt.in, tt.enc, errors, got, tt.want)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	texts := map[string][]string{
		"utf-8":   {"", "hello", "今天下了一天的雨", "emoji 😀 and é", "\x00\x01\t\n"},
		"ascii":   {"", "hello\r\n", "\x00\x7f"},
		"latin-1": {"", "café", "\u0080\u00ff", "ÀÁÂÃÄÅ"},
		"gbk":     {"", "今天下了一天的雨", "你好, world!", "粘包问题 TCP/IP", "“引号”—…"},
	}
	for enc, list := range texts {
		for _, s := range list {
			b, err := Encode(s, enc, "strict")
			if err != nil {
				t.Errorf("Encode(%q, %s): %v", s, enc, err)
				continue
			}
			back, err := Decode(b, enc, "strict")
			if err != nil || back != s {
				t.Errorf("Decode(Encode(%q, %s)) = %q, %v", s, enc, back, err)
			}
		}
	}
	// Every byte decodes in latin-1 and comes back.
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	text, err := Decode(string(all), "latin-1", "strict")
	if err != nil {
		t.Fatal(err)
	}
	if back, err := Encode(text, "latin-1", "strict"); err != nil || back != string(all) {
		t.Errorf("latin-1 round trip of every byte: %q, %v", back, err)
	}
}

func TestEncodingLua(t *testing.T) {
	L := newTestState(t, apitest.New())
	err := L.DoString(`
		assert(("今天"):encode("gbk"):decode("gbk") == "今天")
		assert(("今天"):encode("gbk") == "\189\241\204\236")
		assert(("今天"):encode() == "今天")
		assert(("hi"):decode() == "hi")
		assert(string.encode("é", "latin-1") == "\233")
		assert(("\255"):decode("utf-8", "replace") == "\239\191\189")
		assert(("\255"):decode(nil, "ignore") == "")
		assert(string.encode(936, "utf-8") == "936")

		local ok, e = pcall(function() return ("\255abc"):decode("utf-8") end)
		assert(not ok)
		assert(e.kind == "UnicodeDecodeError", tostring(e))
		assert(e.message == "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte", e.message)
		assert(tostring(e) == "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")
		assert(e.errno == nil)

		local ok, e = pcall(string.encode, "今天", "ascii")
		assert(not ok and e.kind == "UnicodeEncodeError", tostring(e))

		local ok, e = pcall(string.decode, "x", "xyz")
		assert(not ok and e.kind == "LookupError" and e.message == "unknown encoding: xyz", tostring(e))

		local ok, e = pcall(function() return ("x"):encode({}) end)
		assert(not ok and tostring(e):find("bad argument #1 to 'encode' %(string expected, got table%)"), tostring(e))
		local ok, e = pcall(function() return ("x"):decode("utf-8", true) end)
		assert(not ok and tostring(e):find("bad argument #2 to 'decode' %(string expected, got boolean%)"), tostring(e))
		local ok, e = pcall(string.decode, {})
		assert(not ok and tostring(e):find("bad argument #1 to 'decode' %(string expected, got table; call methods with a colon"), tostring(e))
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestEncodingDocs(t *testing.T) {
	m := Lookup("_G")
	if m == nil {
		t.Fatal("no _G module")
	}
	var fs []api.Func
	fs = append(fs, m.Funcs...)
	fs = append(fs, StringMethods...)
	names := map[string]bool{}
	for _, f := range fs {
		names[f.Name] = true
		lines := strings.Split(f.Doc, "\n")
		if !strings.Contains(lines[0], f.Name+"(") {
			t.Errorf("%s: first doc line %q is not its signature", f.Name, lines[0])
		}
		if !strings.HasPrefix(lines[len(lines)-1], "Python:") {
			t.Errorf("%s: doc has no Python: line", f.Name)
		}
		if f.Fn == nil {
			t.Errorf("%s: no function", f.Name)
		}
	}
	for _, n := range []string{"repr", "hexdump", "encode", "decode"} {
		if !names[n] {
			t.Errorf("%s is not documented", n)
		}
	}
}

// cpython returns the path of the real CPython, or skips the test.
func cpython(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("comparison with CPython skipped in -short mode")
	}
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no CPython at " + py)
	}
	return py
}

// TestEncodingGBKMatchesCPython checks gbk against CPython's codec over
// every byte pair and every code point.
func TestEncodingGBKMatchesCPython(t *testing.T) {
	py := cpython(t)
	script := `
import sys
out = []
for b in range(0x80, 0x100):
    try: out.append('%02x %x' % (b, ord(bytes([b]).decode('gbk'))))
    except UnicodeDecodeError: out.append('%02x -' % b)
for a in range(0x81, 0xff):
    for b in range(0x40, 0xff):
        try:
            s = bytes([a, b]).decode('gbk')
            out.append('%02x%02x %x' % (a, b, ord(s)) if len(s) == 1 else '%02x%02x -' % (a, b))
        except UnicodeDecodeError: out.append('%02x%02x -' % (a, b))
for r in range(0x80, 0x110000):
    if 0xd800 <= r < 0xe000: continue
    try: out.append('U+%x %s' % (r, chr(r).encode('gbk').hex()))
    except UnicodeEncodeError: pass
sys.stdout.write('\n'.join(out) + '\n')
`
	want, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for b := 0x80; b < 0x100; b++ {
		if r, n, reason := decodeGBK([]byte{byte(b)}, 0); reason == "" && n == 1 {
			fmt.Fprintf(&got, "%02x %x\n", b, r)
		} else {
			fmt.Fprintf(&got, "%02x -\n", b)
		}
	}
	for a := 0x81; a < 0xff; a++ {
		for b := 0x40; b < 0xff; b++ {
			s, err := decode(string([]byte{byte(a), byte(b)}), "gbk", "strict")
			if rs := []rune(s); err == nil && len(rs) == 1 {
				fmt.Fprintf(&got, "%02x%02x %x\n", a, b, rs[0])
			} else {
				fmt.Fprintf(&got, "%02x%02x -\n", a, b)
			}
		}
	}
	for r := rune(0x80); r < 0x110000; r++ {
		if 0xd800 <= r && r < 0xe000 {
			continue
		}
		if out, ok := encodeGBK(nil, r); ok {
			fmt.Fprintf(&got, "U+%x %s\n", r, hex.EncodeToString(out))
		}
	}
	diffLines(t, got.String(), string(want))
}

// diffLines reports the first few lines where got and want differ.
func diffLines(t *testing.T, got, want string) {
	t.Helper()
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	if len(g) != len(w) {
		t.Errorf("got %d lines, want %d", len(g), len(w))
	}
	bad := 0
	for i := 0; i < min(len(g), len(w)) && bad < 10; i++ {
		if g[i] != w[i] {
			t.Errorf("line %d: got %q, want %q", i, g[i], w[i])
			bad++
		}
	}
}

// TestDecodeMatchesCPython decodes random byte strings in every codec and
// with every error handler, in CPython and here, and compares the texts
// and error messages.
func TestDecodeMatchesCPython(t *testing.T) {
	py := cpython(t)
	rng := rand.New(rand.NewSource(1))
	// Bytes that exercise every branch of the decoders.
	pool := []byte{0x00, 'A', 'z', 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xa1, 0xa2,
		0xa3, 0xa8, 0xa9, 0xaa, 0xbf, 0xc0, 0xc1, 0xc2, 0xc4, 0xdf, 0xe0, 0xe3, 0xe4, 0xed,
		0xee, 0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xfe, 0xff, 0x30, 0x40, 0x50, 0x89, 0x95}
	var inputs []string
	for i := 0; i < 3000; i++ {
		n := rng.Intn(7)
		b := make([]byte, n)
		for j := range b {
			if rng.Intn(4) == 0 {
				b[j] = byte(rng.Intn(256))
			} else {
				b[j] = pool[rng.Intn(len(pool))]
			}
		}
		inputs = append(inputs, string(b))
	}
	codecs := []string{"utf-8", "ascii", "latin-1", "gbk"}
	handlers := []string{"strict", "replace", "ignore"}
	var req strings.Builder
	type job struct{ in, enc, errors string }
	var jobs []job
	for _, in := range inputs {
		for _, enc := range codecs {
			for _, h := range handlers {
				jobs = append(jobs, job{in, enc, h})
				fmt.Fprintf(&req, "%s %s %s\n", enc, h, hex.EncodeToString([]byte(in)))
			}
		}
	}
	script := `
import sys
for line in sys.stdin:
    enc, h, *rest = line.split()
    b = bytes.fromhex(rest[0] if rest else '')
    try: print('OK', b.decode(enc, h).encode('utf-8', 'surrogatepass').hex())
    except UnicodeDecodeError as e: print('ERR', type(e).__name__ + ': ' + str(e))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(req.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), "\n"); n != len(jobs) {
		t.Fatalf("CPython answered %d lines for %d inputs", n, len(jobs))
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	bad := 0
	for i := 0; sc.Scan(); i++ {
		j := jobs[i]
		s, err := decode(j.in, j.enc, j.errors)
		var got string
		if err != nil {
			got = "ERR " + err.Error()
		} else {
			got = "OK " + hex.EncodeToString([]byte(s))
		}
		if got != sc.Text() {
			t.Errorf("decode(%q, %s, %s): got %s, CPython %s", j.in, j.enc, j.errors, got, sc.Text())
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}

// TestEncodeMatchesCPython encodes random texts in every codec and with
// every error handler, in CPython and here.
func TestEncodeMatchesCPython(t *testing.T) {
	py := cpython(t)
	rng := rand.New(rand.NewSource(2))
	pool := []rune{'a', 'Z', 0, 0x7f, 0x80, 0xe9, 0xff, 0x100, 0x101, 0x2014, 0x2015, 0xb7,
		0x20ac, 0x3000, 0x4eca, 0x5929, 0x1f9, 0x2e81, 0x3447, 0xe000, 0xe815, 0xffff, 0x1f600, 0x10ffff}
	var inputs []string
	for i := 0; i < 3000; i++ {
		n := rng.Intn(6)
		rs := make([]rune, n)
		for j := range rs {
			if rng.Intn(5) == 0 {
				rs[j] = rune(rng.Intn(0x30000))
				if rs[j] >= 0xd800 && rs[j] < 0xe000 {
					rs[j] = 'x'
				}
			} else {
				rs[j] = pool[rng.Intn(len(pool))]
			}
		}
		inputs = append(inputs, string(rs))
	}
	codecs := []string{"utf-8", "ascii", "latin-1", "gbk"}
	handlers := []string{"strict", "replace", "ignore"}
	var req strings.Builder
	type job struct{ in, enc, errors string }
	var jobs []job
	for _, in := range inputs {
		for _, enc := range codecs {
			for _, h := range handlers {
				jobs = append(jobs, job{in, enc, h})
				fmt.Fprintf(&req, "%s %s %s\n", enc, h, hex.EncodeToString([]byte(in)))
			}
		}
	}
	script := `
import sys
for line in sys.stdin:
    enc, h, *rest = line.split()
    s = bytes.fromhex(rest[0] if rest else '').decode('utf-8')
    try: print('OK', s.encode(enc, h).hex())
    except UnicodeEncodeError as e: print('ERR', type(e).__name__ + ': ' + str(e))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(req.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), "\n"); n != len(jobs) {
		t.Fatalf("CPython answered %d lines for %d inputs", n, len(jobs))
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	bad := 0
	for i := 0; sc.Scan(); i++ {
		j := jobs[i]
		s, err := encode(j.in, j.enc, j.errors)
		var got string
		if err != nil {
			got = "ERR " + err.Error()
		} else {
			got = "OK " + hex.EncodeToString([]byte(s))
		}
		if got != sc.Text() {
			t.Errorf("encode(%q, %s, %s): got %s, CPython %s", j.in, j.enc, j.errors, got, sc.Text())
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}
