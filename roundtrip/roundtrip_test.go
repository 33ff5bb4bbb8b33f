package roundtrip

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protopack"
)

const (
	proto2Header = "syntax = \"proto2\"; package p;\n"
	proto3Header = "syntax = \"proto3\"; package p;\n"
)

// shown is the part of a counterexample that a test asserts: everything
// but the annotations, which TestAnnotate covers, and the JSON text, which
// varies between builds.
type shown struct {
	Direction   Direction
	Encoding    string
	FieldPath   string
	Reason      string
	WriterValue string
	ReaderValue string
	Bytes       []byte
}

func show(c Counterexample) shown {
	return shown{c.Direction, c.Encoding, c.FieldPath, c.Reason, c.WriterValue, c.ReaderValue, c.Bytes}
}

func pack(m protopack.Message) []byte { return m.Marshal() }

func TestProveMessageBreaks(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		// want lists counterexamples that must be found, among others.
		want []shown
		// absent selects counterexamples that must not be found.
		absent func(Counterexample) bool
	}{{
		name: "sint32 to int32",
		old:  proto3Header + "message M { sint32 a = 1; }",
		new:  proto3Header + "message M { int32 a = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "zigzag encoding differs", "sint32 1", "int32 2",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(2)}),
		}},
		absent: func(c Counterexample) bool { return c.Encoding == JSON },
	}, {
		name: "int32 to sint32",
		old:  proto3Header + "message M { int32 a = 1; }",
		new:  proto3Header + "message M { sint32 a = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "zigzag encoding differs", "int32 1", "sint32 -1",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(1)}),
		}},
	}, {
		name: "fixed32 to int32",
		old:  proto3Header + "message M { fixed32 a = 1; }",
		new:  proto3Header + "message M { int32 a = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "wire type mismatch: writer sends i32, reader expects varint",
			"fixed32 1", "unknown field 1 i32 1 (int32 1, float 1e-45)",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.Fixed32Type}, protopack.Uint32(1)}),
		}},
	}, {
		name: "int64 to int32 truncates",
		old:  proto3Header + "message M { int64 a = 1; }",
		new:  proto3Header + "message M { int32 a = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "truncated to 32 bits", "int64 2147483648", "int32 -2147483648",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(1 << 31)}),
		}, {
			Backward, JSON, "p.M.a", "reader rejects the JSON", "int64 2147483648",
			`error: invalid value for int32 field a: "2147483648"`,
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(1 << 31)}),
		}},
	}, {
		name: "int32 to uint32 with negative values",
		old:  proto3Header + "message M { int32 a = 1; }",
		new:  proto3Header + "message M { uint32 a = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "sign changed", "int32 -1", "uint32 4294967295",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Varint(-1)}),
		}},
	}, {
		name: "string to int64",
		old:  proto3Header + "message M { string a = 1; }",
		new:  proto3Header + "message M { int64 a = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "wire type mismatch: writer sends len, reader expects varint",
			`string "a"`, `unknown field 1 len 1 "a"`,
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.String("a")}),
		}},
	}, {
		// Identical on the wire, but JSON writes bytes in base64.
		name: "string to bytes",
		old:  proto3Header + "message M { string s = 1; }",
		new:  proto3Header + "message M { bytes s = 1; }",
		want: []shown{{
			Backward, JSON, "p.M.s", "reader rejects the JSON", `string "a"`, `error: invalid value for bytes field s: "a"`,
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.String("a")}),
		}, {
			Forward, JSON, "p.M.s", "JSON form differs: bytes written, string read", `bytes "a"`, `string "YQ=="`,
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.Bytes("a")}),
		}, {
			// Not fine on the wire after all, one way: the old reader
			// validates UTF-8.
			Forward, Binary, "p.M.s", "reader rejects the bytes", `bytes "\xff"`, "error: field p.M.s contains invalid UTF-8",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.Bytes("\xff")}),
		}},
		absent: func(c Counterexample) bool { return c.Direction == Backward && c.Encoding == Binary },
	}, {
		name: "enum value renumbered",
		old:  proto3Header + "message M { E e = 1; } enum E { Z = 0; A = 1; B = 2; }",
		new:  proto3Header + "message M { E e = 1; } enum E { Z = 0; A = 2; B = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.e", "enum value renumbered", "enum p.E A=1", "enum p.E B=1",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(1)}),
		}},
		// JSON carries names, so renumbering is harmless there.
		absent: func(c Counterexample) bool { return c.Encoding == JSON },
	}, {
		name: "repeated message to singular merges values",
		old:  proto3Header + "message M { repeated Item items = 1; } message Item { int32 x = 1; }",
		new:  proto3Header + "message M { Item items = 1; } message Item { int32 x = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.items", "2 repeated messages merged into one", "repeated message p.Item [{}, {}]", "message p.Item {}",
			pack(protopack.Message{
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.LengthPrefix{},
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.LengthPrefix{},
			}),
		}, {
			Middleman, Binary, "p.M.items", "writer sent 2 values, reader sees 1", "repeated message p.Item [{}, {}]", "repeated message p.Item [{}]",
			pack(protopack.Message{
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.LengthPrefix{},
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.LengthPrefix{},
			}),
		}},
	}, {
		name: "two fields moved into one oneof",
		old:  proto3Header + "message M { int32 a = 1; string b = 2; }",
		new:  proto3Header + "message M { oneof x { int32 a = 1; string b = 2; } }",
		want: []shown{{
			Backward, Binary, "p.M.a", "oneof x keeps only b", "int32 1", "(not set; oneof x holds b)",
			pack(protopack.Message{
				protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(1),
				protopack.Tag{Number: 2, Type: protopack.BytesType}, protopack.String("a"),
			}),
		}, {
			// Out of the oneof, an empty string is no longer sent.
			Forward, Binary, "p.M.b", "presence lost: reader cannot tell the default from unset", `string ""`, "(not set)",
			pack(protopack.Message{protopack.Tag{Number: 2, Type: protopack.BytesType}, protopack.String("")}),
		}},
	}, {
		name: "proto2 required field added",
		old:  proto2Header + "message M { optional int32 a = 1; }",
		new:  proto2Header + "message M { optional int32 a = 1; required int32 b = 2; }",
		want: []shown{{
			Backward, Binary, "p.M.b", "required field not set", "(not set)", "(not set, required)", []byte{},
		}},
		absent: func(c Counterexample) bool { return c.Direction != Backward },
	}, {
		name: "group to message",
		old:  proto2Header + "message M { optional group Data = 1 { optional int32 x = 2; } }",
		new:  proto2Header + "message M { optional Data data = 1; message Data { optional int32 x = 2; } }",
		want: []shown{{
			Backward, Binary, "p.M.data", "wire type mismatch: writer sends group, reader expects len",
			"group p.M.Data {}", "unknown field 1 group {}",
			pack(protopack.Message{
				protopack.Tag{Number: 1, Type: protopack.StartGroupType},
				protopack.Tag{Number: 1, Type: protopack.EndGroupType},
			}),
		}},
	}, {
		name: "editions delimited to length-prefixed",
		old:  "edition = \"2023\"; package p; message M { N n = 1 [features.message_encoding = DELIMITED]; } message N { int32 x = 1; }",
		new:  "edition = \"2023\"; package p; message M { N n = 1; } message N { int32 x = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.n", "wire type mismatch: writer sends group, reader expects len",
			"group p.N {}", "unknown field 1 group {}",
			pack(protopack.Message{
				protopack.Tag{Number: 1, Type: protopack.StartGroupType},
				protopack.Tag{Number: 1, Type: protopack.EndGroupType},
			}),
		}},
	}, {
		name: "editions utf8 validation turned on",
		old:  "edition = \"2023\"; package p; message M { string s = 1 [features.utf8_validation = NONE]; }",
		new:  "edition = \"2023\"; package p; message M { string s = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.s", "reader rejects the bytes", `string "\xff"`, "error: field p.M.s contains invalid UTF-8",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.Bytes("\xff")}),
		}},
	}, {
		name: "proto2 default changed",
		old:  proto2Header + "message M { optional int32 a = 1 [default = 5]; }",
		new:  proto2Header + "message M { optional int32 a = 1 [default = 6]; }",
		want: []shown{{
			Backward, Binary, "p.M.a", "default value differs", "(not set, default int32 5)", "(not set, default int32 6)", []byte{},
		}},
	}, {
		// The implicit default of a closed enum is its first value.
		name: "proto2 enum first value reordered",
		old:  proto2Header + "message M { optional E e = 1; } enum E { A = 1; B = 2; }",
		new:  proto2Header + "message M { optional E e = 1; } enum E { B = 2; A = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.e", "default value differs", "(not set, default enum p.E A=1)", "(not set, default enum p.E B=2)", []byte{},
		}},
	}, {
		// Not a deletion: b is still there, and data written under it by
		// either side is lost to the other.
		name: "field renumbered",
		old:  proto3Header + "message M { int64 a = 1; int64 b = 2; }",
		new:  proto3Header + "message M { int64 a = 1; int64 b = 3; }",
		want: []shown{{
			Backward, Binary, "p.M.b", "renumbered: the writer sends b as field 2, the reader reads it from field 3", "int64 1", "(not set)",
			pack(protopack.Message{protopack.Tag{Number: 2, Type: protopack.VarintType}, protopack.Uvarint(1)}),
		}, {
			Forward, Binary, "p.M.b", "renumbered: the writer sends b as field 3, the reader reads it from field 2", "int64 1", "(not set)",
			pack(protopack.Message{protopack.Tag{Number: 3, Type: protopack.VarintType}, protopack.Uvarint(1)}),
		}},
	}, {
		name: "field renumbered in a oneof",
		old:  proto3Header + "message M { oneof o { int64 a = 1; int64 b = 2; } }",
		new:  proto3Header + "message M { oneof o { int64 a = 1; int64 b = 3; } }",
		want: []shown{{
			Backward, Binary, "p.M.b", "renumbered: the writer sends b as field 2, the reader reads it from field 3", "int64 0", "(not set)",
			pack(protopack.Message{protopack.Tag{Number: 2, Type: protopack.VarintType}, protopack.Uvarint(0)}),
		}},
	}, {
		name: "fields swapped",
		old:  proto3Header + "message M { string first = 1; string last = 2; }",
		new:  proto3Header + "message M { string first = 2; string last = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.first", "field 1 is first to the writer and last to the reader", `string "a"`, `last = string "a"`,
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.String("a")}),
		}, {
			Forward, Binary, "p.M.last", "field 1 is last to the writer and first to the reader", `string "a"`, `first = string "a"`,
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.String("a")}),
		}},
		// JSON carries the names, which did not move.
		absent: func(c Counterexample) bool { return c.Encoding == JSON },
	}, {
		// The same number kept under a new name while the old name moved
		// on is a migration: old data lands in the old field.
		name: "number kept under a new name",
		old:  proto3Header + "message M { int64 b = 2; }",
		new:  proto3Header + "message M { int64 b_old = 2; int64 b = 3; }",
		want: []shown{{
			Backward, Binary, "p.M.b", "field 2 is b to the writer and b_old to the reader", "int64 1", "b_old = int64 1",
			pack(protopack.Message{protopack.Tag{Number: 2, Type: protopack.VarintType}, protopack.Uvarint(1)}),
		}},
	}, {
		// An Any holds a message of the schema, packed by the writer and
		// unpacked by the reader, each with its own version of it.
		name: "message changed inside an Any",
		old:  proto3Header + `import "google/protobuf/any.proto"; message M { google.protobuf.Any a = 1; } message T { int32 x = 1; }`,
		new:  proto3Header + `import "google/protobuf/any.proto"; message M { google.protobuf.Any a = 1; } message T { sint32 x = 1; }`,
		want: []shown{{
			Backward, Binary, "p.M.a[type.googleapis.com/p.T].x", "zigzag encoding differs", "int32 1", "sint32 -1",
			pack(protopack.Message{protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.LengthPrefix{
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.String("type.googleapis.com/p.T"),
				protopack.Tag{Number: 2, Type: protopack.BytesType}, protopack.LengthPrefix{
					protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(1),
				},
			}}),
		}},
	}, {
		name: "extension changed type",
		old:  proto2Header + "message M { extensions 100 to 200; } extend M { optional int32 x = 100; }",
		new:  proto2Header + "message M { extensions 100 to 200; } extend M { optional sint32 x = 100; }",
		want: []shown{{
			Backward, Binary, "p.M.(p.x)", "zigzag encoding differs", "int32 1", "sint32 -1",
			pack(protopack.Message{protopack.Tag{Number: 100, Type: protopack.VarintType}, protopack.Uvarint(1)}),
		}},
	}, {
		// The same number as an ordinary field: the wire does not tell
		// them apart, so the types decide; JSON writes the extension as
		// "[p.x]", a name the new reader does not know.
		name: "extension turned into a field",
		old:  proto2Header + "message M { extensions 100 to 200; } extend M { optional int32 x = 100; }",
		new:  proto2Header + "message M { optional uint32 x = 100; extensions 101 to 200; }",
		want: []shown{{
			Backward, Binary, "p.M.(p.x)", "sign changed", "int32 -1", "uint32 4294967295",
			pack(protopack.Message{protopack.Tag{Number: 100, Type: protopack.VarintType}, protopack.Uvarint(math.MaxUint64)}),
		}, {
			Forward, Binary, "p.M.x", "sign changed", "uint32 2147483648", "int32 -2147483648",
			pack(protopack.Message{protopack.Tag{Number: 100, Type: protopack.VarintType}, protopack.Uvarint(1 << 31)}),
		}, {
			Backward, JSON, "p.M.(p.x)", `reader knows field 100 by JSON name "x", not "[p.x]": a strict reader rejects the JSON`, "int32 0", "(not set)",
			pack(protopack.Message{protopack.Tag{Number: 100, Type: protopack.VarintType}, protopack.Uvarint(0)}),
		}},
	}, {
		// A map keeps one entry per key; a repeated entry field keeps them
		// all.
		name: "repeated entries with one key read as a map",
		old:  proto3Header + "message M { repeated E m = 1; message E { int32 key = 1; int32 value = 2; } }",
		new:  proto3Header + "message M { map<int32, int32> m = 1; }",
		want: []shown{{
			Backward, Binary, "p.M.m[1]", "2 entries with key 0: a map keeps only the last", "2 entries", "1 entry: {}",
			pack(protopack.Message{
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.Bytes(nil),
				protopack.Tag{Number: 1, Type: protopack.BytesType}, protopack.Bytes(nil),
			}),
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ProveMessage(message(t, tt.old, "p.M"), message(t, tt.new, "p.M"), Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				var match *Counterexample
				for i, c := range res.Counterexamples {
					if c.Direction == w.Direction && c.Encoding == w.Encoding && c.FieldPath == w.FieldPath && c.Reason == w.Reason {
						match = &res.Counterexamples[i]
					}
				}
				if match == nil {
					t.Errorf("no %s %s counterexample at %s (%s); got:\n%s", w.Direction, w.Encoding, w.FieldPath, w.Reason, list(res))
					continue
				}
				if diff := cmp.Diff(w, show(*match)); diff != "" {
					t.Errorf("%s %s %s (-want +got):\n%s", w.Direction, w.Encoding, w.FieldPath, diff)
				}
			}
			if tt.absent != nil {
				for _, c := range res.Counterexamples {
					if tt.absent(c) {
						t.Errorf("unexpected counterexample: %s", c)
					}
				}
			}
		})
	}
}

