package compat

import (
	"context"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file is the one place where elements of the old schema are matched
// with elements of the new one. Rules never pair elements themselves.

// index holds one version's elements by the key that pairs them. It is built
// once per Check and shared by every rule.
type index struct {
	files      map[string]protoreflect.FileDescriptor
	filePaths  []string // the paths of files
	allPaths   []string // every path of the version, compiled or not
	packages   map[protoreflect.FullName][]protoreflect.FileDescriptor
	messages   map[protoreflect.FullName]protoreflect.MessageDescriptor
	msgNames   []protoreflect.FullName
	enums      map[protoreflect.FullName]protoreflect.EnumDescriptor
	enumNames  []protoreflect.FullName
	services   map[protoreflect.FullName]protoreflect.ServiceDescriptor
	svcNames   []protoreflect.FullName
	extensions map[extensionKey]protoreflect.ExtensionDescriptor
	extKeys    []extensionKey
	extByName  map[protoreflect.FullName]protoreflect.ExtensionDescriptor // built on demand
	locals     map[string]*localElems                                     // by file path, built on demand
	// fieldPairs are the field pairs of a Check, old then new, built on the
	// first forEachFieldPair of the new version's index: descriptors'
	// ByNumber scans, and every field rule pairs every field.
	fieldPairs [][2]protoreflect.FieldDescriptor
	pairsBuilt bool

	// otherPkgs are the packages of the files not compiled: schema.Schema.Packages.
	otherPkgs map[protoreflect.FullName]bool
}

// extensionKey pairs extensions: what they extend and their number. Their
// names may change without touching the wire.
type extensionKey struct {
	extendee protoreflect.FullName
	number   protoreflect.FieldNumber
}

// newIndex indexes s, looking at ctx between files.
func newIndex(ctx context.Context, s *schema.Schema) (*index, error) {
	files := s.Files
	x := &index{
		files:      make(map[string]protoreflect.FileDescriptor),
		packages:   make(map[protoreflect.FullName][]protoreflect.FileDescriptor),
		messages:   make(map[protoreflect.FullName]protoreflect.MessageDescriptor),
		enums:      make(map[protoreflect.FullName]protoreflect.EnumDescriptor),
		services:   make(map[protoreflect.FullName]protoreflect.ServiceDescriptor),
		extensions: make(map[extensionKey]protoreflect.ExtensionDescriptor),
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
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
	for _, pkg := range s.Packages {
		if x.otherPkgs == nil {
			x.otherPkgs = make(map[protoreflect.FullName]bool)
		}
		x.otherPkgs[protoreflect.FullName(pkg)] = true
	}
	x.allPaths = s.Paths
	if x.allPaths == nil {
		x.allPaths = x.filePaths
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
	return x, nil
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
		if p.stop() {
			return
		}
		if nf, ok := p.new.files[path]; ok && !p.same[path] {
			fn(p.old.files[path], nf)
		}
	}
}

// forEachMessagePair calls fn for every message, nested or not, whose full
// name is present in both versions. Map entry messages are included: their
// fields are the map's key and value.
func (p *pass) forEachMessagePair(fn func(old, new protoreflect.MessageDescriptor)) {
	if p.msgPairs == nil {
		p.msgPairs = make([][2]protoreflect.MessageDescriptor, 0, 64)
		for _, name := range p.old.msgNames {
			if p.stop() {
				return // the pairs are left incomplete: Check ends here
			}
			if nm, ok := p.new.messages[name]; ok && !p.unchanged(p.old.messages[name], nm) {
				p.msgPairs = append(p.msgPairs, [2]protoreflect.MessageDescriptor{p.old.messages[name], nm})
			}
		}
	}
	for _, mp := range p.msgPairs {
		if p.stop() {
			return
		}
		fn(mp[0], mp[1])
	}
}

// forEachFieldPair calls fn for every field that has the same number in a
// message present in both versions. Extensions are paired by
// forEachExtensionPair instead.
func (p *pass) forEachFieldPair(fn func(old, new protoreflect.FieldDescriptor)) {
	if !p.new.pairsBuilt {
		p.new.pairsBuilt = true
		p.new.fieldPairs = make([][2]protoreflect.FieldDescriptor, 0, 16*len(p.old.msgNames))
		var byNumber map[protoreflect.FieldNumber]protoreflect.FieldDescriptor
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			ofs, nfs := om.Fields(), nm.Fields()
			clear(byNumber)
			for i := range ofs.Len() {
				of := ofs.Get(i)
				n := of.Number()
				// Fields mostly keep their place: look there before the map.
				if i < nfs.Len() && nfs.Get(i).Number() == n {
					p.new.fieldPairs = append(p.new.fieldPairs, [2]protoreflect.FieldDescriptor{of, nfs.Get(i)})
					continue
				}
				if len(byNumber) == 0 {
					if byNumber == nil {
						byNumber = make(map[protoreflect.FieldNumber]protoreflect.FieldDescriptor)
					}
					for j := range nfs.Len() {
						byNumber[nfs.Get(j).Number()] = nfs.Get(j)
					}
				}
				if nf, ok := byNumber[n]; ok {
					p.new.fieldPairs = append(p.new.fieldPairs, [2]protoreflect.FieldDescriptor{of, nf})
				}
			}
		})
	}
	for _, fp := range p.new.fieldPairs {
		if p.stop() {
			return
		}
		fn(fp[0], fp[1])
	}
}

