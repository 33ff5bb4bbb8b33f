package compat

import (
	"fmt"
	"strings"

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
				if p.members().fieldByNumberAt(nm, of.Number(), i) == nil {
					p.report(spanOf(nm), spanOf(of), "%s was deleted", fieldDesc(of))
					p.about(fieldElement(of), nil)
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
				if p.members().fieldByNumberAt(nm, of.Number(), i) == nil && !isReservedNumber(nm, of.Number()) {
					p.report(spanOf(nm), spanOf(of), "%s was deleted without reserving its number", fieldDesc(of))
					p.about(fieldElement(of), nil)
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
compiling, even where the wire format would still be compatible. A message
field that switches between length-prefixed and delimited encoding changes
type too. A map whose key or value type changes is reported at the map.

  before: int32 count = 3;
  after:  int64 count = 3;

Add a new field with the new type, deprecate the old one, and migrate.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.Kind() != nf.Kind() || typeName(of) != typeName(nf) {
				p.report(fieldSpan(nf, typeTag(nf)), fieldSpan(of, typeTag(of)),
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

These share an encoding and may be swapped: int32, int64, uint32, uint64,
bool and open enums (varint; FIELD_WIRE_SAME_SIGNEDNESS and
FIELD_WIRE_NO_NARROWING check the numbers survive); sint32 and sint64;
fixed32 and sfixed32; fixed64 and sfixed64; string and bytes
(FIELD_WIRE_SAME_UTF8_VALIDATION checks validation); bytes and a message,
the bytes holding the encoded message; a message and another message of
the same shape, such as one renamed or moved to another package. A closed
enum reader drops numbers its enum does not declare, so int32 to a closed
enum breaks new readers, and a closed enum to int32 breaks old ones.
Otherwise add a new field.

A type that changes together with the field's name is an error whatever
the types: the number was given to a new field, and the data that old
programs write for the old one means something else to it.

  before: ValueType period_type = 13;
  after:  bytes original_payload = 13;`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			p.reportTypeChange(of, nf, wireTypeChange)
		})
	},
}

var fieldWireJSONCompatibleType = &Rule{
	ID:         "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
	Categories: []Category{CSR, WireJSON},
	Direction:  Both,
	Doc: `fields keep a type with the same binary and JSON encodings

JSON writes each type its own way: int32 and uint32 as numbers, 64-bit
integers as strings, enums by value name, bytes in base64, messages as
objects keyed by field name. A reader of the other type rejects the value,
even where the binary encoding would agree.

  before: int32 count = 3;
  after:  int64 count = 3;

These may be swapped: int32 and uint32, int64 and uint64, fixed32 and
sfixed32, fixed64 and sfixed64 (FIELD_WIRE_SAME_SIGNEDNESS checks the
numbers survive); an enum for another that has every old value under the
same name and number; a message for another with the same fields, names
included. Otherwise add a new field. A type that changes together with the
field's name is an error whatever the types: the number now holds a new
field.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			p.reportTypeChange(of, nf, jsonTypeChange)
		})
	},
}

// reportTypeChange reports a change of field type that change finds
// incompatible, or any change of type that comes with a new name: the
// number then holds a new field, and data written for the old one means
// something else to it even where the encodings agree.
func (p *pass) reportTypeChange(of, nf protoreflect.FieldDescriptor, change func(of, nf protoreflect.FieldDescriptor) (Direction, string)) {
	dir, why := change(of, nf)
	if dir == 0 && reused(of, nf) {
		dir, why = Both, fmt.Sprintf("the name changed too, from %q: the number now holds another field", nameOf(of))
	}
	if dir == 0 {
		return
	}
	p.reportDir(dir, fieldSpan(nf, typeTag(nf)), fieldSpan(of, typeTag(of)),
		"%s changed type from %s to %s: %s", fieldDesc(nf), kindString(of), kindString(nf), why)
	p.about(fieldElement(of), fieldElement(nf))
}

// reused reports whether the number of of and nf was given to a new
// field: the name and the type changed together. Names compare without
// their scope, so that an extension turned into a field of the same name
// keeps it. A proto2 group renamed is one change, its field name following
// its type's.
func reused(of, nf protoreflect.FieldDescriptor) bool {
	if of.Name() == nf.Name() || of.Kind() == nf.Kind() && typeName(of) == typeName(nf) {
		return false
	}
	if of.IsMap() && nf.IsMap() {
		// A map's entry message is named after its field, so renaming the
		// field renames the entry: what the entries hold decides.
		ok, ov, nk, nv := of.MapKey(), of.MapValue(), nf.MapKey(), nf.MapValue()
		if ok.Kind() == nk.Kind() && ov.Kind() == nv.Kind() && typeName(ov) == typeName(nv) {
			return false
		}
	}
	return !(isGroupNamed(of) && isGroupNamed(nf))
}

// nameOf is a field's name, an extension's full name.
func nameOf(f protoreflect.FieldDescriptor) string {
	if f.IsExtension() {
		return string(f.FullName())
	}
	return string(f.Name())
}

// isGroupNamed reports whether f is a group whose field name is its
// type's, lowercased, as proto2 groups are declared.
func isGroupNamed(f protoreflect.FieldDescriptor) bool {
	return f.Kind() == protoreflect.GroupKind && string(f.Name()) == strings.ToLower(string(f.Message().Name()))
}

var fieldWireSameSignedness = &Rule{
	ID:         "FIELD_WIRE_SAME_SIGNEDNESS",
	Categories: []Category{WireJSON, Wire},
	Direction:  Both,
	Doc: `integer fields keep their signedness

int32, uint32 and their 64-bit kin share the varint encoding, so parsers
accept a switch between them, but the numbers change: a negative int32
reads as a huge uint32 (4294967295 for -1), and a uint32 above 2^31-1
reads as a negative int32. fixed32 and sfixed32, fixed64 and sfixed64 do
the same. JSON readers reject the out-of-range values outright.

  before: int32 delta = 3;
  after:  uint32 delta = 3;

The direction is that of the readers whose values change: uint32 to int64
breaks only old readers of new negative values. Add a new field instead.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if sign, _ := numberLoss(of, nf); sign != 0 {
				p.reportDir(sign, fieldSpan(nf, typeTag(nf)), fieldSpan(of, typeTag(of)),
					"%s changed type from %s to %s: %s", fieldDesc(nf), kindString(of), kindString(nf), signWhy(sign))
			}
		})
	},
}

func signWhy(d Direction) string {
	switch d {
	case Backward:
		return "new readers change the sign of some old values"
	case Forward:
		return "old readers change the sign of some new values"
	}
	return "readers on both sides change the sign of some values"
}

var fieldWireNoNarrowing = &Rule{
	ID:         "FIELD_WIRE_NO_NARROWING",
	Categories: []Category{WireJSON, Wire},
	Direction:  Both,
	Doc: `integer fields do not narrow

int64 and int32 share the varint encoding, so parsers accept a switch, but
a 32-bit reader truncates a 64-bit value to its low bits (2^32+1 reads as
1), and a bool reader turns every non-zero number into true. JSON readers
reject out-of-range values.

  before: int64 size = 3;
  after:  int32 size = 3;

Narrowing breaks new readers of old data: an error. Widening (int32 to
int64) is a warning for old readers of new data: they truncate the values
that only the new type can hold, so the change is safe only once every
reader is rebuilt before writers use the wider range.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			_, narrow := numberLoss(of, nf)
			if narrow == 0 {
				return
			}
			at, was := fieldSpan(nf, typeTag(nf)), fieldSpan(of, typeTag(of))
			switch narrow {
			case Backward:
				p.reportDir(Backward, at, was, "%s narrowed from %s to %s: new readers truncate old values",
					fieldDesc(nf), kindString(of), kindString(nf))
			case Forward:
				p.warnDir(Forward, at, was, "%s widened from %s to %s: old readers truncate new values",
					fieldDesc(nf), kindString(of), kindString(nf))
			}
		})
	},
}

