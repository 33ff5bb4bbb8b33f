package compat

import (
	"fmt"
	"math"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file models what a reader makes of bytes that a writer with another
// declaration of the same field produced. Directions follow from who reads:
// Backward is a new reader of old data, Forward an old reader of new data.

// wireClass groups field kinds that share one binary encoding, so that a
// reader of one kind decodes the bytes a writer of another kind wrote as
// a number or bytes of the same encoding.
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

// numberRange describes the numbers a kind holds: its width in bits and
// whether it is signed. Enums hold int32 numbers. Bool is one unsigned bit:
// a bool reader turns every other number into true.
func numberRange(k protoreflect.Kind) (bits int, signed, ok bool) {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind, protoreflect.EnumKind:
		return 32, true, true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return 64, true, true
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return 32, false, true
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return 64, false, true
	case protoreflect.BoolKind:
		return 1, false, true
	}
	return 0, false, false
}

// numberLoss says which readers see another number than was written when
// a field changes between two integer kinds of one encoding: sign lists
// the directions where negative or top-half values change sign, narrow
// those where a reader truncates a wider writer's values.
func numberLoss(of, nf protoreflect.FieldDescriptor) (sign, narrow Direction) {
	if classOf(of) != classOf(nf) {
		return 0, 0 // another encoding: FIELD_WIRE_COMPATIBLE_TYPE's finding
	}
	ob, os, ok1 := numberRange(of.Kind())
	nb, ns, ok2 := numberRange(nf.Kind())
	if !ok1 || !ok2 {
		return 0, 0
	}
	// loses reports whether a reader of (rb, rs) changes a value written
	// as (wb, ws).
	signLoss := func(wb int, ws bool, rb int, rs bool) bool {
		if wb == 1 || rb == 1 {
			return false // bool is no number: narrowing covers it
		}
		switch {
		case ws && !rs:
			return true // negative values become large positive ones
		case !ws && rs:
			return wb >= rb // the top half becomes negative
		}
		return false
	}
	if signLoss(ob, os, nb, ns) {
		sign |= Backward
	}
	if signLoss(nb, ns, ob, os) {
		sign |= Forward
	}
	switch {
	case ob > nb:
		narrow = Backward
	case nb > ob:
		narrow = Forward
	}
	return sign, narrow
}

// shapes compares message and enum types across versions. seen holds the
// message pairs under comparison, assumed equal until shown otherwise, so
// that recursive types terminate. With json, names matter too: JSON
// writes fields and enum values by name.
type shapes struct {
	json bool
	seen map[[2]protoreflect.FullName]bool
}

// wireTypeChange reports which readers a change of field type breaks on
// the binary format, and why. Unlike buf, it sees that an open enum and
// int32 share their encoding, that bytes may carry an encoded message,
// that string and bytes differ only in validation (which
// FIELD_WIRE_SAME_UTF8_VALIDATION checks) and that a message renamed or
// moved keeps its encoding when its shape is the same.
func wireTypeChange(of, nf protoreflect.FieldDescriptor) (Direction, string) {
	return (&shapes{}).fieldChange(of, nf)
}

func (s *shapes) fieldChange(of, nf protoreflect.FieldDescriptor) (Direction, string) {
	oc, nc := classOf(of), classOf(nf)
	switch {
	case oc == nc && (oc == classMessage || oc == classGroup):
		return s.messageChange(of.Message(), nf.Message())
	case oc == classVarint && nc == classVarint:
		return s.enumReaders(of, nf)
	case oc == nc:
		return 0, ""
	case oc == classMessage && nf.Kind() == protoreflect.BytesKind,
		of.Kind() == protoreflect.BytesKind && nc == classMessage:
		return 0, "" // bytes carrying an encoded message
	}
	return Both, fmt.Sprintf("%s and %s are encoded differently", kindWord(of), kindWord(nf))
}

