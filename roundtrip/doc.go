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
// The pipeline for one message, in the order the files implement it:
//
//	generate.go  descriptor -> dynamicpb messages, edge values first, seeded
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
//
// Fields are compared by number, so renaming a field or a message is never a
// binary problem. Values are compared by meaning, converting across kinds:
// an int32 -1 read as an int64 -1 is the same value, read as a uint32
// 4294967295 it is not.
//
// Two policies keep the output to real breaks. A field that the reader does
// not declare at all is reported only Backward (the new schema lost a field
// that old data holds); Forward it is an ordinary addition, kept in unknown
// fields. Likewise a JSON reader in the Forward direction discards unknown
// names, as a tolerant old client would, while a Backward JSON reader is
// strict; it also drops enum values added since, which is an addition too.
//
// Two kinds of counterexample are real but arguable, and flagged so that
// callers may weigh them: Undeclared (the reader lacks the field: a
// deletion, whose value survives in unknown fields) and PresenceOnly (the
// reader sees the writer's default value, only not that it was set).
// crosscheck_test.go holds the prover to compat's WIRE rules on random
// edits, with these two set aside.
package roundtrip
