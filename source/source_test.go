package source_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/source"
)

func TestErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&source.Error{Path: "a.proto", Line: 3, Column: 8, Message: "syntax error"}, "a.proto:3:8: syntax error"},
		{&source.Error{Path: "a.proto", Message: "file is too large"}, "a.proto: file is too large"},
		{source.ErrorList{
			{Path: "a.proto", Line: 1, Column: 1, Message: "one"},
			{Path: "b.proto", Line: 2, Column: 5, Message: "two"},
		}, "a.proto:1:1: one\nb.proto:2:5: two"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestErrorsAs checks that a caller finds the problems of a wrapped list,
// a single problem in it, and the cause of one.
func TestErrorsAs(t *testing.T) {
	cause := &fs.PathError{Op: "open", Path: "c.proto", Err: fs.ErrNotExist}
	list := source.ErrorList{
		{Path: "a.proto", Line: 1, Column: 1, Message: "one"},
		{Path: "b.proto", Line: 2, Column: 5, Message: "two", Err: cause},
	}
	err := fmt.Errorf("loading: %w", list)
	var got source.ErrorList
	if !errors.As(err, &got) || len(got) != 2 {
		t.Fatalf("errors.As(ErrorList) = %v, want the list of 2", got)
	}
	var one *source.Error
	if !errors.As(err, &one) || one.Message != "one" {
		t.Errorf("errors.As(*Error) = %v, want the first problem", one)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(err, fs.ErrNotExist) = false, want the cause of the second problem found")
	}
}

func TestSort(t *testing.T) {
	l := source.ErrorList{
		{Path: "b.proto", Line: 1, Column: 1, Message: "b"},
		{Path: "a.proto", Line: 2, Column: 1, Message: "second"},
		{Path: "a.proto", Line: 1, Column: 9, Message: "first"},
		{Path: "a.proto", Line: 2, Column: 1, Message: "second"},
		{Path: "a.proto", Line: 2, Column: 1, Message: "same place, kept in order"},
	}
	l.Sort()
	want := source.ErrorList{
		{Path: "a.proto", Line: 1, Column: 9, Message: "first"},
		{Path: "a.proto", Line: 2, Column: 1, Message: "second"},
		{Path: "a.proto", Line: 2, Column: 1, Message: "same place, kept in order"},
		{Path: "b.proto", Line: 1, Column: 1, Message: "b"},
	}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("Sort (-want +got):\n%s", diff)
	}
}
