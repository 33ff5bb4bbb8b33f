package roundtrip_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// Each test below is a class of change where check --prove once gave a
// verdict that decoding the bytes does not bear out (issue 21): a false
// break, a break missed, or the wrong words for either.

// checkBoth runs check and check --prove on two versions of x.proto.
func checkBoth(t *testing.T, oldSrc, newSrc string, cfg compat.Config, opts roundtrip.Options) (plain, proved []compat.Finding) {
	t.Helper()
	old, err := compileSchema(oldSrc)
	if err != nil {
		t.Fatalf("old: %v", err)
	}
	new, err := compileSchema(newSrc)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	oldS, newS := &schema.Schema{Files: old}, &schema.Schema{Files: new}
	if plain, err = compat.Check(context.Background(), oldS, newS, cfg); err != nil {
		t.Fatal(err)
	}
	if proved, err = roundtrip.Check(context.Background(), oldS, newS, cfg, opts); err != nil {
		t.Fatal(err)
	}
	return plain, proved
}

// added returns the findings of proved that plain lacks.
func added(plain, proved []compat.Finding) []compat.Finding {
	seen := make(map[string]bool)
	for _, f := range plain {
		seen[f.String()] = true
	}
	var out []compat.Finding
	for _, f := range proved {
		if !seen[f.String()] {
			out = append(out, f)
		}
	}
	return out
}

func describe(fs []compat.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %s", f.Severity, f)
		if f.Proof != nil {
			fmt.Fprintf(&b, "\n    proof: %s %s %s: %s: writer %s, reader %s", f.Proof.Direction, f.Proof.Encoding, f.Proof.FieldPath, f.Proof.Reason, f.Proof.WriterValue, f.Proof.ReaderValue)
		}
		if f.Unproven != "" {
			fmt.Fprintf(&b, "\n    unproven: %s", f.Unproven)
		}
	}
	return b.String()
}

// Reordering the names of an enum value's aliases, or adding an alias
// before a name, changes no number: no binary data reads otherwise. JSON
// writes a number's first name, so an alias added before the old name is
// a JSON break that check reports and --prove proves, never a finding of
// the prover's own.
func TestVerdictEnumAliases(t *testing.T) {
	const head = "syntax = \"proto2\";\npackage x;\nmessage M { optional E e = 1; repeated E es = 2; map<string, E> m = 3; }\n"
	tests := []struct{ name, old, new string }{{
		name: "aliases reordered",
		old:  head + "enum E { option allow_alias = true; Z = 0; A = 1; B = 1; C = 2; }",
		new:  head + "enum E { option allow_alias = true; Z = 0; B = 1; A = 1; C = 2; }",
	}, {
		name: "alias added before a name",
		old:  head + "enum E { Z = 0; A = 1; C = 2; }",
		new:  head + "enum E { option allow_alias = true; Z = 0; A_NEW = 1; A = 1; C = 2; }",
	}, {
		name: "open enum, aliases reordered",
		old:  strings.Replace(head, "proto2", "proto3", 1) + "enum E { option allow_alias = true; Z = 0; A = 1; B = 1; }",
		new:  strings.Replace(head, "proto2", "proto3", 1) + "enum E { option allow_alias = true; Z = 0; B = 1; A = 1; }",
	}}
	for _, tt := range tests {
		for _, use := range []string{"FILE", "WIRE_JSON", "WIRE"} {
			t.Run(tt.name+" "+use, func(t *testing.T) {
				old, new := tt.old, tt.new
				if strings.Contains(old, "proto3") {
					old = strings.ReplaceAll(old, "optional E e", "E e")
					new = strings.ReplaceAll(new, "optional E e", "E e")
				}
				plain, proved := checkBoth(t, old, new, compat.Config{Use: []string{use}}, roundtrip.Options{})
				if extra := added(plain, proved); len(extra) > 0 {
					t.Errorf("--prove adds findings:%s", describe(extra))
				}
				// JSON carries the first name of a number: old JSON
				// readers do not know a name added before, which check
				// reports (ENUM_VALUE_SAME_NAME) and --prove proves.
				if tt.name != "alias added before a name" || use == "WIRE" {
					return
				}
				var got []string
				for _, f := range proved {
					if f.Rule == "ENUM_VALUE_SAME_NAME" && f.Direction == compat.Forward && f.Proof != nil && f.Proof.Encoding == "json" && f.Proof.Direction == "forward" &&
						strings.HasPrefix(f.Proof.Reason, "JSON name A_NEW is not a value of the reader's x.E: ") {
						got = append(got, f.Message)
					}
				}
				if len(got) != 1 || got[0] != `value 1 of x.E is written in JSON as "A_NEW", an alias added before "A", which old readers do not know` {
					t.Errorf("want one proved ENUM_VALUE_SAME_NAME finding on A_NEW, got%s", describe(proved))
				}
			})
		}
	}
}

