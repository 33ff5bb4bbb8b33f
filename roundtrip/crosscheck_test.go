package roundtrip_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// TestCrossCheck keeps the static rules and the prover honest with each
// other. It generates small schemas, applies one random edit to
// each, and asks both whether the edit breaks binary data: the rules by
// any finding of the WIRE category but the warnings of deletion rules
// (hazards of later reuse), the prover by any binary counterexample but
// those where the reader does not declare the field (a deletion again) or
// sees the value and only not its presence. The two verdicts must agree,
// except in the cases explained() lists.
func TestCrossCheck(t *testing.T) {
	const edits = 400
	rng := rand.New(rand.NewPCG(2024, 7))
	type tally struct{ n, agree, excused, disagree, direction int }
	stats := make(map[string]*tally)
	var failures []string
	for i := 0; i < edits; i++ {
		s := genSchema(rng)
		m := s.clone()
		class, what, ok := mutate(rng, m)
		if !ok {
			i--
			continue
		}
		oldFiles, err1 := compileSchema(s.render())
		newFiles, err2 := compileSchema(m.render())
		if err1 != nil {
			t.Fatalf("generated schema does not compile: %v\n%s", err1, s.render())
		}
		if err2 != nil {
			i-- // the edit made an invalid schema: try another
			continue
		}
		findings, err := compat.Check(context.Background(), &schema.Schema{Files: oldFiles}, &schema.Schema{Files: newFiles}, compat.Config{Use: []string{"WIRE"}})
		if err != nil {
			t.Fatal(err)
		}
		rulesBreak := slices.ContainsFunc(findings, func(f compat.Finding) bool {
			return f.Severity == compat.Error || !strings.Contains(f.Rule, "_NO_DELETE")
		})
		results, err := roundtrip.Prove(context.Background(), &schema.Schema{Files: oldFiles}, &schema.Schema{Files: newFiles}, roundtrip.Options{Seed: uint64(i), Samples: 48, SkipJSON: true})
		if err != nil {
			t.Fatal(err)
		}
		var cexs []roundtrip.Counterexample
		for _, r := range results {
			for _, c := range r.Counterexamples {
				if !c.Undeclared && !c.PresenceOnly {
					cexs = append(cexs, c)
				}
			}
		}
		proverBreak := len(cexs) > 0
		st := stats[class]
		if st == nil {
			st = &tally{}
			stats[class] = st
		}
		st.n++
		if rulesBreak == proverBreak {
			st.agree++
			if rulesBreak && !sameDirections(findings, cexs) {
				st.direction++
				t.Logf("edit %d (%s): %s: directions differ:\n%s%s", i, class, what, describeFindings(findings), describeCexs(cexs))
			}
			continue
		}
		if why := explained(class, what, s, rulesBreak); why != "" {
			st.excused++
			continue
		}
		st.disagree++
		var b strings.Builder
		fmt.Fprintf(&b, "edit %d (%s): %s: rules say break=%t, prover says break=%t\n", i, class, what, rulesBreak, proverBreak)
		for _, f := range findings {
			fmt.Fprintf(&b, "  rule: %s %s (%s)\n", f.Severity, f.Message, f.Rule)
		}
		for _, c := range cexs {
			fmt.Fprintf(&b, "  prover: %s\n", c)
		}
		fmt.Fprintf(&b, "--- old\n%s--- new\n%s", s.render(), m.render())
		failures = append(failures, b.String())
	}
	classes := make([]string, 0, len(stats))
	for c := range stats {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	total := tally{}
	for _, c := range classes {
		st := stats[c]
		t.Logf("%-14s %3d edits: %3d agree (%d in other directions), %3d excused, %3d disagree", c, st.n, st.agree, st.direction, st.excused, st.disagree)
		total.n += st.n
		total.agree += st.agree
		total.excused += st.excused
		total.disagree += st.disagree
		total.direction += st.direction
	}
	t.Logf("%-14s %3d edits: %3d agree (%d in other directions), %3d excused, %3d disagree", "all", total.n, total.agree, total.direction, total.excused, total.disagree)
	for _, f := range failures {
		t.Error(f)
	}
}

// sameDirections reports whether the rules' findings and the
// counterexamples name the same directions (a middleman counterexample
// counts as either, as does a rule's "full").
func sameDirections(findings []compat.Finding, cexs []roundtrip.Counterexample) bool {
	var rules, prover compat.Direction
	for _, f := range findings {
		if f.Severity == compat.Error || !strings.Contains(f.Rule, "_NO_DELETE") {
			rules |= f.Direction
		}
	}
	middleman := false
	for _, c := range cexs {
		switch c.Direction {
		case roundtrip.Backward:
			prover |= compat.Backward
		case roundtrip.Forward:
			prover |= compat.Forward
		default:
			middleman = true
		}
	}
	return rules == prover || rules == compat.Both && middleman || prover == 0 && middleman
}

func describeFindings(fs []compat.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  rule: %s %s %s (%s)\n", f.Severity, f.Direction, f.Message, f.Rule)
	}
	return b.String()
}