var fieldWireSameUTF8Validation = &Rule{
	ID:         "FIELD_WIRE_SAME_UTF8_VALIDATION",
	Categories: []Category{WireJSON, Wire},
	Direction:  Both,
	Doc: `string fields keep their UTF-8 validation

A reader of a string field with utf8_validation VERIFY (proto3 and
editions by default) rejects the whole message when the field holds
invalid UTF-8; with NONE (proto2) or a bytes field, anything goes. A
writer that does not validate can therefore produce data that a
validating reader refuses.

  before: string name = 1;             // edition 2023: VERIFY
  after:  string name = 1 [features.utf8_validation = NONE];

Turning validation off (or string to bytes) breaks old readers of new
data; turning it on (or bytes to string) breaks new readers of old data.
Change it only when every writer is known to produce valid UTF-8.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if classOf(of) != classBytes || classOf(nf) != classBytes {
				return
			}
			ov, nv := utf8Verified(of), utf8Verified(nf)
			if ov == nv {
				return
			}
			at, was := fieldSpan(nf, fieldOptionsTag, fieldFeaturesTag, featureUTF8Tag), fieldSpan(of, fieldOptionsTag, fieldFeaturesTag, featureUTF8Tag)
			if of.Kind() != nf.Kind() {
				at, was = fieldSpan(nf, typeTag(nf)), fieldSpan(of, typeTag(of))
			}
			if ov {
				p.reportDir(Forward, at, was, "%s no longer validates UTF-8: old readers reject new data that is not valid UTF-8", fieldDesc(nf))
			} else {
				p.reportDir(Backward, at, was, "%s now validates UTF-8: new readers reject old data that is not valid UTF-8", fieldDesc(nf))
			}
		})
	},
}

var fieldSameCardinality = &Rule{
	ID:         "FIELD_SAME_CARDINALITY",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `fields keep their cardinality

Generated code differs for a singular field with explicit presence (has
methods, pointers), one with implicit presence, a required field, a
repeated field and a map. Changing between them changes the API.

  before: string name = 1;
  after:  optional string name = 1;

Add a new field with the new cardinality and migrate.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.ContainingMessage().IsMapEntry() {
				return // generated: presence of map keys and values means nothing
			}
			if oc, nc := cardinality(of), cardinality(nf); oc != nc {
				p.report(fieldSpan(nf), fieldSpan(of), "%s changed cardinality from %q to %q", fieldDesc(nf), oc, nc)
			}
		})
	},
}

