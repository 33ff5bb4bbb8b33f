package roundtrip

import (
	"fmt"
	"testing"
)

const p2 = `syntax = "proto2"; package p;
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
const p3 = `syntax = "proto3"; package p;
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
  sint32 z = 20; fixed64 f = 21; sfixed32 sf = 22; uint64 u = 23;
}
enum E { Z = 0; X = 1; Y = 2; }
`
const ed = `edition = "2023"; package p;
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

func TestExplore(t *testing.T) {
	cases := [][2]string{
		{p2, p2}, {p3, p3}, {ed, ed},
	}
	for _, c := range cases {
		r, err := ProveMessage(message(t, c[0], "p.M"), message(t, c[1], "p.M"), Options{Samples: 300})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("=====", c[1][:30])
		for _, x := range r.Counterexamples {
			fmt.Println(x)
			fmt.Print(x.Wire)
		}
	}
}
