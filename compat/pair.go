package compat

import (
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file is the one place where elements of the old schema are matched
// with elements of the new one. Rules never pair elements themselves.

// index holds one version's elements by the key that pairs them. It is built
// once per Check and shared by every rule.
type index struct {
	files      map[string]protoreflect.FileDescriptor
	filePaths  []string
	packages   map[protoreflect.FullName][]protoreflect.FileDescriptor
	messages   map[protoreflect.FullName]protoreflect.MessageDescriptor
	msgNames   []protoreflect.FullName
	enums      map[protoreflect.FullName]protoreflect.EnumDescriptor
	enumNames  []protoreflect.FullName
	services   map[protoreflect.FullName]protoreflect.ServiceDescriptor
	svcNames   []protoreflect.FullName
	extensions map[extensionKey]protoreflect.ExtensionDescriptor
	extKeys    []extensionKey
}

// extensionKey pairs extensions: what they extend and their number. Their
// names may change without touching the wire.
type extensionKey struct {
	extendee protoreflect.FullName
	number   protoreflect.FieldNumber
}

func newIndex(files []protoreflect.FileDescriptor) *index {
	x := &index{
		files:      make(map[string]protoreflect.FileDescriptor),
		packages:   make(map[protoreflect.FullName][]protoreflect.FileDescriptor),
		messages:   make(map[protoreflect.FullName]protoreflect.MessageDescriptor),
		enums:      make(map[protoreflect.FullName]protoreflect.EnumDescriptor),
		services:   make(map[protoreflect.FullName]protoreflect.ServiceDescriptor),
		extensions: make(map[extensionKey]protoreflect.ExtensionDescriptor),
	}
	for _, f := range files {
		if _, dup := x.files[f.Path()]; dup {
			continue
		}
		x.files[f.Path()] = f
		x.filePaths = append(x.filePaths, f.Path())
		x.packages[f.Package()] = append(x.packages[f.Package()], f)
		x.addEnums(f.Enums())
		x.addExtensions(f.Extensions())
		x.addMessages(f.Messages())
		svcs := f.Services()
		for i := range svcs.Len() {
			s := svcs.Get(i)
			x.services[s.FullName()] = s
			x.svcNames = append(x.svcNames, s.FullName())
		}
	}
	slices.Sort(x.filePaths)
	slices.Sort(x.msgNames)
	slices.Sort(x.enumNames)
	slices.Sort(x.svcNames)
	slices.SortFunc(x.extKeys, func(a, b extensionKey) int {
		if a.extendee != b.extendee {
			return compareNames(a.extendee, b.extendee)
		}
		return int(a.number) - int(b.number)
	})
	return x
}

func compareNames(a, b protoreflect.FullName) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (x *index) addMessages(ms protoreflect.MessageDescriptors) {
	for i := range ms.Len() {
		m := ms.Get(i)
		x.messages[m.FullName()] = m
		x.msgNames = append(x.msgNames, m.FullName())
		x.addEnums(m.Enums())
		x.addExtensions(m.Extensions())
		x.addMessages(m.Messages())
	}
}

func (x *index) addEnums(es protoreflect.EnumDescriptors) {
	for i := range es.Len() {
		e := es.Get(i)
		x.enums[e.FullName()] = e
		x.enumNames = append(x.enumNames, e.FullName())
	}
}

func (x *index) addExtensions(xs protoreflect.ExtensionDescriptors) {
	for i := range xs.Len() {
		xd := xs.Get(i)
		k := extensionKey{xd.ContainingMessage().FullName(), xd.Number()}
		x.extensions[k] = xd
		x.extKeys = append(x.extKeys, k)
	}
}

// forEachFilePair calls fn for every file path present in both versions.
func (p *pass) forEachFilePair(fn func(old, new protoreflect.FileDescriptor)) {
	for _, path := range p.old.filePaths {
		if nf, ok := p.new.files[path]; ok {
			fn(p.old.files[path], nf)
		}
	}
}

// forEachMessagePair calls fn for every message, nested or not, whose full
// name is present in both versions. Map entry messages are included: their
// fields are the map's key and value.
func (p *pass) forEachMessagePair(fn func(old, new protoreflect.MessageDescriptor)) {
	for _, name := range p.old.msgNames {
		if nm, ok := p.new.messages[name]; ok {
			fn(p.old.messages[name], nm)
		}
	}
}

// forEachFieldPair calls fn for every field that has the same number in a
// message present in both versions. Extensions are paired by
// forEachExtensionPair instead.
func (p *pass) forEachFieldPair(fn func(old, new protoreflect.FieldDescriptor)) {
	p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
		ofs, nfs := om.Fields(), nm.Fields()
		for i := range ofs.Len() {
			of := ofs.Get(i)
			if nf := nfs.ByNumber(of.Number()); nf != nil {
				fn(of, nf)
			}
		}
	})
}

// forEachExtensionPair calls fn for every extension with the same extendee
// and number in both versions.
func (p *pass) forEachExtensionPair(fn func(old, new protoreflect.ExtensionDescriptor)) {
	for _, k := range p.old.extKeys {
		if nx, ok := p.new.extensions[k]; ok {
			fn(p.old.extensions[k], nx)
		}
	}
}

// forEachEnumPair calls fn for every enum whose full name is present in both
// versions.
func (p *pass) forEachEnumPair(fn func(old, new protoreflect.EnumDescriptor)) {
	for _, name := range p.old.enumNames {
		if ne, ok := p.new.enums[name]; ok {
			fn(p.old.enums[name], ne)
		}
	}
}

// forEachEnumValuePair calls fn for every enum value number present in a
// paired enum in both versions. With aliases (allow_alias), a number may
// carry several names; the first declared is paired.
func (p *pass) forEachEnumValuePair(fn func(old, new protoreflect.EnumValueDescriptor)) {
	p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
		ovs, nvs := oe.Values(), ne.Values()
		for i := range ovs.Len() {
			ov := ovs.Get(i)
			if ovs.ByNumber(ov.Number()) != ov {
				continue // an alias: its number was handled with the first name
			}
			if nv := nvs.ByNumber(ov.Number()); nv != nil {
				fn(ov, nv)
			}
		}
	})
}

// forEachServicePair calls fn for every service whose full name is present
// in both versions.
func (p *pass) forEachServicePair(fn func(old, new protoreflect.ServiceDescriptor)) {
	for _, name := range p.old.svcNames {
		if ns, ok := p.new.services[name]; ok {
			fn(p.old.services[name], ns)
		}
	}
}

// forEachMethodPair calls fn for every method present by name in a service
// present in both versions.
func (p *pass) forEachMethodPair(fn func(old, new protoreflect.MethodDescriptor)) {
	p.forEachServicePair(func(os, ns protoreflect.ServiceDescriptor) {
		oms, nms := os.Methods(), ns.Methods()
		for i := range oms.Len() {
			om := oms.Get(i)
			if nm := nms.ByName(om.Name()); nm != nil {
				fn(om, nm)
			}
		}
	})
}
