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

var messageSameGoAPILevel = &Rule{
	ID:         "MESSAGE_SAME_GO_API_LEVEL",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `messages keep their Go API level

The (pb.go).api_level feature decides the Go code that protoc-gen-go
generates for a message: API_OPEN exports the struct fields, API_OPAQUE
hides them behind getters, setters, has and clear methods, and
API_HYBRID generates both. Go code that reads or writes a field of the
struct stops compiling when the fields are hidden, and code written for
the accessors of one level may not find them in another. Edition 2024
changes the default from the open API to API_OPAQUE, so moving a file to
2024 as it is changes every message. buf has no rule for it.

  before: edition = "2023"; message User { string name = 1; }  // u.Name
  after:  edition = "2024"; message User { string name = 1; }  // u.GetName()

Keep the level: a file moved to 2024 keeps its Go code with

  import option "google/protobuf/go_features.proto";
  option features.(pb.go).api_level = API_OPEN;

and can then move message by message. Before 2024 the level is left to
protoc-gen-go, open unless it runs with default_api_level.`,
	run: func(p *pass) {
		p.forEachMessagePair(func(om, nm protoreflect.MessageDescriptor) {
			if om.IsMapEntry() || nm.IsMapEntry() {
				return // no Go type of its own
			}
			ol, od := goAPILevel(om)
			nl, nd := goAPILevel(nm)
			if ol != nl {
				p.report(goAPILevelSpan(nm, nd), goAPILevelSpan(om, od),
					"message %s changed Go API level from %s to %s", nm.FullName(), ol, nl)
			}
		})
	},
}

// goAPILevelSpan locates the api_level feature on set, the message or
// file that decides m's level, or m itself when the edition's default
// does.
func goAPILevelSpan(m protoreflect.MessageDescriptor, set protoreflect.Descriptor) Span {
	switch set := set.(type) {
	case protoreflect.FileDescriptor:
		return tokenSpan(set, fileOptionsTag, fileFeaturesTag, featureGoTag, goAPILevelTag)
	case protoreflect.MessageDescriptor:
		return spanOf(set, messageOptsTag, messageFeaturesTag, featureGoTag, goAPILevelTag)
	}
	return spanOf(m)
}