// A deletion is a hazard, in JSON as in binary, whether or not it
// reserves the field's number and name (as protocheck fix writes it): a
// strict JSON reader that rejects the deleted name must not turn it into
// an error, nor the reservation turn a warning into one.
func TestVerdictReservedDeletionJSON(t *testing.T) {
	const old = `syntax = "proto3"; package x; message M { string id = 1; string email_address = 2; E e = 3; } enum E { E_ZERO = 0; E_ONE = 1; E_TWO = 2; }`
	tests := []struct{ name, new string }{
		{"field deleted", `syntax = "proto3"; package x; message M { string id = 1; E e = 3; } enum E { E_ZERO = 0; E_ONE = 1; E_TWO = 2; }`},
		{"field deleted, number reserved", `syntax = "proto3"; package x; message M { reserved 2; string id = 1; E e = 3; } enum E { E_ZERO = 0; E_ONE = 1; E_TWO = 2; }`},
		{"field deleted, number and name reserved", `syntax = "proto3"; package x; message M { reserved 2; reserved "email_address"; string id = 1; E e = 3; } enum E { E_ZERO = 0; E_ONE = 1; E_TWO = 2; }`},
		{"enum value deleted, number and name reserved", `syntax = "proto3"; package x; message M { string id = 1; string email_address = 2; E e = 3; } enum E { reserved 2; reserved "E_TWO"; E_ZERO = 0; E_ONE = 1; }`},
	}
	for _, tt := range tests {
		for _, use := range []string{"WIRE_JSON", "WIRE"} {
			t.Run(tt.name+" "+use, func(t *testing.T) {
				plain, proved := checkBoth(t, old, tt.new, compat.Config{Use: []string{use}}, roundtrip.Options{})
				if extra := added(plain, proved); len(extra) > 0 {
					t.Errorf("--prove adds findings:%s", describe(extra))
				}
			})
		}
	}
}

// Extensions are fields of the message they extend: a change that leaves
// a plain field with a warning leaves an extension with one, and
// extensions that swap or change numbers misread data as fields do, with
// the proof on the rule's finding.
func TestVerdictExtensions(t *testing.T) {
	const head = "syntax = \"proto2\";\npackage x;\nmessage M { extensions 100 to 199; optional int32 a = 1; }\n"
	tests := []struct {
		name, old, new string
		use            string
		want           string // the rule whose finding carries a proof of this reason
		reason         string
	}{{
		name: "int32 to int64", use: "WIRE",
		old: head + "extend M { optional int32 rank = 100; }",
		new: head + "extend M { optional int64 rank = 100; }",
	}, {
		name: "singular to repeated", use: "WIRE",
		old: head + "extend M { optional int32 rank = 100; }",
		new: head + "extend M { repeated int32 rank = 100; }",
	}, {
		name: "swapped numbers", use: "WIRE",
		old:    head + "extend M { optional int32 rank = 100; optional int32 score = 101; }",
		new:    head + "extend M { optional int32 rank = 101; optional int32 score = 100; }",
		want:   "FIELD_WIRE_SAME_NUMBER",
		reason: "extension 100 is x.rank to the writer and x.score to the reader",
	}, {
		name: "moved aside", use: "WIRE",
		old:    head + "extend M { optional int32 rank = 100; }",
		new:    head + "extend M { optional int32 rank = 110; }",
		want:   "FIELD_WIRE_SAME_NUMBER",
		reason: "renumbered: the writer sends x.rank as field 100, the reader reads it from field 110",
	}, {
		name: "type changed", use: "WIRE",
		old:    head + "extend M { optional int32 rank = 100; }",
		new:    head + "extend M { optional string rank = 100; }",
		want:   "FIELD_WIRE_COMPATIBLE_TYPE",
		reason: "wire type mismatch",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, proved := checkBoth(t, tt.old, tt.new, compat.Config{Use: []string{tt.use}}, roundtrip.Options{})
			if extra := added(plain, proved); len(extra) > 0 {
				t.Errorf("--prove adds findings:%s", describe(extra))
			}
			if tt.want == "" {
				return
			}
			for _, f := range proved {
				if f.Rule == tt.want && f.Proof != nil && strings.HasPrefix(f.Proof.Reason, tt.reason) {
					return
				}
			}
			t.Errorf("no %s finding proved by %q:%s", tt.want, tt.reason, describe(proved))
		})
	}
}

