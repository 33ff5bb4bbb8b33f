package compat

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The compiler's descriptors find a field or an enum value by number or
// name by scanning the list: a rule that looks up every value of an enum
// of n values in the other version costs n², minutes for an enum of
// 100,000 values. So lookups go through members, which indexes a large
// list once per Check, in maps, and scans a small one as before.

// smallList is the length up to which a list is scanned: below it a scan
// costs less than building a map.
const smallList = 16

// members caches, for one Check, the maps of the large enums and messages
// looked into.
type members struct {
	values map[protoreflect.EnumDescriptor]*valueIndex
	fields map[protoreflect.MessageDescriptor]*fieldIndex
}

// valueIndex is one enum's values by number (the first declared) and by
// name, and the numbers that have several values (aliases), each with its
// values in declaration order.
type valueIndex struct {
	byNumber map[protoreflect.EnumNumber]protoreflect.EnumValueDescriptor
	byName   map[protoreflect.Name]protoreflect.EnumValueDescriptor
	// aliased is nil when each value is the first and only one of its
	// number, as in most enums.
	aliased map[protoreflect.EnumNumber][]protoreflect.EnumValueDescriptor
}

// fieldIndex is one message's fields by number and by name.
type fieldIndex struct {
	byNumber map[protoreflect.FieldNumber]protoreflect.FieldDescriptor
	byName   map[protoreflect.Name]protoreflect.FieldDescriptor
}

// members returns the pass's lookup cache, made on first use.
func (p *pass) members() *members {
	if p.lookup == nil {
		p.lookup = &members{
			values: make(map[protoreflect.EnumDescriptor]*valueIndex),
			fields: make(map[protoreflect.MessageDescriptor]*fieldIndex),
		}
	}
	return p.lookup
}

// valuesOf returns e's index, or nil when e is small enough to scan.
func (m *members) valuesOf(e protoreflect.EnumDescriptor) *valueIndex {
	vs := e.Values()
	if vs.Len() <= smallList {
		return nil
	}
	if x, ok := m.values[e]; ok {
		return x
	}
	x := &valueIndex{
		byNumber: make(map[protoreflect.EnumNumber]protoreflect.EnumValueDescriptor, vs.Len()),
		byName:   make(map[protoreflect.Name]protoreflect.EnumValueDescriptor, vs.Len()),
	}
	for i := range vs.Len() {
		v := vs.Get(i)
		if first, dup := x.byNumber[v.Number()]; !dup {
			x.byNumber[v.Number()] = v
		} else {
			if x.aliased == nil {
				x.aliased = make(map[protoreflect.EnumNumber][]protoreflect.EnumValueDescriptor)
			}
			if len(x.aliased[v.Number()]) == 0 {
				x.aliased[v.Number()] = []protoreflect.EnumValueDescriptor{first}
			}
			x.aliased[v.Number()] = append(x.aliased[v.Number()], v)
		}
		if _, dup := x.byName[v.Name()]; !dup {
			x.byName[v.Name()] = v
		}
	}
	m.values[e] = x
	return x
}

// valueByNumber is e.Values().ByNumber(n): the first value declared with n.
func (m *members) valueByNumber(e protoreflect.EnumDescriptor, n protoreflect.EnumNumber) protoreflect.EnumValueDescriptor {
	if x := m.valuesOf(e); x != nil {
		return x.byNumber[n]
	}
	return e.Values().ByNumber(n)
}

// valueByName is e.Values().ByName(name).
func (m *members) valueByName(e protoreflect.EnumDescriptor, name protoreflect.Name) protoreflect.EnumValueDescriptor {
	if x := m.valuesOf(e); x != nil {
		return x.byName[name]
	}
	return e.Values().ByName(name)
}

// sameNumber returns the values of e numbered n, in declaration order.
func (m *members) sameNumber(e protoreflect.EnumDescriptor, n protoreflect.EnumNumber) []protoreflect.EnumValueDescriptor {
	if x := m.valuesOf(e); x != nil {
		if vs, ok := x.aliased[n]; ok {
			return vs
		}
		if v := x.byNumber[n]; v != nil {
			return []protoreflect.EnumValueDescriptor{v}
		}
		return nil
	}
	var out []protoreflect.EnumValueDescriptor
	vs := e.Values()
	for i := range vs.Len() {
		if v := vs.Get(i); v.Number() == n {
			out = append(out, v)
		}
	}
	return out
}

// Values and fields mostly keep their place from one version to the
// next: the lookups below that take an index i look at the i-th member of
// the other version before any map, so that comparing two large elements
// that differ in a few members costs no map lookup per member.

// first reports whether v, a value of e, is the first declared with its
// number (it is unless the enum has aliases).
func (m *members) first(e protoreflect.EnumDescriptor, v protoreflect.EnumValueDescriptor) bool {
	if aliasFree(e) {
		return true
	}
	if x := m.valuesOf(e); x != nil {
		return x.byNumber[v.Number()] == v
	}
	return e.Values().ByNumber(v.Number()) == v
}

// alone reports whether v, a value of e, is the only one of its number.
func (m *members) alone(e protoreflect.EnumDescriptor, v protoreflect.EnumValueDescriptor) bool {
	if aliasFree(e) {
		return true
	}
	if x := m.valuesOf(e); x != nil {
		_, several := x.aliased[v.Number()]
		return !several
	}
	return len(m.sameNumber(e, v.Number())) == 1
}

// aliasFree reports whether e cannot have two values of one number: both
// compilers and protodesc refuse such an enum without allow_alias. It
// spares building e's index only to learn that each value is the first
// of its number.
func aliasFree(e protoreflect.EnumDescriptor) bool {
	opts, ok := e.Options().(*descriptorpb.EnumOptions)
	return ok && !opts.GetAllowAlias()
}

