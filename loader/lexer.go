package loader

// Before it compiles anything, the loader reads .proto sources for what
// they import and declare (scanHeader), for whether two versions are the
// same tokens (normalize), for the edition they ask for (editionOf) and
// for what the compiler would choke on (precheck). All of them read the
// source through this one lexer: words, string literals and single other
// bytes, with white space and comments between them.

// tokenKind says what a token is.
type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // a word: a letter or _, then letters, digits and _
	tokString           // a string literal, quotes included
	tokOther            // any other byte, alone
	tokBad              // an unterminated comment or string (strict lexers only)
)

// A token is src[start:end]; gap is set when white space or a comment
// stands before it.
type token struct {
	kind       tokenKind
	start, end int
	gap        bool
}

// lexer reads src token by token. A strict lexer (the scanners that must
// understand the source exactly) gives tokBad for a comment or string that
// does not end; a lenient one (precheck, which must never fail on what
// merely does not parse) ends an unterminated string at its line's end and
// a comment at the end of the source, as far as a compiler would read on.
type lexer struct {
	src     []byte
	i       int
	lenient bool
}

func (l *lexer) next() token {
	src, n := l.src, len(l.src)
	gap := false
	for l.i < n {
		c := src[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.i++
		case c == '/' && l.i+1 < n && src[l.i+1] == '/':
			for l.i < n && src[l.i] != '\n' {
				l.i++
			}
		case c == '/' && l.i+1 < n && src[l.i+1] == '*':
			end := indexFrom(src, l.i+2, "*/")
			if end < 0 {
				if !l.lenient {
					return token{kind: tokBad, start: l.i, end: n, gap: gap}
				}
				l.i = n
				continue
			}
			l.i = end + 2
		default:
			return l.token(gap)
		}
		gap = true
	}
	return token{kind: tokEOF, start: n, end: n, gap: gap}
}

// token reads the token at l.i.
func (l *lexer) token(gap bool) token {
	src, n := l.src, len(l.src)
	start := l.i
	c := src[start]
	switch {
	case c == '"' || c == '\'':
		j := start + 1
		for j < n && src[j] != c {
			if src[j] == '\n' {
				if !l.lenient {
					return token{kind: tokBad, start: start, end: j, gap: gap}
				}
				break // unterminated: it ends with its line
			}
			if src[j] == '\\' {
				// Strictly, a backslash escapes whatever follows; leniently,
				// not a line's end, the source's end or a NUL.
				if !l.lenient || j+1 < n && src[j+1] != '\n' && src[j+1] != 0 {
					j++
				}
			}
			j++
		}
		switch {
		case j < n && src[j] == c:
			j++ // the closing quote
		case !l.lenient:
			return token{kind: tokBad, start: start, end: min(j, n), gap: gap}
		}
		l.i = min(j, n)
		return token{kind: tokString, start: start, end: l.i, gap: gap}
	case isIdentStart(c):
		j := start + 1
		for j < n && (isIdentStart(src[j]) || src[j] >= '0' && src[j] <= '9') {
			j++
		}
		l.i = j
		return token{kind: tokIdent, start: start, end: j, gap: gap}
	}
	l.i++
	return token{kind: tokOther, start: start, end: l.i, gap: gap}
}

// text returns the token's bytes.
func (l *lexer) text(t token) string { return string(l.src[t.start:t.end]) }