func list(r Result) string {
	var b strings.Builder
	for _, c := range r.Counterexamples {
		b.WriteString("\t" + c.String() + "\n")
	}
	return b.String()
}

// Rich schemas that exercise every kind, presence and encoding; compared
// with themselves they must show nothing.
const (
	richProto2 = proto2Header + `
message M {
  required int32 req = 1;
  optional int32 d = 2 [default = 7];
  optional string s = 3 [default = "x"];
  optional E e = 4 [default = B];
  repeated E es = 5;
  repeated int32 packed = 6 [packed = true];
  repeated sint64 exp = 7;
  optional group G = 8 { optional fixed32 f = 1; repeated G g = 2; }
  map<int64, M> rec = 9;
  oneof o { double dd = 10; float ff = 11; bytes bb = 12; M mm = 13; }
  optional uint64 u = 14;
  optional sfixed64 sf = 15;
  optional bool b = 16;
  extensions 100 to 200;
}
enum E { A = 1; B = 2; C = 3; }
`
	richProto3 = proto3Header + `
import "google/protobuf/timestamp.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/any.proto";
message M {
  int32 a = 1; optional int64 b = 2; string s = 3; bytes by = 4;
  repeated double ds = 5; repeated float fs = 6 [packed = false];
  map<string, M> children = 7; map<bool, E> flags = 8; map<uint32, bytes> bm = 9;
  oneof o { string os = 10; M om = 11; E oe = 12; }
  E e = 13; repeated E es = 14;
  google.protobuf.Timestamp ts = 15; google.protobuf.Struct st = 16; google.protobuf.Int64Value w = 17;
  google.protobuf.Any any = 18; google.protobuf.Value v = 19;
  sint32 z = 20; fixed64 f = 21; sfixed32 sf = 22; uint64 u = 23; optional float of = 24;
}
enum E { Z = 0; X = 1; Y = 2; }
`
	richEditions = `edition = "2023"; package p;
option features.field_presence = IMPLICIT;
message M {
  int32 a = 1;
  int32 b = 2 [features.field_presence = EXPLICIT];
  string s = 3 [features.utf8_validation = NONE];
  repeated int32 r = 4 [features.repeated_field_encoding = EXPANDED];
  N n = 5 [features.message_encoding = DELIMITED];
  C c = 6 [features.field_presence = EXPLICIT];
  repeated C cs = 7;
  O o = 8;
  int32 req = 9 [features.field_presence = LEGACY_REQUIRED];
  repeated N ns = 10 [features.message_encoding = DELIMITED];
}
message N { int32 x = 1; N self = 2 [features.message_encoding = DELIMITED]; }
enum C { option features.enum_type = CLOSED; C0 = 0; C1 = 1; C2 = 2; }
enum O { O0 = 0; O1 = 1; }
`
)

