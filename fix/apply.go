package fix

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// A Result is what Apply would change.
type Result struct {
	// Files are the files that change, sorted by path.
	Files []File
	// Skipped lists what a deletion needs reserved but cannot be, in the
	// order of Files' paths.
	Skipped []Skip
}

// A File is a source file of the new version, before and after the edit.
type File struct {
	Path          string // as the schema names it
	Before, After []byte
	// Changes say what is reserved where, in the order of the source.
	Changes []Change
}

// A Change is what Apply reserves in one message or enum.
type Change struct {
	// Span locates the message or enum in the file before the edit, as
	// findings locate it.
	Span    compat.Span
	Parent  protoreflect.FullName
	Numbers []int32             // sorted
	Names   []protoreflect.Name // in the order of their numbers
}

// String formats the change as `user.proto:4:1: reserved 2 to 4, "email"
// in acme.v1.User`.
func (c Change) String() string {
	var parts []string
	if len(c.Numbers) > 0 {
		parts = append(parts, rangesText(c.Numbers))
	}
	if len(c.Names) > 0 {
		parts = append(parts, namesText(c.Names, `"`))
	}
	return fmt.Sprintf("%s: reserved %s in %s", c.Span, strings.Join(parts, ", "), c.Parent)
}

// A Skip is a number or name that a deletion needs reserved and that the
// new version cannot reserve: a field renumbered keeps its name, a number
// now in an extension range belongs to extensions.
type Skip struct {
	Span    compat.Span // the message or enum
	Message string
}

// String formats the skip as path:line:col: message.
func (s Skip) String() string { return s.Span.String() + ": " + s.Message }

// sourceError says that a file's source does not hold what its compiled
// form says, at span: it changed after it was compiled, or it is not the
// file the reservations were planned for.
func sourceError(span compat.Span, format string, args ...any) *source.Error {
	return &source.Error{Path: span.Path, Line: span.StartLine, Column: span.StartCol, Message: fmt.Sprintf(format, args...)}
}

// Apply returns the new source of the files that reservations rs concern.
// new is the new version, whose Files must hold those files, compiled;
// read returns the source they were compiled from, by path. What a file
// already reserves is left out, so that applying the same reservations
// twice changes nothing the second time. An error is a *source.Error,
// placed in the file as compiled, when the source does not match the
// compiled files, or read's.
func Apply(new *schema.Schema, rs []Reservation, read func(path string) ([]byte, error)) (Result, error) {
	files := new.Files
	byPath := make(map[string][]Reservation)
	var paths []string
	for _, r := range rs {
		if _, ok := byPath[r.Path]; !ok {
			paths = append(paths, r.Path)
		}
		byPath[r.Path] = append(byPath[r.Path], r)
	}
	slices.Sort(paths)
	var res Result
	for _, p := range paths {
		i := slices.IndexFunc(files, func(f protoreflect.FileDescriptor) bool { return f.Path() == p })
		if i < 0 {
			return res, sourceError(compat.Span{Path: p}, "not a compiled file of the new version")
		}
		src, err := read(p)
		if err != nil {
			return res, err
		}
		f, skips, err := applyFile(files[i], src, byPath[p])
		if err != nil {
			return res, err
		}
		res.Skipped = append(res.Skipped, skips...)
		if f != nil {
			res.Files = append(res.Files, *f)
		}
	}
	return res, nil
}

// applyFile reserves rs in one file; it returns a nil File when nothing
// needs writing.
func applyFile(fd protoreflect.FileDescriptor, src []byte, rs []Reservation) (*File, []Skip, error) {
	decls := parents([]protoreflect.FileDescriptor{fd})
	s := newSource(fd, src)
	var (
		ins     []insertion
		changes []Change
		skips   []Skip
	)
	for _, group := range byParent(rs) {
		d, ok := decls[group[0].Parent]
		if !ok {
			return nil, nil, sourceError(compat.Span{Path: fd.Path()}, "%s is not declared in the compiled file", group[0].Parent)
		}
		c, sk := needed(d, group)
		skips = append(skips, sk...)
		if len(c.Numbers) == 0 && len(c.Names) == 0 {
			continue
		}
		more, err := s.reserve(d, c.Numbers, c.Names)
		if err != nil {
			return nil, nil, err
		}
		ins = append(ins, more...)
		changes = append(changes, c)
	}
	if len(ins) == 0 {
		return nil, skips, nil
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Span.StartLine, b.Span.StartLine), cmp.Compare(a.Span.StartCol, b.Span.StartCol))
	})
	return &File{Path: fd.Path(), Before: src, After: insert(src, ins), Changes: changes}, skips, nil
}

