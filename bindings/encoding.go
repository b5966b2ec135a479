package bindings

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/socklab/socklab/bindings/api"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A codec is one of the text encodings that s:encode and s:decode know.
// Lua strings are bytes; text is held as UTF-8. Decoding turns bytes in
// the codec into UTF-8 text, encoding turns UTF-8 text into its bytes.
type codec struct {
	name string // as CPython's messages spell it: "utf-8", "latin-1"
	// decode reads the character of b at p: its rune and length, or when
	// reason is not "", the n bytes CPython reports as undecodable there.
	decode func(b []byte, p int) (r rune, n int, reason string)
	// encode appends the bytes of r to dst; ok is false when the codec
	// has none.
	encode func(dst []byte, r rune) (out []byte, ok bool)
	// encodeReason is CPython's reason for an unencodable character.
	encodeReason string
	// runs is true when CPython reports a whole run of unencodable
	// characters in one error (its single-byte codecs), false when it
	// reports them one at a time (the multibyte codecs).
	runs bool
}

var (
	codecUTF8 = &codec{
		name:   "utf-8",
		decode: decodeUTF8,
		encode: func(dst []byte, r rune) ([]byte, bool) { return utf8.AppendRune(dst, r), true },
	}
	codecASCII = &codec{
		name: "ascii",
		decode: func(b []byte, p int) (rune, int, string) {
			if b[p] >= utf8.RuneSelf {
				return 0, 1, "ordinal not in range(128)"
			}
			return rune(b[p]), 1, ""
		},
		encode: func(dst []byte, r rune) ([]byte, bool) {
			if r >= utf8.RuneSelf {
				return dst, false
			}
			return append(dst, byte(r)), true
		},
		encodeReason: "ordinal not in range(128)",
		runs:         true,
	}
	codecLatin1 = &codec{
		name: "latin-1",
		// Latin-1's bytes are the first 256 code points.
		decode: func(b []byte, p int) (rune, int, string) {
			return rune(b[p]), 1, ""
		},
		encode: func(dst []byte, r rune) ([]byte, bool) {
			if r > 0xff {
				return dst, false
			}
			return append(dst, byte(r)), true
		},
		encodeReason: "ordinal not in range(256)",
		runs:         true,
	}
	codecGBK = &codec{
		name:         "gbk",
		decode:       decodeGBK,
		encode:       encodeGBK,
		encodeReason: "illegal multibyte sequence",
	}
)

// codecByAlias finds a supported codec by CPython's aliases
// (encodings/aliases.py, 3.11), and codecByModule by its module name,
// which CPython finds only when the normalised name has no dot. Switches,
// not maps, so that nothing is built at start-up.
func codecByAlias(norm string) *codec {
	switch norm {
	case "u8", "utf", "utf8", "utf8_ucs2", "utf8_ucs4", "cp65001":
		return codecUTF8
	case "646", "ansi_x3.4_1968", "ansi_x3_4_1968", "ansi_x3.4_1986", "cp367", "csascii",
		"ibm367", "iso646_us", "iso_646.irv_1991", "iso_ir_6", "us", "us_ascii":
		return codecASCII
	case "8859", "cp819", "csisolatin1", "ibm819", "iso8859", "iso8859_1",
		"iso_8859_1", "iso_8859_1_1987", "iso_ir_100", "l1", "latin", "latin1":
		return codecLatin1
	case "936", "cp936", "ms936":
		return codecGBK
	}
	return nil
}

func codecByModule(norm string) *codec {
	switch norm {
	case "utf_8":
		return codecUTF8
	case "ascii":
		return codecASCII
	case "latin_1":
		return codecLatin1
	case "gbk":
		return codecGBK
	}
	return nil
}

// isKnownCodec reports the normalised names of other codecs CPython has,
// so that the error can say they exist but are not supported here.
func isKnownCodec(norm string) bool {
	switch norm {
	case "gb2312", "chinese", "csiso58gb231280", "euc_cn", "euccn", "eucgb2312_cn",
		"gb2312_1980", "gb2312_80", "iso_ir_58", "gb18030", "gb18030_2000", "hz",
		"big5", "big5_tw", "csbig5", "big5hkscs", "cp950", "utf_8_sig",
		"utf_16", "utf16", "u16", "utf_16_le", "utf_16le", "utf_16_be",
		"utf_16be", "utf_32", "utf32", "u32", "utf_32_le", "utf_32le",
		"utf_32_be", "utf_32be", "utf_7", "cp1252", "windows_1252", "shift_jis",
		"sjis", "euc_jp", "euc_kr", "cp949", "latin_2", "iso8859_2",
		"iso8859_15", "koi8_r", "cp437":
		return true
	}
	return false
}

