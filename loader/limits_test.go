package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// TestDeepNesting feeds the loader 10,000 levels of nesting, written three
// ways: it must answer at once, with the position of the first bracket too
// many, instead of parsing for minutes.
func TestDeepNesting(t *testing.T) {
	const n = 10_000
	cases := map[string]string{
		"messages": "syntax = \"proto3\";\npackage p;\n" + strings.Repeat("message M { ", n) + strings.Repeat("}", n) + "\n",
		"groups":   "syntax = \"proto2\";\npackage p;\nmessage A { " + strings.Repeat("optional group G = 1 { ", n) + strings.Repeat("}", n) + " }\n",
		"option value": "syntax = \"proto2\";\npackage p;\nimport \"google/protobuf/descriptor.proto\";\n" +
			"extend google.protobuf.MessageOptions { optional M m = 50000; }\n" +
			"message M { optional M m = 1; optional int32 x = 2; }\n" +
			"message A { option (m) = " + strings.Repeat("{ m ", n) + "{ x: 1 }" + strings.Repeat("}", n) + "; }\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"a.proto": src})
			_, err := load(t, &loader.Loader{}, dir)
			var ce source.ErrorList
			if !errors.As(err, &ce) || len(ce) != 1 {
				t.Fatalf("error = %v, want one positioned error", err)
			}
			e := ce[0]
			want := fmt.Sprintf("brackets nest more than %d deep: protocheck refuses deeper nesting", loader.MaxNestingDepth)
			if e.Line == 0 || e.Message != want {
				t.Errorf("error = %s, want a position and %q", e, want)
			}
		})
	}
}

// TestNestingAtTheLimit: nesting up to the limit, in comments or strings,
// is not refused.
func TestNestingAtTheLimit(t *testing.T) {
	src := "syntax = \"proto3\";\npackage p;\n// " + strings.Repeat("{", 1000) + "\n" +
		"message A { string s = 1 [json_name = \"" + strings.Repeat("[", 1000) + "\"]; }\n" +
		strings.Repeat("message M { ", 31) + strings.Repeat("}", 31) + "\n"
	if _, err := load(t, &loader.Loader{}, writeTree(t, map[string]string{"a.proto": src})); err != nil {
		t.Fatal(err)
	}
}

