package compat

import (
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/bufbuild/protocompile/protoutil"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// typeString names a field's type as a .proto file writes it: "int32",
// "acme.v1.User", "map<string, int64>".
func typeString(f protoreflect.FieldDescriptor) string {
	if f.IsMap() {
		return fmt.Sprintf("map<%s, %s>", typeString(f.MapKey()), typeString(f.MapValue()))
	}
	switch f.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(f.Message().FullName())
	case protoreflect.EnumKind:
		return string(f.Enum().FullName())
	}
	return f.Kind().String()
}

// fieldLabel names a field's cardinality as buf does: "optional",
// "required" or "repeated".
func fieldLabel(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap():
		return "map"
	case f.Cardinality() == protoreflect.Repeated:
		return "repeated"
	case f.Cardinality() == protoreflect.Required:
		return "required"
	}
	return "optional"
}

// fieldDesc names a field for messages: `field 2 "email" on acme.v1.User`.
func fieldDesc(f protoreflect.FieldDescriptor) string {
	if f.IsExtension() {
		return fmt.Sprintf("extension %d %q of %s", f.Number(), f.FullName(), f.ContainingMessage().FullName())
	}
	return fmt.Sprintf("field %d %q on %s", f.Number(), f.Name(), f.ContainingMessage().FullName())
}

// valueDesc names an enum value for messages: `value 2 "DONE" of acme.v1.State`.
func valueDesc(v protoreflect.EnumValueDescriptor) string {
	return fmt.Sprintf("value %d %q of %s", v.Number(), v.Name(), v.Parent().FullName())
}

// isReservedNumber reports whether n is reserved in the message.
func isReservedNumber(m protoreflect.MessageDescriptor, n protoreflect.FieldNumber) bool {
	return m.ReservedRanges().Has(n)
}

// isReservedName reports whether name is reserved in the message.
func isReservedName(m protoreflect.MessageDescriptor, name protoreflect.Name) bool {
	return m.ReservedNames().Has(name)
}

// Source paths below options, for spans of single options and features.
const (
	fieldCtypeTag        = 1  // FieldOptions.ctype
	fieldJSTypeTag       = 6  // FieldOptions.jstype
	fieldFeaturesTag     = 21 // FieldOptions.features
	messageOptsTag       = 7  // DescriptorProto.options
	messageFeaturesTag   = 12 // MessageOptions.features
	enumOptionsTag       = 3  // EnumDescriptorProto.options
	enumFeaturesTag      = 7  // EnumOptions.features
	fileJavaUTF8Tag      = 27 // FileOptions.java_string_check_utf8
	featureEnumTypeTag   = 2  // FeatureSet.enum_type
	featureUTF8Tag       = 4  // FeatureSet.utf8_validation
	featureJSONFormatTag = 6  // FeatureSet.json_format
	fileFeaturesTag      = 50 // FileOptions.features
	featureCppTag        = 1000
	featureJavaTag       = 1001
	featureGoTag         = 1002
	cppStringTypeTag     = 2 // pb.CppFeatures.string_type
	javaUTF8Tag          = 2 // pb.JavaFeatures.utf8_validation
	javaNestInFileTag    = 5 // pb.JavaFeatures.nest_in_file_class
	goAPILevelTag        = 2 // pb.GoFeatures.api_level
)

// utf8Verified reports whether readers reject a string field holding
// invalid UTF-8: the utf8_validation feature, set on the field or an
// enclosing element, or the edition's default (NONE for proto2, VERIFY
// after). Bytes fields are never checked. It walks the options itself
// rather than through protoutil.ResolveFeature, which parses the
// defaults anew on every call and dominated the time of a check.
func utf8Verified(f protoreflect.FieldDescriptor) bool {
	if f.Kind() != protoreflect.StringKind {
		return false
	}
	for d := protoreflect.Descriptor(f); d != nil; d = d.Parent() {
		if fs := featuresOf(d); fs != nil && fs.Utf8Validation != nil {
			return fs.GetUtf8Validation() == descriptorpb.FeatureSet_VERIFY
		}
	}
	return f.ParentFile().Syntax() != protoreflect.Proto2
}