// normalizeEncoding is CPython's _Py_normalize_encoding: ASCII letters,
// digits and dots are kept, lowercased; every run of other characters
// between them becomes one underscore.
func normalizeEncoding(name string) string {
	var b strings.Builder
	punct := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' {
			if punct && b.Len() > 0 {
				b.WriteByte('_')
			}
			punct = false
			b.WriteByte(c)
		} else {
			punct = true
		}
	}
	return b.String()
}

// lookupCodec finds a codec by any name CPython accepts for it.
func lookupCodec(name string) (*codec, *api.Error) {
	norm := normalizeEncoding(name)
	if c := codecByAlias(norm); c != nil {
		return c, nil
	}
	if c := codecByAlias(strings.ReplaceAll(norm, ".", "_")); c != nil {
		return c, nil
	}
	if !strings.Contains(norm, ".") {
		if c := codecByModule(norm); c != nil {
			return c, nil
		}
		if isKnownCodec(norm) {
			return nil, api.NewError(api.LookupError,
				"unknown encoding: %s (socklab supports utf-8, ascii, latin-1 and gbk)", name)
		}
	}
	return nil, api.NewError(api.LookupError, "unknown encoding: %s", name)
}

// errorHandler is the errors argument of encode and decode.
type errorHandler int

const (
	handleStrict errorHandler = iota
	handleReplace
	handleIgnore
)

func lookupHandler(name string) (errorHandler, *api.Error) {
	switch name {
	case "strict":
		return handleStrict, nil
	case "replace":
		return handleReplace, nil
	case "ignore":
		return handleIgnore, nil
	case "backslashreplace", "xmlcharrefreplace", "namereplace", "surrogateescape", "surrogatepass":
		return 0, api.NewError(api.LookupError,
			"error handler '%s' is not supported by socklab (use 'strict', 'replace' or 'ignore')", name)
	}
	return 0, api.NewError(api.LookupError, "unknown error handler name '%s'", name)
}

// Encode converts the text s (UTF-8) to the bytes of encoding, as Python's
// s.encode(encoding, errors) does; errors is "strict", "replace" or
// "ignore". A failure is a *api.Error: UnicodeEncodeError for a character
// the encoding lacks (its position counts characters), UnicodeDecodeError
// when s is not UTF-8 text at all, LookupError for an unknown name.
func Encode(s, encoding, errors string) (string, error) {
	out, err := encode(s, encoding, errors)
	if err != nil {
		return "", err
	}
	return out, nil
}

// Decode converts the bytes b, in encoding, to text (UTF-8), as Python's
// b.decode(encoding, errors) does. A failure is a *api.Error:
// UnicodeDecodeError (its position counts bytes) or LookupError.
func Decode(b, encoding, errors string) (string, error) {
	out, err := decode(b, encoding, errors)
	if err != nil {
		return "", err
	}
	return out, nil
}

func encode(s, encoding, errors string) (string, *api.Error) {
	c, err := lookupCodec(encoding)
	if err != nil {
		return "", err
	}
	h, err := lookupHandler(errors)
	if err != nil {
		return "", err
	}
	if c == codecUTF8 && utf8.ValidString(s) {
		return s, nil
	}
	b := []byte(s)
	out := make([]byte, 0, len(b))
	pos := 0 // in characters
	for p := 0; p < len(b); pos++ {
		r, n, reason := decodeUTF8(b, p)
		if reason != "" {
			// s is not text: there is no character to encode.
			switch h {
			case handleStrict:
				return "", decodeError(codecUTF8, b, p, p+n, reason)
			case handleReplace:
				out = append(out, '?')
			}
			p += n
			continue
		}
		if o, ok := c.encode(out, r); ok {
			out = o
			p += n
			continue
		}
		switch h {
		case handleStrict:
			end := pos + 1
			if c.runs {
				for q := p + n; q < len(b); end++ {
					r, n, reason := decodeUTF8(b, q)
					if _, ok := c.encode(nil, r); reason != "" || ok {
						break
					}
					q += n
				}
			}
			return "", encodeError(c, r, pos, end)
		case handleReplace:
			out = append(out, '?')
		}
		p += n
	}
	return string(out), nil
}

