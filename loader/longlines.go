package loader

import (
	"cmp"
	"slices"
	"sort"
	"sync/atomic"
	"unicode/utf8"

	"github.com/bufbuild/protocompile/linker"
	"github.com/rivo/uniseg"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The v0.14 compiler works out the column of each position it records by
// reading the position's line from its start: a file written on one line
// (minified, or generated) costs it the square of its length, minutes for
// a few hundred kilobytes. So the loader hands it such a file with line
// breaks between tokens, where no comment is near (a comment's place
// relative to line ends decides which element it documents), and puts the
// source locations of the result back where they are in the file as
// written. Positions in compile errors are not remapped: a compile that
// fails is run again on the files as written.

// longLine is the length past which a line is broken for the compiler. A
// shorter line costs the compiler little, and files of ordinary lines go
// to it untouched. (A variable: a test breaks every line.)
var longLine = 4096

// breakWidth is the length the broken lines reach before the next break.
var breakWidth = 80

// A brokenFile is a source that breakLines gave line breaks.
type brokenFile struct {
	src  []byte // the file as written
	text []byte // what the compiler reads
	// inserted holds the offsets in text of the line breaks added where
	// two tokens touched; the other breaks replace a space or a tab, and
	// leave every offset where it was.
	inserted []int
}

// hasLongLine reports whether a line of src is longer than longLine.
func hasLongLine(src []byte) bool {
	start := 0
	for i, c := range src {
		if c == '\n' {
			start = i + 1
		} else if i-start >= longLine {
			return true
		}
	}
	return false
}

// breakLines returns src with line breaks between its tokens, or nil when
// src has no long line or does not lex (the compiler reports that on the
// text as written). A break goes in a gap of spaces and tabs between two
// tokens, in place of its first byte, or right after a ';', '{' or '}'
// that touches the next token: never next to a comment, never in a token.
func breakLines(src []byte) *brokenFile {
	if !hasLongLine(src) {
		return nil
	}
	text := make([]byte, 0, len(src)+len(src)/max(breakWidth, 1))
	var inserted []int
	l := lexer{src: src}
	lineStart := 0 // in text
	prev := token{kind: tokEOF}
	for t := l.next(); ; t = l.next() {
		if t.kind == tokBad {
			return nil
		}
		gap := src[prev.end:t.start]
		if prev.kind != tokEOF && len(text)-lineStart >= breakWidth {
			switch {
			case len(gap) > 0 && onlyBlanks(gap):
				text = append(text, '\n')
				text = append(text, gap[1:]...)
				lineStart = len(text) - len(gap) + 1
				gap = nil
			case len(gap) == 0 && t.kind != tokEOF && prev.kind == tokOther && (src[prev.start] == ';' || src[prev.start] == '{' || src[prev.start] == '}'):
				inserted = append(inserted, len(text))
				text = append(text, '\n')
				lineStart = len(text)
			}
		}
		for _, c := range gap {
			text = append(text, c)
			if c == '\n' {
				lineStart = len(text)
			}
		}
		if t.kind == tokEOF {
			break
		}
		text = append(text, src[t.start:t.end]...)
		prev = t
	}
	return &brokenFile{src: src, text: text, inserted: inserted}
}

// onlyBlanks reports whether b is spaces and tabs.
func onlyBlanks(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// A spanEnd is one end of a source location's span: a 0-based line and
// column, counted as v0.14 counts, and a byte offset.
type spanEnd struct {
	line, col int32
	off       int
}

// unbreak puts the source locations of r, compiled from b.text, where
// they are in b.src, counted as v0.14 counts them.
func (b *brokenFile) unbreak(r linker.Result) {
	sci := r.FileDescriptorProto().GetSourceCodeInfo()
	if sci == nil {
		return
	}
	lines := lineStarts(b.text)
	toOffset := func(line, col int32) int {
		if line < 0 || int(line) >= len(lines) {
			return len(b.text)
		}
		start, end := lines[line], len(b.text)
		if int(line)+1 < len(lines) {
			end = lines[line+1]
		}
		m := start + byteOffset(b.text[start:end], col)
		// Back to the offset in src: less the breaks inserted before.
		return m - sort.SearchInts(b.inserted, m)
	}
	ends := make([]spanEnd, 0, 2*len(sci.Location))
	for _, loc := range sci.Location {
		s := loc.Span
		switch len(s) {
		case 3:
			ends = append(ends, spanEnd{off: toOffset(s[0], s[1])}, spanEnd{off: toOffset(s[0], s[2])})
		case 4:
			ends = append(ends, spanEnd{off: toOffset(s[0], s[1])}, spanEnd{off: toOffset(s[2], s[3])})
		default:
			ends = append(ends, spanEnd{off: -1}, spanEnd{off: -1})
		}
	}
	placeOffsets(b.src, ends)
	for i, loc := range sci.Location {
		start, end := ends[2*i], ends[2*i+1]
		if start.off < 0 {
			continue
		}
		if start.line == end.line {
			loc.Span = []int32{start.line, start.col, end.col}
		} else {
			loc.Span = []int32{start.line, start.col, end.line, end.col}
		}
	}
}

// placeOffsets sets the line and the column, counted as v0.14 counts them,
// of each end at its offset in src (ends at a negative offset are left
// alone), reading src once.
func placeOffsets(src []byte, ends []spanEnd) {
	order := make([]int, 0, len(ends))
	for i, e := range ends {
		if e.off >= 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(ends[a].off, ends[b].off) })
	var line, col int32
	i := 0
	for _, k := range order {
		for ; i < ends[k].off && i < len(src); i++ {
			switch c := src[i]; {
			case c == '\n':
				line, col = line+1, 0
			case c == '\t':
				col += 8 - col%8
			case utf8.RuneStart(c):
				col++
			}
		}
		ends[k].line, ends[k].col = line, col
	}
}

// termColumnsLong is termColumns for a file with a long line: the ends of
// all spans on a line are converted in one pass over it, in the order of
// their columns. The widths of the pieces between two ends add up to the
// width of the whole because spans begin and end between tokens, where
// characters never combine.
func termColumnsLong(spans [][]int32, data []byte) {
	type ref struct {
		line, col int32
		at        *int32
	}
	var refs []ref
	for _, s := range spans {
		switch len(s) {
		case 3:
			refs = append(refs, ref{s[0], s[1], &s[1]}, ref{s[0], s[2], &s[2]})
		case 4:
			refs = append(refs, ref{s[0], s[1], &s[1]}, ref{s[2], s[3], &s[3]})
		}
	}
	slices.SortStableFunc(refs, func(a, b ref) int {
		return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col))
	})
	lines := lineStarts(data)
	// What the pass has reached on the current line: the byte offset, the
	// column as v0.14 counts, and the width as buf's terminal counts.
	cur, off, c, w := int32(-1), 0, 0, 0
	var line []byte
	for _, r := range refs {
		if r.line != cur {
			cur, off, c, w = r.line, 0, 0, 0
			line = nil
			if r.line >= 0 && int(r.line) < len(lines) {
				end := len(data)
				if int(r.line)+1 < len(lines) {
					end = lines[r.line+1]
				}
				line = data[lines[r.line]:end]
			}
		}
		if !needsTermColumns(line) {
			continue
		}
		// byteOffset, from where the last end left off.
		next := off
		for next < len(line) && c < int(r.col) {
			switch b := line[next]; {
			case b == '\t':
				c += 8 - c%8
			case utf8.RuneStart(b):
				c++
			}
			next++
		}
		for next < len(line) && !utf8.RuneStart(line[next]) {
			next++
		}
		seg := off
		for j := off; j < next; j++ {
			if line[j] == '\t' {
				w += uniseg.StringWidth(string(line[seg:j]))
				w += termTab - w%termTab
				seg = j + 1
			}
		}
		w += uniseg.StringWidth(string(line[seg:next]))
		off = next
		*r.at = int32(w)
	}
}

// unbroken counts the files unbreakAll put back, for a test to see that
// its files were compiled broken, not as written after an error.
var unbroken atomic.Int64

// unbreakAll puts back the source locations of the files that were
// compiled from broken text: those of files and those they import,
// directly or not, once each.
func unbreakAll(files linker.Files, broken map[string]*brokenFile) {
	seen := make(map[string]bool)
	var visit func(f protoreflect.FileDescriptor)
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		if b := broken[f.Path()]; b != nil {
			if r, ok := f.(linker.Result); ok {
				b.unbreak(r)
				r.PopulateSourceCodeInfo()
				unbroken.Add(1)
			}
		}
		imps := f.Imports()
		for i := range imps.Len() {
			visit(imps.Get(i).FileDescriptor)
		}
	}
	for _, f := range files {
		visit(f)
	}
}
