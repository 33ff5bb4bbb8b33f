package compat

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Source paths below a message for its options.
const (
	msgOptionsTag           = 7 // DescriptorProto.options
	messageSetWireFormatTag = 1 // MessageOptions.message_set_wire_format
	noStdDescAccessorTag    = 2 // MessageOptions.no_standard_descriptor_accessor
)

var messageNoDelete = &Rule{
	ID:         "MESSAGE_NO_DELETE",
	Categories: []Category{CSR, File},
	Direction:  Both,
	Doc: `messages are not deleted from a file

Deleting a message removes its generated type, breaking code that uses it,
and any field or RPC elsewhere that refers to it no longer compiles. Moving
it to another file counts as a deletion too: generated code lives per file.

  before: message Address { ... }
  after:  (gone)

Deprecate the message (option deprecated = true), move users to its
replacement, and delete it in a major version.`,
	run: func(p *pass) {
		p.forEachDeletedInFile(func(d protoreflect.Descriptor, nf protoreflect.FileDescriptor, survivor protoreflect.MessageDescriptor) {
			// Each nested message is reported too, as buf does: code
			// may use any of them.
			om, ok := d.(protoreflect.MessageDescriptor)
			if !ok {
				return
			}
			if survivor != nil {
				p.report(spanOf(survivor), spanOf(om), "message %q was deleted from %s", om.Name(), survivor.FullName())
				return
			}
			p.report(fileSpan(nf), spanOf(om), "message %s was deleted from file %q", om.FullName(), nf.Path())
		})
	},
}

var oneofNoDelete = &Rule{
	ID:         "ONEOF_NO_DELETE",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `oneofs are not deleted from a message

Generated code has an accessor (a case enum, a sealed interface) for each
oneof; deleting the oneof removes it and breaks code that uses it. Its
fields then no longer exclude each other: a reader may see two of them set.

  before: oneof contact { string email = 2; string phone = 3; }
  after:  string email = 2; string phone = 3;

Keep the oneof; deprecate the fields inside it instead. Optional fields of
proto3 (whose oneofs are synthetic) are not concerned.`,
	run: func(p *pass) {
		p.forEachOneof(func(oo, no protoreflect.OneofDescriptor, nm protoreflect.MessageDescriptor) {
			if no == nil && !oo.IsSynthetic() {
				p.report(spanOf(nm), spanOf(oo), "oneof %q was deleted from %s", oo.Name(), nm.FullName())
			}
		})
	},
}

var fieldNoDeleteUnlessNameReserved = &Rule{
	ID:         "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
	Categories: []Category{CSR, WireJSON},
	Severity:   Warning,
	Direction:  Both,
	Doc: `fields are not deleted unless their name is reserved

JSON and text formats write a field by name. If a later change gives a
deleted field's name to a new field, JSON written by old programs fills the
new field with data of another meaning. Reserving the name makes protoc
refuse the reuse.

  before: message User { string email = 2; }
  after:  message User { }

Reserve the name when deleting the field:

  message User { reserved "email"; }`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if om.IsMapEntry() {
				return
			}
			ofs := om.Fields()
			for i := range ofs.Len() {
				of := ofs.Get(i)
				if p.members().fieldByNumberAt(nm, of.Number(), i) == nil && !isReservedName(nm, of.Name()) {
					p.report(spanOf(nm), spanOf(of), "%s was deleted without reserving its name", fieldDesc(of))
					p.about(fieldElement(of), nil)
				}
			}
		})
	},
}

var reservedMessageNoDelete = &Rule{
	ID:         "RESERVED_MESSAGE_NO_DELETE",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `reserved numbers and names are not deleted from a message

A reservation records that a number or name was used once, and keeps it
from being reused for a field of another meaning, which would corrupt the
data that old programs still write. Deleting the reservation removes that
protection.

  before: message User { reserved 2, 5 to 9; reserved "email"; }
  after:  message User { reserved 2; }

Keep reservations forever; adding to them is always safe.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			for _, lost := range lostRanges(om.ReservedRanges(), nm.ReservedRanges()) {
				p.report(spanOf(nm), spanOf(om), "reserved %s of %s %s no longer reserved", lost, nm.FullName(), isAre(lost))
			}
			for _, name := range lostNames(om.ReservedNames(), nm.ReservedNames()) {
				p.report(spanOf(nm), spanOf(om), "reserved name %q of %s is no longer reserved", name, nm.FullName())
			}
		})
	},
}

var extensionMessageNoDelete = &Rule{
	ID:         "EXTENSION_MESSAGE_NO_DELETE",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `extension ranges are not deleted from a message

Other files, often owned by other teams, extend a message within its
extension ranges. Narrowing or deleting a range makes those extensions
invalid: their files stop compiling.

  before: message Base { extensions 100 to 199; }
  after:  message Base { extensions 100 to 149; }

Keep extension ranges; widen them if you need to, never narrow them.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			for _, lost := range lostRanges(om.ExtensionRanges(), nm.ExtensionRanges()) {
				p.report(spanOf(nm), spanOf(om), "extension %s of %s %s no longer in an extension range", lost, nm.FullName(), isAre(lost))
			}
		})
	},
}

