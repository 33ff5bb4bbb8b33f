package compat

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/internal/visibility"
)

// Edition 2024 lets a file keep a message or an enum to itself: a local
// type cannot be named by any other .proto file. Generated code and the
// wire do not change, but every schema that imports the file and uses the
// type stops compiling, so turning an exported type local breaks the
// file's users as deleting it would, at their next build. buf has no rule
// for it.

// Source paths of the visibility keyword.
const (
	msgVisibilityTag  = 11 // DescriptorProto.visibility
	enumVisibilityTag = 6  // EnumDescriptorProto.visibility
)

var (
	messageVisibilityNoNarrowing = visibilityRule("MESSAGE_VISIBILITY_NO_NARROWING", "message", msgVisibilityTag,
		`  before: edition = "2023"; message Order { message Line { ... } }
  after:  edition = "2024"; message Order { message Line { ... } }`,
		func(p *pass, fn func(o, n protoreflect.Descriptor)) {
			p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
				if !nm.IsMapEntry() { // never named in a schema
					fn(om, nm)
				}
			})
		})
	enumVisibilityNoNarrowing = visibilityRule("ENUM_VISIBILITY_NO_NARROWING", "enum", enumVisibilityTag,
		`  before: export enum Status { ... }
  after:  local enum Status { ... }`,
		func(p *pass, fn func(o, n protoreflect.Descriptor)) {
			p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) { fn(oe, ne) })
		})
)

// visibilityRule makes the rule that keeps exported the messages or the
// enums (kind) that forEach pairs; tag is the source path of their
// visibility keyword.
func visibilityRule(id, kind string, tag int32, example string, forEach func(p *pass, fn func(o, n protoreflect.Descriptor))) *Rule {
	a := "a " + kind
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		a = "an " + kind
	}
	A := strings.ToUpper(a[:1]) + a[1:]
	return &Rule{
		ID:         id,
		Categories: []Category{File, Package},
		Direction:  Both,
		Doc: kind + `s that other files may use stay exported

In edition 2024 ` + a + ` is exported (other .proto files may refer to it)
or local (only its own file may). ` + A + ` that becomes local breaks every
schema that imports its file and uses it: that schema no longer compiles.
It happens with the local keyword, with the file's
features.default_symbol_visibility, and by default when a file moves to
edition 2024, whose default (EXPORT_TOP_LEVEL) makes nested types local.

` + example + `

Keep the ` + kind + ` exported: write "export ` + kind + `", or set
option features.default_symbol_visibility = EXPORT_ALL in the file.
A local ` + kind + ` that becomes exported breaks nothing.`,
		run: func(p *pass) {
			forEach(p, func(o, n protoreflect.Descriptor) {
				if visibility.Exported(o) && !visibility.Exported(n) {
					p.report(firstSpan(n, []int32{tag}), spanOf(o),
						"%s %s is no longer exported: %s, so files that import %q can no longer use it",
						kind, n.FullName(), whyLocal(n), n.ParentFile().Path())
				}
			})
		},
	}
}

// whyLocal says what makes d, a local message or enum, local.
func whyLocal(d protoreflect.Descriptor) string {
	if v, ok := d.(interface{ Visibility() int32 }); ok && v.Visibility() == int32(descriptorpb.SymbolVisibility_VISIBILITY_LOCAL) {
		return "it is declared local"
	}
	f := d.ParentFile()
	def := visibility.Default(f)
	name := def.String()
	where := "the file's default_symbol_visibility"
	if opts, ok := f.Options().(*descriptorpb.FileOptions); !ok || opts.GetFeatures().GetDefaultSymbolVisibility() == 0 {
		where = fmt.Sprintf("edition %s's default visibility", strings.TrimPrefix(descriptorpb.Edition(editionOf(f)).String(), "EDITION_"))
	}
	if def == descriptorpb.FeatureSet_VisibilityFeature_EXPORT_TOP_LEVEL {
		return fmt.Sprintf("%s, %s, makes nested types local", where, name)
	}
	return fmt.Sprintf("%s, %s, makes it local", where, name)
}

// editionOf returns f's edition as descriptor.proto numbers it.
func editionOf(f protoreflect.FileDescriptor) int32 {
	if e, ok := f.(interface{ Edition() int32 }); ok {
		return e.Edition()
	}
	switch f.Syntax() {
	case protoreflect.Proto2:
		return int32(descriptorpb.Edition_EDITION_PROTO2)
	case protoreflect.Proto3:
		return int32(descriptorpb.Edition_EDITION_PROTO3)
	}
	return int32(descriptorpb.Edition_EDITION_2023)
}
