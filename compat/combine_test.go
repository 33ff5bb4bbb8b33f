package compat_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
)

// TestNearest suggests the category or rule id a mistyped name stands for,
// and nothing for a name that is not close to one.
func TestNearest(t *testing.T) {
	for name, want := range map[string]string{
		"WIER":           "WIRE",
		"wire":           "WIRE",
		"wire_jsn":       "WIRE_JSON",
		"PACKGE":         "PACKAGE",
		"FIELD_DELETE":   "FIELD_NO_DELETE",
		"FILE_NO_DELET":  "FILE_NO_DELETE",
		"NOPE":           "",
		"NO_SUCH_RULE":   "",
		"":               "",
		"FIELD_SAME_TYP": "FIELD_SAME_TYPE",
	} {
		if got := compat.Nearest(name); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestSubtract leaves out the findings a merged branch made on its own: the
// same rule, file and element, wherever each version puts it, and for a
// finding that names no element, the same message.
func TestSubtract(t *testing.T) {
	email := &compat.Element{Kind: compat.FieldElement, Parent: "acme.v1.User", Name: "email", Number: 2}
	phone := &compat.Element{Kind: compat.FieldElement, Parent: "acme.v1.User", Name: "phone", Number: 3}
	at := func(line int) compat.Span { return compat.Span{Path: "user.proto", StartLine: line, StartCol: 1} }
	merge := []compat.Finding{
		{Rule: "FIELD_NO_DELETE", Message: "email deleted", Span: at(4), Old: email},
		{Rule: "FIELD_NO_DELETE", Message: "phone deleted", Span: at(4), Old: phone},
		{Rule: "FILE_NO_DELETE", Message: `file "order.proto" was deleted`, Span: compat.Span{Path: "order.proto", StartLine: 1, StartCol: 1}},
		{Rule: "FILE_NO_DELETE", Message: `file "item.proto" was deleted`, Span: compat.Span{Path: "item.proto", StartLine: 1, StartCol: 1}},
	}
	branch := []compat.Finding{
		{Rule: "FIELD_NO_DELETE", Message: "email deleted", Span: at(9), Old: email},
		{Rule: "FILE_NO_DELETE", Message: `file "order.proto" was deleted`, Span: compat.Span{Path: "order.proto", StartLine: 3, StartCol: 1}},
		{Rule: "FIELD_SAME_TYPE", Message: "phone changed type", Span: at(5), Old: phone, New: phone},
	}
	messages := func(fs []compat.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Message)
		}
		return out
	}
	want := []string{"phone deleted", `file "item.proto" was deleted`}
	if diff := cmp.Diff(want, messages(compat.Subtract(merge, branch))); diff != "" {
		t.Errorf("Subtract (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(messages(merge), messages(compat.Subtract(merge))); diff != "" {
		t.Errorf("Subtract with nothing brought (-want +got):\n%s", diff)
	}
}
