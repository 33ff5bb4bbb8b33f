package compat

import (
	"google.golang.org/protobuf/reflect/protoreflect"
)

var fieldNoDelete = &Rule{
	ID:         "FIELD_NO_DELETE",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `fields are not deleted from a message

Generated code for a message has an accessor per field; deleting the field
removes the accessor and breaks every program that calls it. On the wire,
old writers still send the number, new readers keep it as unknown data, and
the number is free to be reused with another type, which would corrupt data.

  before: message User { string email = 2; }
  after:  message User { }

To remove a field safely, deprecate it first ([deprecated = true]); when no
code uses it, delete it and reserve both its number and its name:

  message User { reserved 2; reserved "email"; }`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if om.IsMapEntry() {
				return
			}
			ofs := om.Fields()
			for i := range ofs.Len() {
				of := ofs.Get(i)
				if nm.Fields().ByNumber(of.Number()) == nil {
					p.report(spanOf(nm), spanOf(of), "%s was deleted", fieldDesc(of))
				}
			}
		})
	},
}

var fieldNoDeleteUnlessNumberReserved = &Rule{
	ID:         "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
	Categories: []Category{CSR, WireJSON, Wire},
	Severity:   Warning,
	Direction:  Both,
	Doc: `fields are not deleted unless their number is reserved

A deleted field's number stays in data written by old programs. If a later
change reuses the number for a field of another type, new readers
misinterpret that data and old readers misinterpret the new data. Reserving
the number makes protoc refuse the reuse.

  before: message User { string email = 2; }
  after:  message User { }

Reserve the number when deleting the field:

  message User { reserved 2; }`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if om.IsMapEntry() {
				return
			}
			ofs := om.Fields()
			for i := range ofs.Len() {
				of := ofs.Get(i)
				if nm.Fields().ByNumber(of.Number()) == nil && !isReservedNumber(nm, of.Number()) {
					p.report(spanOf(nm), spanOf(of), "%s was deleted without reserving its number", fieldDesc(of))
				}
			}
		})
	},
}

var fieldSameType = &Rule{
	ID:         "FIELD_SAME_TYPE",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `fields keep their type

Generated code exposes a field with a type of the language: changing the
.proto type changes it, and code that reads or sets the field stops
compiling, even where the wire format would still be compatible.

  before: int32 count = 3;
  after:  int64 count = 3;

Add a new field with the new type, deprecate the old one, and migrate.`,
	run: func(p *pass) {
		p.forEachFieldPair(func(of, nf protoreflect.FieldDescriptor) {
			if ot, nt := typeString(of), typeString(nf); ot != nt || of.Kind() != nf.Kind() {
				p.report(spanOf(nf, typeTag(nf)), spanOf(of, typeTag(of)),
					"%s changed type from %s to %s", fieldDesc(nf), kindString(of), kindString(nf))
			}
		})
	},
}

var fieldWireCompatibleType = &Rule{
	ID:         "FIELD_WIRE_COMPATIBLE_TYPE",
	Categories: []Category{Wire},
	Direction:  Both,
	Doc: `fields keep a type with the same binary encoding

Readers decode a field by its declared type. A change to a type with
another wire type (int32 to string) makes parsers reject or drop the
field; a change within one wire type to another encoding (int32 to sint32)
makes readers silently see other numbers.

  before: int32 count = 3;
  after:  string count = 3;

These groups share an encoding and may be swapped: int32, int64, uint32,
uint64 and bool (varint); sint32 and sint64 (zigzag); fixed32 and
sfixed32; fixed64 and sfixed64; string and bytes; an enum and int32;
messages with the same fields by number. Otherwise add a new field.`,
	run: func(p *pass) {
		p.forEachFieldPair(func(of, nf protoreflect.FieldDescriptor) {
			if dir, why := wireTypeChange(of, nf); dir != 0 {
				p.reportDir(dir, spanOf(nf, typeTag(nf)), spanOf(of, typeTag(of)),
					"%s changed type from %s to %s: %s", fieldDesc(nf), kindString(of), kindString(nf), why)
			}
		})
	},
}

var fieldSameName = &Rule{
	ID:         "FIELD_SAME_NAME",
	Categories: []Category{CSR, File, Package, WireJSON},
	Direction:  Both,
	Doc: `fields keep their name

The name is part of the generated code and of the JSON and text formats:
renaming a field breaks code that uses it, and JSON readers on either side
drop (or reject) the field under the name they do not know.

  before: string email = 2;
  after:  string email_address = 2;

Add a field with the new name and a new number, and migrate.`,
	run: func(p *pass) {
		p.forEachFieldPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.Name() != nf.Name() {
				p.report(spanOf(nf, nameTag), spanOf(of, nameTag),
					"field %d on %s changed name from %q to %q", nf.Number(), nf.ContainingMessage().FullName(), of.Name(), nf.Name())
			}
		})
	},
}

var fieldSameJSONName = &Rule{
	ID:         "FIELD_SAME_JSON_NAME",
	Categories: []Category{CSR, File, Package, WireJSON},
	Direction:  Both,
	Doc: `fields keep their JSON name

JSON encodes a field by its JSON name (lowerCamelCase of the field name, or
the json_name option). A reader that expects another name ignores or
rejects the field, so data written in JSON is lost.

  before: string email = 2;
  after:  string email = 2 [json_name = "mail"];

Leave json_name alone once data is written with it.`,
	run: func(p *pass) {
		p.forEachFieldPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.Name() != nf.Name() || of.IsExtension() {
				return // a rename is FIELD_SAME_NAME's finding
			}
			if of.JSONName() != nf.JSONName() {
				p.report(spanOf(nf, jsonNameTag(nf)), spanOf(of, jsonNameTag(of)),
					"%s changed JSON name from %q to %q", fieldDesc(nf), of.JSONName(), nf.JSONName())
			}
		})
	},
}

// typeTag is the source path below a field for its type token: type_name
// for messages and enums, type for scalars.
func typeTag(f protoreflect.FieldDescriptor) int32 {
	switch f.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind, protoreflect.EnumKind:
		return fieldTypeNameTag
	}
	return fieldTypeTag
}

// jsonNameTag is the source path below a field for its json_name option,
// or its name when the JSON name is derived.
func jsonNameTag(f protoreflect.FieldDescriptor) int32 {
	if f.HasJSONName() {
		return fieldJSONNameTag
	}
	return nameTag
}

// kindString names a field's type for messages, qualifying enums and
// messages with their kind: "int32", "message acme.v1.User".
func kindString(f protoreflect.FieldDescriptor) string {
	switch f.Kind() {
	case protoreflect.MessageKind:
		if f.IsMap() {
			return typeString(f)
		}
		return "message " + typeString(f)
	case protoreflect.GroupKind:
		return "group " + typeString(f)
	case protoreflect.EnumKind:
		return "enum " + typeString(f)
	}
	return f.Kind().String()
}
