package fix

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
)

// Source paths below a message and an enum (descriptor.proto's field
// numbers), for the statements of a body.
type bodyTags struct {
	name, options, ranges, names int32
}

var (
	messageTags = bodyTags{name: 1, options: 7, ranges: 9, names: 10}
	enumTags    = bodyTags{name: 1, options: 3, ranges: 4, names: 5}
)

// A sourceText is a file's text with the source locations it was compiled
// with.
type sourceText struct {
	fd    protoreflect.FileDescriptor
	src   []byte
	lines []int // the offset at which each line starts
	nl    string
	unit  string // one level of indentation
}

// An insertion adds text at an offset of the source.
type insertion struct {
	off  int
	del  int // bytes at off that text replaces
	text string
}

func newSource(fd protoreflect.FileDescriptor, src []byte) *sourceText {
	s := &sourceText{fd: fd, src: src, lines: []int{0}, nl: "\n"}
	for i, b := range src {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		s.nl = "\r\n"
	}
	s.unit = s.indentUnit()
	return s
}

// indentUnit guesses one level of indentation from the first top-level
// message or enum whose body starts on a line of its own: two spaces when
// none does.
func (s *sourceText) indentUnit() string {
	locs := s.fd.SourceLocations()
	for i := range locs.Len() {
		l := locs.Get(i)
		// A field, nested message or enum of a top-level message, or a
		// value of a top-level enum: [4 or 5, i, tag, j].
		if len(l.Path) != 4 || (l.Path[0] != 4 && l.Path[0] != 5) {
			continue
		}
		parent := locs.ByPath(l.Path[:2])
		if parent.Path == nil || l.StartLine <= parent.StartLine || s.indent(parent.StartLine) != "" {
			continue
		}
		if in := s.indent(l.StartLine); in != "" {
			return in
		}
	}
	return "  "
}

// indent returns the white space that starts the 0-based line.
func (s *sourceText) indent(line int) string {
	if line >= len(s.lines) {
		return ""
	}
	start := s.lines[line]
	end := start
	for end < len(s.src) && (s.src[end] == ' ' || s.src[end] == '\t') {
		end++
	}
	return string(s.src[start:end])
}

// lineOf returns the 0-based line that holds offset off.
func (s *sourceText) lineOf(off int) int {
	i, found := slices.BinarySearch(s.lines, off)
	if found {
		return i
	}
	return i - 1
}

// The compilers count columns differently: protocompile's older compiler
// advances tabs to a multiple of 8 and counts runes, the newer one uses
// tab stops of 4 and display widths. Rather than trust either, a column is
// turned into an offset under each way of counting, and the one where the
// expected text stands wins; failing that, the only place on the line
// where it stands.
var columnModels = []struct {
	tab   int
	bytes bool
}{{8, false}, {4, false}, {1, true}}

// resolve returns the offset of the 0-based line and column at which want
// holds.
func (s *sourceText) resolve(line, col int, want func(off int) bool) (int, bool) {
	if line < 0 || line >= len(s.lines) {
		return 0, false
	}
	start := s.lines[line]
	end := len(s.src)
	if line+1 < len(s.lines) {
		end = s.lines[line+1]
	}
	for _, m := range columnModels {
		c, i := 0, start
		for c < col && i < end {
			r, size := utf8.DecodeRune(s.src[i:])
			switch {
			case r == '\t':
				c += m.tab - c%m.tab
			case m.bytes:
				c += size
			default:
				c++
			}
			i += size
		}
		if c == col && want(i) {
			return i, true
		}
	}
	found := -1
	for i := start; i <= end; i++ {
		if want(i) {
			if found >= 0 {
				return 0, false
			}
			found = i
		}
	}
	return found, found >= 0
}

// body is what reserve needs of a message's or an enum's source.
type body struct {
	open, close int // offsets of the braces
	ranges      []protoreflect.SourceLocation
	names       []protoreflect.SourceLocation
	statements  []protoreflect.SourceLocation // the reserved statements
	options     []protoreflect.SourceLocation
	elements    []protoreflect.SourceLocation // everything else in the body
}