// google.protobuf.Value holds a Struct or a ListValue as their JSON does:
// a reader of either reads the other's JSON into the same value, and a
// proof that says otherwise is false. Their fields do not meet by name.
func TestVerdictStructFamilyJSON(t *testing.T) {
	const (
		head  = "syntax = \"proto3\";\npackage x;\nimport \"google/protobuf/struct.proto\";\n"
		value = head + "message M { google.protobuf.Value v = 1; repeated google.protobuf.Value vs = 2; }"
		strct = head + "message M { google.protobuf.Struct v = 1; repeated google.protobuf.Struct vs = 2; }"
		list  = head + "message M { google.protobuf.ListValue v = 1; repeated google.protobuf.ListValue vs = 2; }"
	)
	for _, pair := range [][3]string{{"Value to Struct", value, strct}, {"Struct to Value", strct, value}, {"Value to ListValue", value, list}, {"ListValue to Value", list, value}} {
		t.Run(pair[0], func(t *testing.T) {
			old, err1 := compileSchema(pair[1])
			new, err2 := compileSchema(pair[2])
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for seed := range uint64(4) {
				verifyProofs(t, pair[0], old, new, seed, 64)
			}
		})
	}
}

// Two fields that swap JSON names read each other's JSON: {"x":1} is a=1
// to old readers and b=1 to new ones, whatever the samples.
func TestVerdictJSONNameSwap(t *testing.T) {
	const (
		old = `syntax = "proto3"; package x; message M { int32 a = 1 [json_name = "x"]; int32 b = 2 [json_name = "y"]; string c = 3; }`
		new = `syntax = "proto3"; package x; message M { int32 a = 1 [json_name = "y"]; int32 b = 2 [json_name = "x"]; string c = 3; }`
	)
	for _, samples := range []int{4, 64} {
		_, proved := checkBoth(t, old, new, compat.Config{Use: []string{"WIRE_JSON"}}, roundtrip.Options{Samples: samples})
		dirs := make(map[string]bool)
		for _, f := range proved {
			if f.Rule == "FIELD_SAME_JSON_NAME" && f.Proof != nil && strings.HasPrefix(f.Proof.Reason, `JSON name "`) {
				dirs[f.Proof.Direction] = true
			}
		}
		if !dirs["backward"] && !dirs["forward"] {
			t.Errorf("%d samples: no FIELD_SAME_JSON_NAME finding proved by a swapped JSON name:%s", samples, describe(proved))
		}
	}
	oldF, _ := compileSchema(old)
	newF, _ := compileSchema(new)
	if n := verifyProofs(t, "json_name swap", oldF, newF, 0, 64); n == 0 {
		t.Error("no counterexample at all")
	}
}

// Sampling reaches the values that matter by construction: a field absent,
// at its kind's zero and at its declared default are the first samples,
// so a presence or default change is proved with any seed and four
// samples, not only with luck or many samples.
func TestVerdictPresenceByConstruction(t *testing.T) {
	tests := []struct{ name, old, new, reason string }{{
		name:   "proto3 optional to implicit",
		old:    `syntax = "proto3"; package x; message M { optional int32 a = 1; optional string s = 2; }`,
		new:    `syntax = "proto3"; package x; message M { int32 a = 1; string s = 2; }`,
		reason: "presence lost",
	}, {
		name:   "editions explicit to implicit",
		old:    `edition = "2023"; package x; message M { int64 a = 1; bytes b = 2; }`,
		new:    `edition = "2023"; package x; message M { int64 a = 1 [features.field_presence = IMPLICIT]; bytes b = 2 [features.field_presence = IMPLICIT]; }`,
		reason: "presence lost",
	}, {
		name:   "proto2 default changed",
		old:    `syntax = "proto2"; package x; message M { optional int32 a = 1 [default = 7]; optional bytes b = 2 [default = "\001"]; }`,
		new:    `syntax = "proto2"; package x; message M { optional int32 a = 1 [default = 8]; optional bytes b = 2 [default = "\002"]; }`,
		reason: "default value differs",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, err1 := compileSchema(tt.old)
			new, err2 := compileSchema(tt.new)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for seed := range uint64(10) {
				res, err := roundtrip.Prove(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, roundtrip.Options{Samples: 4, Seed: seed, SkipJSON: true})
				if err != nil {
					t.Fatal(err)
				}
				fields := make(map[string]bool)
				for _, r := range res {
					for _, c := range r.Counterexamples {
						if c.Direction == roundtrip.Backward && strings.HasPrefix(c.Reason, tt.reason) {
							fields[c.FieldPath] = true
						}
					}
				}
				if len(fields) != 2 {
					t.Errorf("seed %d: backward %q shown for %v, want both fields", seed, tt.reason, fields)
				}
			}
		})
	}
}