var fieldWireCompatibleCardinality = &Rule{
	ID:         "FIELD_WIRE_COMPATIBLE_CARDINALITY",
	Categories: []Category{Wire},
	Direction:  Both,
	Doc: `fields keep a cardinality with the same binary encoding

A required field must be present: a reader that requires it rejects data
without it. A repeated scalar is packed by default in proto3 and editions,
and a singular reader drops packed data.

  before: int32 id = 1;
  after:  repeated int32 ids = 1;

A string, bytes or message field may become repeated: a repeated reader
sees one element in old data. The other way round is lossy for some data:
a singular reader keeps the last of several elements (a message merges
them all), a warning in the direction where the repeated side writes.
The same holds for unpacked repeated scalars. Presence (optional or not)
does not change the encoding. Otherwise add a new field.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.ContainingMessage().IsMapEntry() {
				return
			}
			p.reportCardinality(of, nf, wireCardinalityChange(of, nf))
		})
	},
}

var fieldWireJSONCompatibleCardinality = &Rule{
	ID:         "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
	Categories: []Category{CSR, WireJSON},
	Direction:  Both,
	Doc: `fields keep a cardinality with the same binary and JSON encodings

JSON writes a repeated field as an array and a map as an object; a reader
expecting a single value, or the other container, rejects it. A required
field must be present for readers that require it.

  before: string tag = 1;
  after:  repeated string tags = 1;

Presence (optional or not) may change. Otherwise add a new field.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.ContainingMessage().IsMapEntry() {
				return
			}
			p.reportCardinality(of, nf, jsonCardinalityChange(of, nf))
		})
	},
}