// A fieldMove is a field, or an extension, whose name the new version
// declares at another number of the same message: renumbered, swapped
// with another, or moved aside for a new field of its name.
type fieldMove struct {
	old, new protoreflect.FieldDescriptor // the field in each version
	// held is the new version's field at old's number, or nil when the
	// number is gone; was is the old version's field at new's number.
	held, was protoreflect.FieldDescriptor
	// aside reports that held's name is new: the old number was kept
	// under a new name while old's name went to another number.
	aside bool
}

// forEachFieldMove calls fn for every field of a message present in both
// versions, and every extension, whose name the new version declares at
// another number of the same message. Map entries are left out: their key
// and value never move.
func (p *pass) forEachFieldMove(fn func(fieldMove)) {
	p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
		if om.IsMapEntry() {
			return
		}
		m := p.members()
		ofs := om.Fields()
		for i := range ofs.Len() {
			of := ofs.Get(i)
			if nf := m.fieldByNameAt(nm, of.Name(), i); nf != nil && nf.Number() != of.Number() {
				mv := fieldMove{old: of, new: nf, held: m.fieldByNumber(nm, of.Number()), was: m.fieldByNumber(om, nf.Number())}
				mv.aside = mv.held != nil && m.fieldByName(om, mv.held.Name()) == nil
				fn(mv)
			}
		}
	})
	newByName := p.new.extensionsByName()
	oldByName := p.old.extensionsByName()
	for _, k := range p.old.extKeys {
		ox := p.old.extensions[k]
		nx := newByName[ox.FullName()]
		if nx == nil || nx.Number() == ox.Number() || nx.ContainingMessage().FullName() != k.extendee || p.unchanged(ox, nx) {
			continue
		}
		mv := fieldMove{old: ox, new: nx}
		if held, ok := p.new.extensions[k]; ok {
			mv.held = held
			mv.aside = oldByName[held.FullName()] == nil
		}
		if was, ok := p.old.extensions[extKey(nx)]; ok {
			mv.was = was
		}
		fn(mv)
	}
}

// extensionsByName returns the version's extensions by full name, built
// on first use.
func (x *index) extensionsByName() map[protoreflect.FullName]protoreflect.ExtensionDescriptor {
	if x.extByName == nil {
		x.extByName = make(map[protoreflect.FullName]protoreflect.ExtensionDescriptor, len(x.extKeys))
		for _, k := range x.extKeys {
			xd := x.extensions[k]
			x.extByName[xd.FullName()] = xd
		}
	}
	return x.extByName
}