// enumReaders checks varint fields where a side is an enum: a closed enum
// reader moves numbers it does not declare to unknown fields, so the
// field reads as unset.
func (s *shapes) enumReaders(of, nf protoreflect.FieldDescriptor) (Direction, string) {
	oe, ne := of.Enum(), nf.Enum()
	if oe != nil && ne != nil && oe.FullName() == ne.FullName() {
		return 0, "" // the enum is paired with itself and checked there
	}
	var dir Direction
	var why string
	if ne != nil && ne.IsClosed() {
		if oe == nil {
			dir, why = Backward, fmt.Sprintf("closed enum %s drops the numbers it does not declare", ne.FullName())
		} else if n, ok := missingNumber(oe, ne); ok {
			dir, why = Backward, fmt.Sprintf("closed enum %s drops %d, which %s declares", ne.FullName(), n, oe.FullName())
		}
	}
	if oe != nil && oe.IsClosed() {
		if ne == nil {
			dir, why = dir|Forward, fmt.Sprintf("closed enum %s drops the numbers it does not declare", oe.FullName())
		} else if n, ok := missingNumber(ne, oe); ok {
			dir, why = dir|Forward, fmt.Sprintf("closed enum %s drops %d, which %s declares", oe.FullName(), n, ne.FullName())
		}
	}
	if s.json && oe != nil && ne != nil && dir&Backward == 0 {
		if v, ok := missingName(oe, ne); ok {
			dir, why = dir|Backward, fmt.Sprintf("enum %s has no value %q with number %d", ne.FullName(), v.Name(), v.Number())
		}
	}
	return dir, why
}

// missingNumber returns a number that from declares and to does not.
func missingNumber(from, to protoreflect.EnumDescriptor) (protoreflect.EnumNumber, bool) {
	vs, has := from.Values(), valueNumbers(to)
	for i := range vs.Len() {
		if n := vs.Get(i).Number(); !has(n) {
			return n, true
		}
	}
	return 0, false
}

// missingName returns a value of from whose name and number to lacks.
func missingName(from, to protoreflect.EnumDescriptor) (protoreflect.EnumValueDescriptor, bool) {
	vs, named := from.Values(), byName(to.Values())
	for i := range vs.Len() {
		v := vs.Get(i)
		if w := named(v.Name()); w == nil || w.Number() != v.Number() {
			return v, true
		}
	}
	return nil, false
}

// messageChange compares two message types by shape: the same field
// numbers with the same kinds, cardinalities, oneofs and string
// validation, recursively, and in JSON the same names. A message paired
// with itself (same full name) is taken as equal: its own fields are
// checked where it is paired.
func (s *shapes) messageChange(om, nm protoreflect.MessageDescriptor) (Direction, string) {
	if om.FullName() == nm.FullName() {
		return 0, ""
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
	oldAt, newAt := fieldNumbers(ofs), fieldNumbers(nfs)
	for i := range nfs.Len() {
		if nf := nfs.Get(i); oldAt(nf.Number()) == nil {
			return Both, fmt.Sprintf("%s has a field %d that %s lacks", nm.FullName(), nf.Number(), om.FullName())
		}
	}
	for i := range ofs.Len() {
		of := ofs.Get(i)
		nf := newAt(of.Number())
		if nf == nil {
			return Both, fmt.Sprintf("%s has no field %d", nm.FullName(), of.Number())
		}
		if why := s.fieldShape(of, nf); why != "" {
			return Both, fmt.Sprintf("field %d of %s and %s differ: %s", of.Number(), om.FullName(), nm.FullName(), why)
		}
	}
	return 0, ""
}

// fieldShape says how two fields of structurally compared messages
// differ, or returns "".
func (s *shapes) fieldShape(of, nf protoreflect.FieldDescriptor) string {
	switch {
	case fieldLabel(of) != fieldLabel(nf):
		return fmt.Sprintf("%s and %s", fieldLabel(of), fieldLabel(nf))
	case classOf(of) == classMessage && classOf(nf) == classMessage,
		classOf(of) == classGroup && classOf(nf) == classGroup:
		if d, why := s.messageChange(of.Message(), nf.Message()); d != 0 {
			return why
		}
	case of.Kind() != nf.Kind():
		return fmt.Sprintf("%s and %s", kindWord(of), kindWord(nf))
	case of.Kind() == protoreflect.EnumKind:
		if of.Enum().IsClosed() != nf.Enum().IsClosed() {
			return fmt.Sprintf("enums %s and %s differ in closedness", of.Enum().FullName(), nf.Enum().FullName())
		}
		if d, why := s.enumReaders(of, nf); d != 0 {
			return why
		}
	case utf8Verified(of) != utf8Verified(nf):
		return "one validates UTF-8 and the other does not"
	}
	if !slices.Equal(oneofSiblings(of), oneofSiblings(nf)) {
		return "they belong to different oneofs"
	}
	if s.json && (of.Name() != nf.Name() || of.JSONName() != nf.JSONName()) {
		return fmt.Sprintf("the names %q and %q differ", of.JSONName(), nf.JSONName())
	}
	return ""
}

// realOneof returns the oneof declared around f, or nil: the synthetic
// oneof of a proto3 optional field does not count.
func realOneof(f protoreflect.FieldDescriptor) protoreflect.OneofDescriptor {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o
	}
	return nil
}