// reportCardinality reports a cardinality change, as a warning for a
// hazard.
func (p *pass) reportCardinality(of, nf protoreflect.FieldDescriptor, c cardChange) {
	if c.dir == 0 {
		return
	}
	report := p.reportDir
	if c.hazard {
		report = p.warnDir
	}
	report(c.dir, fieldSpan(nf), fieldSpan(of), "%s changed cardinality from %q to %q: %s",
		fieldDesc(nf), cardinality(of), cardinality(nf), c.why)
}

var fieldSameOneof = &Rule{
	ID:         "FIELD_SAME_ONEOF",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `fields stay in or out of their oneof

Generated code handles a oneof member through the oneof (a case enum, a
wrapper type), so moving a field into, out of or between oneofs changes
the API. buf also lists this rule under WIRE_JSON and WIRE; protocheck
checks the wire with FIELD_WIRE_COMPATIBLE_ONEOF, which allows a field to
move alone into a new oneof.

  before: string email = 2;
  after:  oneof contact { string email = 2; }

Add a new field in the oneof and migrate. The synthetic oneof of a proto3
optional field does not count.`,
	run: func(p *pass) {
		p.forEachFieldPair(func(of, nf protoreflect.FieldDescriptor) {
			oo, no := realOneof(of), realOneof(nf)
			switch {
			case oo == nil && no == nil:
			case oo != nil && no != nil:
				if oo.Name() != no.Name() {
					p.report(fieldSpan(nf), fieldSpan(of), "%s moved from oneof %q to oneof %q", fieldDesc(nf), oo.Name(), no.Name())
				}
			case no != nil:
				p.report(fieldSpan(nf), fieldSpan(of), "%s moved into oneof %q", fieldDesc(nf), no.Name())
			default:
				p.report(fieldSpan(nf), fieldSpan(of), "%s moved out of oneof %q", fieldDesc(nf), oo.Name())
			}
		})
	},
}

var fieldWireCompatibleOneof = &Rule{
	ID:         "FIELD_WIRE_COMPATIBLE_ONEOF",
	Categories: []Category{WireJSON, Wire},
	Direction:  Both,
	Doc: `fields that may be set together stay apart

A reader keeps at most one member of a oneof: when data sets two, the
binary reader keeps the last and JSON readers reject the message. Two
existing fields joined in one oneof break new readers of old data that
set both; two members of a oneof split apart break old readers of new
data that sets both.

  before: string email = 2; string phone = 3;
  after:  oneof contact { string email = 2; string phone = 3; }

A single existing field may move into a new oneof (alone, or with new
fields): no data sets it together with anything else. Otherwise add new
fields in the oneof and migrate.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			// Joined: old writers may set both; new readers keep one.
			p.oneofJoins(nm, om, nm, Backward, "now share oneof %q: new readers keep only one of them from old data")
			// Split: new writers may set both; old readers keep one.
			p.oneofJoins(om, nm, nm, Forward, "no longer share oneof %q: old readers keep only one of them from new data")
		})
	},
}

// oneofJoins reports fields of a that share a oneof in a but did not in b,
// both fields existing in both; at is the new version's message.
func (p *pass) oneofJoins(a, b, at protoreflect.MessageDescriptor, dir Direction, format string) {
	oos := a.Oneofs()
	for i := range oos.Len() {
		o := oos.Get(i)
		if o.IsSynthetic() {
			continue
		}
		fs := o.Fields()
		for j := range fs.Len() {
			for k := j + 1; k < fs.Len(); k++ {
				x, y := fs.Get(j), fs.Get(k)
				bx, by := p.members().fieldByNumber(b, x.Number()), p.members().fieldByNumber(b, y.Number())
				if bx == nil || by == nil {
					continue
				}
				if bo := realOneof(bx); bo != nil && bo == realOneof(by) {
					continue
				}
				nx, ox := p.members().fieldByNumber(at, x.Number()), x
				if a == at {
					ox = bx
				}
				p.reportDir(dir, fieldSpan(nx), fieldSpan(ox), "fields %d %q and %d %q on %s "+format,
					x.Number(), x.Name(), y.Number(), y.Name(), at.FullName(), o.Name())
			}
		}
	}
}

var fieldSameDefault = &Rule{
	ID:         "FIELD_SAME_DEFAULT",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `fields keep their default value

A reader returns the default of a field absent from the data. Changing the
default changes what readers on each side see for the same bytes.

  before: optional int32 retries = 4 [default = 3];
  after:  optional int32 retries = 4 [default = 5];

Keep the default; if the meaning must change, add a new field.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if !hasScalarDefault(of) || !hasScalarDefault(nf) {
				return
			}
			if !of.HasDefault() && !nf.HasDefault() && of.Kind() != protoreflect.EnumKind && nf.Kind() != protoreflect.EnumKind {
				return // both the zero of their type, the case below, without formatting each
			}
			od, nd := defaultOf(of), defaultOf(nf)
			if od.zero && nd.zero || defaultsEqual(od, nd) {
				return
			}
			p.report(fieldSpan(nf, fieldDefaultTag), fieldSpan(of, fieldDefaultTag),
				"%s changed default value from %s to %s", fieldDesc(nf), od.text, nd.text)
		})
	},
}