// TestDeepDescriptorSet: a descriptor set is not held to the compiler's
// nesting limit of 32, but to MaxNestingDepth: messages nested 1,000 deep
// are refused at once, and messages nested to the limit, each holding a
// field of its parent's type (recursion), load and check.
func TestDeepDescriptorSet(t *testing.T) {
	build := func(n int, withField bool) []byte {
		root := &descriptorpb.DescriptorProto{Name: proto.String("M")}
		m, name := root, ".p.M"
		for i := range n {
			child := &descriptorpb.DescriptorProto{Name: proto.String("M")}
			if withField || i%2 == 0 {
				child.Field = []*descriptorpb.FieldDescriptorProto{{
					Name:     proto.String("up"),
					Number:   proto.Int32(1),
					Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
					Type:     descriptorpb.FieldDescriptorProto_TYPE_MESSAGE.Enum(),
					TypeName: proto.String(name),
				}}
			}
			m.NestedType = []*descriptorpb.DescriptorProto{child}
			m, name = child, name+".M"
		}
		set := &descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{{
			Name:        proto.String("deep.proto"),
			Package:     proto.String("p"),
			Syntax:      proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{root},
		}}}
		b, err := proto.MarshalOptions{}.Marshal(set)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dir := t.TempDir()
	loadSet := func(name string, data []byte) (*schema.Schema, error) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return (&loader.Loader{Dir: dir}).Load(context.Background(), loader.DescriptorSet(name))
	}
	_, err := loadSet("deep.binpb", build(1_000, true))
	want := fmt.Sprintf("deep.binpb: deep.proto: messages nest more than %d deep: protocheck refuses deeper nesting", loader.MaxNestingDepth)
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	n := loader.MaxNestingDepth - 1 // below the top level
	var schemas []*schema.Schema
	for i, withField := range []bool{true, false} {
		s, err := loadSet(fmt.Sprintf("v%d.binpb", i), build(n, withField))
		if err != nil {
			t.Fatal(err)
		}
		schemas = append(schemas, &schema.Schema{Files: s.Files, Paths: s.Paths})
	}
	findings, err := compat.Check(context.Background(), schemas[0], schemas[1], compat.Config{Use: []string{"FILE", "WIRE", "CSR"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) < n/2 {
		t.Errorf("%d findings, want one per deleted field (%d)", len(findings), n/2)
	}
}

// garbage is a .proto file of about size bytes whose body is one line of
// a repeated unit: what an attacker, or a file saved in the wrong
// encoding, gives the loader.
type garbage struct {
	head, unit, tail string
}

func (g garbage) of(size int) []byte {
	return []byte(g.head + strings.Repeat(g.unit, g.units(size)) + g.tail + "\n")
}

// units is how many times of makes the unit repeat.
func (g garbage) units(size int) int {
	return max(1, (size-len(g.head)-len(g.tail))/len(g.unit))
}

var garbageKinds = map[string]garbage{
	"NUL bytes":              {"syntax = \"proto3\";\npackage p;\n", "\x00", ""},
	"control bytes":          {"syntax = \"proto3\";\npackage p;\n", "\x01", ""},
	"invalid characters":     {"syntax = \"proto3\";\npackage p;\n", "$", ""},
	"non-ASCII letters":      {"syntax = \"proto3\";\npackage p;\n", "é", ""},
	"bad escapes":            {"syntax = \"proto3\";\npackage p;\noption java_package = \"", `\q`, "\";"},
	"bad escapes, edition":   {"edition = \"2024\";\npackage p;\noption java_package = \"", `\q`, "\";"},
	"duplicate messages":     {"syntax = \"proto3\";\npackage p;\n", "message M {} ", ""},
	"unknown types, edition": {"edition = \"2024\";\npackage p;\nmessage M { ", "X a = 1; ", "}"},
}

// validOf returns a valid file of about size bytes: messages one to a line,
// the baseline TestGarbage measures against.
func validOf(size int) []byte {
	b := []byte("syntax = \"proto3\";\npackage p;\n")
	for i := 0; len(b) < size; i++ {
		b = fmt.Appendf(b, "message M%d { string a = 1; int32 b = 2; }\n", i)
	}
	return b
}

// TestGarbage loads a 1 MB line of each kind of garbage: the answer comes
// at once (before the cap on errors per file, the compiler spent minutes
// on a line of 1 MB: each error cost a pass over its line), with at most
// MaxErrorsPerFile errors and a last line that says what was left out.
// Its time is bounded relative to a valid file's, measured in the same run.
func TestGarbage(t *testing.T) {
	const size = 1 << 20
	tooMany := fmt.Sprintf("more than %d errors in this file: compiling stopped here", loader.MaxErrorsPerFile)
	more := func(kind string) string {
		return fmt.Sprintf("and %d more errors in this file", garbageKinds[kind].units(size)-loader.MaxErrorsPerFile)
	}
	const counted = "and N more errors in this file" // N is the newer compiler's count
	cases := []struct {
		kind        string
		first, last string // messages; last is that of the last error when there are several
	}{
		{"NUL bytes", "file holds a NUL byte: .proto files are text", ""},
		{"control bytes", "invalid control character (byte 0x01): .proto files are text", ""},
		{"invalid characters", "invalid character '$'", more("invalid characters")},
		{"non-ASCII letters", "invalid character 'é' (U+00E9)", more("non-ASCII letters")},
		{"bad escapes", "invalid escape sequence: \\q", tooMany},
		{"bad escapes, edition", "invalid escape sequence", more("bad escapes, edition")},
		{"duplicate messages", `symbol "p.M" already defined at a.proto:3:9`, tooMany},
		{"unknown types, edition", "cannot find `X` in this scope", counted},
	}
	// The limit is relative to a valid file of the same size loaded in the
	// same run, so that it holds on a loaded machine and under -race,
	// which slow both alike: garbage must not cost much more than a file
	// that compiles.
	// An eighth of the size is loaded, and its time taken eight times:
	// loading is linear in the size (BenchmarkGarbage), and a whole valid
	// megabyte would take as long as all the garbage together.
	valid := writeTree(t, map[string]string{"a.proto": string(validOf(size / 8))})
	start := time.Now()
	if _, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(valid).WithName("valid")); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	baseline := 8 * time.Since(start)
	const factor = 10
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"a.proto": string(garbageKinds[c.kind].of(size))})
			start := time.Now()
			_, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir).WithName("g"))
			if d := time.Since(start); d > factor*baseline {
				t.Errorf("took %s, more than %d times the %s a valid file of the same size takes", d, factor, baseline)
			} else {
				t.Logf("took %s, %.2f times a valid file's %s", d, float64(d)/float64(baseline), baseline)
			}
			var ce source.ErrorList
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want compile errors", err)
			}
			errs := ce
			if len(errs) > loader.MaxErrorsPerFile+1 {
				t.Errorf("%d errors, want at most %d", len(errs), loader.MaxErrorsPerFile+1)
			}
			if got := strings.ReplaceAll(errs[0].Message, dir+"/", ""); got != c.first || errs[0].Line != 3 {
				t.Errorf("first error = %s, want line 3: %s", errs[0], c.first)
			}
			last := errs[len(errs)-1].Message
			if c.last == counted && regexp.MustCompile(`^and \d+ more errors in this file$`).MatchString(last) {
				last = counted
			}
			switch {
			case c.last == "" && len(errs) != 1:
				t.Errorf("%d errors, want one:\n%s", len(errs), ce)
			case c.last != "" && (len(errs) != loader.MaxErrorsPerFile+1 || last != c.last):
				t.Errorf("%d errors, the last %q; want %d, the last %q", len(errs), last, loader.MaxErrorsPerFile+1, c.last)
			}
		})
	}
}

