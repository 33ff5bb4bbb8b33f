package roundtrip_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// The model below generates schemas that cover every field type with
// every option the encodings depend on: defaults, packing, presence
// (proto3 optional, editions field_presence, required), delimited
// encoding (proto2 groups, editions DELIMITED), json_name, oneofs, maps,
// enum aliases, closed enums and extensions; and edits them in the ways a
// schema's history does. FuzzProve and TestProveDifferential prove the
// pairs it makes. crosscheck_test.go keeps its own, smaller model, whose
// random stream its expectations depend on.

// gSchema is one file: proto2, proto3 or edition 2023, package x.
type gSchema struct {
	syntax string // "proto2", "proto3" or "2023"
	enums  []*gEnum
	msgs   []*gMsg
	// exts extend M0, which declares extensions 100 to 199 (not proto3).
	exts []*gField
}

type gEnum struct {
	name   string
	closed bool // editions: features.enum_type = CLOSED (proto2 enums always are)
	alias  bool // option allow_alias
	values []gValue
}

type gValue struct {
	name string
	num  int
}

type gMsg struct {
	name          string
	fields        []*gField
	reserved      []int
	reservedNames []string
}

type gField struct {
	label    string // "", "optional", "required", "repeated"
	typ      string // scalar kind, enum or message name; "group" for a proto2 group
	key      string // the map key type, for a map
	name     string
	num      int
	oneof    string
	jsonName string
	def      string // the default's literal, as written after "default ="
	packed   string // "", "true" or "false" ([packed = ...]; editions: EXPANDED when "false", PACKED when "true")
	presence string // editions: "", "EXPLICIT", "IMPLICIT" or "LEGACY_REQUIRED"
	delim    bool   // editions: features.message_encoding = DELIMITED
}

var gScalars = []string{"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
	"sfixed32", "sfixed64", "bool", "string", "bytes", "float", "double"}

var gMapKeys = []string{"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
	"sfixed32", "sfixed64", "bool", "string"}

func (s *gSchema) editions() bool { return s.syntax == "2023" }

func isEnumType(typ string) bool { return strings.HasPrefix(typ, "E") }
func isMsgType(typ string) bool  { return strings.HasPrefix(typ, "M") || typ == "group" }

func (s *gSchema) enum(name string) *gEnum {
	for _, e := range s.enums {
		if e.name == name {
			return e
		}
	}
	return nil
}

func (s *gSchema) clone() *gSchema {
	c := &gSchema{syntax: s.syntax}
	for _, e := range s.enums {
		ce := *e
		ce.values = slices.Clone(e.values)
		c.enums = append(c.enums, &ce)
	}
	for _, m := range s.msgs {
		cm := &gMsg{name: m.name, reserved: slices.Clone(m.reserved), reservedNames: slices.Clone(m.reservedNames)}
		for _, f := range m.fields {
			cf := *f
			cm.fields = append(cm.fields, &cf)
		}
		c.msgs = append(c.msgs, cm)
	}
	for _, x := range s.exts {
		cx := *x
		c.exts = append(c.exts, &cx)
	}
	return c
}