var fieldSameJSType = &Rule{
	ID:         "FIELD_SAME_JSTYPE",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `64-bit integer fields keep their jstype

The jstype option decides whether JavaScript code holds a 64-bit integer
as a string or a number; changing it changes the generated type.

  before: int64 id = 1 [jstype = JS_STRING];
  after:  int64 id = 1;

Add a new field with the new option and migrate.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if !is64Bit(of) || !is64Bit(nf) {
				return
			}
			if oj, nj := jsType(of), jsType(nf); oj != nj {
				p.report(fieldSpan(nf, fieldOptionsTag, fieldJSTypeTag), fieldSpan(of, fieldOptionsTag, fieldJSTypeTag),
					"%s changed option jstype from %s to %s", fieldDesc(nf), oj, nj)
			}
		})
	},
}

var fieldSameCppStringType = &Rule{
	ID:         "FIELD_SAME_CPP_STRING_TYPE",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `string and bytes fields keep their C++ string type

The ctype option, or the (pb.cpp).string_type feature in editions, decides
whether C++ code holds the field as std::string, absl::Cord or a view;
changing it changes the generated accessors.

  before: bytes blob = 1 [ctype = CORD];
  after:  bytes blob = 1;

STRING_PIECE may become STRING. Otherwise add a new field and migrate.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.ContainingMessage().IsMapEntry() || classOf(of) != classBytes || classOf(nf) != classBytes {
				return
			}
			ot, nt := cppStringType(of), cppStringType(nf)
			if ot == nt || ot == "STRING_PIECE" && nt == "STRING" {
				return
			}
			p.report(cppStringTypeSpan(nf), cppStringTypeSpan(of),
				"%s changed C++ string type from %s to %s", fieldDesc(nf), ot, nt)
		})
	},
}

func cppStringTypeSpan(f protoreflect.FieldDescriptor) Span {
	return firstSpan(f, []int32{fieldOptionsTag, fieldCtypeTag},
		[]int32{fieldOptionsTag, fieldFeaturesTag, featureCppTag, cppStringTypeTag})
}

