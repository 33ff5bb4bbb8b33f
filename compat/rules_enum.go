package compat

import (
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

var enumValueNoDelete = &Rule{
	ID:         "ENUM_VALUE_NO_DELETE",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `enum values are not deleted

Generated code has a constant per enum value; deleting the value breaks
code that uses the constant. Readers of old data then see a number they do
not know: open enums keep it as an unnamed number, closed enums move the
field to unknown fields.

  before: enum State { STATE_UNSPECIFIED = 0; STATE_DONE = 2; }
  after:  enum State { STATE_UNSPECIFIED = 0; }

Deprecate the value instead; delete it only together with reserving its
number and name: reserved 2; reserved "STATE_DONE";`,
	run: func(p *pass) {
		p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
			m := p.members()
			ovs := oe.Values()
			for i := range ovs.Len() {
				ov := ovs.Get(i)
				// A number is reported once, under its first name, as buf
				// does: aliases go with it.
				if m.first(oe, ov) && !m.hasNumberAt(ne, ov.Number(), i) {
					p.report(spanOf(ne), spanOf(ov), "%s was deleted", valueDesc(ov))
					p.about(valueElement(ov), nil)
				}
			}
		})
	},
}

var enumValueSameName = &Rule{
	ID:         "ENUM_VALUE_SAME_NAME",
	Categories: []Category{CSR, File, Package, WireJSON},
	Direction:  Both,
	Doc: `enum values keep their name

JSON and text formats write an enum value by name; a reader that knows the
number under another name rejects the data. Generated code loses the old
constant too.

  before: STATE_DONE = 2;
  after:  STATE_FINISHED = 2;

Add the new name as an alias (option allow_alias = true) and keep the old
one until no data or code uses it.`,
	run: func(p *pass) {
		p.forEachEnumValuePair(func(ov, nv protoreflect.EnumValueDescriptor) {
			m := p.members()
			oe, ne := ov.Parent().(protoreflect.EnumDescriptor), nv.Parent().(protoreflect.EnumDescriptor)
			if ov.Name() == nv.Name() && m.alone(oe, ov) && m.alone(ne, nv) {
				return // one name each, the same: what follows finds nothing
			}
			// With aliases a number has several names. JSON readers accept
			// each, so every old name must stay; a new alias is fine.
			oldNames, newNames := p.namesOf(ov), p.namesOf(nv)
			if !slices.ContainsFunc(oldNames, func(n string) bool { return !slices.Contains(newNames, n) }) {
				// JSON writes a number under its first name: an alias
				// added before the old names is what new writers send,
				// and old readers do not know it. An alias added after
				// them, or another order of the old names, is silent.
				if !slices.Contains(oldNames, newNames[0]) {
					p.reportDir(Forward, spanOf(nv, enumValueNumberTag), spanOf(ov, enumValueNumberTag),
						"value %d of %s is written in JSON as %q, an alias added before %s, which old readers do not know",
						nv.Number(), nv.Parent().FullName(), nv.Name(), quoteAll(oldNames))
				}
				return
			}
			for _, v := range p.members().sameNumber(nv.Parent().(protoreflect.EnumDescriptor), nv.Number()) {
				if len(oldNames) == 1 && len(newNames) == 1 {
					p.report(spanOf(v, enumValueNumberTag), spanOf(ov, enumValueNumberTag),
						"value %d of %s changed name from %q to %q", v.Number(), v.Parent().FullName(), ov.Name(), v.Name())
					continue
				}
				p.report(spanOf(v, enumValueNumberTag), spanOf(ov, enumValueNumberTag),
					"value %d of %s changed names from %s to %s", v.Number(), v.Parent().FullName(), quoteAll(oldNames), quoteAll(newNames))
			}
		})
	},
}

var enumNoDelete = &Rule{
	ID:         "ENUM_NO_DELETE",
	Categories: []Category{CSR, File},
	Direction:  Both,
	Doc: `enums are not deleted from a file

Deleting an enum removes its generated type and constants, breaking code
that uses them, and fields elsewhere that refer to it no longer compile.
Moving it to another file counts as a deletion too: generated code lives
per file.

  before: enum State { STATE_UNSPECIFIED = 0; STATE_DONE = 1; }
  after:  (gone)

Deprecate the enum (option deprecated = true), move users to its
replacement, and delete it in a major version.`,
	run: func(p *pass) {
		p.forEachDeletedInFile(func(d protoreflect.Descriptor, nf protoreflect.FileDescriptor, survivor protoreflect.MessageDescriptor) {
			oe, ok := d.(protoreflect.EnumDescriptor)
			if !ok {
				return
			}
			if survivor != nil {
				p.report(spanOf(survivor), spanOf(oe), "enum %s was deleted from %s", oe.FullName(), survivor.FullName())
				return
			}
			p.report(fileSpan(nf), spanOf(oe), "enum %s was deleted from file %q", oe.FullName(), nf.Path())
		})
	},
}

