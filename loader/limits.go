package loader

import (
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

// srcScanner walks a source byte by byte, keeping the line and column.
type srcScanner struct {
	src       []byte
	i         int
	line, col int
}

// next moves past one character, reporting bytes that are not UTF-8.
func (s *srcScanner) next() *sourceProblem {
	c := s.src[s.i]
	switch {
	case c == '\n':
		s.i++
		s.line, s.col = s.line+1, 1
		return nil
	case c >= utf8.RuneSelf:
		r, n := utf8.DecodeRune(s.src[s.i:])
		if r == utf8.RuneError && n <= 1 {
			return &sourceProblem{s.line, s.col, fmt.Sprintf("file is not valid UTF-8 (byte 0x%02x): .proto files must be UTF-8", c)}
		}
		s.i += n
	default:
		s.i++
	}
	s.col++
	return nil
}

func (s *srcScanner) at(k int) byte {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
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
	s := &srcScanner{src: src, line: 1, col: 1}
	depth := 0
	var inStr byte // the quote of the string literal being read, or 0
	for s.i < len(src) {
		c := src[s.i]
		switch {
		case inStr != 0:
			switch {
			case c == '\n':
				inStr = 0 // unterminated: the compiler says so
			case c == '\\' && s.at(1) != '\n' && s.at(1) != 0:
				s.i, s.col = s.i+1, s.col+1 // the escaped character is read below
			case c == inStr:
				inStr = 0
			}
		case c == '"' || c == '\'':
			inStr = c
		case c == '/' && s.at(1) == '/':
			for s.i < len(src) && src[s.i] != '\n' {
				if p := s.next(); p != nil {
					return p
				}
			}
			continue
		case c == '/' && s.at(1) == '*':
			s.i, s.col = s.i+2, s.col+2
			for s.i < len(src) && !(src[s.i] == '*' && s.at(1) == '/') {
				if p := s.next(); p != nil {
					return p
				}
			}
			if s.i < len(src) {
				s.i, s.col = s.i+2, s.col+2
			}
			continue
		case c == '{' || c == '[' || c == '(' || c == '<':
			depth++
			if depth > MaxNestingDepth {
				return &sourceProblem{s.line, s.col, fmt.Sprintf("brackets nest more than %d deep: protocheck refuses deeper nesting", MaxNestingDepth)}
			}
		case c == '}' || c == ']' || c == ')' || c == '>':
			if depth > 0 {
				depth--
			}
		}
		if p := s.next(); p != nil {
			return p
		}
	}
	return unsupportedEdition(src)
}
