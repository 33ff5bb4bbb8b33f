package fix_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A layout is a random schema written in a random style: the same one
// for both versions, the new one with some fields and values left out.
type layout struct {
	r       *rand.Rand
	syntax  string // proto2, proto3, 2023 or 2024
	indent  string
	nl      string
	oneLine float64 // how likely a body is written on one line
}

type field struct {
	name   string
	number int
	oneof  bool
}

type message struct {
	name     string
	fields   []field
	nested   *message
	enum     *enum
	option   bool
	reserved []int    // numbers reserved in both versions
	names    []string // names reserved in both versions
	oneLine  bool
	comment  bool // a comment above the first field
}

type enum struct {
	name    string
	values  []field // number and name; oneof unused
	alias   bool
	oneLine bool
}

func (l *layout) message(name string, depth int) *message {
	m := &message{name: name, option: l.r.IntN(3) == 0, oneLine: l.r.Float64() < l.oneLine, comment: l.r.IntN(3) == 0}
	used := map[int]bool{}
	for i := range 1 + l.r.IntN(6) {
		n := 1 + l.r.IntN(20)
		for used[n] {
			n = 1 + l.r.IntN(20)
		}
		used[n] = true
		m.fields = append(m.fields, field{name: fmt.Sprintf("%s_f%d", strings.ToLower(name), i), number: n, oneof: l.r.IntN(4) == 0})
	}
	if l.r.IntN(3) == 0 {
		m.reserved = []int{30 + l.r.IntN(5), 40}
	}
	if l.r.IntN(3) == 0 {
		m.names = []string{"old_" + strings.ToLower(name)}
	}
	if depth == 0 && l.r.IntN(2) == 0 {
		m.nested = l.message(name+"Inner", depth+1)
	}
	if l.r.IntN(2) == 0 {
		m.enum = l.enum(name + "Kind")
	}
	return m
}

func (l *layout) enum(name string) *enum {
	e := &enum{name: name, alias: l.r.IntN(3) == 0, oneLine: l.r.Float64() < l.oneLine}
	prefix := strings.ToUpper(name)
	for i := range 2 + l.r.IntN(4) {
		e.values = append(e.values, field{name: fmt.Sprintf("%s_V%d", prefix, i), number: i})
	}
	return e
}

// write writes the file, leaving out the fields and values whose names
// deleted holds.
func (l *layout) write(ms []*message, es []*enum, deleted map[string]bool) string {
	var b strings.Builder
	if l.syntax == "2023" || l.syntax == "2024" {
		fmt.Fprintf(&b, "edition = %q;%s", l.syntax, l.nl)
	} else {
		fmt.Fprintf(&b, "syntax = %q;%s", l.syntax, l.nl)
	}
	b.WriteString("package acme.v1;" + l.nl + l.nl)
	for _, m := range ms {
		l.writeMessage(&b, m, "", deleted)
		b.WriteString(l.nl)
	}
	for _, e := range es {
		l.writeEnum(&b, e, "", deleted)
		b.WriteString(l.nl)
	}
	return b.String()
}

func (l *layout) quote(name string) string {
	if l.syntax == "2023" || l.syntax == "2024" {
		return name
	}
	return `"` + name + `"`
}

// body writes lines as a body: on one line, or one per line at in.
func (l *layout) body(b *strings.Builder, head string, lines []string, in string, oneLine bool) {
	if oneLine {
		b.WriteString(in + head + " {")
		for _, s := range lines {
			b.WriteString(" " + strings.TrimSpace(strings.ReplaceAll(s, l.nl, " ")))
		}
		b.WriteString(" }" + l.nl)
		return
	}
	b.WriteString(in + head + " {" + l.nl)
	for _, s := range lines {
		b.WriteString(s)
	}
	b.WriteString(in + "}" + l.nl)
}

