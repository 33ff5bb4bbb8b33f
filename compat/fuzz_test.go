package compat_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

// FuzzCheck compares pairs of small schemas, the second a mutation of the
// first, both made from the fuzz input by a generator of its own (schemaGen
// below). Check must not panic or fail; its findings must be sorted and
// free of repeats, located inside the files they name; a schema compared
// with itself has no findings; and a one-directional check finds a subset
// of what the full one finds; and the places WIRE reports are among those
// of WIRE_JSON, those of WIRE_JSON among those of PACKAGE and of FILE.
func FuzzCheck(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03\x05\x07\x02\x11\x13\x17\x01\x00\x09\x04\x0b"))
	f.Add([]byte("mutate every kind of element: 0123456789abcdefghijklmnopqrstuvwxyz"))
	var all []string
	for _, c := range compat.Categories() {
		all = append(all, string(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &schemaGen{data: data}
		a := g.schema()
		b := a.clone()
		for range int(g.next() % 8) {
			g.mutate(b)
		}
		srcA, srcB := a.render(), b.render()
		sa, errA := compile(t, srcA)
		sb, errB := compile(t, srcB)
		if errA != nil || errB != nil {
			return // the generator made something invalid: not Check's business
		}
		lines := func(src map[string]string) map[string]int {
			out := make(map[string]int)
			for p, s := range src {
				out[p] = strings.Count(s, "\n") + 1
			}
			return out
		}
		linesA, linesB := lines(srcA), lines(srcB)
		run := func(old, new *schema.Schema, oldLines, newLines map[string]int, dir compat.Direction) []compat.Finding {
			fs, err := compat.Check(context.Background(), old, new, compat.Config{Use: all, Direction: dir})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			for i, f := range fs {
				if i > 0 && compareFindings(fs[i-1], f) >= 0 {
					t.Errorf("findings out of order or repeated:\n%v\n%v", fs[i-1], f)
				}
				if f.Rule == "" || f.Message == "" || strings.HasSuffix(f.Message, ".") {
					t.Errorf("malformed finding %#v", f)
				}
				inside(t, f, "span", f.Span, max(oldLines[f.Span.Path], newLines[f.Span.Path]))
				if f.OldSpan.Path != "" {
					inside(t, f, "old span", f.OldSpan, oldLines[f.OldSpan.Path])
				}
			}
			return fs
		}
		for _, s := range []*schema.Schema{sa, sb} {
			if fs := run(s, s, linesA, linesA, compat.Both); len(fs) > 0 && s == sa {
				t.Errorf("a schema compared with itself has findings: %v", fs)
			}
		}
		for _, pair := range [][2]*schema.Schema{{sa, sb}, {sb, sa}} {
			ol, nl := linesA, linesB
			if pair[0] == sb {
				ol, nl = linesB, linesA
			}
			full := run(pair[0], pair[1], ol, nl, compat.Both)
			for _, dir := range []compat.Direction{compat.Backward, compat.Forward} {
				for _, f := range run(pair[0], pair[1], ol, nl, dir) {
					if !slices.ContainsFunc(full, func(g compat.Finding) bool { return compareFindings(f, g) == 0 }) {
						t.Errorf("a %s check found what a full one did not: %v", dir, f)
					}
				}
			}
		}
		if fs := run(sb, sb, linesB, linesB, compat.Both); len(fs) > 0 {
			t.Errorf("a schema compared with itself has findings: %v", fs)
		}
		// A stricter category reports wherever a looser one does.
		places := func(cat compat.Category) map[string]string {
			fs, err := compat.Check(context.Background(), sa, sb, compat.Config{Use: []string{string(cat)}})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			out := make(map[string]string)
			for _, f := range fs {
				out[fmt.Sprintf("%s:%d:%d", f.Span.Path, f.Span.StartLine, f.Span.StartCol)] = f.String()
			}
			return out
		}
		wire, wireJSON := places(compat.Wire), places(compat.WireJSON)
		for _, nest := range []struct {
			loose, strict map[string]string
			names         string
		}{
			{wire, wireJSON, "WIRE, WIRE_JSON"},
			{wireJSON, places(compat.Package), "WIRE_JSON, PACKAGE"},
			{wireJSON, places(compat.File), "WIRE_JSON, FILE"},
		} {
			for at, f := range nest.loose {
				if _, ok := nest.strict[at]; !ok {
					t.Errorf("%s: the first reports %s, the second nothing at %s\nold:\n%s\nnew:\n%s", nest.names, f, at, srcA, srcB)
				}
			}
		}
	})
}

// compareFindings is the order Check promises: path, line, column, rule,
// message.
func compareFindings(a, b compat.Finding) int {
	return cmp.Or(
		cmp.Compare(a.Span.Path, b.Span.Path),
		cmp.Compare(a.Span.StartLine, b.Span.StartLine),
		cmp.Compare(a.Span.StartCol, b.Span.StartCol),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
	)
}

// inside checks that a span lies in a file of the given number of lines.
func inside(t *testing.T, f compat.Finding, what string, s compat.Span, lines int) {
	t.Helper()
	if lines == 0 {
		t.Errorf("%s of %v names a file of neither version", what, f)
		return
	}
	if s.StartLine == 0 {
		return // the file as a whole
	}
	if s.StartLine < 1 || s.StartLine > lines || s.StartCol < 1 ||
		s.EndLine < s.StartLine || s.EndLine > lines || (s.EndLine == s.StartLine && s.EndCol < s.StartCol) {
		t.Errorf("%s %+v of %v is not inside a file of %d lines", what, s, f, lines)
	}
}

// compile writes the files and loads them.
func compile(t *testing.T, files map[string]string) (*schema.Schema, error) {
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir))
	if err != nil {
		return nil, err
	}
	return &schema.Schema{Files: s.Files, Paths: s.Paths}, nil
}