var fieldSameJavaUTF8Validation = &Rule{
	ID:         "FIELD_SAME_JAVA_UTF8_VALIDATION",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `string fields keep their Java UTF-8 validation

The java_string_check_utf8 file option, or the (pb.java).utf8_validation
feature in editions, decides whether Java code throws on invalid UTF-8
when it parses or builds a string field; changing it changes behaviour
that callers rely on.

  before: option java_string_check_utf8 = true;
  after:  (option removed)

Keep the option; validate in application code if the policy must change.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.Kind() != protoreflect.StringKind || nf.Kind() != protoreflect.StringKind {
				return
			}
			if ov, nv := javaUTF8Verified(of), javaUTF8Verified(nf); ov != nv {
				p.report(javaUTF8Span(nf), javaUTF8Span(of), "%s changed Java string UTF-8 validation from %s to %s",
					fieldDesc(nf), verifyWord(ov), verifyWord(nv))
			}
		})
	},
}

func javaUTF8Span(f protoreflect.FieldDescriptor) Span {
	// The file's option when the source sets it, else the field's feature.
	file := f.ParentFile()
	if file.SourceLocations().ByPath(protoreflect.SourcePath{fileOptionsTag, fileJavaUTF8Tag}).Path != nil {
		return spanOf(file, fileOptionsTag, fileJavaUTF8Tag)
	}
	return fieldSpan(f, fieldOptionsTag, fieldFeaturesTag, featureJavaTag, javaUTF8Tag)
}

func verifyWord(v bool) string {
	if v {
		return "VERIFY"
	}
	return "NONE"
}

var fieldSameUTF8Validation = &Rule{
	ID:         "FIELD_SAME_UTF8_VALIDATION",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `string fields keep their UTF-8 validation

The utf8_validation feature (VERIFY in proto3 and editions, NONE in
proto2) decides whether parsers reject invalid UTF-8 in a string field and
whether some languages generate it as text or as bytes.

  before: string name = 1;
  after:  string name = 1 [features.utf8_validation = NONE];

Keep the feature; FIELD_WIRE_SAME_UTF8_VALIDATION says which readers a
change breaks.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.Kind() != protoreflect.StringKind || nf.Kind() != protoreflect.StringKind {
				return
			}
			if ov, nv := utf8Verified(of), utf8Verified(nf); ov != nv {
				p.report(fieldSpan(nf, fieldOptionsTag, fieldFeaturesTag, featureUTF8Tag), fieldSpan(of, fieldOptionsTag, fieldFeaturesTag, featureUTF8Tag),
					"%s changed UTF-8 validation from %s to %s", fieldDesc(nf), verifyWord(ov), verifyWord(nv))
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
drop (or reject) the field under the name they do not know. Extensions
are known by their full name: an extension turned into a field of the
message it extended, on the same number, changes name in JSON too
("[acme.v1.rank]" becomes "rank").

  before: string email = 2;
  after:  string email_address = 2;

Add a field with the new name and a new number, and migrate.`,
	run: func(p *pass) {
		p.forEachFieldOrExtensionPair(func(of, nf protoreflect.FieldDescriptor) {
			on, nn := nameOf(of), nameOf(nf)
			if on == nn {
				return
			}
			what := fmt.Sprintf("field %d on %s", nf.Number(), nf.ContainingMessage().FullName())
			switch {
			case of.IsExtension() && nf.IsExtension():
				what = fmt.Sprintf("extension %d of %s", nf.Number(), nf.ContainingMessage().FullName())
			case of.IsExtension():
				what = fmt.Sprintf("extension %d of %s, now a field,", nf.Number(), nf.ContainingMessage().FullName())
			case nf.IsExtension():
				what = fmt.Sprintf("field %d on %s, now an extension,", nf.Number(), nf.ContainingMessage().FullName())
			}
			p.report(fieldSpan(nf, nameTag), fieldSpan(of, nameTag), "%s changed name from %q to %q", what, on, nn)
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
rejects the field, so data written in JSON is lost. A rename changes the
derived JSON name too.

  before: string email = 2;
  after:  string email = 2 [json_name = "mail"];

Leave json_name alone once data is written with it; to rename a field for
code only, set json_name to the old JSON name.`,
	run: func(p *pass) {
		p.forEachFieldPair(func(of, nf protoreflect.FieldDescriptor) {
			if of.JSONName() != nf.JSONName() {
				p.report(fieldSpan(nf, fieldJSONNameTag), fieldSpan(of, fieldJSONNameTag),
					"%s changed JSON name from %q to %q", fieldDesc(nf), of.JSONName(), nf.JSONName())
			}
		})
	},
}

var messageSameRequiredFields = &Rule{
	ID:         "MESSAGE_SAME_REQUIRED_FIELDS",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `messages neither gain nor lose required fields

A reader rejects a message that lacks one of its required fields. A field
made required (or added as required) breaks new readers of old data
without it; a required field deleted or made optional breaks old readers
of new data without it. Editions spell required as
features.field_presence = LEGACY_REQUIRED, which counts the same (buf
looks only at the proto2 label).

  before: message User { optional string id = 1; }
  after:  message User { required string id = 1; }

Avoid required; validate presence in application code.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			ofs, nfs := om.Fields(), nm.Fields()
			for i := range ofs.Len() {
				of := ofs.Get(i)
				if of.Cardinality() != protoreflect.Required {
					continue
				}
				if nf := p.members().fieldByNumber(nm, of.Number()); nf == nil || nf.Cardinality() != protoreflect.Required {
					p.reportDir(Forward, spanOf(nm), spanOf(om), "required %s is no longer required: old readers reject new data without it", fieldDesc(of))
				}
			}
			for i := range nfs.Len() {
				nf := nfs.Get(i)
				if nf.Cardinality() != protoreflect.Required {
					continue
				}
				if of := p.members().fieldByNumber(om, nf.Number()); of == nil || of.Cardinality() != protoreflect.Required {
					p.reportDir(Backward, fieldSpan(nf), Span{}, "%s is newly required: new readers reject old data without it", fieldDesc(nf))
				}
			}
		})
	},
}

// warnDir is reportDir for a hazard: the finding is a warning whatever
// the rule's severity.
func (p *pass) warnDir(dir Direction, at, was Span, format string, args ...any) {
	p.reportDir(dir, at, was, format, args...)
	p.findings[len(p.findings)-1].Severity = Warning
}

// firstSpan locates the first of the token paths below d that the source
// has, or d itself.
func firstSpan(d protoreflect.Descriptor, subs ...[]int32) Span {
	whole := spanOf(d)
	for _, sub := range subs {
		if s := spanOf(d, sub...); s != whole {
			return s
		}
	}
	return whole
}

// typeTag is the source path below a field for its type token: type_name
// for messages and enums, type for scalars and for proto2 groups, whose
// type is the group keyword (buf reports there; the name that follows is
// the group's message and its field's name at once).
func typeTag(f protoreflect.FieldDescriptor) int32 {
	switch f.Kind() {
	case protoreflect.GroupKind:
		if f.ParentFile().Syntax() == protoreflect.Proto2 {
			return fieldTypeTag
		}
		return fieldTypeNameTag
	case protoreflect.MessageKind, protoreflect.EnumKind:
		return fieldTypeNameTag
	}
	return fieldTypeTag
}

// kindString names a field's type for messages, qualifying enums and
// messages with their kind: "int32", "message acme.v1.User". Editions have
// no groups: a message field with message_encoding = DELIMITED is one.
func kindString(f protoreflect.FieldDescriptor) string {
	switch f.Kind() {
	case protoreflect.MessageKind:
		if f.IsMap() {
			return typeString(f)
		}
		return "message " + typeString(f)
	case protoreflect.GroupKind:
		if f.ParentFile().Syntax() == protoreflect.Editions {
			return "delimited message " + typeString(f)
		}
		return "group " + typeString(f)
	case protoreflect.EnumKind:
		return "enum " + typeString(f)
	}
	return f.Kind().String()
}

// fieldSpan is spanOf for fields, except that a map's key and value,
// which have no source of their own, are located at the map field's type,
// map<K, V>, whatever sub asks for, as buf does.
func fieldSpan(f protoreflect.FieldDescriptor, sub ...int32) Span {
	if mf := mapFieldOf(f); mf != nil {
		return spanOf(mf, fieldTypeNameTag)
	}
	return spanOf(f, sub...)
}

// mapFieldOf returns the map field whose key or value f is, or nil.
func mapFieldOf(f protoreflect.FieldDescriptor) protoreflect.FieldDescriptor {
	m := f.ContainingMessage()
	if m == nil || !m.IsMapEntry() {
		return nil
	}
	if parent, ok := m.Parent().(protoreflect.MessageDescriptor); ok {
		pfs := parent.Fields()
		for i := range pfs.Len() {
			if pf := pfs.Get(i); pf.Message() != nil && pf.Message().FullName() == m.FullName() {
				return pf
			}
		}
	}
	return nil
}
