package compat

import "fmt"

// The rules of this file pair fields by name as well as by number: binary
// data knows a field by its number, JSON and code by its name, and a name
// that moves to another number is read as one field by the first and as
// another by the second.

var fieldSameNumber = &Rule{
	ID:         "FIELD_SAME_NUMBER",
	Categories: []Category{File, Package, WireJSON},
	Direction:  Both,
	Doc: `fields keep their number

Binary data knows a field by its number; JSON, the text format and
generated code know it by its name. When a name moves to another number
the two part ways:

- renumbered, the old number gone: readers of each version miss the field
  in the other's binary data;
- swapped (first = 1; last = 2 becomes first = 2; last = 1): binary data
  decodes, into the wrong field;
- moved aside, the old number kept under a new name (b = 2 becomes
  b_old = 2; b = 3): old binary data of b lands in b_old, old JSON data
  of b in the new b.

  before: int64 b = 2;
  after:  int64 b = 3;

An extension renumbered within the message it extends counts the same.
buf sees only a deleted number. Keep the number; to change a field, add
one with a new name and a new number, deprecate the old one, and reserve
its number and name once it is gone. Under WIRE, FIELD_WIRE_SAME_NUMBER
reports the same changes.`,
	run: func(p *pass) {
		p.forEachFieldMove(func(mv fieldMove) {
			msg := mv.String()
			if mv.held != nil {
				msg += fmt.Sprintf("; JSON readers still read %q as %q", nameOf(mv.new), nameOf(mv.new))
			}
			p.report(spanOf(mv.new, fieldNumberTag), spanOf(mv.old, fieldNumberTag), "%s", msg)
			p.about(fieldElement(mv.old), fieldElement(mv.new))
		})
	},
}

var fieldWireSameNumber = &Rule{
	ID:         "FIELD_WIRE_SAME_NUMBER",
	Categories: []Category{Wire},
	Direction:  Both,
	Doc: `fields keep their number in binary data

Binary data knows a field by its number. A field renumbered, its old
number gone, is lost to readers of the other version; two fields that swap
numbers decode into each other. Both are errors.

  before: string first = 1; string last = 2;
  after:  string first = 2; string last = 1;

A field moved aside, its old number kept under a new name (b = 2 becomes
b_old = 2; b = 3), is a warning: binary data keeps its meaning under the
new name, but code that reads b sees old data unset, and old readers miss
the new b. Keep the numbers; to change a field, add one with a new name
and a new number. FIELD_SAME_NUMBER is the rule of WIRE_JSON and the
stricter categories, where JSON writes fields by name and every such move
is an error.

A field renumbered with its old number reserved is an error too. Its bytes
are those of a reserved deletion and an addition, which pass: each
version keeps the other's value in unknown fields. But the schema says the
field is the same one, and a program that reads it finds nothing where
every old writer put it; a deletion and an addition promise nothing of
the kind. buf, which compares numbers only, passes it.

One change, one finding: at a number that a moved field left or took, the
rules that compare fields by number (type, cardinality, sign, width,
UTF-8) do not report again, for the direction this rule covers, what
readers make of the other field's data.`,
	run: func(p *pass) {
		p.forEachFieldMove(func(mv fieldMove) {
			report := p.reportDir
			if mv.aside {
				report = p.warnDir
			}
			report(Both, spanOf(mv.new, fieldNumberTag), spanOf(mv.old, fieldNumberTag), "%s", mv)
			p.about(fieldElement(mv.old), fieldElement(mv.new))
		})
	},
}

// String describes the move and says what binary readers of each version
// make of the other's data.
func (mv fieldMove) String() string {
	of, nf := mv.old, mv.new
	what := "field %q on %s"
	if of.IsExtension() {
		what = "extension %q of %s"
	}
	on, nn := nameOf(of), nameOf(nf)
	msg := fmt.Sprintf(what+" changed number from %d to %d", nn, nf.ContainingMessage().FullName(), of.Number(), nf.Number())
	back := fmt.Sprintf("new readers miss %q in old binary data", on)
	if mv.held != nil {
		msg += fmt.Sprintf(", and number %d is now %q", of.Number(), nameOf(mv.held))
		back = fmt.Sprintf("new readers read old binary %q as %q", on, nameOf(mv.held))
	}
	fwd := "old readers miss it in new binary data"
	if mv.was != nil {
		fwd = fmt.Sprintf("old readers read new binary %q as %q", nn, nameOf(mv.was))
	}
	return msg + ": " + back + ", " + fwd
}