// reserve returns the insertions that reserve nums and names in the
// message or enum d.
func (s *sourceText) reserve(d protoreflect.Descriptor, nums []int32, names []protoreflect.Name) ([]insertion, error) {
	b, err := s.body(d)
	if err != nil {
		return nil, err
	}
	var ins []insertion
	var stmts []string
	if len(nums) > 0 {
		if more, ok := s.mergeNumbers(d, b, nums); ok {
			ins = append(ins, more...)
		} else if at, ok := s.beforeNames(b, "reserved "+rangesText(nums)+";"); ok {
			// Numbers first, as they are usually written.
			ins = append(ins, at)
		} else {
			stmts = append(stmts, "reserved "+rangesText(nums)+";")
		}
	}
	if len(names) > 0 {
		quote := `"`
		if s.fd.Syntax() == protoreflect.Editions {
			quote = "" // editions reserve identifiers
		}
		if q, ok := s.quoteOf(d, b.names); ok {
			quote = q
		}
		if off, ok := s.afterLast(b.names, func(c byte) bool { return isWordByte(c) || c == '"' || c == '\'' }); ok {
			ins = append(ins, insertion{off: off, text: ", " + namesText(names, quote)})
		} else {
			stmts = append(stmts, "reserved "+namesText(names, quote)+";")
		}
	}
	if len(stmts) == 0 {
		return ins, nil
	}
	at, err := s.place(d, b, stmts)
	if err != nil {
		return nil, err
	}
	return append(ins, at), nil
}

// mergeNumbers returns the edits that add nums to the last reserved
// statement of numbers in the body. A number next to a range there, or
// between two, joins it (reserved 5 to 8, not 5 to 7, 8); the others
// take their place in order among the ranges (reserved 2, 9, 11 to 12)
// when the statement lists them in order, and go last when it does not.
func (s *sourceText) mergeNumbers(d protoreflect.Descriptor, b *body, nums []int32) ([]insertion, bool) {
	var stmts []protoreflect.SourceLocation
	for _, st := range b.statements {
		if slices.ContainsFunc(b.ranges, func(r protoreflect.SourceLocation) bool { return within(r, st) }) {
			stmts = append(stmts, st)
		}
	}
	stmt, ok := latest(stmts)
	if !ok {
		return nil, false
	}
	var rs []span
	for _, r := range b.ranges {
		if !within(r, stmt) {
			continue
		}
		first, last, ok := rangeBounds(d, int(r.Path[len(r.Path)-1]))
		if !ok {
			return nil, false
		}
		text := []byte(strconv.FormatInt(first, 10))
		off, ok := s.resolve(r.StartLine, r.StartColumn, func(off int) bool {
			return bytes.HasPrefix(s.src[off:], text) && (off == 0 || !isWordByte(s.src[off-1]) && s.src[off-1] != '-')
		})
		if !ok {
			return nil, false
		}
		m := rangeText.Find(s.src[off:])
		if m == nil {
			return nil, false
		}
		rs = append(rs, span{first: first, last: last, off: off, end: off + len(m), max: bytes.HasSuffix(m, []byte("max"))})
	}
	end, ok := s.afterLast(b.ranges, isWordByte)
	if !ok || len(rs) == 0 {
		return nil, false
	}
	slices.SortFunc(rs, func(a, b span) int { return cmp.Compare(a.off, b.off) })
	ordered := slices.IsSortedFunc(rs, func(a, b span) int { return cmp.Compare(a.first, b.first) })
	// Group the statement's ranges and the new runs that touch: each
	// group is one range once fixed.
	type member struct {
		first, last int64
		old         int // index in rs, or -1 for a new run
	}
	var all []member
	for i, r := range rs {
		all = append(all, member{r.first, r.last, i})
	}
	for _, run := range runs(nums) {
		all = append(all, member{run[0], run[1], -1})
	}
	slices.SortFunc(all, func(a, b member) int { return cmp.Compare(a.first, b.first) })
	var ins []insertion
	for i := 0; i < len(all); {
		j, last := i, all[i].last
		for j+1 < len(all) && all[j+1].first <= last+1 {
			j++
			last = max(last, all[j].last)
		}
		group := all[i : j+1]
		i = j + 1
		var olds []int
		news := false
		for _, m := range group {
			if m.old >= 0 {
				olds = append(olds, m.old)
			} else {
				news = true
			}
		}
		if !news {
			continue
		}
		text := s.rangeText(group[0].first, last, slices.ContainsFunc(olds, func(k int) bool { return rs[k].max }))
		if len(olds) == 0 {
			// A range of its own: in order, or last.
			k := slices.IndexFunc(rs, func(r span) bool { return r.first > group[0].first })
			if !ordered || k < 0 {
				ins = append(ins, insertion{off: end, text: ", " + text})
			} else {
				ins = append(ins, insertion{off: rs[k].off, text: text + ", "})
			}
			continue
		}
		// The first of the ranges in the text becomes the group's; the
		// others go, with the separator before them.
		slices.Sort(olds)
		ins = append(ins, insertion{off: rs[olds[0]].off, del: rs[olds[0]].end - rs[olds[0]].off, text: text})
		for _, k := range olds[1:] {
			ins = append(ins, insertion{off: rs[k-1].end, del: rs[k].end - rs[k-1].end})
		}
	}
	return ins, true
}

