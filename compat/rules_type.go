package compat

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Rules on message and enum types as a whole, beyond their members.

var enumSameType = &Rule{
	ID:         "ENUM_SAME_TYPE",
	Categories: []Category{File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `enums stay open or closed

An open enum (proto3, or features.enum_type = OPEN) keeps a number it
does not declare as the field's value; a closed enum (proto2, or CLOSED)
moves it to the unknown fields, so the field reads as unset. Generated
code differs too. buf lists this rule under FILE and PACKAGE only; it
changes what readers make of the same bytes, so protocheck lists it under
WIRE_JSON and WIRE too.

  before: enum State { option features.enum_type = OPEN; ... }
  after:  enum State { option features.enum_type = CLOSED; ... }

Open to closed breaks new readers of old data holding numbers the enum
does not declare; closed to open breaks old readers of such new data.
Keep the enum as it is; move proto2 enums to editions with
features.enum_type = CLOSED.`,
	run: func(p *pass) {
		p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
			if oe.IsClosed() == ne.IsClosed() {
				return
			}
			at, was := spanOf(ne, enumOptionsTag, enumFeaturesTag, featureEnumTypeTag), spanOf(oe, enumOptionsTag, enumFeaturesTag, featureEnumTypeTag)
			switch {
			case !oe.IsClosed() && ne.IsClosed():
				p.reportDir(Backward, at, was, "enum %s changed from open to closed: new readers drop undeclared numbers in old data", ne.FullName())
			case oe.IsClosed() && !ne.IsClosed():
				p.reportDir(Forward, at, was, "enum %s changed from closed to open: old readers drop undeclared numbers in new data", ne.FullName())
			}
		})
	},
}

var enumSameJSONFormat = &Rule{
	ID:         "ENUM_SAME_JSON_FORMAT",
	Categories: []Category{CSR, File, Package, WireJSON},
	Direction:  Both,
	Doc: `enums keep JSON support

With features.json_format = LEGACY_BEST_EFFORT an enum need not map to
JSON cleanly (value names may clash once prefixes are stripped), and
JSON support for it and everything using it may be dropped. Going from
ALLOW to LEGACY_BEST_EFFORT withdraws a guarantee that JSON users rely
on.

  before: enum State { ... }
  after:  enum State { option features.json_format = LEGACY_BEST_EFFORT; ... }

Keep json_format = ALLOW once the enum is in use.`,
	run: func(p *pass) {
		p.forEachEnumPair(func(oe, ne protoreflect.EnumDescriptor) {
			if of, nf := jsonFormat(oe), jsonFormat(ne); of == descriptorpb.FeatureSet_ALLOW && nf != of {
				p.report(spanOf(ne, enumOptionsTag, enumFeaturesTag, featureJSONFormatTag), spanOf(oe, enumOptionsTag, enumFeaturesTag, featureJSONFormatTag),
					"enum %s changed JSON format from %s to %s", ne.FullName(), of, nf)
			}
		})
	},
}

var messageSameJSONFormat = &Rule{
	ID:         "MESSAGE_SAME_JSON_FORMAT",
	Categories: []Category{CSR, File, Package, WireJSON},
	Direction:  Both,
	Doc: `messages keep JSON support

With features.json_format = LEGACY_BEST_EFFORT a message need not map to
JSON cleanly (field JSON names may clash), and JSON support for it may be
dropped. Going from ALLOW to LEGACY_BEST_EFFORT withdraws a guarantee
that JSON users rely on.

  before: message User { ... }
  after:  message User { option features.json_format = LEGACY_BEST_EFFORT; ... }

Keep json_format = ALLOW once the message is in use.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if of, nf := jsonFormat(om), jsonFormat(nm); of == descriptorpb.FeatureSet_ALLOW && nf != of {
				p.report(spanOf(nm, messageOptsTag, messageFeaturesTag, featureJSONFormatTag), spanOf(om, messageOptsTag, messageFeaturesTag, featureJSONFormatTag),
					"message %s changed JSON format from %s to %s", nm.FullName(), of, nf)
			}
		})
	},
}
