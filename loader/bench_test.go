package loader_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
	"github.com/protocheck/protocheck/loader"
)

// benchFiles sizes the generated trees: go test ./loader -bench . -benchmem
// -benchfiles 1000 for monorepo scale (slow: about a minute per
// iteration of the full loads).
var benchFiles = flag.Int("benchfiles", 200, "files in each generated tree of the load benchmarks")

// benchPair writes a generated pair below a temporary directory.
func benchPair(b *testing.B, cfg gen.Config) (old, new loader.Input) {
	b.Helper()
	dir := b.TempDir()
	p := gen.Generate(cfg)
	if err := p.Write(dir); err != nil {
		b.Fatal(err)
	}
	return loader.Dir(filepath.Join(dir, "old")).WithName("old"),
		loader.Dir(filepath.Join(dir, "new")).WithName("new")
}

func benchLoadPair(b *testing.B, cfg gen.Config, full bool) {
	oldIn, newIn := benchPair(b, cfg)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		// One Loader per iteration, as one run of the command has: a
		// Loader keeps what it compiled, and a second load of the same
		// pair would measure its memory.
		l := &loader.Loader{}
		if full {
			errs := make(chan error, 2)
			for _, in := range []loader.Input{oldIn, newIn} {
				go func() { _, err := l.Load(ctx, in); errs <- err }()
			}
			for range 2 {
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
			}
			continue
		}
		if _, _, err := l.LoadPair(ctx, oldIn, newIn); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadPairFewChanges is the common case: a few files of a large
// tree changed, so LoadPair compiles a small part of it.
func BenchmarkLoadPairFewChanges(b *testing.B) {
	benchLoadPair(b, gen.Config{Files: *benchFiles, Changes: 3, Seed: 1}, false)
}

// BenchmarkLoadFullFewChanges loads the same pair as
// BenchmarkLoadPairFewChanges, compiling everything.
func BenchmarkLoadFullFewChanges(b *testing.B) {
	benchLoadPair(b, gen.Config{Files: *benchFiles, Changes: 3, Seed: 1}, true)
}

// BenchmarkLoadPairTouchAll is the worst case: every file differs.
func BenchmarkLoadPairTouchAll(b *testing.B) {
	benchLoadPair(b, gen.Config{Files: *benchFiles / 2, Changes: 3, TouchAll: true, Seed: 2}, false)
}

// BenchmarkOpen measures listing and hashing one tree, which LoadPair does
// for both versions before it compiles anything.
func BenchmarkOpen(b *testing.B) {
	in, _ := benchPair(b, gen.Config{Files: *benchFiles, Seed: 1})
	l := &loader.Loader{}
	for b.Loop() {
		if _, err := l.Open(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeepTree loads a pair of trees 700 directories deep, a file in
// each directory, one file changed at the bottom: listing and pairing cost
// what the paths' lengths add up to, not their square.
func BenchmarkDeepTree(b *testing.B) {
	dir := b.TempDir()
	for _, side := range []string{"old", "new"} {
		p := filepath.Join(dir, side)
		for i := range 700 {
			p = filepath.Join(p, fmt.Sprintf("d%d", i))
			if err := os.MkdirAll(p, 0o755); err != nil {
				b.Fatal(err)
			}
			extra := ""
			if side == "new" && i == 699 {
				extra = " int32 b = 2;"
			}
			src := fmt.Sprintf("syntax = \"proto3\";\npackage deep.v%d;\nmessage M { int32 a = 1;%s }\n", i, extra)
			if err := os.WriteFile(filepath.Join(p, fmt.Sprintf("a%d.proto", i)), []byte(src), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	oldIn := loader.Dir(filepath.Join(dir, "old")).WithName("old")
	newIn := loader.Dir(filepath.Join(dir, "new")).WithName("new")
	for b.Loop() {
		if _, _, err := (&loader.Loader{}).LoadPair(context.Background(), oldIn, newIn); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkTree compares a git work tree, a few files of a generated
// tree changed, with HEAD (`check --against .git#ref=HEAD`): "index" as in a
// checkout, where the index vouches for the unchanged files, and
// "outside git" with a copy of the work tree where no index does, which
// reads and hashes every file.
func BenchmarkWorkTree(b *testing.B) {
	dir := b.TempDir()
	p := gen.Generate(gen.Config{Files: *benchFiles, Changes: 3, Seed: 1})
	if err := p.Write(dir); err != nil {
		b.Fatal(err)
	}
	repo := filepath.Join(dir, "old")
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "old")
	// The work tree becomes new; every file is dated a minute back, and the
	// index refreshed, as in a checkout edited a while ago.
	old := time.Now().Add(-time.Minute)
	err := filepath.WalkDir(filepath.Join(dir, "new"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "new"), path)
		data, err := os.ReadFile(path)
		if err == nil {
			err = os.WriteFile(filepath.Join(repo, rel), data, 0o644)
		}
		if err == nil {
			err = os.Chtimes(filepath.Join(repo, rel), old, old)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	git("update-index", "-q", "--refresh")
	head, err := loader.ParseInput(filepath.Join(repo, ".git") + "#ref=HEAD")
	if err != nil {
		b.Fatal(err)
	}
	for name, work := range map[string]string{"index": repo, "outside git": filepath.Join(dir, "new")} {
		b.Run(name, func(b *testing.B) {
			in := loader.Dir(work).WithName(name)
			for b.Loop() {
				if _, _, err := (&loader.Loader{}).LoadPair(context.Background(), head, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEditions loads the same generated pair written in proto3 and in
// edition 2024, selectively and in full: an edition 2024 tree costs what
// the same tree in proto3 costs.
func BenchmarkEditions(b *testing.B) {
	for _, ed := range []string{"proto3", "2024"} {
		cfg := gen.Config{Files: *benchFiles, Changes: 5, Seed: 1}
		if ed != "proto3" {
			cfg.Editions = ed
		}
		b.Run(ed+"/pair", func(b *testing.B) { benchLoadPair(b, cfg, false) })
		b.Run(ed+"/full", func(b *testing.B) { benchLoadPair(b, cfg, true) })
	}
}