// schemaGen turns fuzz bytes into schemas and mutations. Past the end of its
// input it reads zeros, so every input makes a schema.
type schemaGen struct {
	data []byte
	i    int
}

func (g *schemaGen) next() byte {
	if g.i >= len(g.data) {
		return 0
	}
	g.i++
	return g.data[g.i-1]
}

func (g *schemaGen) pick(n int) int { return int(g.next()) % n }

// The model: two files, a.proto and b.proto importing it, of one syntax.
type gSchema struct {
	syntax  int // 0 proto2, 1 proto3, 2 edition 2023
	pkgB    string
	noB     bool
	goPkg   string
	files   [2]gFile
	counter int // makes names unique
}

type gFile struct {
	msgs  []*gMsg
	enums []*gEnum
	svcs  []*gSvc
	exts  []*gField // proto2 extensions of p.a.Ext
}

type gMsg struct {
	name     string
	fields   []*gField
	nested   []*gMsg
	enums    []*gEnum
	oneofs   int
	reserved []int
	resNames []string
}

type gField struct {
	name, typ  string // typ: a scalar, "map", or the full name of a message or enum
	num        int
	label      int // 0 none, 1 optional, 2 repeated, 3 required
	oneof      int // -1: none
	jsonName   string
	deprecated bool
	packed     int // 0 unset, 1 true, 2 false
}

type gEnum struct {
	name   string
	values []gValue
	alias  bool
}

type gValue struct {
	name string
	num  int
}

type gSvc struct {
	name    string
	methods []*gMethod
}

type gMethod struct {
	name, in, out string
	cs, ss        bool
	idem          int
}

var scalars = []string{"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes", "float", "double"}

func (g *schemaGen) name(s *gSchema, prefix string) string {
	s.counter++
	return fmt.Sprintf("%s%d", prefix, s.counter)
}

func (g *schemaGen) schema() *gSchema {
	s := &gSchema{syntax: g.pick(3), pkgB: "p.a"}
	if g.next()%2 == 1 {
		s.pkgB = "p.b"
	}
	for fi := range s.files {
		f := &s.files[fi]
		for range 1 + g.pick(3) {
			f.enums = append(f.enums, g.enum(s))
		}
		for range 1 + g.pick(4) {
			f.msgs = append(f.msgs, g.msg(s, 0))
		}
		for range g.pick(2) {
			f.svcs = append(f.svcs, g.svc(s))
		}
	}
	if s.syntax == 0 {
		for range g.pick(3) {
			s.files[1].exts = append(s.files[1].exts, &gField{name: g.name(s, "ext"), typ: scalars[g.pick(len(scalars))], num: 100 + g.pick(100), label: 1, oneof: -1})
		}
	}
	return s
}