func describeCexs(cs []roundtrip.Counterexample) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  prover: %s\n", c)
	}
	return b.String()
}

// explained returns why the rules and the prover may disagree on an edit,
// or "" if they must not.
func explained(class, what string, s *xSchema, rulesBreak bool) string {
	switch {
	case class == "enum-delete" && !rulesBreak && s.syntax == "proto2":
		// Old data holding the value reaches new readers of a closed enum,
		// which move it to unknown fields: the prover shows a misreading,
		// the rules (after buf) a hazard of number reuse.
		return "closed enum value deleted: a misreading the rules class as a hazard"
	case class == "enum-renumber":
		// ENUM_VALUE_SAME_NUMBER reports a name that moved to another
		// number. The prover compares numbers: it sees old data keep its
		// number, which the new schema no longer names (an undeclared
		// value, counted apart above) or names differently (invisible to
		// a binary comparison), or nothing at all when no field uses the
		// enum.
		return "enum value renumbered: the prover compares numbers, not the names they stand for"
	}
	return ""
}

// The model of a generated schema: one file, one package.
type xSchema struct {
	syntax string // proto2 or proto3
	enums  []*xEnum
	msgs   []*xMsg
}

type xEnum struct {
	name   string
	values []xValue
}

type xValue struct {
	name string
	num  int
}

type xMsg struct {
	name     string
	fields   []*xField
	reserved []int
}

type xField struct {
	label    string // "", optional, required, repeated
	typ      string // scalar kind, enum or message name
	key      string // map key type, if a map
	name     string
	num      int
	oneof    string
	jsonName string
}

var scalars = []string{"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
	"sfixed32", "sfixed64", "bool", "string", "bytes", "float", "double"}

func (s *xSchema) clone() *xSchema {
	c := &xSchema{syntax: s.syntax}
	for _, e := range s.enums {
		c.enums = append(c.enums, &xEnum{e.name, slices.Clone(e.values)})
	}
	for _, m := range s.msgs {
		cm := &xMsg{name: m.name, reserved: slices.Clone(m.reserved)}
		for _, f := range m.fields {
			cf := *f
			cm.fields = append(cm.fields, &cf)
		}
		c.msgs = append(c.msgs, cm)
	}
	return c
}

func genSchema(rng *rand.Rand) *xSchema {
	s := &xSchema{syntax: "proto3"}
	if rng.IntN(2) == 0 {
		s.syntax = "proto2"
	}
	for i := range 1 + rng.IntN(2) {
		e := &xEnum{name: fmt.Sprintf("E%d", i)}
		for j := range 3 + rng.IntN(2) {
			e.values = append(e.values, xValue{fmt.Sprintf("E%d_V%d", i, j), j})
		}
		s.enums = append(s.enums, e)
	}
	nmsgs := 2 + rng.IntN(2)
	for i := range nmsgs {
		m := &xMsg{name: fmt.Sprintf("M%d", i)}
		nf := 3 + rng.IntN(4)
		for j := range nf {
			f := &xField{name: fmt.Sprintf("f%d", j+1), num: j + 1}
			switch r := rng.IntN(10); {
			case r < 5:
				f.typ = scalars[rng.IntN(len(scalars))]
			case r < 7:
				f.typ = s.enums[rng.IntN(len(s.enums))].name
			case r < 9:
				f.typ = fmt.Sprintf("M%d", rng.IntN(nmsgs))
			default:
				f.key = []string{"string", "int32", "uint64", "bool"}[rng.IntN(4)]
				f.typ = []string{"string", "int32", "sint64", "M0", "E0"}[rng.IntN(5)]
			}
			if f.key == "" {
				switch r := rng.IntN(6); {
				case r == 0:
					f.label = "repeated"
				case s.syntax == "proto2":
					f.label = "optional"
				case r == 1 && !strings.HasPrefix(f.typ, "M"):
					f.label = "optional"
				}
			}
			m.fields = append(m.fields, f)
		}
		// Sometimes two singular fields share a oneof.
		if rng.IntN(3) == 0 {
			var cands []*xField
			for _, f := range m.fields {
				if f.key == "" && f.label != "repeated" && f.label != "required" {
					cands = append(cands, f)
				}
			}
			if len(cands) >= 2 {
				for _, f := range cands[:2] {
					f.oneof, f.label = "choice", ""
				}
			}
		}
		s.msgs = append(s.msgs, m)
	}
	return s
}

