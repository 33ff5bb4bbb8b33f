// Package roundtrip proves, with real bytes, that a change to a Protocol
// Buffers schema breaks its readers or writers.
//
// Where package compat reasons about descriptors, roundtrip runs the
// experiment: it generates messages with one version of a schema, encodes
// them, decodes them with the other version and compares what the writer
// meant with what the reader understood. Every disagreement becomes a
// Counterexample holding the smallest input that still shows it, its bytes,
// an annotated wire form and both sides' values.
//
// Check is the one call for a caller that wants findings and proofs: it
// runs compat.Check, proves the messages that changed or that findings
// concern, attaches to each finding the best counterexample that shows it
// (Finding.Proof), says for the others why data cannot (Finding.Unproven),
// and makes a ROUNDTRIP_ finding of each break no rule reported. A finding
// names its elements (Finding.Old, Finding.New) and a counterexample the
// fields it passes through (Counterexample.Path, Counterexample.Oneof), so
// the two meet by type, not by position or message text: an extension is
// a field of the message it extends, a map's key or value is its map
// field. Run is Check that also returns the results the proofs come from,
// as protocheck prove shows them. Both stop soon after their context is
// done: the generator, each trial and each step of a shrink look.
//
// The pipeline for one message, in the order the files implement it:
//
//	generate.go  descriptor -> dynamicpb messages, edge values first, seeded;
//	             extensions of the message, and a message being proved
//	             packed in each google.protobuf.Any
//	check.go     encode, decode with the other schema: one trial per direction
//	             (Backward, Forward, Middleman) and encoding (binary, json)
//	compare.go   walk writer and reader by field number (json: by JSON name)
//	             and explain each difference
//	shrink.go    drop fields, shorten lists, simplify values while the
//	             problem persists
//	render.go    values as "int32 -1", independent of prototext
//	wire.go      Annotate: bytes as "08 01  field 1 varint 1"
//	changed.go   Changed: the messages worth proving on a large schema,
//	             and the fields no sample needs
//	findings.go  Check: findings and counterexamples matched, proofs ranked
//
// Fields are compared by number, so renaming a field or a message is never a
// binary problem, unless a name moved: a field whose number the reader
// lacks while it declares the field's name at another number was
// renumbered, and a number that reads as another name that one side
// declares elsewhere holds swapped fields. Both are misreadings today
// (Counterexample.Moved), not deletions.
//
// Values are compared by meaning, converting across kinds: an int32 -1
// read as an int64 -1 is the same value, read as a uint32 4294967295 it
// is not; a JSON wrapper (google.protobuf.Int32Value) read as its bare
// value is the same, and so are bytes holding a message's encoding.
//
// Two policies keep the output to real breaks. A field that the reader does
// not declare at all is reported only Backward (the new schema lost a field
// that old data holds); Forward it is an ordinary addition, kept in unknown
// fields. Likewise a JSON reader in the Forward direction discards unknown
// names, as a tolerant old client would, while a Backward JSON reader is
// strict; it also drops enum values added since, which is an addition too.
//
// Samples reach the values where encodings of presence and defaults part
// by construction, not by luck: the first four of each message hold only
// its required fields, every field at its kind's zero, every field at its
// declared default, and every field at a plain value other than zero (1,
// "a", true); the rest are random, half of their scalars edge values.
//
// In JSON, fields meet by JSON name: two fields that swap JSON names are
// moved (Counterexample.Moved), as fields that swap numbers are on the
// wire. A strict JSON reader that rejects only names it does not declare
// is read again tolerantly, which tells a deleted field or enum value (the
// deletion's hazard, Undeclared, reserved or not) from a renamed one (a
// misreading). google.protobuf.Value, Struct and ListValue in each
// other's place compare by their JSON forms, and enum aliases by every
// name of a number.
//
// A sample must be one the writer's own schema sends: required fields set.
// A message whose required fields nest without end has no such sample,
// and a sample stops at 2,000 messages; Result.Unproven says so rather
// than proving what the writer could not have written.
//
// Two kinds of counterexample are real but arguable, and flagged so that
// callers may weigh them: Undeclared (the reader lacks the field: a
// deletion, whose value survives in unknown fields) and PresenceOnly (the
// reader sees the writer's default value, only not that it was set).
// crosscheck_test.go holds the prover to compat's WIRE rules on random
// edits, with these two set aside; proofs_test.go decodes every proof of
// every rule case again with protobuf-go, and fails on one whose bytes do
// not show what it claims.
package roundtrip
