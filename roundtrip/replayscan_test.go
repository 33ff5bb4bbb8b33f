package roundtrip

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/recording"
	"github.com/protocheck/protocheck/schema"
)

// TestReplayScanProperty holds the shortcut of replayscan.go to the full
// comparison: on generated records of schemas that change in each way the
// shortcut must see (a default, a closed enum's first value, a required
// field added, a type below, a map of messages, a oneof, a JSON name, a
// field deleted or added), Replay returns the same with it and without.
func TestReplayScanProperty(t *testing.T) {
	const common = `
message Same { int32 a = 1; string b = 2; repeated int64 c = 3; }
enum E { E0 = 0; E1 = 1; E2 = 2; }
`
	const common2 = `
message Same { optional int32 a = 1; optional string b = 2; repeated int64 c = 3; }
`
	pairs := []struct{ name, old, new string }{
		{"identical", `syntax = "proto3"; package p; message M { int32 x = 1; Same s = 2; map<string, int32> m = 3; E e = 4; }` + common,
			`syntax = "proto3"; package p; message M { int32 x = 1; Same s = 2; map<string, int32> m = 3; E e = 4; }` + common},
		{"type below", `syntax = "proto3"; package p; message M { int32 x = 1; N n = 2; Same s = 3; } message N { int32 y = 1; string z = 2; }` + common,
			`syntax = "proto3"; package p; message M { int32 x = 1; N n = 2; Same s = 3; } message N { uint32 y = 1; string z = 2; }` + common},
		{"default", `syntax = "proto2"; package p; message M { optional int32 x = 1 [default = 3]; optional string s = 2; optional Same same = 9; }` + common2,
			`syntax = "proto2"; package p; message M { optional int32 x = 1 [default = 4]; optional string s = 2; optional Same same = 9; }` + common2},
		{"closed enum order", `syntax = "proto2"; package p; message M { optional F f = 1; optional string s = 2; } enum F { F1 = 1; F2 = 2; }` + common2,
			`syntax = "proto2"; package p; message M { optional F f = 1; optional string s = 2; } enum F { F2 = 2; F1 = 1; }` + common2},
		{"required added", `syntax = "proto2"; package p; message M { optional int32 x = 1; optional string s = 2; optional Same same = 9; }` + common2,
			`syntax = "proto2"; package p; message M { optional int32 x = 1; optional string s = 2; required int32 r = 3; optional Same same = 9; }` + common2},
		{"map of messages", `syntax = "proto3"; package p; message M { map<string, N> m = 1; string s = 2; } message N { int32 y = 1; }` + common,
			`syntax = "proto3"; package p; message M { map<string, N> m = 1; string s = 2; } message N { sint32 y = 1; }` + common},
		{"oneof", `syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; } int32 c = 3; }` + common,
			`syntax = "proto3"; package p; message M { oneof o { int32 a = 1; string b = 2; int32 c = 3; } }` + common},
		{"json name", `syntax = "proto3"; package p; message M { int32 x = 1; Same s = 2; }` + common,
			`syntax = "proto3"; package p; message M { int32 x = 1 [json_name = "y"]; Same s = 2; }` + common},
		{"deleted and added", `syntax = "proto3"; package p; message M { int32 x = 1; string gone = 2; Same s = 3; E e = 5; }` + common,
			`syntax = "proto3"; package p; message M { int32 x = 1; Same s = 3; int64 added = 4; E e = 5; }` + common},
		{"enum value added", `syntax = "proto3"; package p; message M { E e = 1; Same s = 2; }` + common,
			`syntax = "proto3"; package p; message M { G e = 1; Same s = 2; } enum G { G0 = 0; G1 = 1; G2 = 2; G3 = 3; }` + common},
	}
	shortcut := 0
	for _, pair := range pairs {
		t.Run(pair.name, func(t *testing.T) {
			old, new := compile(t, pair.old), compile(t, pair.new)
			md := old[0].Messages().ByName("M")
			gen := generator{rng: rand.New(rand.NewPCG(1, 2)), maxDepth: 3}
			v := ownFile(md)
			var rec bytes.Buffer
			for i := range 200 {
				m := gen.message(md, v, modeOf(i%40))
				b, err := marshalOpts.Marshal(m)
				if err != nil {
					continue
				}
				rec.Write(protowire.AppendBytes(nil, b))
			}
			run := func(scan bool) *Replayed {
				replayScan = scan
				defer func() { replayScan = true }()
				src, err := recording.NewReader(bytes.NewReader(rec.Bytes()), recording.Options{Format: recording.Delimited})
				if err != nil {
					t.Fatal(err)
				}
				r, err := Replay(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, "p.M", src, ReplayOptions{Direction: compat.Both, Encodings: []string{Binary, JSON}, Parallelism: 1})
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			with, without := run(true), run(false)
			if diff := cmp.Diff(without, with); diff != "" {
				t.Errorf("with the shortcut (-without +with):\n%s", diff)
			}
			rp, _ := newReplayer(old, new, "p.M", ReplayOptions{})
			src, _ := recording.NewReader(bytes.NewReader(rec.Bytes()), recording.Options{Format: recording.Delimited})
			for {
				r, err := src.Next()
				if err != nil {
					break
				}
				if rp.scan.plan(rp.old, rp.new).alike(r.Data, 0) {
					shortcut++
				}
			}
			t.Logf("%d of %d records identical", with.Identical, with.Read)
		})
	}
	if shortcut == 0 {
		t.Error("no record took the shortcut")
	}
}
