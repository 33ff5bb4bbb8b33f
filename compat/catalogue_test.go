package compat_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// TestCatalogueCopies checks that what the package hands out is the
// caller's own: changing it changes no later answer and no check.
func TestCatalogueCopies(t *testing.T) {
	type entry struct {
		ID         string
		Categories []compat.Category
	}
	snapshot := func() []entry {
		var out []entry
		for _, r := range compat.Rules() {
			out = append(out, entry{r.ID, r.Categories})
		}
		return out
	}
	before := snapshot()
	cats := compat.Categories()

	rules := compat.Rules()
	rules[0] = nil
	rules[1].ID = "CHANGED"
	rules[1].Categories[0] = "CHANGED"
	rules[2].Categories = nil
	r := compat.Lookup("FIELD_NO_DELETE")
	r.ID, r.Categories = "CHANGED", nil
	selected, err := compat.Config{Use: []string{"FIELD_NO_DELETE"}}.Select()
	if err != nil || len(selected) != 1 {
		t.Fatalf("Select = %v, %v, want FIELD_NO_DELETE", selected, err)
	}
	selected[0].Categories[0] = "CHANGED"
	c := compat.Categories()
	c[0] = "CHANGED"

	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("Rules after changing what it returned (-before +after):\n%s", diff)
	}
	if got := compat.Categories(); !slices.Equal(got, cats) {
		t.Errorf("Categories after changing what it returned = %v, want %v", got, cats)
	}
	if got := compat.Lookup("FIELD_NO_DELETE"); got == nil || got.ID != "FIELD_NO_DELETE" || !got.In(compat.File) {
		t.Errorf("Lookup after changing what it returned = %+v, want FIELD_NO_DELETE in FILE", got)
	}

	// A finding's categories are its own too.
	old := compileExample(map[string]string{"a.proto": "syntax = \"proto3\";\nmessage A { string x = 1; }\n"})
	new := compileExample(map[string]string{"a.proto": "syntax = \"proto3\";\nmessage A {}\n"})
	check := func() []compat.Finding {
		fs, err := compat.Check(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, compat.Config{Use: []string{"FIELD_NO_DELETE"}})
		if err != nil || len(fs) != 1 {
			t.Fatalf("Check = %v, %v, want one FIELD_NO_DELETE finding", fs, err)
		}
		return fs
	}
	first := check()
	first[0].Categories[0] = "CHANGED"
	if got := check()[0].Categories; slices.Contains(got, "CHANGED") {
		t.Errorf("a second Check's categories = %v: the first finding's change leaked into it", got)
	}
}
