package roundtrip

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

func TestChanged(t *testing.T) {
	old := compile(t, proto3Header+`
enum E { E_ZERO = 0; E_ONE = 1; }
message Same { int32 a = 1; }
message Holder { Same s = 1; Typed t = 2; }
message Typed { int32 a = 1; }
message WithEnum { E e = 1; }
message Renamed { int32 a = 1; }`)
	new := compile(t, proto3Header+`
enum E { E_ZERO = 0; E_ONE = 1; E_TWO = 2; }
message Same { int32 a = 1; }
message Holder { Same s = 1; Typed t = 2; }
message Typed { sint32 a = 1; }
message WithEnum { E e = 1; }
message Renamed { int32 b = 1; }`)
	// Holder only holds a changed message: proving Typed covers it.
	want := []protoreflect.FullName{"p.Renamed", "p.Typed", "p.WithEnum"}
	if diff := cmp.Diff(want, Changed(&schema.Schema{Files: old}, &schema.Schema{Files: new})); diff != "" {
		t.Errorf("Changed (-want +got):\n%s", diff)
	}
	if got := Changed(&schema.Schema{Files: old}, &schema.Schema{Files: old}); len(got) != 0 {
		t.Errorf("Changed(&schema.Schema{Files: old}, &schema.Schema{Files: old}) = %v, want none", got)
	}
}

func TestProveOnlyMessages(t *testing.T) {
	old := compile(t, proto3Header+"message A { int32 a = 1; } message B { int32 b = 1; }")
	new := compile(t, proto3Header+"message A { sint32 a = 1; } message B { sint32 b = 1; }")
	res, err := Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, Options{Messages: []protoreflect.FullName{"p.B", "p.Nope"}, SkipJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Message != "p.B" {
		t.Fatalf("want a result for p.B only, got %v", res)
	}
	for _, c := range res[0].Counterexamples {
		if c.Encoding != Binary {
			t.Errorf("SkipJSON: got %v", c)
		}
		if c.Field == nil || c.Field.FullName() != "p.B.b" {
			t.Errorf("Field of %v = %v, want p.B.b", c, c.Field)
		}
	}
}

// A oneof member holding a message declared alike in both versions must
// still be generated: its sibling left the oneof.
func TestProveOneofSiblingOfSameMessage(t *testing.T) {
	old := compile(t, proto2Header+"message S { optional int32 x = 1; } message M { oneof o { S s = 1; int32 b = 2; } }")
	new := compile(t, proto2Header+"message S { optional int32 x = 1; } message M { oneof o { S s = 1; } optional int32 b = 2; }")
	res, err := Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, Options{Messages: []protoreflect.FullName{"p.M"}, SkipJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range res[0].Counterexamples {
		found = found || c.Direction == Forward && c.Reason == "oneof o keeps only s"
	}
	if !found {
		t.Errorf("want a forward oneof counterexample, got %v", res[0].Counterexamples)
	}
}

func TestProveFlags(t *testing.T) {
	tests := []struct {
		name, old, new string
		pick           func(Counterexample) bool
	}{{
		name: "open enum value renumbered",
		old:  proto3Header + "enum E { Z = 0; A = 1; B = 2; } message M { E e = 1; }",
		new:  proto3Header + "enum E { Z = 0; A = 3; B = 2; } message M { E e = 1; }",
		pick: func(c Counterexample) bool {
			return c.Direction == Backward && c.Encoding == Binary && c.Reason == "enum value renumbered" && !c.Undeclared && !c.PresenceOnly
		},
	}, {
		name: "optional added in proto3",
		old:  proto3Header + "message M { int32 a = 1; }",
		new:  proto3Header + "message M { optional int32 a = 1; }",
		pick: func(c Counterexample) bool { return c.Direction == Forward && c.PresenceOnly },
	}, {
		name: "field deleted",
		old:  proto3Header + "message M { int32 a = 1; int32 b = 2; }",
		new:  proto3Header + "message M { int32 a = 1; }",
		pick: func(c Counterexample) bool { return c.Direction == Backward && c.Undeclared && c.FieldNumber == 2 },
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ProveMessage(message(t, tt.old, "p.M"), message(t, tt.new, "p.M"), Options{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range res.Counterexamples {
				if tt.pick(c) {
					return
				}
			}
			t.Errorf("no counterexample of the kind wanted in %v", res.Counterexamples)
		})
	}
}

func TestProveProgress(t *testing.T) {
	old := compile(t, proto3Header+"message A { int32 a = 1; } message B { int32 b = 1; } message C {}")
	new := compile(t, proto3Header+"message A { sint32 a = 1; } message B { sint32 b = 1; } message C {}")
	var calls [][2]int
	opts := Options{SkipJSON: true, Parallelism: 2, Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }}
	if _, err := Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, opts); err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{1, 3}, {2, 3}, {3, 3}}
	if !slices.Equal(calls, want) {
		t.Errorf("Progress calls %v, want %v", calls, want)
	}
}

// A bytes field with a default, unchanged or not, is compared by content:
// a []byte default is not comparable with !=, which panicked (issue 21).
func TestChangedBytesDefault(t *testing.T) {
	for _, header := range []string{proto2Header, "edition = \"2023\";\npackage p;\n"} {
		label := "optional "
		if header != proto2Header {
			label = ""
		}
		old := compile(t, header+"message M { "+label+"bytes b = 1 [default = \"\\000ab\"]; "+label+"double d = 2 [default = nan]; } message N { "+label+"int32 a = 1; }")
		same := compile(t, header+"message M { "+label+"bytes b = 1 [default = \"\\000ab\"]; "+label+"double d = 2 [default = nan]; } message N { "+label+"sint32 a = 1; }")
		other := compile(t, header+"message M { "+label+"bytes b = 1 [default = \"\\000ac\"]; "+label+"double d = 2 [default = nan]; } message N { "+label+"int32 a = 1; }")
		if diff := cmp.Diff([]protoreflect.FullName{"p.N"}, Changed(&schema.Schema{Files: old}, &schema.Schema{Files: same})); diff != "" {
			t.Errorf("Changed with the same bytes default (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]protoreflect.FullName{"p.M"}, Changed(&schema.Schema{Files: old}, &schema.Schema{Files: other})); diff != "" {
			t.Errorf("Changed with another bytes default (-want +got):\n%s", diff)
		}
		if _, err := Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: other}, Options{Samples: 8}); err != nil {
			t.Error(err)
		}
	}
}

// Cancelling the context stops Prove within 100 ms, however long the
// messages it proves take: it looks between trials, and between the
// trials of a shrink.
func TestProveCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString(proto3Header)
	for i := range 8 {
		fmt.Fprintf(&b, "message M%d { ", i)
		for j := 1; j <= 40; j++ {
			fmt.Fprintf(&b, "repeated int32 f%d = %d; map<string, M%d> m%d = %d; ", j, j, (i+1)%8, j, 100+j)
		}
		b.WriteString("}\n")
	}
	old := compile(t, b.String())
	new := compile(t, strings.ReplaceAll(b.String(), "repeated int32", "repeated sint64"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Prove(ctx, &schema.Schema{Files: old}, &schema.Schema{Files: new}, Options{Samples: 100000, Parallelism: 4})
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Prove ended before it was cancelled (%v): make the case longer", err)
	default:
	}
	start := time.Now()
	cancel()
	err := <-done
	elapsed := time.Since(start)
	t.Logf("Prove returned %v after the cancel", elapsed)
	if elapsed > 100*time.Millisecond {
		t.Errorf("Prove returned %v after the cancel, want at most 100ms", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Prove returned %v, want context.Canceled", err)
	}
}
