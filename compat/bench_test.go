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

func benchLoad(b *testing.B, mutate bool) *compat.Schema {
	b.Helper()
	dir := b.TempDir()
	benchSchema(b, dir, 500, 40, 20, mutate)
	s, err := (&loader.Loader{}).Load(context.Background(), loader.Input{Kind: loader.Dir, Path: dir})
	if err != nil {
		b.Fatal(err)
	}
	return &compat.Schema{Files: s.Files}
}

// BenchmarkCheck times Check with every rule on 500 files of 40 messages
// of 20 fields, a few of them changed. Compiling is outside the timer.
func BenchmarkCheck(b *testing.B) {
	old, new := benchLoad(b, false), benchLoad(b, true)
	cfg := compat.Config{Use: []string{"FILE", "PACKAGE", "WIRE_JSON", "WIRE"}}
	b.ResetTimer()
	var n int
	for b.Loop() {
		fs, err := compat.Check(old, new, cfg)
		if err != nil {
			b.Fatal(err)
		}
		n = len(fs)
	}
	b.ReportMetric(float64(n), "findings")
}
