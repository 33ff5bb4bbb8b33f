package roundtrip

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// fuzzOld and fuzzNew differ in most ways the prover tells apart: a sign,
// a width, a oneof, a map become repeated, an enum that lost a value, a
// string become bytes, a recursive message, and a field that only one
// side has.
const fuzzOld = `
message M {
  int32 a = 1;
  oneof o { string s = 2; int64 n = 3; }
  map<string, M> kids = 4;
  E e = 5;
  string text = 6;
  repeated sint64 nums = 7;
  M next = 8;
  fixed32 gone = 9;
}
enum E { E_ZERO = 0; E_ONE = 1; E_TWO = 2; }
`

const fuzzNew = `
message M {
  uint64 a = 1;
  string s = 2;
  oneof o { int64 n = 3; }
  repeated Entry kids = 4;
  E e = 5;
  bytes text = 6;
  repeated int64 nums = 7;
  M next = 8;
  double added = 10;
}
message Entry { string key = 1; M value = 2; }
enum E { E_ZERO = 0; E_ONE = 1; }
`

// FuzzDecode feeds arbitrary bytes to what reads bytes in this package:
// Annotate, and every trial, with the bytes parsed by the writer's schema.
// Nothing may panic, and a message that parsed must encode again.
func FuzzDecode(f *testing.F) {
	oldM := compile(f, proto3Header+fuzzOld)[0].Messages().ByName("M")
	newM := compile(f, proto3Header+fuzzNew)[0].Messages().ByName("M")
	var seed []byte
	seed = protowire.AppendTag(seed, 1, protowire.VarintType)
	seed = protowire.AppendVarint(seed, 1<<63)
	seed = protowire.AppendTag(seed, 2, protowire.BytesType)
	seed = protowire.AppendString(seed, "héllo")
	seed = protowire.AppendTag(seed, 5, protowire.VarintType)
	seed = protowire.AppendVarint(seed, 2)
	seed = protowire.AppendTag(seed, 9, protowire.Fixed32Type)
	seed = protowire.AppendFixed32(seed, 7)
	f.Add(seed)
	f.Add([]byte{0x22, 0x04, 0x0a, 0x00, 0x12, 0x00}) // a map entry with an empty key and value
	f.Add([]byte{0x42, 0x02, 0x42, 0x00})             // next.next
	f.Add([]byte{0x3a, 0x03, 0x01, 0x02, 0x03})       // packed nums
	f.Add([]byte{0x0b, 0x0c})                         // an empty group
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})       // a field number out of range
	f.Fuzz(func(t *testing.T, data []byte) {
		if out := Annotate(data); len(data) > 0 && out == "" {
			t.Errorf("Annotate(% x) is empty", data)
		}
		for _, sides := range [][2]protoreflect.MessageDescriptor{{oldM, newM}, {newM, oldM}} {
			w := dynamicpb.NewMessage(sides[0])
			if unmarshalOpts.Unmarshal(data, w) != nil {
				continue
			}
			p := &prover{ctx: context.Background(), root: "p.M", found: make(map[problemKey]int)}
			for _, tr := range []*trial{
				{root: "p.M", dir: Backward, enc: Binary, writer: sides[0], reader: sides[1]},
				{root: "p.M", dir: Backward, enc: JSON, writer: sides[0], reader: sides[1]},
				{root: "p.M", dir: Middleman, enc: Binary, writer: sides[0], reader: sides[1]},
			} {
				if _, err := p.check(tr, w); err != nil {
					t.Fatalf("%s %s trial on % x: %v", tr.dir, tr.enc, data, err)
				}
			}
			for _, c := range p.cexs {
				if !strings.HasPrefix(c.FieldPath, "p.M") || c.Reason == "" {
					t.Errorf("counterexample without a place or a reason: %+v", c)
				}
			}
		}
	})
}