// Findings say what data shows, in words that match it.
func TestVerdictWords(t *testing.T) {
	tests := []struct {
		name, old, new, use string
		rule                string // the finding to look at
		proof               string // the prefix of its proof's reason
	}{{
		name: "map value type", use: "WIRE",
		old:  `syntax = "proto3"; package x; message M { map<string, int32> m = 1; }`,
		new:  `syntax = "proto3"; package x; message M { map<string, string> m = 1; }`,
		rule: "FIELD_WIRE_COMPATIBLE_TYPE", proof: "",
	}, {
		name: "Duration to Int64Value", use: "WIRE_JSON",
		old:  `syntax = "proto3"; package x; import "google/protobuf/duration.proto"; message M { google.protobuf.Duration d = 1; }`,
		new:  `syntax = "proto3"; package x; import "google/protobuf/wrappers.proto"; message M { google.protobuf.Int64Value d = 1; }`,
		rule: "FIELD_WIRE_JSON_COMPATIBLE_TYPE", proof: "",
	}, {
		name: "unpacked values read as a map", use: "WIRE",
		old:  `syntax = "proto2"; package x; message M { repeated int32 m = 1; }`,
		new:  `syntax = "proto2"; package x; message M { map<int32, int32> m = 1; }`,
		rule: "FIELD_WIRE_COMPATIBLE_TYPE", proof: "wire type mismatch: writer sends varint, reader expects len (map entries)",
	}, {
		name: "zero enum value renamed", use: "WIRE_JSON",
		old:  `syntax = "proto3"; package x; message M { repeated E es = 1; } enum E { E_ZERO = 0; E_ONE = 1; }`,
		new:  `syntax = "proto3"; package x; message M { repeated E es = 1; } enum E { E_NONE = 0; E_ONE = 1; }`,
		rule: "ENUM_VALUE_SAME_NAME", proof: "JSON name E_",
	}, {
		name: "extension renamed", use: "WIRE_JSON",
		old:  `syntax = "proto2"; package x; message M { extensions 100 to 199; } extend M { optional int32 rank = 100; }`,
		new:  `syntax = "proto2"; package x; message M { extensions 100 to 199; } extend M { optional int32 level = 100; }`,
		rule: "FIELD_SAME_NAME", proof: `reader knows field 100 by JSON name "[x.`,
	}, {
		name: "Any holding a renamed message", use: "WIRE_JSON",
		old:  `syntax = "proto3"; package x; import "google/protobuf/any.proto"; message M { google.protobuf.Any a = 1; int32 n = 2; } message T { int32 x = 1; }`,
		new:  `syntax = "proto3"; package x; import "google/protobuf/any.proto"; message M { google.protobuf.Any a = 1; sint32 n = 2; } message T { int32 y = 1; }`,
		rule: "FIELD_WIRE_JSON_COMPATIBLE_TYPE", proof: "",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, proved := checkBoth(t, tt.old, tt.new, compat.Config{Use: []string{tt.use}}, roundtrip.Options{})
			found := false
			for _, f := range proved {
				if f.Proof != nil && strings.HasSuffix(f.Proof.FieldPath, ".type_url") {
					t.Errorf("a proof points at .type_url:%s", describe([]compat.Finding{f}))
				}
				if f.Rule != tt.rule {
					continue
				}
				found = true
				switch {
				case f.Proof == nil:
					t.Errorf("not proved:%s", describe([]compat.Finding{f}))
				case !strings.HasPrefix(f.Proof.Reason, tt.proof):
					t.Errorf("proof reason %q, want it to start with %q", f.Proof.Reason, tt.proof)
				}
				if strings.HasPrefix(f.Unproven, "no counterexample") || strings.Contains(f.Unproven, "JSON name did not change") {
					t.Errorf("wrong words:%s", describe([]compat.Finding{f}))
				}
			}
			if !found {
				t.Errorf("no %s finding:%s", tt.rule, describe(proved))
			}
		})
	}
}