// forEachExtensionPair calls fn for every extension with the same extendee
// and number in both versions.
func (p *pass) forEachExtensionPair(fn func(old, new protoreflect.ExtensionDescriptor)) {
	for _, k := range p.old.extKeys {
		if nx, ok := p.new.extensions[k]; ok && !p.unchanged(p.old.extensions[k], nx) {
			fn(p.old.extensions[k], nx)
		}
	}
}

// forEachEnumPair calls fn for every enum whose full name is present in both
// versions.
func (p *pass) forEachEnumPair(fn func(old, new protoreflect.EnumDescriptor)) {
	for _, name := range p.old.enumNames {
		if p.stop() {
			return
		}
		if ne, ok := p.new.enums[name]; ok && !p.unchanged(p.old.enums[name], ne) {
			fn(p.old.enums[name], ne)
		}
	}
}

// forEachEnumValuePair calls fn for every enum value number present in a
// paired enum in both versions. With aliases (allow_alias), a number may
// carry several names; the first declared is paired.
func (p *pass) forEachEnumValuePair(fn func(old, new protoreflect.EnumValueDescriptor)) {
	p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
		m := p.members()
		ovs := oe.Values()
		for i := range ovs.Len() {
			ov := ovs.Get(i)
			if !m.first(oe, ov) {
				continue // an alias: its number was handled with the first name
			}
			if nv := m.valueByNumberAt(ne, ov.Number(), i); nv != nil {
				fn(ov, nv)
			}
		}
	})
}

// forEachServicePair calls fn for every service whose full name is present
// in both versions.
func (p *pass) forEachServicePair(fn func(old, new protoreflect.ServiceDescriptor)) {
	for _, name := range p.old.svcNames {
		if ns, ok := p.new.services[name]; ok && !p.unchanged(p.old.services[name], ns) {
			fn(p.old.services[name], ns)
		}
	}
}

// forEachMethodPair calls fn for every method present by name in a service
// present in both versions.
func (p *pass) forEachMethodPair(fn func(old, new protoreflect.MethodDescriptor)) {
	p.forEachServicePair(func(os, ns protoreflect.ServiceDescriptor) {
		oms, nms := os.Methods(), byName(ns.Methods())
		for i := range oms.Len() {
			om := oms.Get(i)
			if nm := nms(om.Name()); nm != nil {
				fn(om, nm)
			}
		}
	})
}

// The helpers below pair elements the way buf's FILE and PACKAGE categories
// do: FILE rules match a file with the file of the same path and compare
// names relative to the package, so that a package rename is one finding
// (FILE_SAME_PACKAGE) and not one per message; PACKAGE rules match
// packages by full name, wherever the files of a package now live.

// localElems holds one file's declarations keyed for FILE-category pairing.
type localElems struct {
	messages map[string]protoreflect.MessageDescriptor // by package-relative name
	enums    map[string]protoreflect.EnumDescriptor    // by package-relative name
	services map[string]protoreflect.ServiceDescriptor // by name
	exts     map[extensionKey]protoreflect.ExtensionDescriptor
	decls    []protoreflect.Descriptor // every message, enum, extension and service, in declaration order
}

// relName is d's full name without its file's package: "User.Address".
func relName(d protoreflect.Descriptor) string {
	name := string(d.FullName())
	if pkg := string(d.ParentFile().Package()); pkg != "" {
		name = strings.TrimPrefix(name, pkg+".")
	}
	return name
}

// extKey is the key that pairs an extension.
func extKey(xd protoreflect.ExtensionDescriptor) extensionKey {
	return extensionKey{xd.ContainingMessage().FullName(), xd.Number()}
}

