package compat_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

// benchSchema writes a schema of files files, each with msgs messages of
// fields fields (some enums, nested messages, maps and repeated fields),
// into dir. mutate, when true, changes a few fields as a real change would.
func benchSchema(tb testing.TB, dir string, files, msgs, fields int, mutate bool) {
	tb.Helper()
	scalars := []string{"int32", "string", "int64", "bytes", "bool", "uint32", "double", "fixed64"}
	for fi := range files {
		var b strings.Builder
		fmt.Fprintf(&b, "syntax = \"proto3\";\npackage bench.p%d;\n\n", fi%50)
		fmt.Fprintf(&b, "enum State%d {\n  STATE%d_UNSPECIFIED = 0;\n  STATE%d_ON = 1;\n  STATE%d_OFF = 2;\n}\n\n", fi, fi, fi, fi)
		for mi := range msgs {
			fmt.Fprintf(&b, "message M%d_%d {\n", fi, mi)
			fmt.Fprintf(&b, "  message Inner {\n    string id = 1;\n    int64 at = 2;\n  }\n")
			for k := 1; k <= fields; k++ {
				typ := scalars[(k+mi)%len(scalars)]
				label := ""
				switch k % 7 {
				case 3:
					typ = fmt.Sprintf("State%d", fi)
				case 4:
					typ = "Inner"
				case 5:
					label = "repeated "
				case 6:
					label = "optional "
				}
				if k == fields {
					typ, label = "map<string, Inner>", ""
				}
				if mutate && fi%100 == 7 && mi == 3 {
					switch k {
					case 1:
						typ = "sint64" // encoding change
					case 2:
						label = "repeated " // cardinality change
					case 8:
						typ = "uint64" // sign change
					}
				}
				name := fmt.Sprintf("f%d", k)
				if mutate && fi%100 == 7 && mi == 4 && k == 9 {
					name = "renamed"
				}
				fmt.Fprintf(&b, "  %s%s %s = %d;\n", label, typ, name, k)
			}
			b.WriteString("}\n\n")
		}
		path := filepath.Join(dir, fmt.Sprintf("bench/f%03d.proto", fi))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func benchLoad(b *testing.B, mutate bool) *schema.Schema {
	b.Helper()
	dir := b.TempDir()
	benchSchema(b, dir, 500, 40, 20, mutate)
	s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir))
	if err != nil {
		b.Fatal(err)
	}
	return &schema.Schema{Files: s.Files}
}

// BenchmarkCheck times Check with every rule on 500 files of 40 messages
// of 20 fields, a few of them changed. Compiling is outside the timer.
func BenchmarkCheck(b *testing.B) {
	old, new := benchLoad(b, false), benchLoad(b, true)
	cfg := compat.Config{Use: []string{"FILE", "PACKAGE", "WIRE_JSON", "WIRE"}}
	b.ResetTimer()
	var n int
	for b.Loop() {
		fs, err := compat.Check(context.Background(), old, new, cfg)
		if err != nil {
			b.Fatal(err)
		}
		n = len(fs)
	}
	b.ReportMetric(float64(n), "findings")
}

// benchWide loads a pair of one-file schemas: old is src(n), new is
// src(n+1), one more value or field at the end, as a real change adds one.
func benchWide(b *testing.B, src func(n int) string, n int) (old, new *schema.Schema) {
	b.Helper()
	load := func(n int) *schema.Schema {
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "a.proto"), []byte(src(n)), 0o644); err != nil {
			b.Fatal(err)
		}
		s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir))
		if err != nil {
			b.Fatal(err)
		}
		return &schema.Schema{Files: s.Files}
	}
	return load(n), load(n + 1)
}

// wideEnum is a file of one enum of n values.
func wideEnum(n int) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage wide.v1;\nenum E {\n")
	for i := range n {
		fmt.Fprintf(&b, "  E_V%d = %d;\n", i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

// wideMessage is a file of one message of n fields.
func wideMessage(n int) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage wide.v1;\nmessage M {\n")
	for i := range n {
		num := i + 1
		if num >= 19000 {
			num += 1000 // past the numbers protobuf reserves
		}
		fmt.Fprintf(&b, "  string f%d = %d;\n", i, num)
	}
	b.WriteString("}\n")
	return b.String()
}

// benchCheckPair times Check with every rule on a loaded pair.
func benchCheckPair(b *testing.B, old, new *schema.Schema) {
	cfg := compat.Config{Use: []string{"FILE", "PACKAGE", "WIRE_JSON", "WIRE"}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := compat.Check(context.Background(), old, new, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWideEnum checks one enum of n values against itself with one
// value added: the time per value stays the same as n grows.
func BenchmarkWideEnum(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 40_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			old, new := benchWide(b, wideEnum, n)
			benchCheckPair(b, old, new)
		})
	}
}

// BenchmarkWideMessage checks one message of n fields against itself
// with one field added: the time per field stays the same as n grows.
func BenchmarkWideMessage(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 40_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			old, new := benchWide(b, wideMessage, n)
			benchCheckPair(b, old, new)
		})
	}
}
