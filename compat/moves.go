package compat

import "slices"

// One change, one finding: a field moved to another number is reported
// by FIELD_SAME_NUMBER and FIELD_WIRE_SAME_NUMBER, which say what readers
// of each version make of the other's data at both numbers. The rules
// that pair fields by number then see, at each number a moved field left
// or took, two fields of different names, and would report the same
// misreading again (a type, cardinality, sign or width change, a name),
// with reasons that belong to another field: "new readers truncate old
// values" where the number now holds another field altogether.

// moveKey identifies a field at a number in one version.
type moveKey struct {
	parent string
	name   string
	number int32
}

// dropMoved narrows, or drops, the findings of rules that pair fields by
// number where the pair is a moved field and another: the backward
// direction at the number the old field left, the forward one at the
// number the new field took, each of which the move's finding reports.
// It does so only when a rule that reports moves is among rules.
func (p *pass) dropMoved(rules []*Rule) {
	if !containsRule(rules, fieldSameNumber) && !containsRule(rules, fieldWireSameNumber) {
		return
	}
	left := make(map[moveKey]bool) // the old field moved away from its number
	took := make(map[moveKey]bool) // the new field moved to its number
	p.forEachFieldMove(func(mv fieldMove) {
		if o := fieldElement(mv.old); o != nil {
			left[moveKey{string(o.Parent), o.Name, o.Number}] = true
		}
		if n := fieldElement(mv.new); n != nil {
			took[moveKey{string(n.Parent), n.Name, n.Number}] = true
		}
	})
	kept := p.findings[:0]
	for _, f := range p.findings {
		if reusedPair(f) {
			o, n := f.Old, f.New
			if left[moveKey{string(o.Parent), o.Name, o.Number}] {
				f.Direction &^= Backward
			}
			if took[moveKey{string(n.Parent), n.Name, n.Number}] {
				f.Direction &^= Forward
			}
			if f.Direction == 0 {
				continue
			}
		}
		kept = append(kept, f)
	}
	p.findings = kept
}

// reusedPair reports whether f concerns a number that holds another field
// in each version: two fields, or extensions, of different names.
//
// Only findings about binary data count (rules of WIRE): a name, a JSON
// name or generated code is another matter than what readers make of the
// bytes, which the move's finding says.
func reusedPair(f Finding) bool {
	o, n := f.Old, f.New
	return f.Rule != fieldSameNumber.ID && f.Rule != fieldWireSameNumber.ID && slices.Contains(f.Categories, Wire) && o != nil && n != nil &&
		(o.Kind == FieldElement || o.Kind == ExtensionElement) && (n.Kind == FieldElement || n.Kind == ExtensionElement) &&
		o.Number == n.Number && o.Name != n.Name && o.Parent == n.Parent
}

// dropReused keeps one finding per direction of a number given to another
// field: the type rule's, which says the number now holds another field,
// and none of the rules that compare the two fields as if they were one
// (cardinality, sign, width, UTF-8 validation, default).
func (p *pass) dropReused() {
	type at struct {
		parent string
		number int32
	}
	typed := make(map[at]Direction)
	for _, f := range p.findings {
		if reusedPair(f) && (f.Rule == fieldWireCompatibleType.ID || f.Rule == fieldWireJSONCompatibleType.ID || f.Rule == fieldSameType.ID) {
			typed[at{string(f.New.Parent), f.New.Number}] |= f.Direction
		}
	}
	if len(typed) == 0 {
		return
	}
	kept := p.findings[:0]
	for _, f := range p.findings {
		if reusedPair(f) && f.Rule != fieldWireCompatibleType.ID && f.Rule != fieldWireJSONCompatibleType.ID && f.Rule != fieldSameType.ID &&
			f.Direction&^typed[at{string(f.New.Parent), f.New.Number}] == 0 {
			continue
		}
		kept = append(kept, f)
	}
	p.findings = kept
}

func containsRule(rules []*Rule, r *Rule) bool { return slices.Contains(rules, r) }