// oneofSiblings lists the numbers of the fields that share f's oneof,
// itself included, in ascending order; nil outside a oneof.
func oneofSiblings(f protoreflect.FieldDescriptor) []protoreflect.FieldNumber {
	o := realOneof(f)
	if o == nil {
		return nil
	}
	fs := o.Fields()
	out := make([]protoreflect.FieldNumber, fs.Len())
	for i := range fs.Len() {
		out[i] = fs.Get(i).Number()
	}
	slices.Sort(out)
	return out
}

// jsonGroup groups kinds whose JSON form and binary encoding are both
// interchangeable, as buf does: int32 and uint32 are JSON numbers, int64
// and uint64 JSON strings, and so on.
func jsonGroup(k protoreflect.Kind) int {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Uint32Kind:
		return 1
	case protoreflect.Int64Kind, protoreflect.Uint64Kind:
		return 2
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return 3
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return 4
	}
	return 100 + int(k) // every other kind stands alone
}

// jsonTypeChange is wireTypeChange for readers of both the binary and the
// JSON format: JSON writes enums by name, bytes in base64 and messages as
// objects keyed by field name.
func jsonTypeChange(of, nf protoreflect.FieldDescriptor) (Direction, string) {
	if jsonGroup(of.Kind()) != jsonGroup(nf.Kind()) {
		dir := Both
		if d, ok := varintJSONChange(of, nf); ok {
			dir = d
		}
		return dir, fmt.Sprintf("%s and %s differ in JSON or on the wire", kindWord(of), kindWord(nf))
	}
	s := &shapes{json: true}
	switch of.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return s.messageChange(of.Message(), nf.Message())
	case protoreflect.EnumKind:
		return s.enumReaders(of, nf)
	}
	return 0, ""
}

// varintJSONChange gives the readers that a change between the integer
// kinds JSON writes as numbers (int32, uint32, int64, uint64) and enums
// breaks, when both kinds are among them: the binary is the same varint and
// JSON the same number, so a reader misreads or rejects only the values of
// the writer's kind that its own cannot hold, and an enum's names, which
// JSON writes and no integer reader accepts. int32 to int64 breaks old
// readers only; new ones read every int32. A closed enum adds the readers
// enumReaders finds. ok is false for other kinds.
func varintJSONChange(of, nf protoreflect.FieldDescriptor) (dir Direction, ok bool) {
	type span struct{ min, max float64 } // what a reader holds
	rangeOf := func(k protoreflect.Kind) (span, bool) {
		switch k {
		case protoreflect.Int32Kind, protoreflect.EnumKind:
			return span{math.MinInt32, math.MaxInt32}, true
		case protoreflect.Uint32Kind:
			return span{0, math.MaxUint32}, true
		case protoreflect.Int64Kind:
			return span{math.MinInt64, math.MaxInt64}, true
		case protoreflect.Uint64Kind:
			return span{0, math.MaxUint64}, true
		}
		return span{}, false
	}
	or, ok1 := rangeOf(of.Kind())
	nr, ok2 := rangeOf(nf.Kind())
	if !ok1 || !ok2 {
		return 0, false
	}
	// breaks reports whether a reader of kind r misreads or rejects some
	// value a writer of kind w writes.
	breaks := func(w protoreflect.Kind, wr span, r protoreflect.Kind, rr span) bool {
		if w == protoreflect.EnumKind && r != protoreflect.EnumKind {
			return true // JSON writes the enum's names
		}
		return wr.min < rr.min || wr.max > rr.max
	}
	if breaks(of.Kind(), or, nf.Kind(), nr) {
		dir |= Backward
	}
	if breaks(nf.Kind(), nr, of.Kind(), or) {
		dir |= Forward
	}
	d, _ := (&shapes{}).enumReaders(of, nf)
	return dir | d, true
}

