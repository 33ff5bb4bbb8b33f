package loader_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/loader"
)

// BenchmarkWideLoad loads the pair that `check new --against old` loads
// for one enum of n values, or one message of n fields, to which new adds
// one: the time per member stays the same as n grows. (compat's
// BenchmarkWideEnum and BenchmarkWideMessage time the rules on such pairs.)
func BenchmarkWideLoad(b *testing.B) {
	enum := func(n int) string {
		var s strings.Builder
		s.WriteString("syntax = \"proto3\";\npackage wide.v1;\nenum E {\n")
		for i := range n {
			fmt.Fprintf(&s, "  E_V%d = %d;\n", i, i)
		}
		s.WriteString("}\n")
		return s.String()
	}
	message := func(n int) string {
		var s strings.Builder
		s.WriteString("syntax = \"proto3\";\npackage wide.v1;\nmessage M {\n")
		for i := range n {
			num := i + 1
			if num >= 19000 {
				num += 1000 // past the numbers protobuf reserves
			}
			fmt.Fprintf(&s, "  string f%d = %d;\n", i, num)
		}
		s.WriteString("}\n")
		return s.String()
	}
	for _, kind := range []struct {
		name string
		src  func(int) string
	}{{"enum", enum}, {"message", message}} {
		for _, n := range []int{10_000, 40_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%d", kind.name, n), func(b *testing.B) {
				dir := b.TempDir()
				for side, k := range map[string]int{"old": n, "new": n + 1} {
					if err := os.MkdirAll(filepath.Join(dir, side), 0o755); err != nil {
						b.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, side, "a.proto"), []byte(kind.src(k)), 0o644); err != nil {
						b.Fatal(err)
					}
				}
				oldIn := loader.Dir(filepath.Join(dir, "old")).WithName("old")
				newIn := loader.Dir(filepath.Join(dir, "new")).WithName("new")
				for b.Loop() {
					if _, _, err := (&loader.Loader{}).LoadPair(context.Background(), oldIn, newIn); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
