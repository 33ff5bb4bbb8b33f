package compat_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// TestCategoriesNest checks, on every testdata case, that a stricter
// category reports a finding wherever a looser one does: the places (path,
// line, column) that WIRE reports are among those WIRE_JSON reports, and
// those of WIRE_JSON among PACKAGE's and among FILE's. A user who tightens
// --use never loses a finding. Exceptions that buf's categories force are
// listed in nestingExceptions with the reason.
func TestCategoriesNest(t *testing.T) {
	for _, c := range loadCases(t) {
		name := strings.TrimSuffix(strings.TrimPrefix(c.path, "testdata/"), ".txtar")
		t.Run(name, func(t *testing.T) {
			old, new := materialize(t, c.archive, "old"), materialize(t, c.archive, "new")
			places := map[compat.Category]map[string][]string{}
			for _, cat := range []compat.Category{compat.Wire, compat.WireJSON, compat.Package, compat.File} {
				fs, err := compat.Check(context.Background(), &schema.Schema{Files: old.Files}, &schema.Schema{Files: new.Files}, compat.Config{Use: []string{string(cat)}})
				if err != nil {
					t.Fatal(err)
				}
				places[cat] = map[string][]string{}
				for _, f := range fs {
					at := fmt.Sprintf("%s:%d:%d", f.Span.Path, f.Span.StartLine, f.Span.StartCol)
					places[cat][at] = append(places[cat][at], f.Rule)
				}
			}
			for _, pair := range [][2]compat.Category{
				{compat.Wire, compat.WireJSON},
				{compat.WireJSON, compat.Package},
				{compat.WireJSON, compat.File},
			} {
				loose, strict := pair[0], pair[1]
				for at, rules := range places[loose] {
					if _, ok := places[strict][at]; ok {
						continue
					}
					rules = slices.Compact(slices.Sorted(slices.Values(rules)))
					t.Errorf("%s reports %s at %s; %s reports nothing there", loose, strings.Join(rules, ", "), at, strict)
				}
			}
		})
	}
}