// valueByNumberAt is valueByNumber(e, n), looking at e's i-th value first.
func (m *members) valueByNumberAt(e protoreflect.EnumDescriptor, n protoreflect.EnumNumber, i int) protoreflect.EnumValueDescriptor {
	if vs := e.Values(); i < vs.Len() && vs.Get(i).Number() == n {
		if aliasFree(e) {
			return vs.Get(i) // the only value of n
		}
	}
	return m.valueByNumber(e, n)
}

// hasNumberAt reports whether e has a value numbered n, looking at its
// i-th value first.
func (m *members) hasNumberAt(e protoreflect.EnumDescriptor, n protoreflect.EnumNumber, i int) bool {
	if vs := e.Values(); i < vs.Len() && vs.Get(i).Number() == n {
		return true
	}
	return m.valueByNumber(e, n) != nil
}

// valueByNameAt is valueByName(e, name), looking at e's i-th value first:
// names are unique in an enum.
func (m *members) valueByNameAt(e protoreflect.EnumDescriptor, name protoreflect.Name, i int) protoreflect.EnumValueDescriptor {
	if vs := e.Values(); i < vs.Len() && vs.Get(i).Name() == name {
		return vs.Get(i)
	}
	return m.valueByName(e, name)
}

// fieldByNameAt is fieldByName(md, name), looking at md's i-th field
// first: names are unique in a message.
func (m *members) fieldByNameAt(md protoreflect.MessageDescriptor, name protoreflect.Name, i int) protoreflect.FieldDescriptor {
	if fs := md.Fields(); i < fs.Len() && fs.Get(i).Name() == name {
		return fs.Get(i)
	}
	return m.fieldByName(md, name)
}

// fieldByNumberAt is fieldByNumber(md, n), looking at md's i-th field
// first: numbers are unique in a message.
func (m *members) fieldByNumberAt(md protoreflect.MessageDescriptor, n protoreflect.FieldNumber, i int) protoreflect.FieldDescriptor {
	if fs := md.Fields(); i < fs.Len() && fs.Get(i).Number() == n {
		return fs.Get(i)
	}
	return m.fieldByNumber(md, n)
}

// fieldsOf returns md's index, or nil when md is small enough to scan.
func (m *members) fieldsOf(md protoreflect.MessageDescriptor) *fieldIndex {
	fs := md.Fields()
	if fs.Len() <= smallList {
		return nil
	}
	if x, ok := m.fields[md]; ok {
		return x
	}
	x := &fieldIndex{
		byNumber: make(map[protoreflect.FieldNumber]protoreflect.FieldDescriptor, fs.Len()),
		byName:   make(map[protoreflect.Name]protoreflect.FieldDescriptor, fs.Len()),
	}
	for i := range fs.Len() {
		f := fs.Get(i)
		if _, dup := x.byNumber[f.Number()]; !dup {
			x.byNumber[f.Number()] = f
		}
		if _, dup := x.byName[f.Name()]; !dup {
			x.byName[f.Name()] = f
		}
	}
	m.fields[md] = x
	return x
}

// fieldByNumber is md.Fields().ByNumber(n).
func (m *members) fieldByNumber(md protoreflect.MessageDescriptor, n protoreflect.FieldNumber) protoreflect.FieldDescriptor {
	if x := m.fieldsOf(md); x != nil {
		return x.byNumber[n]
	}
	return md.Fields().ByNumber(n)
}

// fieldByName is md.Fields().ByName(name).
func (m *members) fieldByName(md protoreflect.MessageDescriptor, name protoreflect.Name) protoreflect.FieldDescriptor {
	if x := m.fieldsOf(md); x != nil {
		return x.byName[name]
	}
	return md.Fields().ByName(name)
}

// byName returns a lookup by name in list, a map when the list is large:
// for the elements that are paired by name once per Check (methods,
// oneofs, a file's top-level types).
func byName[D protoreflect.Descriptor](list interface {
	Len() int
	Get(int) D
	ByName(protoreflect.Name) D
}) func(protoreflect.Name) D {
	if list.Len() <= smallList {
		return list.ByName
	}
	x := make(map[protoreflect.Name]D, list.Len())
	for i := range list.Len() {
		d := list.Get(i)
		if _, dup := x[d.Name()]; !dup {
			x[d.Name()] = d
		}
	}
	return func(n protoreflect.Name) D { return x[n] }
}

// valueNumbers returns whether e declares a number, through a set when e
// is large.
func valueNumbers(e protoreflect.EnumDescriptor) func(protoreflect.EnumNumber) bool {
	vs := e.Values()
	if vs.Len() <= smallList {
		return func(n protoreflect.EnumNumber) bool { return vs.ByNumber(n) != nil }
	}
	set := make(map[protoreflect.EnumNumber]bool, vs.Len())
	for i := range vs.Len() {
		set[vs.Get(i).Number()] = true
	}
	return func(n protoreflect.EnumNumber) bool { return set[n] }
}

// fieldNumbers returns a lookup of fs by number, through a map when fs is
// large.
func fieldNumbers(fs protoreflect.FieldDescriptors) func(protoreflect.FieldNumber) protoreflect.FieldDescriptor {
	if fs.Len() <= smallList {
		return fs.ByNumber
	}
	x := make(map[protoreflect.FieldNumber]protoreflect.FieldDescriptor, fs.Len())
	for i := range fs.Len() {
		if f := fs.Get(i); x[f.Number()] == nil {
			x[f.Number()] = f
		}
	}
	return func(n protoreflect.FieldNumber) protoreflect.FieldDescriptor { return x[n] }
}