func TestProveMessageCompatible(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		oldName  protoreflect.FullName
		newName  protoreflect.FullName
		// counts selects the counterexamples that count; nil means all.
		counts func(Counterexample) bool
	}{{
		// JSON writes a map as an object and a repeated field as an array:
		// only the wire is compatible, entries that share a key aside.
		name: "map to repeated entry message",
		old:  proto3Header + "message M { map<string, int32> m = 1; }",
		new:  proto3Header + "message M { repeated E m = 1; message E { string key = 1; int32 value = 2; } }",
		counts: func(c Counterexample) bool {
			return c.Encoding == Binary && !strings.Contains(c.Reason, "a map keeps only the last")
		},
	}, {
		// Except for entries that share a key, which TestProveMessageBreaks
		// shows.
		name: "repeated entry message to map",
		old:  proto3Header + "message M { repeated E m = 1; message E { int64 key = 1; Item value = 2; } } message Item { sint32 x = 1; }",
		new:  proto3Header + "message M { map<int64, Item> m = 1; } message Item { sint32 x = 1; }",
		counts: func(c Counterexample) bool {
			return c.Encoding == Binary && !strings.Contains(c.Reason, "a map keeps only the last")
		},
	}, {
		name: "packed to expanded",
		old:  proto3Header + "message M { repeated int32 a = 1; repeated double d = 2; repeated E e = 3; } enum E { Z = 0; }",
		new:  proto3Header + "message M { repeated int32 a = 1 [packed = false]; repeated double d = 2 [packed = false]; repeated E e = 3 [packed = false]; } enum E { Z = 0; }",
	}, {
		name: "expanded to packed",
		old:  proto2Header + "message M { repeated int32 a = 1; repeated fixed64 f = 2; }",
		new:  proto2Header + "message M { repeated int32 a = 1 [packed = true]; repeated fixed64 f = 2 [packed = true]; }",
	}, {
		name:    "renamed message of identical shape",
		old:     proto3Header + "message Item { int32 x = 1; repeated string y = 2; Item next = 3; }",
		new:     proto3Header + "message Thing { int32 x = 1; repeated string y = 2; Thing next = 3; }",
		oldName: "p.Item", newName: "p.Thing",
	}, {
		name: "renamed message type of a field",
		old:  proto3Header + "message M { Item item = 1; } message Item { int32 x = 1; string y = 2; }",
		new:  proto3Header + "message M { Thing item = 1; } message Thing { int32 x = 1; string y = 2; }",
	}, {
		name:   "int32 to int64 backward",
		old:    proto3Header + "message M { int32 a = 1; repeated int32 r = 2; }",
		new:    proto3Header + "message M { int64 a = 1; repeated int64 r = 2; }",
		counts: func(c Counterexample) bool { return c.Direction == Backward },
	}, {
		name: "field renamed",
		old:  proto3Header + "message M { int32 a = 1; }",
		new:  proto3Header + "message M { int32 b = 1; }",
		// JSON carries names.
		counts: func(c Counterexample) bool { return c.Encoding == Binary },
	}, {
		// JSON writes a wrapper as its bare value.
		name:   "Int32Value to int32 in JSON",
		old:    proto3Header + `import "google/protobuf/wrappers.proto"; message M { google.protobuf.Int32Value a = 1; }`,
		new:    proto3Header + "message M { optional int32 a = 1; }",
		counts: func(c Counterexample) bool { return c.Encoding == JSON && !c.PresenceOnly },
	}, {
		// The documented compatible case: bytes that hold the message's
		// encoding.
		name:   "message to bytes",
		old:    proto3Header + "message M { N n = 1; } message N { int32 x = 1; string s = 2; }",
		new:    proto3Header + "message M { bytes n = 1; }",
		counts: func(c Counterexample) bool { return c.Encoding == Binary && c.Direction == Backward && !c.PresenceOnly },
	}, {
		// No valid Node exists: every one needs another inside. The
		// writer's own schema refuses to send what the generator could
		// make, so it proves nothing.
		name: "recursive required message",
		old:  proto2Header + "message M { required M self = 1; optional int32 x = 2; }",
		new:  proto2Header + "message M { required M self = 1; optional int64 x = 2; }",
	}, {
		name: "identical proto2", old: richProto2, new: richProto2,
	}, {
		name: "identical proto3", old: richProto3, new: richProto3,
	}, {
		name: "identical editions", old: richEditions, new: richEditions,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldName, newName := tt.oldName, tt.newName
			if oldName == "" {
				oldName, newName = "p.M", "p.M"
			}
			res, err := ProveMessage(message(t, tt.old, oldName), message(t, tt.new, newName), Options{Seed: 3, Samples: 128})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Counterexamples {
				if tt.counts == nil || tt.counts(c) {
					t.Errorf("unexpected counterexample: %s\n%s", c, c.Wire)
				}
			}
		})
	}
}

