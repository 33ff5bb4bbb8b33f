package compat

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// wireClass groups field kinds that share one binary encoding, so that a
// reader of one kind decodes the bytes a writer of another kind wrote as
// the same number or the same bytes.
type wireClass uint8

const (
	classVarint  wireClass = iota + 1 // int32 int64 uint32 uint64 bool enum
	classZigzag                       // sint32 sint64
	classFixed32                      // fixed32 sfixed32
	classFixed64                      // fixed64 sfixed64
	classFloat                        // float: fixed32 bytes, another meaning
	classDouble                       // double: fixed64 bytes, another meaning
	classBytes                        // string bytes
	classMessage                      // a length-delimited message
	classGroup                        // a group, or a delimited message
)

func classOf(f protoreflect.FieldDescriptor) wireClass {
	switch f.Kind() {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind,
		protoreflect.Uint64Kind, protoreflect.BoolKind, protoreflect.EnumKind:
		return classVarint
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return classZigzag
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return classFixed32
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return classFixed64
	case protoreflect.FloatKind:
		return classFloat
	case protoreflect.DoubleKind:
		return classDouble
	case protoreflect.StringKind, protoreflect.BytesKind:
		return classBytes
	case protoreflect.GroupKind:
		return classGroup
	}
	return classMessage
}

// wireTypeChange reports whether changing field of to nf changes what
// encoded data means, which readers that breaks, and why. It answers as
// buf's FIELD_WIRE_COMPATIBLE_TYPE does, except that it compares message
// types by their shape rather than their name, and treats bytes holding an
// encoded message as that message: neither changes a byte on the wire.
func wireTypeChange(of, nf protoreflect.FieldDescriptor) (Direction, string) {
	return (&shapes{}).fieldChange(of, nf)
}

// shapes compares message types structurally. seen holds the pairs under
// comparison, assumed compatible until shown otherwise, so that recursive
// types terminate.
type shapes struct {
	seen map[[2]protoreflect.FullName]bool
}

func (s *shapes) fieldChange(of, nf protoreflect.FieldDescriptor) (Direction, string) {
	oc, nc := classOf(of), classOf(nf)
	switch {
	case oc == nc && (oc == classMessage || oc == classGroup):
		return s.messageChange(of.Message(), nf.Message())
	case oc == nc:
		return 0, ""
	case oc == classMessage && nf.Kind() == protoreflect.BytesKind,
		oc == classBytes && of.Kind() == protoreflect.BytesKind && nc == classMessage:
		return 0, "" // bytes carrying an encoded message
	}
	return Both, fmt.Sprintf("%s and %s are encoded differently", kindWord(of), kindWord(nf))
}

func (s *shapes) messageChange(om, nm protoreflect.MessageDescriptor) (Direction, string) {
	if om.FullName() == nm.FullName() {
		return 0, "" // the message is paired with itself; its own fields are checked there
	}
	key := [2]protoreflect.FullName{om.FullName(), nm.FullName()}
	if s.seen[key] {
		return 0, ""
	}
	if s.seen == nil {
		s.seen = make(map[[2]protoreflect.FullName]bool)
	}
	s.seen[key] = true
	ofs, nfs := om.Fields(), nm.Fields()
	if ofs.Len() != nfs.Len() {
		return Both, fmt.Sprintf("%s and %s have different fields", om.FullName(), nm.FullName())
	}
	for i := range ofs.Len() {
		of := ofs.Get(i)
		nf := nfs.ByNumber(of.Number())
		if nf == nil {
			return Both, fmt.Sprintf("%s has no field %d", nm.FullName(), of.Number())
		}
		if of.IsList() != nf.IsList() || of.IsMap() != nf.IsMap() {
			return Both, fmt.Sprintf("field %d of %s and %s differ in cardinality", of.Number(), om.FullName(), nm.FullName())
		}
		if d, why := s.fieldChange(of, nf); d != 0 {
			return d, fmt.Sprintf("field %d of %s and %s differ: %s", of.Number(), om.FullName(), nm.FullName(), why)
		}
	}
	return 0, ""
}

// kindWord names a field's kind for reasons: "int32", "a message".
func kindWord(f protoreflect.FieldDescriptor) string {
	switch f.Kind() {
	case protoreflect.MessageKind:
		return "a message"
	case protoreflect.GroupKind:
		return "a group"
	case protoreflect.EnumKind:
		return "an enum"
	}
	return f.Kind().String()
}