func (l *layout) writeMessage(b *strings.Builder, m *message, in string, deleted map[string]bool) {
	inner := in + l.indent
	var lines []string
	if m.option {
		lines = append(lines, inner+"option deprecated = true;"+l.nl)
	}
	if len(m.reserved) > 0 {
		lines = append(lines, fmt.Sprintf("%sreserved %d, %d;%s", inner, m.reserved[0], m.reserved[1], l.nl))
	}
	for _, n := range m.names {
		lines = append(lines, inner+"reserved "+l.quote(n)+";"+l.nl)
	}
	if m.comment && !m.oneLine {
		lines = append(lines, inner+"// The fields."+l.nl)
	}
	label := ""
	if l.syntax == "proto2" {
		label = "optional "
	}
	var oneof []string
	for _, f := range m.fields {
		if deleted[f.name] {
			continue
		}
		if f.oneof {
			oneof = append(oneof, fmt.Sprintf("%s%sstring %s = %d;%s", inner, l.indent, f.name, f.number, l.nl))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s%sstring %s = %d;%s", inner, label, f.name, f.number, l.nl))
	}
	if len(oneof) > 0 {
		var ob strings.Builder
		l.body(&ob, "oneof "+strings.ToLower(m.name)+"_choice", oneof, inner, false)
		lines = append(lines, ob.String())
	}
	if m.nested != nil {
		var nb strings.Builder
		l.writeMessage(&nb, m.nested, inner, deleted)
		lines = append(lines, nb.String())
	}
	if m.enum != nil {
		var eb strings.Builder
		l.writeEnum(&eb, m.enum, inner, deleted)
		lines = append(lines, eb.String())
	}
	l.body(b, "message "+m.name, lines, in, m.oneLine && m.nested == nil && len(oneof) == 0)
}

func (l *layout) writeEnum(b *strings.Builder, e *enum, in string, deleted map[string]bool) {
	inner := in + l.indent
	var lines []string
	if e.alias && !deleted[e.values[1].name] {
		lines = append(lines, inner+"option allow_alias = true;"+l.nl)
	}
	for _, v := range e.values {
		if deleted[v.name] && v.number != 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s%s = %d;%s", inner, v.name, v.number, l.nl))
		if e.alias && v.number == 1 && !deleted[v.name] {
			lines = append(lines, fmt.Sprintf("%s%s_ALIAS = %d;%s", inner, v.name, v.number, l.nl))
		}
	}
	l.body(b, "enum "+e.name, lines, in, e.oneLine)
}

// TestRandomLayouts fixes random schemas written in random styles (one
// line or many, spaces or tabs, CRLF, comments, options, reserved
// statements already there, oneofs, nested messages and enums, aliases)
// with random deletions, and asserts what a user relies on: the fixed
// files compile, the reservation rules are satisfied, a second fix
// changes nothing.
func TestRandomLayouts(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 10
	}
	fixed := 0
	defer func() {
		// Most layouts lose something: the property is not vacuous.
		if fixed < seeds/2 {
			t.Errorf("only %d of %d layouts needed a fix", fixed, seeds)
		}
	}()
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(seed), 13))
			l := &layout{
				r:       r,
				syntax:  []string{"proto2", "proto3", "2023", "2024"}[r.IntN(4)],
				indent:  []string{"  ", "    ", "\t"}[r.IntN(3)],
				nl:      []string{"\n", "\r\n"}[r.IntN(2)],
				oneLine: []float64{0, 0.3, 1}[r.IntN(3)],
			}
			var ms []*message
			for i := range 1 + r.IntN(3) {
				ms = append(ms, l.message(fmt.Sprintf("M%d", i), 0))
			}
			es := []*enum{l.enum("State")}
			deleted := map[string]bool{}
			var mark func(m *message)
			mark = func(m *message) {
				for _, f := range m.fields {
					if r.IntN(3) == 0 {
						deleted[f.name] = true
					}
				}
				if m.nested != nil {
					mark(m.nested)
				}
				if m.enum != nil {
					for _, v := range m.enum.values {
						deleted[v.name] = r.IntN(3) == 0
					}
				}
			}
			for _, m := range ms {
				mark(m)
			}
			for _, v := range es[0].values {
				deleted[v.name] = r.IntN(3) == 0
			}
			oldDir, newDir := t.TempDir(), t.TempDir()
			write := func(dir, text string) {
				if err := os.WriteFile(filepath.Join(dir, "a.proto"), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(oldDir, l.write(ms, es, nil))
			newText := l.write(ms, es, deleted)
			write(newDir, newText)
			res := fixDirs(t, oldDir, newDir, []string{"FIELD_NO_DELETE", "ENUM_VALUE_NO_DELETE"})
			verify(t, res, []string{"FIELD_NO_DELETE", "ENUM_VALUE_NO_DELETE"})
			if len(res.res.Files) > 0 {
				fixed++
			}
			if t.Failed() {
				t.Logf("new version:\n%s", newText)
				for _, f := range res.res.Files {
					t.Logf("fixed:\n%s", f.After)
				}
			}
			for _, f := range res.res.Files {
				if strings.Count(string(f.After), "\r\n") != strings.Count(string(f.After), "\n") && l.nl == "\r\n" {
					t.Errorf("CRLF file gained LF-only lines:\n%q", f.After)
				}
			}
		})
	}
}