func (g *schemaGen) enum(s *gSchema) *gEnum {
	e := &gEnum{name: g.name(s, "E"), alias: g.next()%4 == 0}
	for i := range 1 + g.pick(4) {
		n := i
		if i > 0 {
			n = g.pick(6)
		}
		e.values = append(e.values, gValue{name: strings.ToUpper(e.name) + "_" + g.name(s, "V"), num: n})
	}
	return e
}

func (g *schemaGen) msg(s *gSchema, depth int) *gMsg {
	m := &gMsg{name: g.name(s, "M"), oneofs: g.pick(3)}
	for range g.pick(6) {
		m.fields = append(m.fields, g.field(s, m))
	}
	if depth < 2 && g.next()%3 == 0 {
		m.nested = append(m.nested, g.msg(s, depth+1))
	}
	if g.next()%4 == 0 {
		m.enums = append(m.enums, g.enum(s))
	}
	if g.next()%4 == 0 {
		m.reserved = append(m.reserved, 20+g.pick(10))
		m.resNames = append(m.resNames, g.name(s, "gone"))
	}
	return m
}

func (g *schemaGen) field(s *gSchema, m *gMsg) *gField {
	f := &gField{name: g.name(s, "f"), num: 1 + g.pick(19), oneof: -1, label: g.pick(4)}
	switch g.pick(6) {
	case 0:
		f.typ = "ref" // resolved to a message or enum at render time
	case 1:
		f.typ = "map"
		f.label = 0
	default:
		f.typ = scalars[g.pick(len(scalars))]
	}
	if m.oneofs > 0 && f.typ != "map" && g.next()%3 == 0 {
		f.oneof, f.label = g.pick(m.oneofs), 0
	}
	if g.next()%5 == 0 {
		f.jsonName = g.name(s, "j")
	}
	f.deprecated = g.next()%7 == 0
	f.packed = g.pick(3)
	return f
}

func (g *schemaGen) svc(s *gSchema) *gSvc {
	v := &gSvc{name: g.name(s, "S")}
	for range 1 + g.pick(3) {
		v.methods = append(v.methods, &gMethod{name: g.name(s, "R"), in: "ref", out: "ref", cs: g.next()%3 == 0, ss: g.next()%3 == 0, idem: g.pick(3)})
	}
	return v
}

func (s *gSchema) clone() *gSchema {
	c := *s
	for i, f := range s.files {
		c.files[i] = gFile{}
		for _, m := range f.msgs {
			c.files[i].msgs = append(c.files[i].msgs, m.clone())
		}
		for _, e := range f.enums {
			c.files[i].enums = append(c.files[i].enums, e.clone())
		}
		for _, v := range f.svcs {
			nv := &gSvc{name: v.name}
			for _, r := range v.methods {
				r := *r
				nv.methods = append(nv.methods, &r)
			}
			c.files[i].svcs = append(c.files[i].svcs, nv)
		}
		for _, x := range f.exts {
			x := *x
			c.files[i].exts = append(c.files[i].exts, &x)
		}
	}
	return &c
}

func (m *gMsg) clone() *gMsg {
	c := *m
	c.fields = nil
	for _, f := range m.fields {
		f := *f
		c.fields = append(c.fields, &f)
	}
	c.nested = nil
	for _, n := range m.nested {
		c.nested = append(c.nested, n.clone())
	}
	c.enums = nil
	for _, e := range m.enums {
		c.enums = append(c.enums, e.clone())
	}
	c.reserved = slices.Clone(m.reserved)
	c.resNames = slices.Clone(m.resNames)
	return &c
}

func (e *gEnum) clone() *gEnum {
	c := *e
	c.values = slices.Clone(e.values)
	return &c
}

