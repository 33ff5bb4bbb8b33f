// Package visibility works out whether other files may use a message or an
// enum: edition 2024's symbol visibility, which protoreflect does not
// expose. The loader uses it to tell when an importer links differently,
// the rules to tell when a type stopped being usable.
package visibility

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Exported reports whether files other than d's own may refer to d, a
// message or an enum: what its export or local keyword says, else what
// its file's default_symbol_visibility feature says, else its edition's
// default (everything before 2024, top-level types in 2024, nothing from
// 2026 on). Any other descriptor is exported.
func Exported(d protoreflect.Descriptor) bool {
	switch d.(type) {
	case protoreflect.MessageDescriptor, protoreflect.EnumDescriptor:
	default:
		return true
	}
	// protodesc's descriptors carry the keyword; the v0.14 compiler's,
	// which are of earlier editions only, have none.
	if v, ok := d.(interface{ Visibility() int32 }); ok {
		switch descriptorpb.SymbolVisibility(v.Visibility()) {
		case descriptorpb.SymbolVisibility_VISIBILITY_LOCAL:
			return false
		case descriptorpb.SymbolVisibility_VISIBILITY_EXPORT:
			return true
		}
	}
	topLevel := d.Parent() == d.ParentFile()
	switch Default(d.ParentFile()) {
	case descriptorpb.FeatureSet_VisibilityFeature_EXPORT_TOP_LEVEL:
		return topLevel
	case descriptorpb.FeatureSet_VisibilityFeature_LOCAL_ALL, descriptorpb.FeatureSet_VisibilityFeature_STRICT:
		return false
	}
	return true
}

// Default returns the visibility of f's messages and enums that say
// nothing of their own: f's default_symbol_visibility feature, or its
// edition's default.
func Default(f protoreflect.FileDescriptor) descriptorpb.FeatureSet_VisibilityFeature_DefaultSymbolVisibility {
	if opts, ok := f.Options().(*descriptorpb.FileOptions); ok {
		if v := opts.GetFeatures().GetDefaultSymbolVisibility(); v != descriptorpb.FeatureSet_VisibilityFeature_DEFAULT_SYMBOL_VISIBILITY_UNKNOWN {
			return v
		}
	}
	e, ok := f.(interface{ Edition() int32 })
	switch {
	case !ok || f.Syntax() != protoreflect.Editions || e.Edition() < int32(descriptorpb.Edition_EDITION_2024):
		return descriptorpb.FeatureSet_VisibilityFeature_EXPORT_ALL
	case e.Edition() < int32(descriptorpb.Edition_EDITION_2026):
		return descriptorpb.FeatureSet_VisibilityFeature_EXPORT_TOP_LEVEL
	}
	return descriptorpb.FeatureSet_VisibilityFeature_STRICT
}
