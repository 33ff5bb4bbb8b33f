package compat_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// TestFindingElements checks what programs read from a finding besides
// its text: the severity, and the field or enum value it concerns in each
// version (Finding.Old and Finding.New), on the first finding of a rule in
// a testdata case.
func TestFindingElements(t *testing.T) {
	field := func(parent, name string, n int32) *compat.Element {
		return &compat.Element{Kind: compat.FieldElement, Parent: "acme.v1." + protoreflect.FullName(parent), Name: name, Number: n}
	}
	value := func(parent, name string, n int32) *compat.Element {
		return &compat.Element{Kind: compat.EnumValueElement, Parent: "acme.v1." + protoreflect.FullName(parent), Name: name, Number: n}
	}
	type summary struct {
		Severity compat.Severity
		Old, New *compat.Element
	}
	tests := []struct {
		path, rule string
		want       summary
	}{
		{"FIELD_SAME_NUMBER/renumbered.txtar", "FIELD_SAME_NUMBER", summary{compat.Error, field("User", "b", 2), field("User", "b", 3)}},
		{"FIELD_SAME_NUMBER/renumbered.txtar", "FIELD_NO_DELETE", summary{compat.Error, field("User", "b", 2), nil}},
		{"FIELD_SAME_NUMBER/moved_aside.txtar", "FIELD_SAME_NUMBER", summary{compat.Error, field("Order", "b", 2), field("Order", "b", 3)}},
		{"FIELD_WIRE_SAME_NUMBER/renumbered.txtar", "FIELD_WIRE_SAME_NUMBER", summary{compat.Error, field("User", "b", 2), field("User", "b", 3)}},
		{"FIELD_WIRE_SAME_NUMBER/renumbered.txtar", "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", summary{compat.Warning, field("User", "b", 2), nil}},
		{"FIELD_WIRE_SAME_NUMBER/swapped.txtar", "FIELD_WIRE_SAME_NUMBER", summary{compat.Error, field("Name", "first", 1), field("Name", "first", 2)}},
		{"FIELD_WIRE_SAME_NUMBER/moved_aside.txtar", "FIELD_WIRE_SAME_NUMBER", summary{compat.Warning, field("Order", "b", 2), field("Order", "b", 3)}},
		{"FIELD_WIRE_COMPATIBLE_TYPE/reused.txtar", "FIELD_WIRE_COMPATIBLE_TYPE", summary{compat.Error, field("Profile", "period_type", 13), field("Profile", "original_payload", 13)}},
		{"FIELD_WIRE_JSON_COMPATIBLE_TYPE/reused.txtar", "FIELD_WIRE_JSON_COMPATIBLE_TYPE", summary{compat.Error, field("Stock", "delta", 1), field("Stock", "quantity", 1)}},
		{"FIELD_WIRE_SAME_NUMBER/extension.txtar", "FIELD_WIRE_SAME_NUMBER", summary{compat.Error,
			&compat.Element{Kind: compat.ExtensionElement, Parent: "acme.v1.Base", Name: "acme.v1.note", Number: 100},
			&compat.Element{Kind: compat.ExtensionElement, Parent: "acme.v1.Base", Name: "acme.v1.note", Number: 110}}},
		{"ENUM_VALUE_SAME_NUMBER/swapped.txtar", "ENUM_VALUE_SAME_NUMBER", summary{compat.Error, value("Side", "SIDE_BUY", 1), value("Side", "SIDE_BUY", 2)}},
		{"ENUM_VALUE_NO_DELETE/deleted.txtar", "ENUM_VALUE_NO_DELETE", summary{compat.Error, value("State", "STATE_DONE", 2), nil}},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.rule, func(t *testing.T) {
			a, err := txtar.ParseFile("testdata/" + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			old, new := materialize(t, a, "old"), materialize(t, a, "new")
			fs, err := compat.Check(context.Background(), &schema.Schema{Files: old.Files}, &schema.Schema{Files: new.Files}, compat.Config{Use: []string{tt.rule}})
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) == 0 {
				t.Fatalf("%s reports nothing", tt.rule)
			}
			got := summary{fs[0].Severity, fs[0].Old, fs[0].New}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: (-want +got):\n%s", fs[0], diff)
			}
		})
	}
}
