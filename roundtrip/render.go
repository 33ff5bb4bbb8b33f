package roundtrip

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Values are rendered here rather than with prototext, whose output varies
// between builds on purpose: counterexamples must be stable to be tested.

// kindName names the type of a field: "int32", "enum acme.v1.Status",
// "repeated message acme.v1.Item", "map<string, int32>".
func kindName(fd protoreflect.FieldDescriptor) string {
	switch {
	case fd.IsMap():
		return "map<" + elemName(fd.MapKey()) + ", " + elemName(fd.MapValue()) + ">"
	case fd.IsList():
		return "repeated " + elemName(fd)
	}
	return elemName(fd)
}

func elemName(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		return "enum " + string(fd.Enum().FullName())
	case protoreflect.MessageKind:
		return "message " + string(fd.Message().FullName())
	case protoreflect.GroupKind:
		return "group " + string(fd.Message().FullName())
	}
	return fd.Kind().String()
}

// renderValue renders a value with its type: "int32 -1".
func renderValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	return kindName(fd) + " " + renderField(fd, v)
}

// renderElem renders one element of a field with its type: a list
// element or a map value, or a singular field's value.
func renderElem(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	return elemName(fd) + " " + renderScalar(fd, v)
}

// renderField renders a field's value without its type: lists in
// brackets, maps in braces.
func renderField(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	var b strings.Builder
	switch {
	case fd.IsList():
		l := v.List()
		b.WriteByte('[')
		for i := range l.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(renderScalar(fd, l.Get(i)))
		}
		b.WriteByte(']')
	case fd.IsMap():
		m := v.Map()
		b.WriteByte('{')
		for i, k := range sortedKeys(m) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(renderScalar(fd.MapKey(), k.Value()))
			b.WriteString(": ")
			b.WriteString(renderScalar(fd.MapValue(), m.Get(k)))
		}
		b.WriteByte('}')
	default:
		return renderScalar(fd, v)
	}
	return b.String()
}

// renderScalar renders one element: a number, a quoted string, an enum
// value as NAME=number, a message as {name(number): value, ...} in field
// number order.
func renderScalar(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return strconv.FormatBool(v.Bool())
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return fmt.Sprintf("%s=%d", ev.Name(), v.Enum())
		}
		return fmt.Sprintf("%d (undeclared)", v.Enum())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.FormatInt(v.Int(), 10)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.FormatUint(v.Uint(), 10)
	case protoreflect.FloatKind:
		return formatFloat(v.Float(), 32)
	case protoreflect.DoubleKind:
		return formatFloat(v.Float(), 64)
	case protoreflect.StringKind:
		return strconv.Quote(v.String())
	case protoreflect.BytesKind:
		return strconv.Quote(string(v.Bytes()))
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return renderMessage(v.Message())
	}
	return v.String()
}

func formatFloat(f float64, bitSize int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case f == 0 && math.Signbit(f):
		return "-0"
	}
	return strconv.FormatFloat(f, 'g', -1, bitSize)
}

func renderMessage(m protoreflect.Message) string {
	var b strings.Builder
	b.WriteByte('{')
	fields := m.Descriptor().Fields()
	first := true
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !m.Has(fd) {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s(%d): %s", fd.Name(), fd.Number(), renderField(fd, m.Get(fd)))
	}
	if u := m.GetUnknown(); len(u) > 0 {
		if !first {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "unknown: % x", []byte(u))
	}
	b.WriteByte('}')
	return b.String()
}