// Cardinalities as buf names them in messages.
const (
	cardExplicit = "optional with explicit presence"
	cardImplicit = "optional with implicit presence"
	cardRequired = "required"
	cardRepeated = "repeated"
	cardMap      = "map"
)

// cardinality names a field's cardinality in buf's five-way split.
func cardinality(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsList():
		return cardRepeated
	case f.IsMap():
		return cardMap
	case f.Cardinality() == protoreflect.Required:
		return cardRequired
	case f.HasPresence():
		return cardExplicit
	}
	return cardImplicit
}

// A cardChange is what a change of cardinality does to readers: the
// directions it breaks, whether only some data loses (a hazard) and why.
type cardChange struct {
	dir    Direction
	hazard bool
	why    string
}

// requiredChange covers changes to and from required, in either format:
// a reader that requires a field rejects data without it.
func requiredChange(oc, nc string) (cardChange, bool) {
	switch {
	case oc == nc:
		return cardChange{}, true
	case nc == cardRequired && (oc == cardExplicit || oc == cardImplicit):
		return cardChange{dir: Backward, why: "new readers reject old data that lacks it"}, true
	case oc == cardRequired && (nc == cardExplicit || nc == cardImplicit):
		return cardChange{dir: Forward, why: "old readers reject new data that lacks it"}, true
	case oc == cardRequired || nc == cardRequired:
		return cardChange{dir: Both, why: "required fields must hold exactly one value"}, true
	}
	return cardChange{}, false
}

// wireCardinalityChange reports what a change between singular, required
// and repeated does to binary readers. A singular reader of a
// length-delimited field keeps the last of several elements (messages
// merge them all), so singular and repeated strings, bytes and messages
// mix with loss only where a repeated writer sends several: a hazard
// for the singular reader's side. A singular reader of packed scalars sees
// a wire type it does not expect and drops the field: a break.
func wireCardinalityChange(of, nf protoreflect.FieldDescriptor) cardChange {
	oc, nc := cardinality(of), cardinality(nf)
	if c, ok := requiredChange(oc, nc); ok {
		return c
	}
	oRep, nRep := oc == cardRepeated || oc == cardMap, nc == cardRepeated || nc == cardMap
	if oRep == nRep {
		return cardChange{}
	}
	// singular and repeated: the writer is the repeated side.
	dir, writer, reader := Forward, nf, of
	if oRep {
		dir, writer, reader = Backward, of, nf
	}
	switch {
	case classOf(writer) == classMessage || classOf(writer) == classGroup:
		return cardChange{dir: dir, hazard: true, why: fmt.Sprintf("a singular reader merges the elements of %s into one", readerSide(dir))}
	case classOf(writer) == classBytes:
		return cardChange{dir: dir, hazard: true, why: fmt.Sprintf("a singular reader keeps only the last element of %s", readerSide(dir))}
	case writer.IsPacked():
		return cardChange{dir: dir, why: fmt.Sprintf("a singular %s reader drops the packed elements of %s", reader.Kind(), readerSide(dir))}
	}
	return cardChange{dir: dir, hazard: true, why: fmt.Sprintf("a singular reader keeps only the last element of %s", readerSide(dir))}
}

// readerSide names the data that breaks in a direction.
func readerSide(d Direction) string {
	if d == Backward {
		return "old data"
	}
	return "new data"
}

// jsonCardinalityChange is wireCardinalityChange for readers of both
// formats: JSON writes a repeated field as an array and a map as an
// object, which no singular reader accepts.
func jsonCardinalityChange(of, nf protoreflect.FieldDescriptor) cardChange {
	oc, nc := cardinality(of), cardinality(nf)
	if c, ok := requiredChange(oc, nc); ok {
		return c
	}
	group := func(c string) string {
		if c == cardExplicit || c == cardImplicit {
			return "singular"
		}
		return c
	}
	if group(oc) == group(nc) {
		return cardChange{}
	}
	return cardChange{dir: Both, why: "JSON writes them differently"}
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
