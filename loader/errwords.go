package loader

import (
	"context"
	"fmt"
	"regexp"
	"unicode/utf8"
)

// The compiler's messages that point the wrong way are reworded here, in
// one place, for every compiler path that reports through newcompileError.

// alreadyImported matches the compiler's message for a file imported
// twice: the message up to the first import's position, the position (a
// path in the input, which the user knows by its displayed name), the rest.
var alreadyImported = regexp.MustCompile(`^(".*" was already imported at )([^:]+):(\d+):(\d+)(.*)$`)

// reword returns msg, the compiler's message for an error at line and col
// (the compiler's column) of the file name, in words that say what is
// wrong: the character an "invalid character" is, and a position in
// another message named as the user opens its file (show).
func (t *Tree) reword(name string, line, col int, msg string, show func(string) string) string {
	switch {
	case msg == "invalid character":
		if r, ok := t.charAt(name, line, col); ok {
			return fmt.Sprintf("invalid character %s", quoteRune(r))
		}
	case alreadyImported.MatchString(msg):
		m := alreadyImported.FindStringSubmatch(msg)
		return fmt.Sprintf("%s%s:%s:%s%s", m[1], show(m[2]), m[3], m[4], m[5])
	}
	return msg
}

// quoteRune quotes r as Go does, with its code point when it is not
// plain ASCII: 'ü' (U+00FC).
func quoteRune(r rune) string {
	if r < utf8.RuneSelf && r >= 0x20 && r != 0x7f {
		return fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf("%q (U+%04X)", r, r)
}

// charAt returns the character at line and the compiler's column col of
// the file name.
func (t *Tree) charAt(name string, line, col int) (rune, bool) {
	if line < 1 || col < 1 || t.read == nil {
		return 0, false
	}
	data, err := t.read(context.Background(), name)
	if err != nil {
		return 0, false
	}
	lines := lineStarts(data)
	if line > len(lines) {
		return 0, false
	}
	end := len(data)
	if line < len(lines) {
		end = lines[line]
	}
	l := data[lines[line-1]:end]
	off := byteOffset(l, int32(col-1))
	if off < 0 || off >= len(l) {
		return 0, false
	}
	r, _ := utf8.DecodeRune(l[off:])
	return r, true
}

// unexpectedError is the parser's message after the lexer has reported
// what it could not read: it adds nothing to that report.
const unexpectedError = "syntax error: unexpected error"

// dropEchoes removes each "syntax error: unexpected error" that follows
// another error on the same line of the same file (an invalid character,
// a string without its closing quote), which says what is wrong.
func dropEchoes(errs []posError) []posError {
	out := errs[:0]
	for i, e := range errs {
		if e.Message == unexpectedError && i > 0 && errs[i-1].Path == e.Path && errs[i-1].Line == e.Line && errs[i-1].Message != unexpectedError {
			continue
		}
		out = append(out, e)
	}
	return out
}
