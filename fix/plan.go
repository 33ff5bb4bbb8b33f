package fix

import (
	"cmp"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// Rules returns, in a new slice, the rules whose findings Plan addresses:
// a field or an enum value deleted from the new version. For each of them
// the fix reserves both the number and the name (every name, for an enum
// value with aliases), as the rules' documentation recommends, whichever
// of the two the rule asks for. FIELD_NO_DELETE and ENUM_VALUE_NO_DELETE keep being
// reported after the fix, since generated code still loses an accessor or
// a constant; the rules that ask for reservations no longer are.
func Rules() []string { return slices.Clone(rules) }

// rules lists the rules of Rules.
var rules = []string{
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
// sorted by file, parent and number. old and new are the two versions that
// produced findings, as compat.Check took them. Each deletion is read from the
// finding's Old element, so that a baseline without source positions (a
// descriptor set built without them) plans as well as any. Ignored
// findings and findings of other rules are left out.
func Plan(old, new *schema.Schema, findings []compat.Finding) []Reservation {
	oldParents, newParents := parents(old.Files), parents(new.Files)
	seen := make(map[key]int)
	var out []Reservation
	for _, f := range findings {
		e := f.Old
		if f.Ignored || !slices.Contains(rules, f.Rule) || e == nil ||
			(e.Kind != compat.FieldElement && e.Kind != compat.EnumValueElement) {
			continue
		}
		parent, ok := newParents[e.Parent]
		if !ok {
			continue
		}
		r := Reservation{Path: parent.ParentFile().Path(), Parent: e.Parent, Number: e.Number, Names: []protoreflect.Name{protoreflect.Name(e.Name)}}
		if oe, ok := oldParents[e.Parent].(protoreflect.EnumDescriptor); ok && e.Kind == compat.EnumValueElement {
			r.Names = aliases(oe, protoreflect.EnumNumber(e.Number))
		}
		k := key{r.Path, r.Parent, r.Number}
		if i, ok := seen[k]; ok {
			for _, n := range r.Names {
				if !slices.Contains(out[i].Names, n) {
					out[i].Names = append(out[i].Names, n)
				}
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, r)
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

// aliases returns the names of the values of e numbered n: JSON readers
// accept each, so a deleted number needs them all reserved.
func aliases(e protoreflect.EnumDescriptor, n protoreflect.EnumNumber) []protoreflect.Name {
	var out []protoreflect.Name
	vs := e.Values()
	for i := range vs.Len() {
		if v := vs.Get(i); v.Number() == n {
			out = append(out, v.Name())
		}
	}
	return out
}

// parents indexes the messages and enums of files by full name.
func parents(files []protoreflect.FileDescriptor) map[protoreflect.FullName]protoreflect.Descriptor {
	out := make(map[protoreflect.FullName]protoreflect.Descriptor)
	walk(files, func(m protoreflect.MessageDescriptor) {
		out[m.FullName()] = m
	}, func(e protoreflect.EnumDescriptor) {
		out[e.FullName()] = e
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