// local returns the elements of the file at path, built on first use.
func (x *index) local(path string) *localElems {
	if e, ok := x.locals[path]; ok {
		return e
	}
	f := x.files[path]
	e := &localElems{
		messages: make(map[string]protoreflect.MessageDescriptor),
		enums:    make(map[string]protoreflect.EnumDescriptor),
		services: make(map[string]protoreflect.ServiceDescriptor),
		exts:     make(map[extensionKey]protoreflect.ExtensionDescriptor),
	}
	var walk func(enums protoreflect.EnumDescriptors, exts protoreflect.ExtensionDescriptors, msgs protoreflect.MessageDescriptors)
	walk = func(enums protoreflect.EnumDescriptors, exts protoreflect.ExtensionDescriptors, msgs protoreflect.MessageDescriptors) {
		for i := range enums.Len() {
			en := enums.Get(i)
			e.enums[relName(en)] = en
			e.decls = append(e.decls, en)
		}
		for i := range exts.Len() {
			xd := exts.Get(i)
			e.exts[extKey(xd)] = xd
			e.decls = append(e.decls, xd)
		}
		for i := range msgs.Len() {
			m := msgs.Get(i)
			// A map's entry message counts too: buf reports it deleted
			// when the map becomes another kind of field.
			e.messages[relName(m)] = m
			e.decls = append(e.decls, m)
			walk(m.Enums(), m.Extensions(), m.Messages())
		}
	}
	if f != nil {
		walk(f.Enums(), f.Extensions(), f.Messages())
		svcs := f.Services()
		for i := range svcs.Len() {
			s := svcs.Get(i)
			e.services[string(s.Name())] = s
			e.decls = append(e.decls, s)
		}
	}
	if x.locals == nil {
		x.locals = make(map[string]*localElems)
	}
	x.locals[path] = e
	return e
}

// has reports whether the file's elements include a counterpart of d, an
// element of the other version.
func (e *localElems) has(d protoreflect.Descriptor) bool {
	var ok bool
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		_, ok = e.messages[relName(d)]
	case protoreflect.EnumDescriptor:
		_, ok = e.enums[relName(d)]
	case protoreflect.ServiceDescriptor:
		_, ok = e.services[string(d.Name())]
	case protoreflect.ExtensionDescriptor:
		_, ok = e.exts[extKey(d)]
	}
	return ok
}

// forEachDeletedInFile calls fn for every message, enum, extension and
// service of an old file that has no counterpart in the new file of the
// same path: the same package-relative name (messages, enums, services) or
// the same extendee and number (extensions). Map entries are left out, and
// so are files deleted as a whole (FILE_NO_DELETE reports those). survivor
// is the innermost enclosing message that still exists in the new file, or
// nil at the top level.
func (p *pass) forEachDeletedInFile(fn func(old protoreflect.Descriptor, nf protoreflect.FileDescriptor, survivor protoreflect.MessageDescriptor)) {
	p.forEachFilePair(func(of, nf protoreflect.FileDescriptor) {
		ol, nl := p.old.local(of.Path()), p.new.local(nf.Path())
		for _, d := range ol.decls {
			if nl.has(d) {
				continue
			}
			var survivor protoreflect.MessageDescriptor
			for parent := d.Parent(); parent != nil; parent = parent.Parent() {
				if pm, ok := parent.(protoreflect.MessageDescriptor); ok {
					if nm, ok := nl.messages[relName(pm)]; ok {
						survivor = nm
						break
					}
				}
			}
			fn(d, nf, survivor)
		}
	})
}

// forEachDeletedFile calls fn with the path of every file of the old
// version that the new version no longer has, and the old file when it was
// compiled.
func (p *pass) forEachDeletedFile(fn func(path string, old protoreflect.FileDescriptor)) {
	kept := make(map[string]bool, len(p.new.allPaths))
	for _, path := range p.new.allPaths {
		kept[path] = true
	}
	paths := slices.Clone(p.old.allPaths)
	slices.Sort(paths)
	for _, path := range paths {
		if !kept[path] {
			fn(path, p.old.files[path])
		}
	}
}

