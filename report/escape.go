package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeControl writes each control character of s (C0, DEL, C1), each
// bidirectional formatting character and each byte that is not UTF-8 as a
// Go escape (\n, \x1b, \u202e), as JSON output escapes them. File names
// and messages come from the schema's author: a name holding a newline
// would split a report line in two, an ANSI escape would drive the
// terminal, and a right-to-left override would make a line read other than
// it is.
func escapeControl(s string) string { return escape(s, false) }

// Escape writes each control character of s but line breaks (\n, \r),
// each bidirectional formatting character and each byte that is not UTF-8
// as a Go escape (\x1b, \u202e), as the writers escape file names and
// messages: for callers that print lines of their own on a terminal, such
// as errors that name a file and may span lines.
func Escape(s string) string { return escape(s, true) }

func escape(s string, keepBreaks bool) string {
	if !strings.ContainsFunc(s, mustEscape) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepBreaks && (r == '\n' || r == '\r'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < utf8.RuneSelf && mustEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case mustEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// mustEscape reports whether r is a control character or changes the
// direction of the text around it.
func mustEscape(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
