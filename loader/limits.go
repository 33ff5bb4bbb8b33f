package loader

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNestingDepth is the deepest that braces, brackets, parentheses and
// angle brackets may nest in a .proto file. The compiler allows messages
// to nest 32 deep, but it parses the whole file before it checks, and an
// option value nested a hundred thousand deep costs it minutes and
// gigabytes: the loader refuses such a file before compiling it.
const MaxNestingDepth = 256

// MaxErrorsPerFile is the most errors reported for one file. Past it, the
// loader says how many more there are, or that it stopped compiling: the
// compiler works out a line and column for each error by reading its line
// from the start, so that one long line of garbage costs the square of its
// length, and a file of 5,000 NUL bytes printed 5,001 lines.
const MaxErrorsPerFile = 20

// A sourceProblem is what precheck found wrong with a file, at the 1-based
// line and column (in characters) of the first offending byte.
type sourceProblem struct {
	line, col int
	msg       string
}

// precheck looks at a .proto source before the compiler does, for what the
// compiler would choke on or answer badly: bytes that are not UTF-8 (a
// UTF-16 file otherwise yields one "invalid character" per byte), NUL and
// other control bytes, more invalid characters than MaxErrorsPerFile,
// and nesting deeper than MaxNestingDepth; and an edition that no compiler
// protocheck has can read, which the compilers name with a list of their
// internal names. It skips comments and string literals (except for NUL,
// which the compiler refuses there too), and it never fails on what merely
// does not parse: the compiler reports that better. Its cost is one pass
// over the bytes, whatever they hold.
func precheck(src []byte) []sourceProblem {
	if p := utf16Problem(src); p != nil {
		return []sourceProblem{*p}
	}
	bad := firstInvalidUTF8(src)
	limit := len(src)
	if bad >= 0 {
		limit = bad
	}
	nul := bytes.IndexByte(src[:limit], 0)
	if nul >= 0 {
		limit = nul
	}
	l := lexer{src: src, lenient: true}
	depth := 0
	var invalid []int // offsets of the first invalid characters
	count := 0        // invalid characters in all
	for t := l.next(); t.kind != tokEOF && t.start < limit; t = l.next() {
		if t.kind != tokOther {
			continue
		}
		switch c := src[t.start]; c {
		case '{', '[', '(', '<':
			depth++
			if depth > MaxNestingDepth {
				return []sourceProblem{problemAt(src, t.start, fmt.Sprintf("brackets nest more than %d deep: protocheck refuses deeper nesting", MaxNestingDepth))}
			}
		case '}', ']', ')', '>':
			if depth > 0 {
				depth--
			}
		default:
			if c < 0x20 || c == 0x7f {
				return []sourceProblem{problemAt(src, t.start, fmt.Sprintf("invalid control character (byte 0x%02x): .proto files are text", c))}
			}
			if invalidChar(c) {
				if count <= MaxErrorsPerFile {
					invalid = append(invalid, t.start)
				}
				count++
			}
		}
	}
	switch {
	case nul >= 0:
		return []sourceProblem{problemAt(src, nul, "file holds a NUL byte: .proto files are text")}
	case bad >= 0:
		return []sourceProblem{problemAt(src, bad, fmt.Sprintf("file is not valid UTF-8 (byte 0x%02x): .proto files must be UTF-8", src[bad]))}
	case count > MaxErrorsPerFile:
		// The compiler would report each, at a cost that grows with the
		// square of the line's length: report the first few and count.
		ps := make([]sourceProblem, 0, MaxErrorsPerFile+1)
		for _, off := range invalid[:MaxErrorsPerFile] {
			r, _ := utf8.DecodeRune(src[off:])
			ps = append(ps, problemAt(src, off, "invalid character "+quoteRune(r)))
		}
		return append(ps, problemAt(src, invalid[MaxErrorsPerFile], fmt.Sprintf("and %d more errors in this file", count-MaxErrorsPerFile)))
	}
	if p := unsupportedEdition(src); p != nil {
		return []sourceProblem{*p}
	}
	return nil
}

// invalidChar reports whether the compiler refuses c, the first byte of a
// character outside comments and string literals, as an invalid
// character. A character of several bytes counts once, at its first.
func invalidChar(c byte) bool {
	switch {
	case c >= 0x80:
		return utf8.RuneStart(c)
	case c >= '0' && c <= '9':
		return false
	}
	return !strings.ContainsRune(";,.:=-+(){}[]<>/", rune(c))
}

// utf16Problem returns a problem at the start of src when it is UTF-16: it
// starts with a byte-order mark, or, without one, it is text with a NUL
// byte beside every other character. Without a mark such a file is valid
// UTF-8, and would otherwise be refused at its first NUL as if it were a
// binary file.
func utf16Problem(src []byte) *sourceProblem {
	const msg = ": .proto files must be UTF-8; save it as UTF-8"
	if len(src) >= 2 && (src[0] == 0xff && src[1] == 0xfe || src[0] == 0xfe && src[1] == 0xff) {
		return &sourceProblem{1, 1, fmt.Sprintf("file is UTF-16 (byte-order mark 0x%02x 0x%02x)%s", src[0], src[1], msg)}
	}
	// Look at the first characters: ASCII text has a NUL at every odd
	// offset (little-endian) or every even one (big-endian).
	n := min(len(src), 256) &^ 1
	if n < 4 {
		return nil
	}
	even, odd := 0, 0
	for i := 0; i < n; i += 2 {
		if src[i] == 0 && src[i+1] != 0 {
			even++
		}
		if src[i+1] == 0 && src[i] != 0 {
			odd++
		}
	}
	if max(even, odd) < n/2*9/10 {
		return nil
	}
	order := "little-endian"
	if even > odd {
		order = "big-endian"
	}
	return &sourceProblem{1, 1, fmt.Sprintf("file is UTF-16 (%s, without a byte-order mark)%s", order, msg)}
}

// firstInvalidUTF8 returns the offset of the first byte of src that is not
// UTF-8, or -1.
func firstInvalidUTF8(src []byte) int {
	if utf8.Valid(src) {
		return -1
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// problemAt is a problem at the byte offset off of src, whose line is
// UTF-8 up to there: the column counts characters.
func problemAt(src []byte, off int, msg string) sourceProblem {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return sourceProblem{line: 1 + bytes.Count(src[:off], []byte("\n")), col: 1 + utf8.RuneCount(src[start:off]), msg: msg}
}