// jsonFormat is the resolved json_format feature of a message or enum:
// set on it or an enclosing element, or the edition's default
// (LEGACY_BEST_EFFORT for proto2, ALLOW after).
func jsonFormat(d protoreflect.Descriptor) descriptorpb.FeatureSet_JsonFormat {
	for e := d; e != nil; e = e.Parent() {
		if fs := featuresOf(e); fs != nil && fs.JsonFormat != nil {
			return fs.GetJsonFormat()
		}
	}
	if d.ParentFile().Syntax() == protoreflect.Proto2 {
		return descriptorpb.FeatureSet_LEGACY_BEST_EFFORT
	}
	return descriptorpb.FeatureSet_ALLOW
}

// customFeature resolves a field of a language's feature set (pb.cpp is
// extension 1000 of FeatureSet, pb.java 1001), walking from d up to its
// file. These extensions are rarely linked into the program, so they are
// read from the encoded options.
func customFeature(d protoreflect.Descriptor, ext, field protowire.Number) (uint64, bool) {
	for ; d != nil; d = d.Parent() {
		if v, ok := ownCustomFeature(d, ext, field); ok {
			return v, true
		}
	}
	return 0, false
}

// ownCustomFeature is customFeature for the features set on d itself,
// not inherited.
func ownCustomFeature(d protoreflect.Descriptor, ext, field protowire.Number) (uint64, bool) {
	fs := featuresOf(d)
	if fs == nil {
		return 0, false
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(fs)
	if err != nil {
		return 0, false
	}
	if inner, ok := lastField(b, ext); ok {
		if v, ok := lastField(inner, field); ok {
			if n, m := protowire.ConsumeVarint(v); m > 0 {
				return n, true
			}
		}
	}
	return 0, false
}

// lastField returns the last occurrence of field num in b: the raw varint
// bytes for a varint, the payload for a length-delimited field.
func lastField(b []byte, num protowire.Number) ([]byte, bool) {
	var out []byte
	found := false
	for len(b) > 0 {
		n, typ, m := protowire.ConsumeTag(b)
		if m < 0 {
			return nil, false
		}
		b = b[m:]
		var val []byte
		switch typ {
		case protowire.BytesType:
			v, k := protowire.ConsumeBytes(b)
			if k < 0 {
				return nil, false
			}
			val, m = v, k
		default:
			m = protowire.ConsumeFieldValue(n, typ, b)
			if m < 0 {
				return nil, false
			}
			val = b[:m]
		}
		if n == num {
			if typ == protowire.BytesType && found && len(out) > 0 {
				out = append(slices.Clip(out), val...) // messages merge
			} else {
				out = val
			}
			found = true
		}
		b = b[m:]
	}
	return out, found
}

// featuresOf returns the features set directly on d, or nil.
func featuresOf(d protoreflect.Descriptor) *descriptorpb.FeatureSet {
	switch o := d.Options().(type) {
	case *descriptorpb.FileOptions:
		return o.GetFeatures()
	case *descriptorpb.MessageOptions:
		return o.GetFeatures()
	case *descriptorpb.FieldOptions:
		return o.GetFeatures()
	case *descriptorpb.OneofOptions:
		return o.GetFeatures()
	case *descriptorpb.EnumOptions:
		return o.GetFeatures()
	case *descriptorpb.EnumValueOptions:
		return o.GetFeatures()
	}
	return nil
}

// edition is the file's edition, with proto2 and proto3 as editions.
func edition(f protoreflect.FileDescriptor) descriptorpb.Edition {
	switch f.Syntax() {
	case protoreflect.Proto2:
		return descriptorpb.Edition_EDITION_PROTO2
	case protoreflect.Proto3:
		return descriptorpb.Edition_EDITION_PROTO3
	}
	// Both of protocompile's compilers give their files this method
	// (protodesc's filedesc.File and the v0.14 linker's result), which
	// saves converting the file back to a proto.
	if e, ok := f.(interface{ Edition() int32 }); ok && e.Edition() > 0 {
		return descriptorpb.Edition(e.Edition())
	}
	if fp := protoutil.ProtoFromFileDescriptor(f); fp.Edition != nil {
		return fp.GetEdition()
	}
	return descriptorpb.Edition_EDITION_2023
}

// cppStringType names the C++ representation of a string or bytes field:
// the ctype option, or the (pb.cpp).string_type feature in editions.
func cppStringType(f protoreflect.FieldDescriptor) string {
	ed := edition(f.ParentFile())
	if ed < descriptorpb.Edition_EDITION_2024 {
		if o, _ := f.Options().(*descriptorpb.FieldOptions); o != nil && o.Ctype != nil {
			switch o.GetCtype() {
			case descriptorpb.FieldOptions_CORD:
				return "CORD"
			case descriptorpb.FieldOptions_STRING_PIECE:
				return "STRING_PIECE"
			}
			return "STRING"
		}
		if f.ParentFile().Syntax() != protoreflect.Editions {
			return "STRING"
		}
	}
	if v, ok := customFeature(f, featureCppTag, cppStringTypeTag); ok {
		switch v {
		case 1:
			return "VIEW"
		case 2:
			return "CORD"
		case 3:
			return "STRING"
		}
	}
	if ed >= descriptorpb.Edition_EDITION_2024 {
		return "VIEW"
	}
	return "STRING"
}

// javaUTF8Verified reports whether Java code checks a string field for
// UTF-8: the standard feature, java_string_check_utf8 outside editions, or
// the (pb.java).utf8_validation feature in editions.
func javaUTF8Verified(f protoreflect.FieldDescriptor) bool {
	std := utf8Verified(f)
	o, _ := f.ParentFile().Options().(*descriptorpb.FileOptions)
	if f.ParentFile().Syntax() != protoreflect.Editions || (o != nil && o.JavaStringCheckUtf8 != nil) {
		return o.GetJavaStringCheckUtf8() || std
	}
	if v, ok := customFeature(f, featureJavaTag, javaUTF8Tag); ok && v == 2 {
		return true
	}
	return std
}

// javaOwnFile reports whether Java code generates d, a top-level message,
// enum or service, as a class in a file of its own rather than nested in
// its file's outer class. Before edition 2024 the file's
// java_multiple_files option says; 2024 drops the option for the type's
// (pb.java).nest_in_file_class feature, NO (a file of its own) unless the
// type sets YES.
func javaOwnFile(d protoreflect.Descriptor) bool {
	f := d.ParentFile()
	if edition(f) < descriptorpb.Edition_EDITION_2024 {
		return fileOptions(f).GetJavaMultipleFiles()
	}
	const no = 1 // pb.JavaFeatures.NestInFileClass.NO
	v, ok := customFeature(d, featureJavaTag, javaNestInFileTag)
	return !ok || v == no
}

// goAPILevels names the values of pb.GoFeatures.APILevel.
var goAPILevels = map[uint64]string{1: "API_OPEN", 2: "API_HYBRID", 3: "API_OPAQUE"}

// goAPILevel is the Go API that protoc-gen-go generates for m, and the
// element whose (pb.go).api_level feature decides it (nil for the
// edition's default): the feature set on m, else on the nearest enclosing
// message, else on the file, else the edition's default, API_OPAQUE from
// edition 2024. API_LEVEL_UNSPECIFIED, the default before 2024, leaves
// the choice to protoc-gen-go, which generates the open struct API unless
// run with its default_api_level option; a message set to it takes its
// parent's level, as protoc-gen-go does.
func goAPILevel(m protoreflect.MessageDescriptor) (string, protoreflect.Descriptor) {
	for d := protoreflect.Descriptor(m); d != nil; d = d.Parent() {
		v, ok := ownCustomFeature(d, featureGoTag, goAPILevelTag)
		if !ok {
			continue
		}
		if name, ok := goAPILevels[v]; ok {
			return name, d
		}
		if _, isFile := d.(protoreflect.FileDescriptor); isFile {
			return "API_OPEN", d
		}
	}
	if edition(m.ParentFile()) >= descriptorpb.Edition_EDITION_2024 {
		return "API_OPAQUE", nil
	}
	return "API_OPEN", nil
}

// typeName is the full name of a field's message or enum type, or "".
func typeName(f protoreflect.FieldDescriptor) protoreflect.FullName {
	switch {
	case f.Message() != nil:
		return f.Message().FullName()
	case f.Enum() != nil:
		return f.Enum().FullName()
	}
	return ""
}

// is64Bit reports whether f holds a 64-bit integer, the kinds jstype
// applies to.
func is64Bit(f protoreflect.FieldDescriptor) bool {
	switch f.Kind() {
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Uint64Kind,
		protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return true
	}
	return false
}

// jsType is the field's jstype option, JS_NORMAL when unset.
func jsType(f protoreflect.FieldDescriptor) descriptorpb.FieldOptions_JSType {
	o, _ := f.Options().(*descriptorpb.FieldOptions)
	return o.GetJstype()
}

// hasScalarDefault reports whether f is a singular scalar or enum field,
// the fields that have a default value.
func hasScalarDefault(f protoreflect.FieldDescriptor) bool {
	return !f.IsList() && !f.IsMap() && f.Message() == nil
}

// A fieldDefault is a default value ready to compare across types: text
// for strings and bytes, a number for the rest.
type fieldDefault struct {
	zero   bool
	text   string // as messages print it
	isText bool
	raw    string     // strings and bytes
	num    *big.Float // numbers, bools and enums; nil for NaN
	f32    bool       // num came from a float
	f64    bool       // num came from a double
}

func defaultOf(f protoreflect.FieldDescriptor) fieldDefault {
	v := f.Default()
	switch f.Kind() {
	case protoreflect.StringKind:
		return fieldDefault{zero: v.String() == "", text: fmt.Sprintf("%q", v.String()), isText: true, raw: v.String()}
	case protoreflect.BytesKind:
		return fieldDefault{zero: len(v.Bytes()) == 0, text: fmt.Sprintf("%q", v.Bytes()), isText: true, raw: string(v.Bytes())}
	case protoreflect.EnumKind:
		text := fmt.Sprint(v.Enum())
		if ev := f.Enum().Values().ByNumber(v.Enum()); ev != nil {
			text = string(ev.Name())
		}
		return fieldDefault{zero: v.Enum() == 0, text: text, num: new(big.Float).SetInt64(int64(v.Enum()))}
	case protoreflect.BoolKind:
		n := int64(0)
		if v.Bool() {
			n = 1
		}
		return fieldDefault{zero: n == 0, text: fmt.Sprint(v.Bool()), num: big.NewFloat(float64(n))}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		x := v.Float()
		d := fieldDefault{zero: x == 0 && !math.Signbit(x), text: fmt.Sprint(x),
			f32: f.Kind() == protoreflect.FloatKind, f64: f.Kind() == protoreflect.DoubleKind}
		if !math.IsNaN(x) {
			d.num = big.NewFloat(x)
		}
		return d
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.Fixed32Kind, protoreflect.Fixed64Kind:
		return fieldDefault{zero: v.Uint() == 0, text: fmt.Sprint(v.Uint()), num: new(big.Float).SetUint64(v.Uint())}
	}
	return fieldDefault{zero: v.Int() == 0, text: fmt.Sprint(v.Int()), num: new(big.Float).SetInt64(v.Int())}
}

// defaultsEqual compares defaults across types leniently, as buf does:
// FIELD_SAME_TYPE reports the type change itself. A float compared with a
// double compares at float precision.
func defaultsEqual(a, b fieldDefault) bool {
	if a.isText || b.isText {
		return a.isText && b.isText && a.raw == b.raw
	}
	if a.num == nil || b.num == nil {
		return a.num == nil && b.num == nil // both NaN
	}
	if a.f32 && b.f64 || a.f64 && b.f32 {
		x, _ := a.num.Float32()
		y, _ := b.num.Float32()
		return x == y
	}
	return a.num.Cmp(b.num) == 0
}