var messageNoRemoveStandardDescriptorAccessor = &Rule{
	ID:         "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `messages keep their standard descriptor accessor

With no_standard_descriptor_accessor set, generated code has no
descriptor() accessor for the message (in C++ and Java); code that calls
it stops compiling.

  before: message User { ... }
  after:  message User { option no_standard_descriptor_accessor = true; ... }

Leave the option unset or false.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if !messageOptions(om).GetNoStandardDescriptorAccessor() && messageOptions(nm).GetNoStandardDescriptorAccessor() {
				p.report(tokenSpan(nm, msgOptionsTag, noStdDescAccessorTag), spanOf(om),
					"message %s set option no_standard_descriptor_accessor, removing its descriptor accessor", nm.FullName())
			}
		})
	},
}

var messageSameMessageSetWireFormat = &Rule{
	ID:        "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT",
	Direction: Both,
	Doc: `messages keep their message_set_wire_format option

A message set encodes its extensions in a legacy group layout instead of
as ordinary fields; readers and writers that disagree about the option
cannot read each other's data.

  before: message Bag { option message_set_wire_format = true; extensions 4 to max; }
  after:  message Bag { extensions 4 to max; }

Never change the option. Deprecated in buf, where the rule no longer does
anything; protocheck still checks it. It belongs to no category: name it
in use to run it.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			ov, nv := messageOptions(om).GetMessageSetWireFormat(), messageOptions(nm).GetMessageSetWireFormat()
			if ov != nv {
				p.report(spanOf(nm, msgOptionsTag, messageSetWireFormatTag), spanOf(om, msgOptionsTag, messageSetWireFormatTag),
					"message %s changed option message_set_wire_format from %t to %t", nm.FullName(), ov, nv)
			}
		})
	},
}

func messageOptions(m protoreflect.MessageDescriptor) *descriptorpb.MessageOptions {
	opts, _ := m.Options().(*descriptorpb.MessageOptions)
	return opts
}

// span is an inclusive range of numbers.
type span [2]int64

func (s span) String() string {
	if s[0] == s[1] {
		return fmt.Sprintf("number %d", s[0])
	}
	return fmt.Sprintf("numbers %d to %d", s[0], s[1])
}

// A loss is what one old range lost: the numbers no new range covers, in
// order. buf reports a range once, however many gaps it has.
type loss []span

// String names the numbers lost: "number 5", "numbers 7 to 8", "numbers
// 5, 7 to 8 and 10".
func (l loss) String() string {
	if len(l) == 1 {
		return l[0].String()
	}
	parts := make([]string, len(l))
	for i, s := range l {
		parts[i] = strings.TrimPrefix(strings.TrimPrefix(s.String(), "numbers "), "number ")
	}
	return "numbers " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func isAre(l loss) string {
	if len(l) == 1 && l[0][0] == l[0][1] {
		return "is"
	}
	return "are"
}

// inclusive lists the ranges of message fields or enum values with
// inclusive ends.
func inclusive(r any) []span {
	var out []span
	switch r := r.(type) {
	case protoreflect.FieldRanges:
		for i := range r.Len() {
			x := r.Get(i)
			out = append(out, span{int64(x[0]), int64(x[1]) - 1}) // field ranges end exclusive
		}
	case protoreflect.EnumRanges:
		for i := range r.Len() {
			x := r.Get(i)
			out = append(out, span{int64(x[0]), int64(x[1])})
		}
	}
	return out
}

// lostRanges returns, for each old range that lost numbers, the parts of
// it that no new range covers, in order.
func lostRanges(old, new any) []loss {
	var lost []loss
	news := inclusive(new)
	for _, o := range inclusive(old) {
		if gaps := subtract(o, news); len(gaps) > 0 {
			lost = append(lost, gaps)
		}
	}
	return lost
}

// subtract returns the parts of s that none of the ranges cover.
func subtract(s span, ranges []span) []span {
	rest := []span{s}
	for _, r := range ranges {
		var next []span
		for _, x := range rest {
			if r[1] < x[0] || r[0] > x[1] {
				next = append(next, x)
				continue
			}
			if x[0] < r[0] {
				next = append(next, span{x[0], r[0] - 1})
			}
			if x[1] > r[1] {
				next = append(next, span{r[1] + 1, x[1]})
			}
		}
		rest = next
	}
	return rest
}

// names is what the reserved names of messages and enums have in common.
type names interface {
	Len() int
	Get(int) protoreflect.Name
	Has(protoreflect.Name) bool
}

// lostNames returns the old names that the new list lacks.
func lostNames(old, new names) []string {
	var out []string
	for i := range old.Len() {
		if n := old.Get(i); !new.Has(n) {
			out = append(out, string(n))
		}
	}
	return out
}