// allMsgs lists every message of the schema, nested ones too.
func (s *gSchema) allMsgs() []*gMsg {
	var out []*gMsg
	var walk func(ms []*gMsg)
	walk = func(ms []*gMsg) {
		for _, m := range ms {
			out = append(out, m)
			walk(m.nested)
		}
	}
	for _, f := range s.files {
		walk(f.msgs)
	}
	return out
}

func (s *gSchema) allEnums() []*gEnum {
	var out []*gEnum
	for _, f := range s.files {
		out = append(out, f.enums...)
	}
	for _, m := range s.allMsgs() {
		out = append(out, m.enums...)
	}
	return out
}

// mutate applies one change of the kinds that rules look for.
func (g *schemaGen) mutate(s *gSchema) {
	msgs := s.allMsgs()
	m := msgs[g.pick(len(msgs))]
	var f *gField
	if len(m.fields) > 0 {
		f = m.fields[g.pick(len(m.fields))]
	}
	enums := s.allEnums()
	e := enums[g.pick(len(enums))]
	file := &s.files[g.pick(2)]
	switch g.pick(21) {
	case 0:
		if f != nil {
			m.fields = slices.DeleteFunc(m.fields, func(x *gField) bool { return x == f })
			if g.next()%2 == 0 {
				m.reserved = append(m.reserved, f.num)
			} else {
				m.resNames = append(m.resNames, f.name)
			}
		}
	case 1:
		if f != nil {
			f.num = 1 + g.pick(19)
		}
	case 2:
		if f != nil {
			f.name = g.name(s, "renamed")
		}
	case 3:
		if f != nil && f.typ != "map" {
			f.typ = scalars[g.pick(len(scalars))]
		}
	case 4:
		if f != nil && f.typ != "map" && f.oneof < 0 {
			f.label = g.pick(4)
		}
	case 5:
		if f != nil && f.typ != "map" {
			f.oneof, f.label = -1, 0
			if m.oneofs > 0 && g.next()%2 == 0 {
				f.oneof = g.pick(m.oneofs)
			}
		}
	case 6:
		if len(file.msgs) > 1 {
			file.msgs = slices.Delete(file.msgs, 0, 1)
		}
	case 7:
		m.name = g.name(s, "Renamed")
	case 8:
		if len(e.values) > 1 {
			e.values = slices.Delete(e.values, len(e.values)-1, len(e.values))
		}
	case 9:
		if len(e.values) > 1 {
			e.values[len(e.values)-1].num = g.pick(8)
		}
	case 10:
		if len(file.enums) > 1 {
			file.enums = file.enums[1:]
		}
	case 11:
		if len(file.svcs) > 0 {
			v := file.svcs[0]
			if len(v.methods) > 1 {
				v.methods = v.methods[1:]
			} else {
				file.svcs = file.svcs[1:]
			}
		}
	case 12:
		for _, v := range file.svcs {
			for _, r := range v.methods {
				r.cs, r.ss, r.idem = !r.cs, g.next()%2 == 0, g.pick(3)
			}
		}
	case 13:
		for _, v := range file.svcs {
			for _, r := range v.methods {
				r.in, r.out = r.out, "google.protobuf.Empty"
			}
		}
	case 14:
		s.pkgB = []string{"p.a", "p.b", "p.c"}[g.pick(3)]
	case 15:
		s.syntax = g.pick(3)
	case 16:
		s.noB = !s.noB
	case 17:
		if f != nil {
			f.jsonName = g.name(s, "j")
			f.deprecated = !f.deprecated
			f.packed = g.pick(3)
		}
	case 18:
		s.goPkg = g.name(s, "example.com/go")
	case 19:
		m.fields = append(m.fields, g.field(s, m))
		if len(msgs) > 1 && g.next()%2 == 0 {
			m.nested = append(m.nested, msgs[g.pick(len(msgs))].clone())
		}
	case 20:
		// Two fields swap numbers, or one takes a free number: names
		// that move between numbers.
		if len(m.fields) > 1 {
			x := m.fields[g.pick(len(m.fields))]
			if x != f && x.typ != "map" && f.typ != "map" {
				x.num, f.num = f.num, x.num
			}
		}
	}
}

