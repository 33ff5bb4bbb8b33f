package compat

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
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