// byParent groups reservations by parent, in the order of rs.
func byParent(rs []Reservation) [][]Reservation {
	var out [][]Reservation
	at := make(map[protoreflect.FullName]int)
	for _, r := range rs {
		i, ok := at[r.Parent]
		if !ok {
			i = len(out)
			at[r.Parent] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// needed returns what of rs the parent d does not reserve yet and can,
// and why the rest cannot be.
func needed(d protoreflect.Descriptor, rs []Reservation) (Change, []Skip) {
	c := Change{Span: compat.SpanOf(d), Parent: d.FullName()}
	var skips []Skip
	skip := func(format string, args ...any) {
		skips = append(skips, Skip{Span: c.Span, Message: fmt.Sprintf(format, args...)})
	}
	what := "field"
	if _, ok := d.(protoreflect.EnumDescriptor); ok {
		what = "enum value"
	}
	for _, r := range rs {
		switch d := d.(type) {
		case protoreflect.MessageDescriptor:
			n := protoreflect.FieldNumber(r.Number)
			switch {
			case d.ReservedRanges().Has(n) || d.Fields().ByNumber(n) != nil:
			case d.ExtensionRanges().Has(n):
				skip("number %d of the deleted field %q is not reserved in %s: it lies in an extension range", r.Number, r.Names[0], d.FullName())
			default:
				c.Numbers = append(c.Numbers, r.Number)
			}
		case protoreflect.EnumDescriptor:
			n := protoreflect.EnumNumber(r.Number)
			if !d.ReservedRanges().Has(n) && d.Values().ByNumber(n) == nil {
				c.Numbers = append(c.Numbers, r.Number)
			}
		}
		for _, name := range r.Names {
			if reservedName(d, name) || slices.Contains(c.Names, name) {
				continue
			}
			if n, ok := usedName(d, name); ok {
				skip("name %q of the deleted %s %d is not reserved in %s: %s %d has that name now",
					name, what, r.Number, d.FullName(), what, n)
				continue
			}
			c.Names = append(c.Names, name)
		}
	}
	slices.Sort(c.Numbers)
	c.Numbers = slices.Compact(c.Numbers)
	return c, skips
}

// reservedName reports whether the message or enum d reserves name.
func reservedName(d protoreflect.Descriptor, name protoreflect.Name) bool {
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		return d.ReservedNames().Has(name)
	case protoreflect.EnumDescriptor:
		return d.ReservedNames().Has(name)
	}
	return false
}

// usedName returns the number of the field or enum value of d named name,
// if there is one: protoc refuses to reserve a name in use.
func usedName(d protoreflect.Descriptor, name protoreflect.Name) (int64, bool) {
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		if f := d.Fields().ByName(name); f != nil {
			return int64(f.Number()), true
		}
	case protoreflect.EnumDescriptor:
		if v := d.Values().ByName(name); v != nil {
			return int64(v.Number()), true
		}
	}
	return 0, false
}

// rangesText writes sorted numbers as a reserved statement lists them,
// runs of consecutive numbers as ranges: 2, 5 to 7.
func rangesText(ns []int32) string {
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && int64(ns[j+1]) == int64(ns[j])+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(int(ns[i])))
		} else {
			parts = append(parts, fmt.Sprintf("%d to %d", ns[i], ns[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// namesText writes names as a reserved statement lists them: in quote,
// or bare when quote is empty (editions write identifiers).
func namesText(names []protoreflect.Name, quote string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = quote + string(n) + quote
	}
	return strings.Join(parts, ", ")
}
