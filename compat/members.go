package compat

import "google.golang.org/protobuf/reflect/protoreflect"

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

// valueIndex is one enum's values by number (each number's values in
// declaration order: several with aliases) and by name.
type valueIndex struct {
	byNumber map[protoreflect.EnumNumber][]protoreflect.EnumValueDescriptor
	byName   map[protoreflect.Name]protoreflect.EnumValueDescriptor
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
		byNumber: make(map[protoreflect.EnumNumber][]protoreflect.EnumValueDescriptor, vs.Len()),
		byName:   make(map[protoreflect.Name]protoreflect.EnumValueDescriptor, vs.Len()),
	}
	for i := range vs.Len() {
		v := vs.Get(i)
		x.byNumber[v.Number()] = append(x.byNumber[v.Number()], v)
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
		if vs := x.byNumber[n]; len(vs) > 0 {
			return vs[0]
		}
		return nil
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
		return x.byNumber[n]
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