// genSchemaAll makes a schema from rng.
func genSchemaAll(rng *rand.Rand) *gSchema {
	s := &gSchema{syntax: []string{"proto2", "proto3", "2023"}[rng.IntN(3)]}
	for i := range 1 + rng.IntN(2) {
		e := &gEnum{name: fmt.Sprintf("E%d", i)}
		switch s.syntax {
		case "proto2":
			e.closed = true
		case "2023":
			e.closed = rng.IntN(3) == 0
		}
		for j := range 3 + rng.IntN(2) {
			e.values = append(e.values, gValue{fmt.Sprintf("E%d_V%d", i, j), j})
		}
		if rng.IntN(4) == 0 {
			e.alias = true
			e.values = append(e.values, gValue{fmt.Sprintf("E%d_ALIAS1", i), 1})
		}
		s.enums = append(s.enums, e)
	}
	nmsgs := 2 + rng.IntN(2)
	for i := range nmsgs {
		m := &gMsg{name: fmt.Sprintf("M%d", i)}
		for j := range 3 + rng.IntN(5) {
			m.fields = append(m.fields, s.genField(rng, m, j+1, nmsgs))
		}
		if rng.IntN(3) == 0 {
			var cands []*gField
			for _, f := range m.fields {
				if f.key == "" && f.label != "repeated" && f.label != "required" && f.presence != "LEGACY_REQUIRED" && f.typ != "group" {
					cands = append(cands, f)
				}
			}
			if len(cands) >= 2 {
				for _, f := range cands[:2] {
					f.oneof, f.label, f.presence, f.def = "choice", "", "", ""
				}
			}
		}
		s.msgs = append(s.msgs, m)
	}
	if s.syntax != "proto3" {
		for j := range rng.IntN(3) {
			x := s.genField(rng, nil, 100+j, nmsgs)
			x.name, x.jsonName = fmt.Sprintf("x%d", j), ""
			if x.key != "" || x.label == "required" || x.presence == "LEGACY_REQUIRED" || x.presence == "IMPLICIT" || x.typ == "group" {
				x.key, x.label, x.presence = "", "", ""
				x.typ = gScalars[rng.IntN(len(gScalars))]
				x.def, x.packed = "", ""
				if s.syntax == "proto2" {
					x.label = "optional"
				}
			}
			s.exts = append(s.exts, x)
		}
	}
	return s
}

func (s *gSchema) genField(rng *rand.Rand, m *gMsg, num, nmsgs int) *gField {
	f := &gField{name: fmt.Sprintf("f%d", num), num: num}
	switch r := rng.IntN(12); {
	case r < 6:
		f.typ = gScalars[rng.IntN(len(gScalars))]
	case r < 8:
		f.typ = s.enums[rng.IntN(len(s.enums))].name
	case r < 10:
		f.typ = fmt.Sprintf("M%d", rng.IntN(nmsgs))
	case r < 11 && s.syntax == "proto2" && m != nil:
		f.typ = "group"
	default:
		f.key = gMapKeys[rng.IntN(len(gMapKeys))]
		f.typ = []string{"string", "int32", "sint64", "bytes", "double", "M0", "E0"}[rng.IntN(7)]
	}
	if f.key != "" {
		return f
	}
	closedEnum := isEnumType(f.typ) && s.enum(f.typ).closed
	switch s.syntax {
	case "proto2":
		f.label = "optional"
		switch rng.IntN(6) {
		case 0:
			f.label = "repeated"
		case 1:
			if m != nil {
				f.label = "required"
			}
		}
	case "proto3":
		switch rng.IntN(5) {
		case 0:
			f.label = "repeated"
		case 1:
			f.label = "optional"
		}
	default:
		switch rng.IntN(6) {
		case 0:
			f.label = "repeated"
		case 1:
			if !isMsgType(f.typ) && !closedEnum {
				f.presence = "IMPLICIT"
			}
		case 2:
			if m != nil {
				f.presence = "LEGACY_REQUIRED"
			}
		}
		if isMsgType(f.typ) && rng.IntN(3) == 0 {
			f.delim = true
		}
	}
	if f.label == "repeated" && packable(f.typ) && rng.IntN(2) == 0 {
		f.packed = []string{"true", "false"}[rng.IntN(2)]
	}
	if s.explicitScalar(f) && rng.IntN(2) == 0 {
		f.def = s.genDefault(rng, f.typ)
	}
	if rng.IntN(8) == 0 && f.typ != "group" {
		f.jsonName = "j" + f.name
	}
	return f
}

// explicitScalar reports whether f may carry a default: a singular
// scalar or enum field with explicit presence outside a oneof.
func (s *gSchema) explicitScalar(f *gField) bool {
	if f.key != "" || f.label == "repeated" || isMsgType(f.typ) || f.oneof != "" {
		return false
	}
	switch s.syntax {
	case "proto2":
		return true
	case "2023":
		return f.presence != "IMPLICIT"
	}
	return false
}

func packable(typ string) bool {
	return typ != "string" && typ != "bytes" && !isMsgType(typ)
}