func TestProveDeterministic(t *testing.T) {
	old := compile(t, richProto3)
	new := compile(t, strings.NewReplacer("int32 a = 1", "uint64 a = 1", "map<string, M> children = 7", "repeated M children = 7").Replace(richProto3))
	run := func(parallelism int) []Result {
		t.Helper()
		res, err := Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, Options{Seed: 42, Samples: 32, Parallelism: parallelism})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := run(1)
	if len(first) == 0 || len(first[0].Counterexamples) == 0 {
		t.Fatalf("want counterexamples, got %v", first)
	}
	byName := cmp.Comparer(func(a, b protoreflect.FieldDescriptor) bool {
		return (a == nil) == (b == nil) && (a == nil || a.FullName() == b.FullName())
	})
	if diff := cmp.Diff(first, run(8), byName); diff != "" {
		t.Errorf("same seed, different output (-parallelism 1 +parallelism 8):\n%s", diff)
	}
	var names []protoreflect.FullName
	for _, r := range first {
		names = append(names, r.Message)
	}
	if diff := cmp.Diff([]protoreflect.FullName{"p.M"}, names); diff != "" {
		t.Errorf("messages proved (-want +got):\n%s", diff)
	}
}

func TestProveCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files := compile(t, richProto2)
	if _, err := Prove(ctx, &schema.Schema{Files: files}, &schema.Schema{Files: files}, Options{}); err == nil {
		t.Error("Prove with a cancelled context: want an error")
	}
}

