package loader

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// MaxNestingDepth is the deepest that braces, brackets, parentheses and
// angle brackets may nest in a .proto file. The compiler allows messages
// to nest 32 deep, but it parses the whole file before it checks, and an
// option value nested a hundred thousand deep costs it minutes and
// gigabytes: the loader refuses such a file before compiling it.
const MaxNestingDepth = 256

// A sourceProblem is what precheck found wrong with a file, at the 1-based
// line and column (in characters) of the first offending byte.
type sourceProblem struct {
	line, col int
	msg       string
}

// precheck looks at a .proto source before the compiler does, for what the
// compiler would choke on or answer badly: bytes that are not UTF-8 (a
// UTF-16 file otherwise yields one "invalid character" per byte) and
// nesting deeper than MaxNestingDepth; and an edition that no compiler
// protocheck has can read, which the compilers name with a list of their
// internal names. It skips comments and string
// literals, and it never fails on what merely does not parse: the
// compiler reports that better.
func precheck(src []byte) *sourceProblem {
	bad := firstInvalidUTF8(src)
	limit := len(src)
	if bad >= 0 {
		limit = bad
	}
	l := lexer{src: src, lenient: true}
	depth := 0
	for t := l.next(); t.kind != tokEOF && t.start < limit; t = l.next() {
		if t.kind != tokOther {
			continue
		}
		switch src[t.start] {
		case '{', '[', '(', '<':
			depth++
			if depth > MaxNestingDepth {
				return problemAt(src, t.start, fmt.Sprintf("brackets nest more than %d deep: protocheck refuses deeper nesting", MaxNestingDepth))
			}
		case '}', ']', ')', '>':
			if depth > 0 {
				depth--
			}
		}
	}
	if bad >= 0 {
		return problemAt(src, bad, fmt.Sprintf("file is not valid UTF-8 (byte 0x%02x): .proto files must be UTF-8", src[bad]))
	}
	return unsupportedEdition(src)
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
func problemAt(src []byte, off int, msg string) *sourceProblem {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return &sourceProblem{line: 1 + bytes.Count(src[:off], []byte("\n")), col: 1 + utf8.RuneCount(src[start:off]), msg: msg}
}
