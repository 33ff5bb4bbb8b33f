package loader

import (
	"bytes"
	"context"
	"strings"
	"unicode/utf8"

	"github.com/bufbuild/protocompile/linker"
	"github.com/rivo/uniseg"
)

// buf v1.75 reports columns as a terminal shows the line: tab stops every
// 4 columns and each character as wide as it is drawn (East Asian wide
// characters take two, combining marks none). protocompile's v0.14
// compiler counts as protoc does: tab stops every 8 columns, one column per
// character. Go-style tab indentation is common, so the files that v0.14
// compiles have their source locations counted again, as buf counts them,
// before any finding is placed: an annotation then lands where buf's does.

// termTab is the width of buf's tab stops.
const termTab = 4

// termColumns rewrites the columns of a v0.14 result's source locations
// as buf counts them, from the file's text. Lines of plain ASCII without
// tabs are the same either way and are left alone.
func termColumns(r linker.Result, data []byte) {
	sci := r.FileDescriptorProto().GetSourceCodeInfo()
	if sci == nil || !needsTermColumns(data) {
		return
	}
	if hasLongLine(data) {
		spans := make([][]int32, len(sci.Location))
		for i, loc := range sci.Location {
			spans[i] = loc.Span
		}
		termColumnsLong(spans, data)
		r.PopulateSourceCodeInfo()
		return
	}
	lines := lineStarts(data)
	line := func(n int) []byte {
		if n < 0 || n >= len(lines) {
			return nil
		}
		end := len(data)
		if n+1 < len(lines) {
			end = lines[n+1]
		}
		return data[lines[n]:end]
	}
	for _, loc := range sci.Location {
		s := loc.Span
		switch len(s) {
		case 3:
			l := line(int(s[0]))
			s[1], s[2] = termColumn(l, s[1]), termColumn(l, s[2])
		case 4:
			s[1] = termColumn(line(int(s[0])), s[1])
			s[3] = termColumn(line(int(s[2])), s[3])
		}
	}
	r.PopulateSourceCodeInfo()
}

// needsTermColumns reports whether data holds a tab or a byte outside
// ASCII, without which both ways of counting agree.
func needsTermColumns(data []byte) bool {
	return bytes.IndexByte(data, '\t') >= 0 || hasNonASCII(data)
}

// lineStarts returns the offset of each line of data.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// termColumn converts a 0-based column of line, counted as v0.14 counts
// it, to the 0-based column buf gives the same place.
func termColumn(line []byte, col int32) int32 {
	if !needsTermColumns(line) {
		return col
	}
	off := byteOffset(line, col)
	// The width of what precedes it, as buf's terminal counts.
	w := 0
	for i, seg := range strings.Split(string(line[:off]), "\t") {
		if i > 0 {
			w += termTab - w%termTab
		}
		w += uniseg.StringWidth(seg)
	}
	return int32(w)
}

// byteOffset returns the offset in line of the 0-based column col, counted
// as v0.14 counts it.
func byteOffset(line []byte, col int32) int {
	off, c := 0, 0
	for off < len(line) && c < int(col) {
		b := line[off]
		switch {
		case b == '\t':
			c += 8 - c%8
		case utf8.RuneStart(b):
			c++
		}
		off++
	}
	for off < len(line) && !utf8.RuneStart(line[off]) {
		off++ // the rest of the character the column is in
	}
	return off
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// errorColumn returns the 1-based column of a v0.14 compile error at
// line and col of the file name as buf v1.75 reports compile errors: one
// column per character, a tab included (its diagnostics count characters,
// unlike its source locations).
func (t *Tree) errorColumn(name string, line, col int) int {
	if line < 1 || col < 1 || t.read == nil {
		return col
	}
	data, err := t.read(context.Background(), name)
	if err != nil || !needsTermColumns(data) {
		return col
	}
	lines := lineStarts(data)
	if line > len(lines) {
		return col
	}
	end := len(data)
	if line < len(lines) {
		end = lines[line]
	}
	l := data[lines[line-1]:end]
	return utf8.RuneCount(l[:byteOffset(l, int32(col-1))]) + 1
}