// forEachDeletedInPackage calls fn for every message, enum, extension and
// service of the old version whose package still has files in the new
// version but no longer declares it: the same full name (messages, enums,
// services), or the same extendee and number in the same package
// (extensions). Map entries are left out. at is where to report it in the
// new version: the innermost enclosing message that survives, else the file
// of the same path, else nothing (the file is gone too).
func (p *pass) forEachDeletedInPackage(fn func(old protoreflect.Descriptor, at Span)) {
	for _, path := range p.old.filePaths {
		if p.stop() {
			return
		}
		of := p.old.files[path]
		if !p.new.hasPackage(of.Package()) {
			continue // the whole package is gone: PACKAGE_NO_DELETE
		}
		for _, d := range p.old.local(path).decls {
			if p.new.hasInPackage(d, of.Package()) {
				continue
			}
			var at Span
			for parent := d.Parent(); parent != nil && at.Path == ""; parent = parent.Parent() {
				if pm, ok := parent.(protoreflect.MessageDescriptor); ok {
					if nm, ok := p.new.messages[pm.FullName()]; ok {
						at = spanOf(nm)
					}
				}
			}
			if nf, ok := p.new.files[path]; ok && at.Path == "" {
				at = fileSpan(nf)
			}
			fn(d, at)
		}
	}
}

// hasInPackage reports whether the version declares a counterpart of d,
// an element of the other version, in package pkg.
func (x *index) hasInPackage(d protoreflect.Descriptor, pkg protoreflect.FullName) bool {
	var found protoreflect.Descriptor
	switch d := d.(type) {
	case protoreflect.MessageDescriptor:
		if m, ok := x.messages[d.FullName()]; ok {
			found = m
		}
	case protoreflect.EnumDescriptor:
		if e, ok := x.enums[d.FullName()]; ok {
			found = e
		}
	case protoreflect.ServiceDescriptor:
		if s, ok := x.services[d.FullName()]; ok {
			found = s
		}
	case protoreflect.ExtensionDescriptor:
		if xd, ok := x.extensions[extKey(d)]; ok {
			found = xd
		}
	}
	return found != nil && found.ParentFile().Package() == pkg
}

// hasPackage reports whether some file of the version, compiled or not,
// declares package pkg.
func (x *index) hasPackage(pkg protoreflect.FullName) bool {
	return len(x.packages[pkg]) > 0 || x.otherPkgs[pkg]
}

// forEachPackageDeleted calls fn for every package of the old version that
// has no file in the new version, with the old files that declared it.
func (p *pass) forEachPackageDeleted(fn func(pkg protoreflect.FullName, old []protoreflect.FileDescriptor)) {
	var names []protoreflect.FullName
	for pkg := range p.old.packages {
		if !p.new.hasPackage(pkg) {
			names = append(names, pkg)
		}
	}
	slices.Sort(names)
	for _, pkg := range names {
		fn(pkg, p.old.packages[pkg])
	}
}

// forEachOneof calls fn for every oneof, synthetic ones included,
// present by name in a message present in both versions; om and nm are the
// oneof's messages, and no is nil when the new message lacks the oneof.
func (p *pass) forEachOneof(fn func(oo, no protoreflect.OneofDescriptor, nm protoreflect.MessageDescriptor)) {
	p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
		oos, nos := om.Oneofs(), byName(nm.Oneofs())
		for i := range oos.Len() {
			oo := oos.Get(i)
			fn(oo, nos(oo.Name()), nm)
		}
	})
}

// forEachFieldOrExtensionPair calls fn for every field pair of
// forEachFieldPair, then for every extension pair of forEachExtensionPair,
// then for every extension turned into a field of the message it extended,
// on the same number, or back: most field rules hold for extensions too,
// and binary data does not tell an extension from a field.
func (p *pass) forEachFieldOrExtensionPair(fn func(old, new protoreflect.FieldDescriptor)) {
	p.forEachFieldPair(fn)
	p.forEachExtensionPair(func(ox, nx protoreflect.ExtensionDescriptor) { fn(ox, nx) })
	for _, k := range p.old.extKeys {
		if _, ok := p.new.extensions[k]; !ok {
			if nm, ok := p.new.messages[k.extendee]; ok && p.members().fieldByNumber(nm, k.number) != nil {
				fn(p.old.extensions[k], p.members().fieldByNumber(nm, k.number))
			}
		}
	}
	for _, k := range p.new.extKeys {
		if _, ok := p.old.extensions[k]; !ok {
			if om, ok := p.old.messages[k.extendee]; ok && p.members().fieldByNumber(om, k.number) != nil {
				fn(p.members().fieldByNumber(om, k.number), p.new.extensions[k])
			}
		}
	}
}