func decode(s, encoding, errors string) (string, *api.Error) {
	c, err := lookupCodec(encoding)
	if err != nil {
		return "", err
	}
	h, err := lookupHandler(errors)
	if err != nil {
		return "", err
	}
	if c == codecUTF8 && utf8.ValidString(s) {
		return s, nil
	}
	b := []byte(s)
	out := make([]byte, 0, len(b))
	for p := 0; p < len(b); {
		r, n, reason := c.decode(b, p)
		if reason != "" {
			switch h {
			case handleStrict:
				return "", decodeError(c, b, p, p+n, reason)
			case handleReplace:
				out = utf8.AppendRune(out, utf8.RuneError)
			}
		} else {
			out = utf8.AppendRune(out, r)
		}
		p += n
	}
	return string(out), nil
}

// decodeError is CPython's UnicodeDecodeError for b[start:end].
func decodeError(c *codec, b []byte, start, end int, reason string) *api.Error {
	if end == start+1 {
		return api.NewError(api.UnicodeDecodeError, "'%s' codec can't decode byte 0x%02x in position %d: %s",
			c.name, b[start], start, reason)
	}
	return api.NewError(api.UnicodeDecodeError, "'%s' codec can't decode bytes in position %d-%d: %s",
		c.name, start, end-1, reason)
}

// encodeError is CPython's UnicodeEncodeError for the characters
// start..end-1, the first of which is r.
func encodeError(c *codec, r rune, start, end int) *api.Error {
	if end == start+1 {
		var ch string
		switch {
		case r <= 0xff:
			ch = fmt.Sprintf(`\x%02x`, r)
		case r <= 0xffff:
			ch = fmt.Sprintf(`\u%04x`, r)
		default:
			ch = fmt.Sprintf(`\U%08x`, r)
		}
		return api.NewError(api.UnicodeEncodeError, "'%s' codec can't encode character '%s' in position %d: %s",
			c.name, ch, start, c.encodeReason)
	}
	return api.NewError(api.UnicodeEncodeError, "'%s' codec can't encode characters in position %d-%d: %s",
		c.name, start, end-1, c.encodeReason)
}

// decodeUTF8 is CPython's UTF-8 decoder step (Objects/stringlib/codecs.h):
// it rejects overlong forms, surrogates and code points past U+10FFFF, and
// reports the same byte ranges and reasons as CPython, so that errors and
// the number of U+FFFD that "replace" writes match.
func decodeUTF8(b []byte, p int) (rune, int, string) {
	c := b[p]
	if c < utf8.RuneSelf {
		return rune(c), 1, ""
	}
	rest := len(b) - p
	cont := func(i int) bool { return b[p+i]&0xc0 == 0x80 }
	const (
		badStart = "invalid start byte"
		badCont  = "invalid continuation byte"
		short    = "unexpected end of data"
	)
	switch {
	case c < 0xc2:
		return 0, 1, badStart
	case c < 0xe0:
		if rest < 2 {
			return 0, rest, short
		}
		if !cont(1) {
			return 0, 1, badCont
		}
		return rune(c&0x1f)<<6 | rune(b[p+1]&0x3f), 2, ""
	case c < 0xf0:
		lo, hi := byte(0x80), byte(0xbf)
		switch c {
		case 0xe0:
			lo = 0xa0 // below: overlong
		case 0xed:
			hi = 0x9f // above: surrogates
		}
		if rest < 2 {
			return 0, rest, short
		}
		if c1 := b[p+1]; c1 < lo || c1 > hi {
			return 0, 1, badCont
		}
		if rest < 3 {
			return 0, rest, short
		}
		if !cont(2) {
			return 0, 2, badCont
		}
		return rune(c&0x0f)<<12 | rune(b[p+1]&0x3f)<<6 | rune(b[p+2]&0x3f), 3, ""
	case c < 0xf5:
		lo, hi := byte(0x80), byte(0xbf)
		switch c {
		case 0xf0:
			lo = 0x90 // below: overlong
		case 0xf4:
			hi = 0x8f // above: past U+10FFFF
		}
		if rest < 2 {
			return 0, rest, short
		}
		if c1 := b[p+1]; c1 < lo || c1 > hi {
			return 0, 1, badCont
		}
		if rest < 3 {
			return 0, rest, short
		}
		if !cont(2) {
			return 0, 2, badCont
		}
		if rest < 4 {
			return 0, rest, short
		}
		if !cont(3) {
			return 0, 3, badCont
		}
		return rune(c&0x07)<<18 | rune(b[p+1]&0x3f)<<12 | rune(b[p+2]&0x3f)<<6 | rune(b[p+3]&0x3f), 4, ""
	}
	return 0, 1, badStart
}

