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
// strict.
package roundtrip