// span is a range of a reserved statement: its numbers (last included)
// and where its text is (end excluded), written with max or not.
type span struct {
	first, last int64
	off, end    int
	max         bool
}

// rangeText matches the text of one reserved range: 5, -3, 5 to 7, 9 to max.
var rangeText = regexp.MustCompile(`^-?[0-9]+(\s+to\s+(-?[0-9]+|max))?`)

// runs returns sorted numbers as runs of consecutive ones, first and last.
func runs(ns []int32) [][2]int64 {
	var out [][2]int64
	for _, n := range ns {
		if k := len(out) - 1; k >= 0 && out[k][1]+1 == int64(n) {
			out[k][1] = int64(n)
			continue
		}
		out = append(out, [2]int64{int64(n), int64(n)})
	}
	return out
}

// rangeText writes first to last as a reserved statement does, with max
// when a range it takes in was written so.
func (s *sourceText) rangeText(first, last int64, max bool) string {
	switch {
	case first == last:
		return strconv.FormatInt(first, 10)
	case max:
		return strconv.FormatInt(first, 10) + " to max"
	}
	return fmt.Sprintf("%d to %d", first, last)
}

// rangeBounds returns the first and last numbers of the i-th reserved
// range of d.
func rangeBounds(d protoreflect.Descriptor, i int) (first, last int64, ok bool) {
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		if i < d.ReservedRanges().Len() {
			r := d.ReservedRanges().Get(i)
			return int64(r[0]), int64(r[1]) - 1, true // the end is exclusive
		}
	case protoreflect.EnumDescriptor:
		if i < d.ReservedRanges().Len() {
			r := d.ReservedRanges().Get(i)
			return int64(r[0]), int64(r[1]), true
		}
	}
	return 0, 0, false
}

// beforeNames returns the insertion of stmt on a line of its own before
// the body's first reserved statement of names, when that statement
// starts its line and no comment above it would be parted from it.
func (s *sourceText) beforeNames(b *body, stmt string) (insertion, bool) {
	first, ok := earliest(b.statements)
	if !ok || slices.ContainsFunc(b.ranges, func(r protoreflect.SourceLocation) bool { return within(r, first) }) {
		return insertion{}, false
	}
	line := first.StartLine
	if line >= len(s.lines) || line == 0 {
		return insertion{}, false
	}
	indent := s.indent(line)
	if !bytes.HasPrefix(s.src[s.lines[line]+len(indent):], []byte("reserved")) {
		return insertion{}, false
	}
	above := bytes.TrimSpace(s.src[s.lines[line-1]:s.lines[line]])
	if bytes.HasPrefix(above, []byte("//")) || bytes.HasSuffix(above, []byte("*/")) {
		return insertion{}, false
	}
	return insertion{off: s.lines[line], text: indent + stmt + s.nl}, true
}

// place returns the insertion of new reserved statements: on lines of
// their own after the last reserved statement, or else at the top of the
// body after its options, indented like their neighbours; on the line
// itself when the body shares it ({ string id = 1; }).
func (s *sourceText) place(d protoreflect.Descriptor, b *body, stmts []string) (insertion, error) {
	if last, ok := latest(b.statements); ok {
		end, ok := s.resolve(last.EndLine, last.EndColumn, func(off int) bool { return off > 0 && s.src[off-1] == ';' })
		if !ok {
			return insertion{}, s.mismatch(d, "reserved statement")
		}
		if !s.restIsTrivia(end) {
			return insertion{off: end, text: " " + strings.Join(stmts, " ")}, nil
		}
		return s.ownLines(s.lineOf(end), s.indent(last.StartLine), stmts), nil
	}
	if !s.restIsTrivia(b.open + 1) {
		text := " " + strings.Join(stmts, " ")
		if b.open+1 < len(s.src) && s.src[b.open+1] == '}' {
			text += " "
		}
		return insertion{off: b.open + 1, text: text}, nil
	}
	openLine := s.lineOf(b.open)
	first, hasFirst := earliest(b.elements)
	anchor := openLine
	var opt protoreflect.SourceLocation
	hasOpt := false
	for _, o := range b.options {
		if hasFirst && !before(o, first) {
			continue
		}
		if !hasOpt || endsAfter(o, opt) {
			opt, hasOpt = o, true
		}
	}
	if hasOpt && !slices.ContainsFunc(b.elements, func(e protoreflect.SourceLocation) bool { return e.StartLine == opt.EndLine }) {
		anchor = opt.EndLine
	}
	var indent string
	closeLine := s.lineOf(b.close)
	switch {
	case hasFirst && first.StartLine > openLine:
		indent = s.indent(first.StartLine)
	case hasOpt && opt.StartLine > openLine:
		indent = s.indent(opt.StartLine)
	case closeLine > openLine && s.lines[closeLine]+len(s.indent(closeLine)) == b.close:
		indent = s.indent(closeLine) + s.unit
	default:
		indent = s.indent(openLine) + s.unit
	}
	return s.ownLines(anchor, indent, stmts), nil
}