// render writes the schema as .proto files, leaving out whatever would
// not compile (a repeated field number, a reference to nothing).
func (s *gSchema) render() map[string]string {
	out := make(map[string]string)
	var types []string // full names of messages and enums, for references
	var enumTypes = make(map[string]bool)
	ownTypes := 0
	pkgs := [2]string{"p.a", s.pkgB}
	for fi, f := range s.files {
		var walk func(prefix string, ms []*gMsg)
		walk = func(prefix string, ms []*gMsg) {
			for _, m := range ms {
				types = append(types, prefix+"."+m.name)
				for _, e := range m.enums {
					types = append(types, prefix+"."+m.name+"."+e.name)
					enumTypes[prefix+"."+m.name+"."+e.name] = true
				}
				walk(prefix+"."+m.name, m.nested)
			}
		}
		for _, e := range f.enums {
			types = append(types, pkgs[fi]+"."+e.name)
			enumTypes[pkgs[fi]+"."+e.name] = true
		}
		walk(pkgs[fi], f.msgs)
		if fi == 0 {
			ownTypes = len(types)
		}
	}
	ref := 0
	visible := 0 // a.proto sees only its own types; b.proto sees all
	pickType := func() string {
		ref++
		if visible == 0 {
			return "int32"
		}
		return types[ref%visible]
	}
	for fi, f := range s.files {
		visible = len(types)
		if fi == 0 {
			visible = ownTypes
		}
		if fi == 1 && s.noB {
			continue
		}
		var b strings.Builder
		switch s.syntax {
		case 0:
			b.WriteString("syntax = \"proto2\";\n")
		case 1:
			b.WriteString("syntax = \"proto3\";\n")
		default:
			b.WriteString("edition = \"2023\";\n")
		}
		fmt.Fprintf(&b, "package %s;\n", pkgs[fi])
		b.WriteString("import \"google/protobuf/empty.proto\";\n")
		if fi == 1 {
			b.WriteString("import \"a.proto\";\n")
		}
		if s.goPkg != "" {
			fmt.Fprintf(&b, "option go_package = %q;\n", s.goPkg)
		}
		for _, e := range f.enums {
			s.renderEnum(&b, e, "")
		}
		var msg func(m *gMsg, indent string)
		msg = func(m *gMsg, indent string) {
			fmt.Fprintf(&b, "%smessage %s {\n", indent, m.name)
			used := make(map[int]bool)
			names := make(map[string]bool)
			for _, n := range m.nested {
				names[n.name] = true
			}
			for _, e := range m.enums {
				names[e.name] = true
			}
			oneofs := make(map[int][]string)
			for _, fd := range m.fields {
				if used[fd.num] || names[fd.name] || slices.Contains(m.reserved, fd.num) || slices.Contains(m.resNames, fd.name) {
					continue
				}
				used[fd.num], names[fd.name] = true, true
				typ := fd.typ
				if typ == "ref" {
					typ = "." + pickType()
				}
				label := ""
				switch {
				case typ == "map":
					typ = "map<string, int32>"
				case fd.oneof >= 0:
				case fd.label == 2:
					label = "repeated "
				case fd.label == 1 && s.syntax != 2:
					label = "optional "
				case fd.label == 3 && s.syntax == 0:
					label = "required "
				case s.syntax == 0:
					label = "optional "
				}
				var opts []string
				if fd.jsonName != "" {
					opts = append(opts, fmt.Sprintf("json_name = %q", fd.jsonName))
				}
				if fd.deprecated {
					opts = append(opts, "deprecated = true")
				}
				if label == "repeated " && fd.packed > 0 && typ != "string" && typ != "bytes" && !strings.HasPrefix(typ, ".") && s.syntax != 2 {
					opts = append(opts, fmt.Sprintf("packed = %v", fd.packed == 1))
				}
				o := ""
				if len(opts) > 0 {
					o = " [" + strings.Join(opts, ", ") + "]"
				}
				line := fmt.Sprintf("%s  %s%s %s = %d%s;\n", indent, label, typ, fd.name, fd.num, o)
				if fd.oneof >= 0 {
					oneofs[fd.oneof] = append(oneofs[fd.oneof], line)
					continue
				}
				b.WriteString(line)
			}
			for k := range m.oneofs {
				if len(oneofs[k]) == 0 {
					continue
				}
				fmt.Fprintf(&b, "%s  oneof %s_o%d {\n", indent, strings.ToLower(m.name), k)
				for _, l := range oneofs[k] {
					b.WriteString("  " + l)
				}
				fmt.Fprintf(&b, "%s  }\n", indent)
			}
			var res []string
			for _, n := range m.reserved {
				if !used[n] && !slices.Contains(res, fmt.Sprint(n)) {
					res = append(res, fmt.Sprint(n))
				}
			}
			if len(res) > 0 {
				fmt.Fprintf(&b, "%s  reserved %s;\n", indent, strings.Join(res, ", "))
			}
			var rn []string
			for _, n := range m.resNames {
				if !names[n] && !slices.Contains(rn, n) {
					rn = append(rn, n)
				}
			}
			if len(rn) > 0 {
				if s.syntax == 2 {
					fmt.Fprintf(&b, "%s  reserved %s;\n", indent, strings.Join(rn, ", "))
				} else {
					fmt.Fprintf(&b, "%s  reserved \"%s\";\n", indent, strings.Join(rn, "\", \""))
				}
			}
			for _, e := range m.enums {
				s.renderEnum(&b, e, indent+"  ")
			}
			seen := make(map[string]bool)
			for _, n := range m.nested {
				if !seen[n.name] {
					seen[n.name] = true
					msg(n, indent+"  ")
				}
			}
			fmt.Fprintf(&b, "%s}\n", indent)
		}
		seen := make(map[string]bool)
		for _, m := range f.msgs {
			if !seen[m.name] {
				seen[m.name] = true
				msg(m, "")
			}
		}
		if fi == 0 && s.syntax == 0 {
			b.WriteString("message Ext { extensions 100 to 199; }\n")
		}
		if s.syntax == 0 && len(f.exts) > 0 {
			b.WriteString("extend p.a.Ext {\n")
			used := make(map[int]bool)
			for _, x := range f.exts {
				if !used[x.num] {
					used[x.num] = true
					fmt.Fprintf(&b, "  optional %s %s = %d;\n", x.typ, x.name, x.num)
				}
			}
			b.WriteString("}\n")
		}
		for _, v := range f.svcs {
			fmt.Fprintf(&b, "service %s {\n", v.name)
			for _, r := range v.methods {
				typ := func(t string) string {
					if t == "ref" {
						for range visible {
							if c := pickType(); !enumTypes[c] {
								return "." + c
							}
						}
						return "google.protobuf.Empty"
					}
					return t
				}
				cs, ss := "", ""
				if r.cs {
					cs = "stream "
				}
				if r.ss {
					ss = "stream "
				}
				opt := ";"
				if r.idem > 0 {
					opt = fmt.Sprintf(" { option idempotency_level = %s; }", []string{"", "NO_SIDE_EFFECTS", "IDEMPOTENT"}[r.idem])
				}
				fmt.Fprintf(&b, "  rpc %s(%s%s) returns (%s%s)%s\n", r.name, cs, typ(r.in), ss, typ(r.out), opt)
			}
			b.WriteString("}\n")
		}
		out[[]string{"a.proto", "b.proto"}[fi]] = b.String()
	}
	return out
}

func (s *gSchema) renderEnum(b *strings.Builder, e *gEnum, indent string) {
	fmt.Fprintf(b, "%senum %s {\n", indent, e.name)
	used := make(map[int]bool)
	var lines []string
	aliased := false
	for i, v := range e.values {
		n := v.num
		if i == 0 {
			n = 0 // proto3 and open enums start at zero
		}
		if used[n] {
			if !e.alias {
				continue
			}
			aliased = true
		}
		used[n] = true
		lines = append(lines, fmt.Sprintf("%s  %s = %d;\n", indent, v.name, n))
	}
	if aliased {
		fmt.Fprintf(b, "%s  option allow_alias = true;\n", indent)
	}
	b.WriteString(strings.Join(lines, ""))
	fmt.Fprintf(b, "%s}\n", indent)
}
