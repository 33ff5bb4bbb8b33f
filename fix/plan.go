package fix

import (
	"cmp"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
)

// Rules lists the rules whose findings Plan addresses: a field or an enum
// value deleted from the new version. For each of them the fix reserves
// both the number and the name (every name, for an enum value with
// aliases), as the rules' documentation recommends, whichever of the two
// the rule asks for. FIELD_NO_DELETE and ENUM_VALUE_NO_DELETE keep being
// reported after the fix, since generated code still loses an accessor or
// a constant; the rules that ask for reservations no longer are.
var Rules = []string{
	"FIELD_NO_DELETE",
	"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
	"FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
	"ENUM_VALUE_NO_DELETE",
	"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
	"ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
}

// A Reservation is what one deleted field or enum value needs reserved in
// the new version.
type Reservation struct {
	// Path is the new file that declares Parent, as the schema names it.
	Path string
	// Parent is the message or enum that lost the element.
	Parent protoreflect.FullName
	// Number is the deleted field's or enum value's number.
	Number int32
	// Names are its name, and for an enum value, the names of its aliases.
	Names []protoreflect.Name
}

// Plan returns the reservations that the deletions among findings need,
// sorted by file, parent and number. old and new are the compiled files of
// the two versions that produced findings, whose spans are relative to the
// same roots as the files' paths. Ignored findings and findings of other
// rules are left out. A deletion is found by its position in the old
// version; when the old version has no source positions (a descriptor set
// built without them), every element deleted from the message or enum that
// a finding names is planned.
func Plan(old, new []protoreflect.FileDescriptor, findings []compat.Finding) []Reservation {
	oldElems, oldParents := indexOld(old)
	newParents := indexNew(new)
	seen := make(map[key]int)
	var out []Reservation
	add := func(path string, parent protoreflect.Descriptor, d protoreflect.Descriptor) {
		r := reservationOf(path, parent, d)
		k := key{r.Path, r.Parent, r.Number}
		if i, ok := seen[k]; ok {
			for _, n := range r.Names {
				if !slices.Contains(out[i].Names, n) {
					out[i].Names = append(out[i].Names, n)
				}
			}
			return
		}
		seen[k] = len(out)
		out = append(out, r)
	}
	for _, f := range findings {
		if f.Ignored || !slices.Contains(Rules, f.Rule) {
			continue
		}
		parent, ok := newParents[f.Span]
		if !ok {
			continue
		}
		if f.OldSpan.StartLine > 0 {
			if d, ok := oldElems[f.OldSpan]; ok && d.Parent().FullName() == parent.FullName() {
				add(f.Span.Path, parent, d)
			}
			continue
		}
		op, ok := oldParents[parent.FullName()]
		if !ok {
			continue
		}
		for _, d := range deleted(op, parent) {
			add(f.Span.Path, parent, d)
		}
	}
	slices.SortFunc(out, func(a, b Reservation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Parent, b.Parent), cmp.Compare(a.Number, b.Number))
	})
	return out
}

type key struct {
	path   string
	parent protoreflect.FullName
	number int32
}

// reservationOf is what deleting d (a field, or an enum value of old)
// from parent needs reserved: for an enum value, the names of its
// aliases too, since JSON readers accept each.
func reservationOf(path string, parent, d protoreflect.Descriptor) Reservation {
	r := Reservation{Path: path, Parent: parent.FullName()}
	switch d := d.(type) {
	case protoreflect.FieldDescriptor:
		r.Number = int32(d.Number())
		r.Names = []protoreflect.Name{d.Name()}
	case protoreflect.EnumValueDescriptor:
		r.Number = int32(d.Number())
		vs := d.Parent().(protoreflect.EnumDescriptor).Values()
		for i := range vs.Len() {
			if v := vs.Get(i); v.Number() == d.Number() {
				r.Names = append(r.Names, v.Name())
			}
		}
	}
	return r
}

// deleted returns the fields or values of the old parent whose number the
// new parent no longer declares.
func deleted(old, new protoreflect.Descriptor) []protoreflect.Descriptor {
	var out []protoreflect.Descriptor
	switch old := old.(type) {
	case protoreflect.MessageDescriptor:
		nm, ok := new.(protoreflect.MessageDescriptor)
		if !ok {
			return nil
		}
		fs := old.Fields()
		for i := range fs.Len() {
			if f := fs.Get(i); nm.Fields().ByNumber(f.Number()) == nil {
				out = append(out, f)
			}
		}
	case protoreflect.EnumDescriptor:
		ne, ok := new.(protoreflect.EnumDescriptor)
		if !ok {
			return nil
		}
		vs := old.Values()
		for i := range vs.Len() {
			if v := vs.Get(i); vs.ByNumber(v.Number()) == v && ne.Values().ByNumber(v.Number()) == nil {
				out = append(out, v)
			}
		}
	}
	return out
}

// indexOld indexes the old version's fields and enum values by where
// findings locate them, and its messages and enums by full name.
func indexOld(files []protoreflect.FileDescriptor) (elems map[compat.Span]protoreflect.Descriptor, parents map[protoreflect.FullName]protoreflect.Descriptor) {
	elems = make(map[compat.Span]protoreflect.Descriptor)
	parents = make(map[protoreflect.FullName]protoreflect.Descriptor)
	walk(files, func(m protoreflect.MessageDescriptor) {
		parents[m.FullName()] = m
		fs := m.Fields()
		for i := range fs.Len() {
			elems[compat.SpanOf(fs.Get(i))] = fs.Get(i)
		}
	}, func(e protoreflect.EnumDescriptor) {
		parents[e.FullName()] = e
		vs := e.Values()
		for i := range vs.Len() {
			elems[compat.SpanOf(vs.Get(i))] = vs.Get(i)
		}
	})
	return elems, parents
}

// indexNew indexes the new version's messages and enums by where findings
// locate them.
func indexNew(files []protoreflect.FileDescriptor) map[compat.Span]protoreflect.Descriptor {
	out := make(map[compat.Span]protoreflect.Descriptor)
	walk(files, func(m protoreflect.MessageDescriptor) {
		out[compat.SpanOf(m)] = m
	}, func(e protoreflect.EnumDescriptor) {
		out[compat.SpanOf(e)] = e
	})
	return out
}

// walk calls msg for every message of files but map entries, nested ones
// included, and enum for every enum.
func walk(files []protoreflect.FileDescriptor, msg func(protoreflect.MessageDescriptor), enum func(protoreflect.EnumDescriptor)) {
	var messages func(ms protoreflect.MessageDescriptors)
	enums := func(es protoreflect.EnumDescriptors) {
		for i := range es.Len() {
			enum(es.Get(i))
		}
	}
	messages = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			msg(m)
			messages(m.Messages())
			enums(m.Enums())
		}
	}
	for _, f := range files {
		messages(f.Messages())
		enums(f.Enums())
	}
}
