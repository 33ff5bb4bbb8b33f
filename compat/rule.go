package compat

import (
	"slices"
	"strings"
)

// A Rule is one compatibility requirement. Rules are values, listed once in
// the catalogue that Rules returns; Check runs the ones a Config selects.
// The package hands out copies only, so a caller may change a Rule it holds
// without changing what Check does.
type Rule struct {
	// ID names the rule in configuration, ignore comments and output:
	// UPPER_SNAKE, and buf's id where buf has the same rule.
	ID string
	// Categories are the categories that include the rule.
	Categories []Category
	// Severity is Error for a break and Warning for a hazard.
	Severity Severity
	// Direction is who the change breaks when the rule fires; a single
	// finding may narrow it.
	Direction Direction
	// Doc is a one-line summary without a period, a blank line, and the
	// text that `protocheck explain` prints: what the rule protects, an
	// example, and how to make the change safely.
	Doc string

	// run reports the rule's findings in a Check; nil for the rules that
	// only the round-trip prover reports (see Proved).
	run func(*pass)
}

// Proved reports whether the rule is one that only the round-trip prover
// reports (package roundtrip, check --prove), with the bytes that show the
// break: Check never reports it, but it is configured, ignored and
// printed like any other.
func (r *Rule) Proved() bool { return r.run == nil }

// Summary returns the first line of the rule's Doc.
func (r *Rule) Summary() string {
	s, _, _ := strings.Cut(r.Doc, "\n")
	return s
}

// Explanation returns the rule's Doc after its summary line.
func (r *Rule) Explanation() string {
	_, s, _ := strings.Cut(r.Doc, "\n")
	return strings.TrimSpace(s)
}

// In reports whether the rule belongs to category c.
func (r *Rule) In(c Category) bool { return slices.Contains(r.Categories, c) }

// Lookup returns a copy of the rule with the given id, or nil.
func Lookup(id string) *Rule {
	if r := lookup(id); r != nil {
		return r.clone()
	}
	return nil
}

// lookup returns the catalogue's own rule with the given id, or nil: for
// this package, which never changes it.
func lookup(id string) *Rule {
	for _, r := range catalogue {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// clone returns a copy of r that shares nothing a caller can change.
func (r *Rule) clone() *Rule {
	c := *r
	c.Categories = slices.Clone(r.Categories)
	return &c
}