// GBK comes from golang.org/x/text, whose GBK is the WHATWG encoding: the
// two-byte part of GB18030 plus 0x80 for the euro sign. CPython's gbk codec
// is the older GBK, so x/text knows 83 byte sequences that CPython rejects:
// 0x80, A2E3, A3A0, A8BF, A989-A995 and FE50-FE9F (GB18030's additions).
// gbkExcluded names them; the characters x/text encodes to them are
// unencodable in CPython too. Everything else agrees exactly (checked over
// every byte pair and every code point by TestEncodingGBKMatchesCPython).
func gbkExcluded(c0, c1 byte) bool {
	switch c0 {
	case 0xa2:
		return c1 == 0xe3
	case 0xa3:
		return c1 == 0xa0
	case 0xa8:
		return c1 == 0xbf
	case 0xa9:
		return 0x89 <= c1 && c1 <= 0x95
	case 0xfe:
		return 0x50 <= c1 && c1 <= 0x9f
	}
	return false
}

// The x/text GBK transformers are stateless, so one of each serves all;
// they are made at the first GBK string, not at every start.
var (
	gbkDecoder = sync.OnceValue(simplifiedchinese.GBK.NewDecoder)
	gbkEncoder = sync.OnceValue(simplifiedchinese.GBK.NewEncoder)
)

// decodeGBK is CPython's gbk decoder step (Modules/cjkcodecs): ASCII is
// one byte; any other byte needs a second, and when the pair is not a
// character only the first byte is reported and skipped.
func decodeGBK(b []byte, p int) (rune, int, string) {
	c0 := b[p]
	if c0 < utf8.RuneSelf {
		return rune(c0), 1, ""
	}
	if p+1 >= len(b) {
		return 0, 1, "incomplete multibyte sequence"
	}
	c1 := b[p+1]
	if c0 < 0x81 || c0 > 0xfe || c1 < 0x40 || c1 == 0x7f || c1 > 0xfe || gbkExcluded(c0, c1) {
		return 0, 1, "illegal multibyte sequence"
	}
	var dst [utf8.UTFMax]byte
	nDst, nSrc, err := gbkDecoder().Transform(dst[:], b[p:p+2], true)
	if err == nil && nSrc == 2 {
		if r, size := utf8.DecodeRune(dst[:nDst]); r != utf8.RuneError && size == nDst {
			return r, 2, ""
		}
	}
	return 0, 1, "illegal multibyte sequence"
}

// encodeGBK appends the gbk bytes of r, if CPython's gbk has it.
func encodeGBK(dst []byte, r rune) ([]byte, bool) {
	if r < utf8.RuneSelf {
		return append(dst, byte(r)), true
	}
	var src [utf8.UTFMax]byte
	n := utf8.EncodeRune(src[:], r)
	var out [4]byte
	nDst, _, err := gbkEncoder().Transform(out[:], src[:n], true)
	if err != nil || nDst != 2 || gbkExcluded(out[0], out[1]) {
		return dst, false
	}
	return append(dst, out[0], out[1]), true
}

// strEncode is s:encode([encoding [, errors]]).
func strEncode(L *lua.LState) int {
	s := checkSelfString(L, "encode")
	out, err := encode(s, api.Method(L, "encode").OptString(2, "utf-8"), api.Method(L, "encode").OptString(3, "strict"))
	if err != nil {
		api.Raise(L, err)
	}
	L.Push(lua.LString(out))
	return 1
}

// strDecode is s:decode([encoding [, errors]]).
func strDecode(L *lua.LState) int {
	s := checkSelfString(L, "decode")
	out, err := decode(s, api.Method(L, "decode").OptString(2, "utf-8"), api.Method(L, "decode").OptString(3, "strict"))
	if err != nil {
		api.Raise(L, err)
	}
	L.Push(lua.LString(out))
	return 1
}

// checkSelfString reads the receiver of a string method.
func checkSelfString(L *lua.LState, fname string) string {
	switch v := L.Get(1).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	api.SelfError(L, fname, "string")
	return ""
}
