package compat

import "google.golang.org/protobuf/reflect/protoreflect"

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
			ovs := oe.Values()
			for i := range ovs.Len() {
				ov := ovs.Get(i)
				if ne.Values().ByNumber(ov.Number()) == nil {
					p.report(spanOf(ne), spanOf(ov), "%s was deleted", valueDesc(ov))
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
			// With aliases a number has several names: any old name kept is enough.
			nvs := nv.Parent().(protoreflect.EnumDescriptor).Values()
			if v := nvs.ByName(ov.Name()); v != nil && v.Number() == ov.Number() {
				return
			}
			p.report(spanOf(nv, nameTag), spanOf(ov, nameTag),
				"value %d of %s changed name from %q to %q", nv.Number(), nv.Parent().FullName(), ov.Name(), nv.Name())
		})
	},
}