func TestAnnotate(t *testing.T) {
	b := protopack.Message{
		protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Uvarint(4294967295),
		protopack.Tag{Number: 2, Type: protopack.BytesType}, protopack.String("abc"),
		protopack.Tag{Number: 3, Type: protopack.BytesType}, protopack.LengthPrefix{
			protopack.Tag{Number: 1, Type: protopack.VarintType}, protopack.Varint(-1),
		},
		protopack.Tag{Number: 4, Type: protopack.StartGroupType},
		protopack.Tag{Number: 5, Type: protopack.Fixed64Type}, protopack.Float64(1.5),
		protopack.Tag{Number: 4, Type: protopack.EndGroupType},
		protopack.Tag{Number: 6, Type: protopack.Fixed32Type}, protopack.Float32(-1),
		protopack.Tag{Number: 7, Type: protopack.BytesType}, protopack.Bytes("\xff\x00"),
	}.Marshal()
	b = append(b, 0x08) // truncated: a tag without its value
	want := `08 ff ff ff ff 0f  field 1 varint 4294967295
12 03 61 62 63  field 2 len 3 "abc"
1a 0b  field 3 len 11 message
  08 ff ff ff ff ff ff ff ff ff 01  field 1 varint 18446744073709551615 (int64 -1)
23  field 4 start group
  29 00 00 00 00 00 00 f8 3f  field 5 i64 4609434218613702656 (int64 4609434218613702656, double 1.5)
24  field 4 end group
35 00 00 80 bf  field 6 i32 3212836864 (int32 -1082130432, float -1)
3a 02 ff 00  field 7 len 2 "\xff\x00"
08  field 1: malformed: unexpected EOF
`
	if diff := cmp.Diff(want, Annotate(b)); diff != "" {
		t.Errorf("Annotate (-want +got):\n%s", diff)
	}
}

func BenchmarkProveMessage(b *testing.B) {
	old := message(b, richProto3, "p.M")
	new := message(b, strings.Replace(richProto3, "int32 a = 1", "sint32 a = 1", 1), "p.M")
	opts := Options{Seed: 1}
	for b.Loop() {
		if _, err := ProveMessage(old, new, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// TestProveBudget: required fields that branch make a complete sample
// exponentially large (here 2^24 messages); the prover stops at its
// budget and says so instead of running for minutes.
func TestProveBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString(proto2Header)
	const levels = 24
	for i := range levels {
		fmt.Fprintf(&b, "message L%d { required L%d a = 1; required L%d b = 2; }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "message L%d { optional int32 x = 1; }\n", levels)
	src := b.String()
	start := time.Now()
	res, err := ProveMessage(message(t, src, "p.L0"), message(t, strings.Replace(src, "int32 x", "int64 x", 1), "p.L0"), Options{Samples: 8})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
	if !strings.Contains(res.Unproven, "budget") || len(res.Counterexamples) > 0 {
		t.Errorf("want no counterexample and a word on the budget, got %q and %d counterexamples", res.Unproven, len(res.Counterexamples))
	}
}
