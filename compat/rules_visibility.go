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

var messageVisibilityNoNarrowing = &Rule{
	ID:         "MESSAGE_VISIBILITY_NO_NARROWING",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `messages that other files may use stay exported

In edition 2024 a message is exported (other .proto files may refer to it)
or local (only its own file may). A message that becomes local breaks every
schema that imports its file and uses it: that schema no longer compiles.
It happens with the local keyword, with the file's
features.default_symbol_visibility, and by default when a file moves to
edition 2024, whose default (EXPORT_TOP_LEVEL) makes nested types local.

  before: edition = "2023"; message Order { message Line { ... } }
  after:  edition = "2024"; message Order { message Line { ... } }

Keep the message exported: write "export message Line", or set
option features.default_symbol_visibility = EXPORT_ALL in the file.
A local message becoming exported breaks nothing.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if nm.IsMapEntry() {
				return // never named in a schema
			}
			if visibility.Exported(om) && !visibility.Exported(nm) {
				p.report(firstSpan(nm, []int32{msgVisibilityTag}), spanOf(om),
					"message %s is no longer exported: %s, so files that import %q can no longer use it",
					nm.FullName(), whyLocal(nm), nm.ParentFile().Path())
			}
		})
	},
}

var enumVisibilityNoNarrowing = &Rule{
	ID:         "ENUM_VISIBILITY_NO_NARROWING",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `enums that other files may use stay exported

In edition 2024 an enum is exported (other .proto files may refer to it)
or local (only its own file may). An enum that becomes local breaks every
schema that imports its file and uses it: that schema no longer compiles.
It happens with the local keyword, with the file's
features.default_symbol_visibility, and by default when a file moves to
edition 2024, whose default (EXPORT_TOP_LEVEL) makes nested types local.

  before: export enum Status { ... }
  after:  local enum Status { ... }

Keep the enum exported: write "export enum Status", or set
option features.default_symbol_visibility = EXPORT_ALL in the file.
A local enum becoming exported breaks nothing.`,
	run: func(p *pass) {
		p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
			if visibility.Exported(oe) && !visibility.Exported(ne) {
				p.report(firstSpan(ne, []int32{enumVisibilityTag}), spanOf(oe),
					"enum %s is no longer exported: %s, so files that import %q can no longer use it",
					ne.FullName(), whyLocal(ne), ne.ParentFile().Path())
			}
		})
	},
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