func (s *gSchema) genDefault(rng *rand.Rand, typ string) string {
	if e := s.enum(typ); e != nil {
		return e.values[rng.IntN(len(e.values))].name
	}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	switch typ {
	case "int32", "sint32", "sfixed32", "int64", "sint64", "sfixed64":
		return pick("0", "-1", "7", "2147483647", "-128")
	case "uint32", "fixed32", "uint64", "fixed64":
		return pick("0", "5", "4294967295")
	case "float", "double":
		return pick("0", "1.5", "-0.0", "inf", "-inf", "nan")
	case "bool":
		return pick("true", "false")
	case "string":
		return pick(`""`, `"abc"`, `"h\303\251"`)
	case "bytes":
		return pick(`""`, `"\000\377"`, `"ab"`)
	}
	return ""
}

func (s *gSchema) render() string {
	var b strings.Builder
	if s.editions() {
		fmt.Fprintf(&b, "edition = %q;\npackage x;\n", s.syntax)
	} else {
		fmt.Fprintf(&b, "syntax = %q;\npackage x;\n", s.syntax)
	}
	for _, e := range s.enums {
		fmt.Fprintf(&b, "enum %s {\n", e.name)
		if e.alias {
			b.WriteString("  option allow_alias = true;\n")
		}
		if s.editions() && e.closed {
			b.WriteString("  option features.enum_type = CLOSED;\n")
		}
		for _, v := range e.values {
			fmt.Fprintf(&b, "  %s = %d;\n", v.name, v.num)
		}
		b.WriteString("}\n")
	}
	for i, m := range s.msgs {
		fmt.Fprintf(&b, "message %s {\n", m.name)
		if i == 0 && s.syntax != "proto3" {
			b.WriteString("  extensions 100 to 199;\n")
		}
		if len(m.reserved) > 0 {
			var rs []string
			for _, r := range m.reserved {
				rs = append(rs, fmt.Sprint(r))
			}
			fmt.Fprintf(&b, "  reserved %s;\n", strings.Join(rs, ", "))
		}
		for _, n := range m.reservedNames {
			if s.editions() {
				fmt.Fprintf(&b, "  reserved %s;\n", n)
			} else {
				fmt.Fprintf(&b, "  reserved %q;\n", n)
			}
		}
		done := make(map[string]bool)
		for _, f := range m.fields {
			switch {
			case f.oneof == "":
				b.WriteString(s.fieldLine(f, "  "))
			case !done[f.oneof]:
				done[f.oneof] = true
				fmt.Fprintf(&b, "  oneof %s {\n", f.oneof)
				for _, g := range m.fields {
					if g.oneof == f.oneof {
						b.WriteString(s.fieldLine(g, "    "))
					}
				}
				b.WriteString("  }\n")
			}
		}
		b.WriteString("}\n")
	}
	if len(s.exts) > 0 {
		b.WriteString("extend M0 {\n")
		for _, x := range s.exts {
			b.WriteString(s.fieldLine(x, "  "))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func (s *gSchema) fieldLine(f *gField, indent string) string {
	typ := f.typ
	if f.key != "" {
		typ = "map<" + f.key + ", " + f.typ + ">"
	}
	label := f.label
	if f.oneof != "" || s.syntax == "2023" && label != "repeated" {
		label = ""
	}
	if label != "" {
		label += " "
	}
	var opts []string
	if f.def != "" {
		opts = append(opts, "default = "+f.def)
	}
	if f.jsonName != "" {
		opts = append(opts, fmt.Sprintf("json_name = %q", f.jsonName))
	}
	switch {
	case f.packed == "":
	case s.editions() && f.packed == "true":
		opts = append(opts, "features.repeated_field_encoding = PACKED")
	case s.editions():
		opts = append(opts, "features.repeated_field_encoding = EXPANDED")
	default:
		opts = append(opts, "packed = "+f.packed)
	}
	if s.editions() && f.presence != "" && f.oneof == "" {
		opts = append(opts, "features.field_presence = "+f.presence)
	}
	if s.editions() && f.delim && f.key == "" {
		opts = append(opts, "features.message_encoding = DELIMITED")
	}
	opt := ""
	if len(opts) > 0 {
		opt = " [" + strings.Join(opts, ", ") + "]"
	}
	if f.typ == "group" {
		// A proto2 group: its message is named after the field.
		name := "G" + f.name[1:]
		return fmt.Sprintf("%s%sgroup %s = %d%s { optional int32 a = 1; optional string s = 2; }\n", indent, label, name, f.num, opt)
	}
	return fmt.Sprintf("%s%s%s %s = %d%s;\n", indent, label, typ, f.name, f.num, opt)
}

// mutateAll applies one random edit to s and returns its class and a
// description, or ok false if the edit chosen does not apply.
func mutateAll(rng *rand.Rand, s *gSchema) (class, what string, ok bool) {
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
	other := func() *gField {
		g := m.fields[rng.IntN(len(m.fields))]
		if g == f {
			return nil
		}
		return g
	}
	switch rng.IntN(22) {
	case 0:
		if f.key != "" || isMsgType(f.typ) {
			return "", "", false
		}
		to := gScalars[rng.IntN(len(gScalars))]
		if rng.IntN(4) == 0 {
			to = s.enums[rng.IntN(len(s.enums))].name
		}
		if to == f.typ {
			return "", "", false
		}
		what = desc("type %s -> %s", f.typ, to)
		f.typ, f.def = to, ""
		if !packable(to) {
			f.packed = ""
		}
		return "type", what, true
	case 1:
		n := maxNum() + 1
		what = desc("number %d -> %d", f.num, n)
		if rng.IntN(2) == 0 {
			m.reserved = append(m.reserved, f.num)
			what += ", old number reserved"
		}
		f.num = n
		return "renumber", what, true
	case 2:
		if len(m.fields) < 2 {
			return "", "", false
		}
		what = desc("deleted")
		switch rng.IntN(3) {
		case 0:
			m.reserved = append(m.reserved, f.num)
			m.reservedNames = append(m.reservedNames, f.name)
			what += ", number and name reserved"
		case 1:
			m.reserved = append(m.reserved, f.num)
			what += ", number reserved"
		}
		m.fields = slices.DeleteFunc(m.fields, func(g *gField) bool { return g == f })
		return "delete", what, true
	case 3:
		what = desc("renamed")
		f.name += "_v2"
		if f.typ == "group" {
			return "", "", false
		}
		return "rename", what, true
	case 4:
		g := other()
		if g == nil {
			return "", "", false
		}
		what = desc("number %d swapped with %s's %d", f.num, g.name, g.num)
		f.num, g.num = g.num, f.num
		return "swap", what, true
	case 5:
		g := other()
		if g == nil || f.typ == "group" || g.typ == "group" {
			return "", "", false
		}
		fj, gj := f.jsonName, g.jsonName
		if fj == "" {
			fj = jsonCamel(f.name)
		}
		if gj == "" {
			gj = jsonCamel(g.name)
		}
		what = desc("json_name swapped with %s's", g.name)
		f.jsonName, g.jsonName = gj, fj
		return "json_name", what, true
	case 6:
		if f.typ == "group" {
			return "", "", false
		}
		if f.jsonName != "" {
			what = desc("json_name dropped")
			f.jsonName = ""
		} else {
			what = desc("json_name set")
			f.jsonName = "renamed" + f.name
		}
		return "json_name", what, true
	case 7:
		// Presence.
		if f.key != "" || f.oneof != "" || f.label == "repeated" {
			return "", "", false
		}
		switch s.syntax {
		case "proto3":
			if isMsgType(f.typ) {
				return "", "", false
			}
			if f.label == "optional" {
				what, f.label = desc("optional -> implicit presence"), ""
			} else {
				what, f.label = desc("implicit -> optional"), "optional"
			}
		case "proto2":
			if f.label == "required" {
				what, f.label = desc("required -> optional"), "optional"
			} else {
				what, f.label = desc("optional -> required"), "required"
			}
		default:
			to := []string{"", "IMPLICIT", "LEGACY_REQUIRED"}[rng.IntN(3)]
			if to == f.presence || to == "IMPLICIT" && (isMsgType(f.typ) || isEnumType(f.typ) && s.enum(f.typ).closed) {
				return "", "", false
			}
			what = desc("field_presence %q -> %q", f.presence, to)
			f.presence = to
			if to == "IMPLICIT" {
				f.def = ""
			}
		}
		return "presence", what, true
	case 8:
		if f.key != "" || f.oneof != "" {
			return "", "", false
		}
		if f.label == "repeated" {
			what = desc("repeated -> singular")
			f.label, f.packed = "", ""
			if s.syntax == "proto2" {
				f.label = "optional"
			}
		} else {
			what = desc("singular -> repeated")
			f.label, f.def, f.presence = "repeated", "", ""
		}
		return "cardinality", what, true
	case 9:
		if f.label != "repeated" || !packable(f.typ) {
			return "", "", false
		}
		switch f.packed {
		case "true":
			f.packed = "false"
		case "false":
			f.packed = "true"
		default:
			f.packed = []string{"true", "false"}[rng.IntN(2)]
		}
		what = desc("packed = %s", f.packed)
		return "packed", what, true
	case 10:
		if !s.editions() || !isMsgType(f.typ) || f.key != "" {
			return "", "", false
		}
		f.delim = !f.delim
		what = desc("delimited = %t", f.delim)
		return "delimited", what, true
	case 11:
		if !s.explicitScalar(f) {
			return "", "", false
		}
		d := s.genDefault(rng, f.typ)
		if rng.IntN(3) == 0 {
			d = ""
		}
		if d == f.def {
			return "", "", false
		}
		what = desc("default %q -> %q", f.def, d)
		f.def = d
		return "default", what, true
	case 12:
		if f.key != "" || f.label == "repeated" || f.label == "required" || f.presence == "LEGACY_REQUIRED" || f.typ == "group" {
			return "", "", false
		}
		if f.oneof != "" {
			what = desc("moved out of oneof %s", f.oneof)
			f.oneof = ""
			if s.syntax == "proto2" {
				f.label = "optional"
			}
			m.fields = append(slices.DeleteFunc(m.fields, func(g *gField) bool { return g == f }), f)
			return "oneof", what, true
		}
		target := "choice"
		if !slices.ContainsFunc(m.fields, func(g *gField) bool { return g.oneof == target }) {
			target = "fresh"
		}
		what = desc("moved into oneof %s", target)
		f.oneof, f.label, f.def, f.presence = target, "", "", ""
		rest := slices.DeleteFunc(slices.Clone(m.fields), func(g *gField) bool { return g == f })
		at := slices.IndexFunc(rest, func(g *gField) bool { return g.oneof == target })
		if at < 0 {
			at = len(rest)
		}
		m.fields = slices.Insert(rest, at, f)
		return "oneof", what, true
	case 13:
		last := e.values[len(e.values)-1]
		n := last.num + 1
		what = fmt.Sprintf("%s: value %d added", e.name, n)
		e.values = append(e.values, gValue{fmt.Sprintf("%s_NEW%d", e.name, n), n})
		return "enum-add", what, true
	case 14:
		if len(e.values) < 3 {
			return "", "", false
		}
		i := 1 + rng.IntN(len(e.values)-1)
		what = fmt.Sprintf("%s: value %s deleted", e.name, e.values[i].name)
		if s.usesValue(e, e.values[i].name) {
			return "", "", false
		}
		e.values = slices.Delete(e.values, i, i+1)
		return "enum-delete", what, true
	case 15:
		i := rng.IntN(len(e.values))
		if s.usesValue(e, e.values[i].name) {
			return "", "", false
		}
		what = fmt.Sprintf("%s: value %s renamed", e.name, e.values[i].name)
		e.values[i].name += "_V2"
		return "enum-rename", what, true
	case 16:
		i := 1 + rng.IntN(len(e.values)-1)
		n := slices.MaxFunc(e.values, func(a, b gValue) int { return a.num - b.num }).num + 1
		what = fmt.Sprintf("%s: value %s renumbered %d -> %d", e.name, e.values[i].name, e.values[i].num, n)
		e.values[i].num = n
		return "enum-renumber", what, true
	case 17:
		// An alias added before the value it aliases, or aliases reordered.
		i := 1 + rng.IntN(len(e.values)-1)
		if e.alias && rng.IntN(2) == 0 {
			for j := range e.values {
				for k := j + 1; k < len(e.values); k++ {
					if e.values[j].num == e.values[k].num {
						e.values[j], e.values[k] = e.values[k], e.values[j]
						return "enum-alias", fmt.Sprintf("%s: aliases %s and %s reordered", e.name, e.values[k].name, e.values[j].name), true
					}
				}
			}
		}
		e.alias = true
		v := gValue{e.values[i].name + "_ALIAS", e.values[i].num}
		e.values = slices.Insert(e.values, i, v)
		return "enum-alias", fmt.Sprintf("%s: alias %s added before %s", e.name, v.name, e.values[i+1].name), true
	case 18, 19:
		return mutateExtension(rng, s)
	case 20:
		if f.key == "" {
			return "", "", false
		}
		to := []string{"string", "int32", "sint64", "bytes", "double", "M0", "E0"}[rng.IntN(7)]
		if to == f.typ {
			return "", "", false
		}
		what = desc("map value %s -> %s", f.typ, to)
		f.typ = to
		return "type", what, true
	default:
		if !isMsgType(f.typ) || f.key != "" || f.typ == "group" {
			return "", "", false
		}
		to := fmt.Sprintf("M%d", rng.IntN(len(s.msgs)))
		if to == f.typ {
			return "", "", false
		}
		what = desc("message type %s -> %s", f.typ, to)
		f.typ = to
		return "type", what, true
	}
}

// usesValue reports whether a default names the enum value.
func (s *gSchema) usesValue(e *gEnum, name string) bool {
	uses := func(f *gField) bool { return f.typ == e.name && f.def == name }
	for _, m := range s.msgs {
		if slices.ContainsFunc(m.fields, uses) {
			return true
		}
	}
	return slices.ContainsFunc(s.exts, uses)
}

func mutateExtension(rng *rand.Rand, s *gSchema) (class, what string, ok bool) {
	if len(s.exts) == 0 {
		if s.syntax == "proto3" {
			return "", "", false
		}
		x := &gField{name: "x9", num: 150, typ: gScalars[rng.IntN(len(gScalars))]}
		if s.syntax == "proto2" {
			x.label = "optional"
		}
		s.exts = append(s.exts, x)
		return "extension", "extension x9 = 150 added", true
	}
	x := s.exts[rng.IntN(len(s.exts))]
	switch rng.IntN(5) {
	case 4:
		what = fmt.Sprintf("extension %s renamed", x.name)
		x.name += "_v2"
		return "extension", what, true
	case 0:
		if isMsgType(x.typ) {
			return "", "", false
		}
		to := gScalars[rng.IntN(len(gScalars))]
		if to == x.typ {
			return "", "", false
		}
		what = fmt.Sprintf("extension %s: type %s -> %s", x.name, x.typ, to)
		x.typ, x.def = to, ""
		if !packable(to) {
			x.packed = ""
		}
		return "extension", what, true
	case 1:
		if len(s.exts) < 2 {
			return "", "", false
		}
		y := s.exts[rng.IntN(len(s.exts))]
		if y == x {
			return "", "", false
		}
		x.num, y.num = y.num, x.num
		return "extension", fmt.Sprintf("extensions %s and %s swapped numbers", x.name, y.name), true
	case 2:
		n := 0
		for _, y := range s.exts {
			n = max(n, y.num)
		}
		what = fmt.Sprintf("extension %s: number %d -> %d", x.name, x.num, n+1)
		x.num = n + 1
		return "extension", what, true
	default:
		if x.label == "repeated" {
			x.label, x.packed = "", ""
			if s.syntax == "proto2" {
				x.label = "optional"
			}
			return "extension", fmt.Sprintf("extension %s: repeated -> singular", x.name), true
		}
		x.label, x.def = "repeated", ""
		return "extension", fmt.Sprintf("extension %s: singular -> repeated", x.name), true
	}
}

// jsonCamel is protoc's default JSON name of a field name.
func jsonCamel(name string) string {
	var b strings.Builder
	up := false
	for _, r := range name {
		switch {
		case r == '_':
			up = true
		case up && 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			up = false
		default:
			b.WriteRune(r)
			up = false
		}
	}
	return b.String()
}

// genPair makes a schema and one edit of it that both compile, from seed;
// ok is false when none was found in a few tries.
func genPair(seed uint64) (old, new, class, what string, ok bool) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for range 20 {
		s := genSchemaAll(rng)
		if _, err := compileSchema(s.render()); err != nil {
			continue
		}
		m := s.clone()
		class, what, ok := mutateAll(rng, m)
		if !ok {
			continue
		}
		if _, err := compileSchema(m.render()); err != nil {
			continue
		}
		return s.render(), m.render(), class, what, true
	}
	return "", "", "", "", false
}