// ownLines returns the insertion of stmts on lines of their own after the
// 0-based line.
func (s *sourceText) ownLines(line int, indent string, stmts []string) insertion {
	var b strings.Builder
	if line+1 >= len(s.lines) {
		// The last line, without a newline.
		for _, st := range stmts {
			b.WriteString(s.nl + indent + st)
		}
		return insertion{off: len(s.src), text: b.String()}
	}
	for _, st := range stmts {
		b.WriteString(indent + st + s.nl)
	}
	return insertion{off: s.lines[line+1], text: b.String()}
}

// body finds the braces and statements of the message or enum d.
func (s *sourceText) body(d protoreflect.Descriptor) (*body, error) {
	tags := messageTags
	if _, ok := d.(protoreflect.EnumDescriptor); ok {
		tags = enumTags
	}
	locs := s.fd.SourceLocations()
	loc := locs.ByDescriptor(d)
	if loc.Path == nil {
		return nil, sourceError(compat.Span{Path: s.fd.Path()}, "%s has no source position", d.FullName())
	}
	b := &body{}
	var nameLoc protoreflect.SourceLocation
	for i := range locs.Len() {
		l := locs.Get(i)
		n := len(loc.Path)
		if len(l.Path) <= n || !slices.Equal(l.Path[:n], loc.Path) {
			continue
		}
		tag, direct := l.Path[n], len(l.Path) == n+1
		switch {
		case tag == tags.name && direct:
			nameLoc = l
		case tag == tags.options:
			b.options = append(b.options, l)
		case (tag == tags.ranges || tag == tags.names) && direct:
			b.statements = append(b.statements, l)
		case tag == tags.ranges && len(l.Path) == n+2:
			b.ranges = append(b.ranges, l)
		case tag == tags.names && len(l.Path) == n+2:
			b.names = append(b.names, l)
		case len(l.Path) <= n+2 && tag != tags.ranges && tag != tags.names:
			b.elements = append(b.elements, l)
		}
	}
	name := string(d.Name())
	at, ok := s.resolve(nameLoc.StartLine, nameLoc.StartColumn, func(off int) bool {
		return bytes.HasPrefix(s.src[off:], []byte(name)) && (off+len(name) == len(s.src) || !isWordByte(s.src[off+len(name)]))
	})
	if nameLoc.Path == nil || !ok {
		return nil, s.mismatch(d, "name")
	}
	// Locations of the element before its name (edition 2024's export
	// and local) are not in the body.
	b.elements = slices.DeleteFunc(b.elements, func(l protoreflect.SourceLocation) bool { return !before(nameLoc, l) })
	if b.open, ok = s.brace(at + len(name)); !ok {
		return nil, s.mismatch(d, "opening brace")
	}
	if b.close, ok = s.resolve(loc.EndLine, loc.EndColumn, func(off int) bool { return off > 0 && s.src[off-1] == '}' }); !ok {
		return nil, s.mismatch(d, "closing brace")
	}
	b.close--
	return b, nil
}

// mismatch says that the source does not hold what its compiled form says.
func (s *sourceText) mismatch(d protoreflect.Descriptor, what string) error {
	return sourceError(compat.SpanOf(d), "the %s of %s is not where the compiler saw it: did the file change during the check?", what, d.FullName())
}

// afterLast returns the offset just after the latest of locs, whose last
// byte is one that end accepts.
func (s *sourceText) afterLast(locs []protoreflect.SourceLocation, end func(byte) bool) (int, bool) {
	last, ok := latest(locs)
	if !ok {
		return 0, false
	}
	return s.resolve(last.EndLine, last.EndColumn, func(off int) bool {
		return off > 0 && end(s.src[off-1]) && (off == len(s.src) || !isWordByte(s.src[off]))
	})
}