// TestControlBytes: the compiler accepts control bytes other than NUL in
// comments and strings, and so does the loader; a NUL is refused there
// too, at its place.
func TestControlBytes(t *testing.T) {
	ok := "syntax = \"proto3\";\npackage p;\n// \x01\x1b\x7f\nmessage A { string s = 1 [json_name = \"a\x01\"]; }\n"
	if _, err := load(t, &loader.Loader{}, writeTree(t, map[string]string{"a.proto": ok})); err != nil {
		t.Errorf("control bytes in a comment and a string: %v", err)
	}
	bad := "syntax = \"proto3\";\npackage p;\n/* x \x00 */\n"
	_, err := load(t, &loader.Loader{}, writeTree(t, map[string]string{"a.proto": bad}))
	var ce source.ErrorList
	if !errors.As(err, &ce) || len(ce) != 1 || ce[0].Line != 3 || ce[0].Column != 6 {
		t.Errorf("a NUL in a comment: error = %v, want one at 3:6", err)
	}
}

// TestUTF16 refuses a file saved as UTF-16, with or without a byte-order
// mark, in one line (without a mark it is valid UTF-8, and the compiler
// printed a line per character).
func TestUTF16(t *testing.T) {
	text := "syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n"
	encode := func(bom bool, big bool) string {
		var b []byte
		if bom {
			if big {
				b = append(b, 0xfe, 0xff)
			} else {
				b = append(b, 0xff, 0xfe)
			}
		}
		for _, c := range []byte(text) {
			if big {
				b = append(b, 0, c)
			} else {
				b = append(b, c, 0)
			}
		}
		return string(b)
	}
	const must = ": .proto files must be UTF-8; save it as UTF-8"
	cases := map[string]string{
		encode(false, false): "file is UTF-16 (little-endian, without a byte-order mark)" + must,
		encode(false, true):  "file is UTF-16 (big-endian, without a byte-order mark)" + must,
		encode(true, false):  "file is UTF-16 (byte-order mark 0xff 0xfe)" + must,
		encode(true, true):   "file is UTF-16 (byte-order mark 0xfe 0xff)" + must,
	}
	for src, want := range cases {
		dir := writeTree(t, map[string]string{"a.proto": src})
		_, err := load(t, &loader.Loader{}, dir)
		var ce source.ErrorList
		if !errors.As(err, &ce) || len(ce) != 1 || ce[0].Error() != dir+"/a.proto:1:1: "+want {
			t.Errorf("error = %v, want a.proto:1:1: %s", err, want)
		}
	}
}

// oneLine is a valid file of size bytes written on one line, as minified or
// generated files are: messages that refer to themselves.
func oneLine(size int) []byte {
	b := []byte(`syntax = "proto3"; package one.v1;`)
	for i := 0; len(b) < size; i++ {
		b = fmt.Appendf(b, " message M%d { string a = 1; int32 b = 2; repeated M%d c = 3; }", i, i)
	}
	return append(b, '\n')
}