func (s *xSchema) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "syntax = %q;\npackage x;\n", s.syntax)
	for _, e := range s.enums {
		fmt.Fprintf(&b, "enum %s {\n", e.name)
		for _, v := range e.values {
			fmt.Fprintf(&b, "  %s = %d;\n", v.name, v.num)
		}
		b.WriteString("}\n")
	}
	for _, m := range s.msgs {
		fmt.Fprintf(&b, "message %s {\n", m.name)
		if len(m.reserved) > 0 {
			var rs []string
			for _, r := range m.reserved {
				rs = append(rs, fmt.Sprint(r))
			}
			fmt.Fprintf(&b, "  reserved %s;\n", strings.Join(rs, ", "))
		}
		field := func(f *xField, indent string) {
			typ := f.typ
			if f.key != "" {
				typ = "map<" + f.key + ", " + f.typ + ">"
			}
			label := f.label
			if label != "" {
				label += " "
			}
			opt := ""
			if f.jsonName != "" {
				opt = fmt.Sprintf(" [json_name = %q]", f.jsonName)
			}
			fmt.Fprintf(&b, "%s%s%s %s = %d%s;\n", indent, label, typ, f.name, f.num, opt)
		}
		// A oneof's members are written together where its first one is.
		done := make(map[string]bool)
		for _, f := range m.fields {
			switch {
			case f.oneof == "":
				field(f, "  ")
			case !done[f.oneof]:
				done[f.oneof] = true
				fmt.Fprintf(&b, "  oneof %s {\n", f.oneof)
				for _, g := range m.fields {
					if g.oneof == f.oneof {
						field(g, "    ")
					}
				}
				b.WriteString("  }\n")
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// mutate applies one random edit to s and returns its class and a
// description, or ok false if the edit chosen does not apply.
func mutate(rng *rand.Rand, s *xSchema) (class, what string, ok bool) {
	m := s.msgs[rng.IntN(len(s.msgs))]
	f := m.fields[rng.IntN(len(m.fields))]
	e := s.enums[rng.IntN(len(s.enums))]
	desc := func(format string, args ...any) string {
		return fmt.Sprintf("%s.%s: ", m.name, f.name) + fmt.Sprintf(format, args...)
	}
	maxNum := func() int {
		n := 0
		for _, g := range m.fields {
			n = max(n, g.num)
		}
		for _, r := range m.reserved {
			n = max(n, r)
		}
		return n
	}
	isMsg := func(typ string) bool { return strings.HasPrefix(typ, "M") }
	switch rng.IntN(12) {
	case 0:
		if f.key != "" || isMsg(f.typ) {
			return "", "", false
		}
		to := scalars[rng.IntN(len(scalars))]
		if rng.IntN(4) == 0 {
			to = s.enums[rng.IntN(len(s.enums))].name
		}
		if to == f.typ || (f.label == "repeated" && (to == "string" || to == "bytes") != (f.typ == "string" || f.typ == "bytes")) {
			return "", "", false
		}
		what = desc("type %s -> %s", f.typ, to)
		f.typ = to
		return "type", what, true
	case 1:
		n := maxNum() + 1
		what = desc("number %d -> %d", f.num, n)
		f.num = n
		return "renumber", what, true
	case 2:
		if len(m.fields) < 2 {
			return "", "", false
		}
		what = desc("deleted")
		if rng.IntN(2) == 0 {
			m.reserved = append(m.reserved, f.num)
			what += ", number reserved"
		}
		m.fields = slices.DeleteFunc(m.fields, func(g *xField) bool { return g == f })
		return "delete", what, true
	case 3:
		what = desc("renamed")
		f.name += "_v2"
		return "rename", what, true
	case 4:
		if f.key != "" || f.label == "repeated" || f.label == "required" {
			return "", "", false
		}
		if f.oneof != "" {
			what = desc("moved out of oneof %s", f.oneof)
			f.oneof = ""
			if s.syntax == "proto2" {
				f.label = "optional"
			}
			// Keep the oneof members together for rendering.
			m.fields = append(slices.DeleteFunc(m.fields, func(g *xField) bool { return g == f }), f)
			return "oneof", what, true
		}
		target := "choice"
		if !slices.ContainsFunc(m.fields, func(g *xField) bool { return g.oneof == target }) {
			target = "fresh"
		}
		what = desc("moved into oneof %s", target)
		f.oneof, f.label = target, ""
		rest := slices.DeleteFunc(slices.Clone(m.fields), func(g *xField) bool { return g == f })
		at := slices.IndexFunc(rest, func(g *xField) bool { return g.oneof == target })
		if at < 0 {
			at = len(rest)
		}
		m.fields = slices.Insert(rest, at, f)
		return "oneof", what, true
	case 5:
		if f.key != "" || f.oneof != "" {
			return "", "", false
		}
		switch {
		case f.label == "repeated":
			what = desc("repeated -> singular")
			f.label = ""
			if s.syntax == "proto2" {
				f.label = "optional"
			}
		case s.syntax == "proto2" && f.label == "optional" && rng.IntN(2) == 0:
			what = desc("optional -> required")
			f.label = "required"
		case f.label == "required":
			what = desc("required -> optional")
			f.label = "optional"
		default:
			what = desc("singular -> repeated")
			f.label = "repeated"
		}
		return "cardinality", what, true
	case 6:
		if s.syntax != "proto3" || f.key != "" || f.oneof != "" || f.label == "repeated" || isMsg(f.typ) {
			return "", "", false
		}
		if f.label == "optional" {
			what = desc("optional dropped")
			f.label = ""
		} else {
			what = desc("optional added")
			f.label = "optional"
		}
		return "presence", what, true
	case 7:
		last := e.values[len(e.values)-1]
		what = fmt.Sprintf("%s: value %d added", e.name, last.num+1)
		e.values = append(e.values, xValue{fmt.Sprintf("%s_NEW%d", e.name, last.num+1), last.num + 1})
		return "enum-add", what, true
	case 8:
		if len(e.values) < 3 {
			return "", "", false
		}
		i := 1 + rng.IntN(len(e.values)-1)
		what = fmt.Sprintf("%s: value %s deleted", e.name, e.values[i].name)
		e.values = slices.Delete(e.values, i, i+1)
		return "enum-delete", what, true
	case 9:
		i := 1 + rng.IntN(len(e.values)-1)
		if rng.IntN(2) == 0 {
			n := e.values[len(e.values)-1].num + 1
			what = fmt.Sprintf("%s: value %s renumbered %d -> %d", e.name, e.values[i].name, e.values[i].num, n)
			e.values[i].num = n
			return "enum-renumber", what, true
		}
		what = fmt.Sprintf("%s: value %s renamed", e.name, e.values[i].name)
		e.values[i].name += "_V2"
		return "enum-rename", what, true
	case 10:
		// Two fields trade numbers: each decodes as the other.
		g := m.fields[rng.IntN(len(m.fields))]
		if g == f {
			return "", "", false
		}
		what = desc("number %d swapped with %s's %d", f.num, g.name, g.num)
		f.num, g.num = g.num, f.num
		return "swap", what, true
	default:
		if f.key != "" && rng.IntN(2) == 0 {
			to := []string{"string", "int32", "sint64", "M0", "E0"}[rng.IntN(5)]
			if to == f.typ {
				return "", "", false
			}
			what = desc("map value %s -> %s", f.typ, to)
			f.typ = to
			return "type", what, true
		}
		what = desc("json_name set")
		f.jsonName = "renamed" + f.name
		return "json_name", what, true
	}
}

func compileSchema(src string) ([]protoreflect.FileDescriptor, error) {
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(map[string]string{"x.proto": src}),
		}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := c.Compile(context.Background(), "x.proto")
	if err != nil {
		return nil, err
	}
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
	}
	return out, nil
}