// quoteOf returns how the latest of the reserved names locs is written:
// in double or single quotes, or bare ("").
func (s *sourceText) quoteOf(d protoreflect.Descriptor, locs []protoreflect.SourceLocation) (string, bool) {
	last, ok := latest(locs)
	if !ok {
		return "", false
	}
	var reserved protoreflect.Names
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		reserved = d.ReservedNames()
	case protoreflect.EnumDescriptor:
		reserved = d.ReservedNames()
	}
	i := int(last.Path[len(last.Path)-1])
	if i >= reserved.Len() {
		return "", false
	}
	name := string(reserved.Get(i))
	for _, q := range []string{`"`, "'", ""} {
		if _, ok := s.resolve(last.StartLine, last.StartColumn, func(off int) bool {
			return bytes.HasPrefix(s.src[off:], []byte(q+name+q))
		}); ok {
			return q, true
		}
	}
	return "", false
}

// brace returns the offset of the brace that opens a body, at or after
// from: a message's or enum's comes after its name, a group's after its
// number and options.
func (s *sourceText) brace(from int) (int, bool) {
	depth := 0
	for i := from; i < len(s.src); i++ {
		switch c := s.src[i]; {
		case c == '/' && i+1 < len(s.src) && s.src[i+1] == '/':
			j := bytes.IndexByte(s.src[i:], '\n')
			if j < 0 {
				return 0, false
			}
			i += j
		case c == '/' && i+1 < len(s.src) && s.src[i+1] == '*':
			j := bytes.Index(s.src[i+2:], []byte("*/"))
			if j < 0 {
				return 0, false
			}
			i += j + 3
		case c == '"' || c == '\'':
			for i++; i < len(s.src) && s.src[i] != c; i++ {
				if s.src[i] == '\\' {
					i++
				}
			}
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case c == '{' && depth == 0:
			return i, true
		case (c == ';' || c == '}') && depth == 0:
			return 0, false
		}
	}
	return 0, false
}

// restIsTrivia reports whether nothing but white space and a line comment
// follows off on its line.
func (s *sourceText) restIsTrivia(off int) bool {
	for off < len(s.src) && (s.src[off] == ' ' || s.src[off] == '\t') {
		off++
	}
	rest := s.src[off:]
	return len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r' || bytes.HasPrefix(rest, []byte("//"))
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Source locations compare by their 0-based start and end, as the
// compiler counted them: the same way within one file.

func before(a, b protoreflect.SourceLocation) bool {
	return cmp.Or(cmp.Compare(a.StartLine, b.StartLine), cmp.Compare(a.StartColumn, b.StartColumn)) < 0
}

// within reports whether a lies within b.
func within(a, b protoreflect.SourceLocation) bool {
	return !before(a, b) && !endsAfter(a, b)
}

func endsAfter(a, b protoreflect.SourceLocation) bool {
	return cmp.Or(cmp.Compare(a.EndLine, b.EndLine), cmp.Compare(a.EndColumn, b.EndColumn)) > 0
}

func earliest(locs []protoreflect.SourceLocation) (protoreflect.SourceLocation, bool) {
	if len(locs) == 0 {
		return protoreflect.SourceLocation{}, false
	}
	return slices.MinFunc(locs, func(a, b protoreflect.SourceLocation) int {
		return cmp.Or(cmp.Compare(a.StartLine, b.StartLine), cmp.Compare(a.StartColumn, b.StartColumn))
	}), true
}

func latest(locs []protoreflect.SourceLocation) (protoreflect.SourceLocation, bool) {
	if len(locs) == 0 {
		return protoreflect.SourceLocation{}, false
	}
	return slices.MaxFunc(locs, func(a, b protoreflect.SourceLocation) int {
		return cmp.Or(cmp.Compare(a.EndLine, b.EndLine), cmp.Compare(a.EndColumn, b.EndColumn))
	}), true
}

// insert returns src with ins applied; insertions at one offset keep
// their order.
func insert(src []byte, ins []insertion) []byte {
	// At one offset, what only inserts goes before what replaces.
	slices.SortStableFunc(ins, func(a, b insertion) int {
		return cmp.Or(cmp.Compare(a.off, b.off), cmp.Compare(min(a.del, 1), min(b.del, 1)))
	})
	var out bytes.Buffer
	at := 0
	for _, in := range ins {
		out.Write(src[at:in.off])
		out.WriteString(in.text)
		at = in.off + in.del
	}
	out.Write(src[at:])
	return out.Bytes()
}