// enumValueNoDeleteUnless builds the rule that allows deleting an enum
// value only when reserved says its number or names are reserved.
func enumValueNoDeleteUnless(id string, cats []Category, what string, reserved func(ne protoreflect.EnumDescriptor, old []protoreflect.EnumValueDescriptor) bool, doc string) *Rule {
	return &Rule{
		ID:         id,
		Categories: cats,
		Severity:   Warning,
		Direction:  Both,
		Doc:        doc,
		run: func(p *pass) {
			p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
				m := p.members()
				ovs := oe.Values()
				for i := range ovs.Len() {
					ov := ovs.Get(i)
					if !m.first(oe, ov) || m.hasNumberAt(ne, ov.Number(), i) {
						continue // an alias, handled with the first name, or not deleted
					}
					if !reserved(ne, m.sameNumber(oe, ov.Number())) {
						p.report(spanOf(ne), spanOf(ov), "%s was deleted without reserving its %s", valueDesc(ov), what)
						p.about(valueElement(ov), nil)
					}
				}
			})
		},
	}
}

var enumValueNoDeleteUnlessNumberReserved = enumValueNoDeleteUnless(
	"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", []Category{CSR, WireJSON, Wire}, "number",
	func(ne protoreflect.EnumDescriptor, old []protoreflect.EnumValueDescriptor) bool {
		return ne.ReservedRanges().Has(old[0].Number())
	},
	`enum values are not deleted unless their number is reserved

A deleted value's number stays in data written by old programs. If a later
change gives the number to a value of another meaning, new readers
misread that data. Reserving the number makes protoc refuse the reuse.

  before: enum State { STATE_UNSPECIFIED = 0; STATE_DONE = 2; }
  after:  enum State { STATE_UNSPECIFIED = 0; }

Reserve the number when deleting the value:

  enum State { reserved 2; STATE_UNSPECIFIED = 0; }`)

var enumValueNoDeleteUnlessNameReserved = enumValueNoDeleteUnless(
	"ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", []Category{CSR, WireJSON}, "name",
	func(ne protoreflect.EnumDescriptor, old []protoreflect.EnumValueDescriptor) bool {
		for _, v := range old {
			if !ne.ReservedNames().Has(v.Name()) {
				return false
			}
		}
		return true
	},
	`enum values are not deleted unless their name is reserved

JSON and text formats write an enum value by name. If a later change gives
a deleted value's name to another number, JSON written by old programs is
read as the wrong value. Reserving the name (every name, with aliases)
makes protoc refuse the reuse.

  before: enum State { STATE_UNSPECIFIED = 0; STATE_DONE = 2; }
  after:  enum State { STATE_UNSPECIFIED = 0; }

Reserve the name when deleting the value:

  enum State { reserved "STATE_DONE"; STATE_UNSPECIFIED = 0; }`)

var reservedEnumNoDelete = &Rule{
	ID:         "RESERVED_ENUM_NO_DELETE",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `reserved numbers and names are not deleted from an enum

A reservation records that a value's number or name was used once, and
keeps it from being reused with another meaning, which would make readers
misread data that old programs still write. Deleting the reservation
removes that protection.

  before: enum State { reserved 2, 5 to 9; reserved "STATE_DONE"; ... }
  after:  enum State { reserved 2; ... }

Keep reservations forever; adding to them is always safe.`,
	run: func(p *pass) {
		p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
			for _, lost := range lostRanges(oe.ReservedRanges(), ne.ReservedRanges()) {
				p.report(spanOf(ne), spanOf(oe), "reserved %s of %s %s no longer reserved", lost, ne.FullName(), isAre(lost))
			}
			for _, name := range lostNames(oe.ReservedNames(), ne.ReservedNames()) {
				p.report(spanOf(ne), spanOf(oe), "reserved name %q of %s is no longer reserved", name, ne.FullName())
			}
		})
	},
}

var enumValueSameNumber = &Rule{
	ID:         "ENUM_VALUE_SAME_NUMBER",
	Categories: []Category{File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `enum values keep their number

Binary data carries an enum value's number, JSON and text carry its name.
When a name moves to another number, the two disagree: a reader of old
binary data sees the old number, which now means something else or
nothing, and JSON written by one side names a value the other side
encodes with a different number. buf reports the freed number only as a
deletion; the value's meaning changed too. Two values that swap numbers
are reported at each: binary data decodes, into the other value.

  before: STATE_DONE = 2;
  after:  STATE_DONE = 3;

Keep the number. To retire a value, reserve its number and name, and add
a new value with a new name.`,
	run: func(p *pass) {
		p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
			m := p.members()
			ovs := oe.Values()
			for i := range ovs.Len() {
				ov := ovs.Get(i)
				nv := m.valueByNameAt(ne, ov.Name(), i)
				if nv == nil || nv.Number() == ov.Number() {
					continue
				}
				if held := m.valueByNumber(oe, nv.Number()); held != nil && held.Name() == nv.Name() {
					continue // an alias that already held the number
				}
				p.report(spanOf(nv, enumValueNumberTag), spanOf(ov, enumValueNumberTag),
					"value %q of %s changed number from %d to %d", nv.Name(), ne.FullName(), ov.Number(), nv.Number())
				p.about(valueElement(ov), valueElement(nv))
			}
		})
	},
}

// namesOf returns the names of the values that share v's number, in
// declaration order: more than one when the enum allows aliases.
func (p *pass) namesOf(v protoreflect.EnumValueDescriptor) []string {
	var out []string
	for _, w := range p.members().sameNumber(v.Parent().(protoreflect.EnumDescriptor), v.Number()) {
		out = append(out, string(w.Name()))
	}
	return out
}

// quoteAll quotes each name and joins them with commas.
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