// BenchmarkGarbage loads garbage files of 1, 4 and 16 MB: the time per
// byte stays the same (docs/limits.md). A valid file written on one line
// is the last case: it compiles in time linear in its size too.
func BenchmarkGarbage(b *testing.B) {
	kinds := []string{"NUL bytes", "invalid characters", "bad escapes", "bad escapes, edition", "duplicate messages"}
	for _, kind := range kinds {
		for _, mb := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("%s/%dMB", strings.ReplaceAll(kind, " ", "_"), mb), func(b *testing.B) {
				dir := b.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "a.proto"), garbageKinds[kind].of(mb*1_000_000), 0o644); err != nil {
					b.Fatal(err)
				}
				in := loader.Dir(dir).WithName("g")
				b.SetBytes(int64(mb * 1_000_000))
				for b.Loop() {
					if _, err := (&loader.Loader{}).Load(context.Background(), in); err == nil {
						b.Fatal("garbage compiled")
					}
				}
			})
		}
	}
	for _, kb := range []int{25, 1000, 2000, 4000} {
		b.Run(fmt.Sprintf("valid_one_line/%dKB", kb), func(b *testing.B) {
			dir := b.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "a.proto"), oneLine(kb*1000), 0o644); err != nil {
				b.Fatal(err)
			}
			in := loader.Dir(dir).WithName("one")
			b.SetBytes(int64(kb * 1000))
			for b.Loop() {
				if _, err := (&loader.Loader{}).Load(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLinkedDescriptors: a descriptor set whose files to compare exceed
// MaxLinkedDescriptors is refused, by name and size, before anything is
// unmarshalled; the same set compared with itself links nothing and loads.
func TestLinkedDescriptors(t *testing.T) {
	fd := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("big.proto"),
		Package: proto.String("p"),
		Syntax:  proto.String("proto3"),
		Options: &descriptorpb.FileOptions{GoPackage: proto.String(strings.Repeat("x", loader.MaxLinkedDescriptors))},
	}
	data, err := proto.Marshal(&descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{fd}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"a.binpb", "b.binpb"} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := func(name string) loader.Input {
		return loader.DescriptorSet(name)
	}
	l := &loader.Loader{Dir: dir}
	_, err = l.Load(context.Background(), in("a.binpb"))
	want := fmt.Sprintf("a.binpb: the files to compare hold %d MiB of descriptors, more than the %d MiB protocheck links from one descriptor set (each byte costs about 50 of memory): compare the .proto files, or sets that differ in fewer files",
		loader.MaxLinkedDescriptors>>20, loader.MaxLinkedDescriptors>>20)
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if _, _, err := l.LoadPair(context.Background(), in("a.binpb"), in("b.binpb")); err != nil {
		t.Errorf("the set against a copy of itself: %v", err)
	}
}

// TestSizeLimits: a descriptor set past MaxDescriptorSetSize is refused by
// its size, unread (the file here is sparse); an input of more than
// MaxFiles .proto files is refused while it is listed.
func TestSizeLimits(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "set.binpb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(loader.MaxDescriptorSetSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = (&loader.Loader{Dir: dir}).Load(context.Background(), loader.DescriptorSet("set.binpb"))
	if want := "set.binpb: descriptor set is larger than 256 MiB"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if testing.Short() {
		t.Skip("writes 100,001 files")
	}
	many := filepath.Join(dir, "many")
	for i := range loader.MaxFiles + 1 {
		sub := filepath.Join(many, fmt.Sprint(i/1000))
		if i%1000 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%d.proto", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = (&loader.Loader{}).Load(context.Background(), loader.Dir(many).WithName("many"))
	if want := "input many: more than 100000 .proto files"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestOtherDepths: the limits the compiler and protobuf-go set themselves:
// messages nested 32 deep in a .proto file, and a descriptor set nested
// past protobuf-go's decoding depth.
func TestOtherDepths(t *testing.T) {
	src := "syntax = \"proto3\";\npackage p;\n" + strings.Repeat("message M { ", 32) + strings.Repeat("}", 32) + "\n"
	_, err := load(t, &loader.Loader{}, writeTree(t, map[string]string{"a.proto": src}))
	if err == nil || !strings.HasSuffix(err.Error(), "a.proto:3:373: message nesting depth must be less than 32") {
		t.Errorf("error = %v, want one at 3:373 about nesting depth", err)
	}
	// A DescriptorProto nested 10,001 deep in its nested_type field (3),
	// in a file's message_type (4), in a set's file (1).
	var msg []byte
	for range 10_001 {
		msg = protowire.AppendBytes(protowire.AppendTag(nil, 3, protowire.BytesType), msg)
	}
	file := protowire.AppendBytes(protowire.AppendTag([]byte("\x0a\x05a.pro"), 4, protowire.BytesType), msg)
	set := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), file)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "set.binpb"), set, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = (&loader.Loader{Dir: dir}).Load(context.Background(), loader.DescriptorSet("set.binpb"))
	if want := "set.binpb: not a valid FileDescriptorSet: exceeded maximum recursion depth"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}