// One change, one finding, under --prove too: fields reshuffled among
// numbers (after opentelemetry-proto v1.5 to v1.6) get one finding per
// move, each proved, and no ROUNDTRIP_ finding for what breaks inside the
// message a number held before.
func TestVerdictReshuffle(t *testing.T) {
	const (
		old = `syntax = "proto3"; package x;
message Profile { repeated Mapping mapping = 3; repeated int32 location_indices = 5; int64 time_nanos = 11; int64 duration_nanos = 12; }
message Mapping { uint64 memory_start = 1; uint64 memory_limit = 2; }`
		new = `syntax = "proto3"; package x;
message Profile { reserved 11, 12; repeated int32 location_indices = 3; int64 time_nanos = 4; int64 duration_nanos = 5; }
message Mapping { uint64 memory_start = 1; uint64 memory_limit = 2; }`
	)
	plain, proved := checkBoth(t, old, new, compat.Config{Use: []string{"WIRE"}}, roundtrip.Options{})
	if extra := added(plain, proved); len(extra) > 0 {
		t.Errorf("--prove adds findings:%s", describe(extra))
	}
	moves := 0
	for _, f := range proved {
		if f.Rule == "FIELD_WIRE_SAME_NUMBER" {
			moves++
			if f.Proof == nil {
				t.Errorf("move not proved:%s", describe([]compat.Finding{f}))
			}
		}
		if strings.Contains(f.Message, "truncate") {
			t.Errorf("a reason of width where the number holds another field:%s", describe([]compat.Finding{f}))
		}
	}
	if moves != 3 || len(plain) != 4 {
		t.Errorf("want 3 moves and a type change at 3, got:%s", describe(proved))
	}
}

// A change between an integer and an enum, or between integer widths,
// breaks JSON or binary readers in one direction only: the finding is
// proved in that direction, not reported in the other, and where no data
// can carry the enum's names (it names only 0, which a field without
// presence leaves out) the finding says so instead of "no counterexample".
func TestVerdictIntegerJSON(t *testing.T) {
	const head = "syntax = \"proto3\";\npackage x;\n"
	tests := []struct {
		name, old, new string
		dir            compat.Direction
		want           string // the proof's direction, or the unproven reason's start; "" for no finding
	}{
		{"int32 to int64, full", "message M { int32 v = 1; }", "message M { int64 v = 1; }", compat.Both, "forward"},
		{"int32 to int64, backward", "message M { int32 v = 1; }", "message M { int64 v = 1; }", compat.Backward, ""},
		{"uint32 to int64, backward", "message M { uint32 v = 1; }", "message M { int64 v = 1; }", compat.Backward, ""},
		{"int32 to an enum, backward", "enum E { E_A = 0; E_B = 1; } message M { int32 v = 1; }", "enum E { E_A = 0; E_B = 1; } message M { E v = 1; }", compat.Backward, ""},
		{"int32 to an enum", "enum E { E_A = 0; E_B = 1; } message M { int32 v = 1; }", "enum E { E_A = 0; E_B = 1; } message M { E v = 1; }", compat.Both, "forward"},
		{"an enum to int32, backward", "enum E { E_A = 0; E_B = 1; } message M { E v = 1; }", "enum E { E_A = 0; E_B = 1; } message M { int32 v = 1; }", compat.Backward, "backward"},
		{"int32 to an enum that names only 0", "enum E { E_A = 0; } message M { int32 v = 1; }", "enum E { E_A = 0; } message M { E v = 1; }", compat.Both, "the enum names only 0, "},
		{"int32 to an enum that names only 0, repeated", "enum E { E_A = 0; } message M { repeated int32 v = 1; }", "enum E { E_A = 0; } message M { repeated E v = 1; }", compat.Both, "forward"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, proved := checkBoth(t, head+tt.old, head+tt.new, compat.Config{Use: []string{"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}, Direction: tt.dir}, roundtrip.Options{})
			var got string
			switch {
			case len(proved) > 1:
				t.Fatalf("want one finding at most, got%s", describe(proved))
			case len(proved) == 0:
			case proved[0].Proof != nil:
				got = proved[0].Proof.Direction
			default:
				got = proved[0].Unproven
			}
			if !strings.HasPrefix(got, tt.want) || (tt.want == "") != (got == "") {
				t.Errorf("got %q, want %q:%s", got, tt.want, describe(proved))
			}
		})
	}
}
