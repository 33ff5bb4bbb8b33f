package compat

// The rules below report what the round-trip prover (package roundtrip,
// check --prove) demonstrates with bytes and no other rule reported. Check
// never reports them: they have no run, only an id that configuration,
// ignore comments and output share with every other rule.

var roundtripBinaryBackward = &Rule{
	ID:         "ROUNDTRIP_BINARY_BACKWARD",
	Categories: []Category{File, Package, WireJSON, Wire},
	Direction:  Backward,
	Doc: `new readers misread binary data written with the old schema

Reported by check --prove when the round-trip prover encodes a message with
the old schema, decodes it with the new one and the reader sees another
value, and no rule reported the field. The finding carries the bytes and
both sides' values. A missing rule finding is worth a bug report.`,
}

var roundtripBinaryForward = &Rule{
	ID:         "ROUNDTRIP_BINARY_FORWARD",
	Categories: []Category{File, Package, WireJSON, Wire},
	Direction:  Forward,
	Doc: `old readers misread binary data written with the new schema

Reported by check --prove when the round-trip prover encodes a message with
the new schema, decodes it with the old one and the reader sees another
value, and no rule reported the field.`,
}

var roundtripBinaryMiddleman = &Rule{
	ID:         "ROUNDTRIP_BINARY_MIDDLEMAN",
	Categories: []Category{File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `old data passed through a new program comes back changed

Reported by check --prove when a message written with the old schema,
parsed and re-encoded by the new one (a proxy, a queue consumer that
forwards) and read with the old schema again differs from what was
written, and no rule reported the field.`,
}

var roundtripJSONBackward = &Rule{
	ID:         "ROUNDTRIP_JSON_BACKWARD",
	Categories: []Category{File, Package, WireJSON},
	Direction:  Backward,
	Doc: `new readers misread JSON written with the old schema

Reported by check --prove when the round-trip prover writes a message as
ProtoJSON with the old schema, reads it with the new one and the reader
rejects it or sees another value, and no rule reported the field.`,
}

var roundtripJSONForward = &Rule{
	ID:         "ROUNDTRIP_JSON_FORWARD",
	Categories: []Category{File, Package, WireJSON},
	Direction:  Forward,
	Doc: `old readers misread JSON written with the new schema

Reported by check --prove when the round-trip prover writes a message as
ProtoJSON with the new schema, reads it with the old one (ignoring names
it does not know) and the reader rejects it or sees another value, and no
rule reported the field.`,
}
