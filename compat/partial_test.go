package compat_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

// Comparing only the files that changed (loader.LoadPair) must give exactly
// the findings of comparing everything. These tests run every rule, both
// ways, on every testdata case and on generated trees.

// allRules selects every rule of the catalogue.
func allRules() compat.Config {
	var use []string
	for _, r := range compat.Rules() {
		use = append(use, r.ID)
	}
	return compat.Config{Use: use}
}

// writeFiles writes files (path -> contents) below dir.
func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBothWays returns the findings of a full compile and of a partial
// one, and the number of files the partial one compiled.
func checkBothWays(t *testing.T, oldDir, newDir string) (full, partial string, compiled int) {
	t.Helper()
	ctx := context.Background()
	l := &loader.Loader{}
	oldIn := loader.Dir(oldDir).WithName("old")
	newIn := loader.Dir(newDir).WithName("new")
	fo, err := l.Load(ctx, oldIn)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := l.Load(ctx, newIn)
	if err != nil {
		t.Fatal(err)
	}
	po, pn, err := l.LoadPair(ctx, oldIn, newIn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(po.Paths, fo.Paths) || !slices.Equal(pn.Paths, fn.Paths) {
		t.Fatalf("LoadPair lists other paths than Load")
	}
	cfg := allRules()
	got := func(o, n *schema.Schema) string {
		fs, err := compat.Check(context.Background(),
			o,
			n, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return render(fs)
	}
	return got(fo, fn), got(po, pn), len(po.Files) + len(pn.Files)
}

func TestPartialMatchesFullOnCases(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(c.path, "testdata/"), ".txtar"), func(t *testing.T) {
			dirs := map[string]string{"old": t.TempDir(), "new": t.TempDir()}
			for side, dir := range dirs {
				files := map[string][]byte{}
				for _, f := range c.archive.Files {
					if rel, ok := strings.CutPrefix(f.Name, side+"/"); ok {
						files[rel] = f.Data
					}
				}
				writeFiles(t, dir, files)
			}
			full, partial, _ := checkBothWays(t, dirs["old"], dirs["new"])
			if diff := cmp.Diff(full, partial); diff != "" {
				t.Errorf("partial compile differs from full (-full +partial):\n%s", diff)
			}
		})
	}
}

var importRE = regexp.MustCompile(`(?m)^import "([^"]+)";`)

// leaves returns the generated files that no other generated file imports,
// and the directories none of whose files another directory imports.
func leaves(files map[string][]byte) (leafFiles, leafDirs []string) {
	imported := map[string]bool{}
	importedFromOutside := map[string]bool{}
	for p, data := range files {
		for _, m := range importRE.FindAllSubmatch(data, -1) {
			imp := string(m[1])
			imported[imp] = true
			if path.Dir(imp) != path.Dir(p) {
				importedFromOutside[path.Dir(imp)] = true
			}
		}
	}
	dirs := map[string]bool{}
	for p := range files {
		if !imported[p] {
			leafFiles = append(leafFiles, p)
		}
		dirs[path.Dir(p)] = true
	}
	for d := range dirs {
		if !importedFromOutside[d] {
			leafDirs = append(leafDirs, d)
		}
	}
	slices.Sort(leafFiles)
	slices.Sort(leafDirs)
	return leafFiles, leafDirs
}

func TestPartialMatchesFullOnGenerated(t *testing.T) {
	small := gen.Config{Files: 60, Messages: 8, Fields: 6}
	tests := []struct {
		name   string
		cfg    gen.Config
		change func(p *gen.Pair) // further edits to the new version
	}{
		{name: "few changes", cfg: small},
		{name: "many changes", cfg: gen.Config{Files: 60, Changes: 25, Messages: 8, Fields: 6, Seed: 7}},
		{name: "touch all", cfg: gen.Config{Files: 30, Changes: 4, TouchAll: true, Messages: 8, Fields: 6, Seed: 3}},
		{name: "no change", cfg: small},
		// proto3, 2023 and 2024 files importing each other: two compilers
		// in one schema, one change in each kind of file at least.
		{name: "editions mixed", cfg: gen.Config{Files: 60, Changes: 12, Messages: 8, Fields: 6, Seed: 5, Editions: "mix"}},
		{name: "file deleted from a package that stays", cfg: small, change: func(p *gen.Pair) {
			files, _ := leaves(p.New)
			delete(p.New, files[0])
		}},
		{name: "package deleted", cfg: small, change: func(p *gen.Pair) {
			_, dirs := leaves(p.New)
			for f := range p.New {
				if path.Dir(f) == dirs[len(dirs)-1] {
					delete(p.New, f)
				}
			}
		}},
		{name: "file added to a package", cfg: small, change: func(p *gen.Pair) {
			files, _ := leaves(p.New)
			dir := path.Dir(files[0])
			pkg := "acme." + strings.ReplaceAll(strings.TrimPrefix(dir, "acme/"), "/", ".")
			p.New[dir+"/extra.proto"] = fmt.Appendf(nil, "syntax = \"proto3\";\npackage %s;\nmessage Extra { string a = 1; }\n", pkg)
		}},
		{name: "common file changed", cfg: small, change: func(p *gen.Pair) {
			// acme/billing/v1 is the common tier: many files import it.
			f := "acme/billing/v1/account.proto"
			p.New[f] = append(p.New[f], "\nmessage AddedLater { int32 a = 1; }\n"...)
		}},
	}
	for i := range 2 {
		tests[i].cfg.Changes = max(tests[i].cfg.Changes, 6)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := gen.Generate(tt.cfg)
			if tt.change != nil {
				tt.change(p)
			}
			oldDir, newDir := t.TempDir(), t.TempDir()
			writeFiles(t, oldDir, p.Old)
			writeFiles(t, newDir, p.New)
			full, partial, compiled := checkBothWays(t, oldDir, newDir)
			if diff := cmp.Diff(full, partial); diff != "" {
				t.Errorf("partial compile differs from full (-full +partial):\n%s", diff)
			}
			if tt.cfg.Changes > 0 && full == "" {
				t.Errorf("the generated changes produced no finding")
			}
			t.Logf("compiled %d of %d files; %d findings", compiled, len(p.Old)+len(p.New), strings.Count(full, "\n"))
		})
	}
}

// TestPartialMatchesFullOnImporters covers changes whose findings sit in a
// file whose bytes did not change, because it links to the changed one.
func TestPartialMatchesFullOnImporters(t *testing.T) {
	tests := []struct {
		name     string
		old, new map[string][]byte // new: changes to old
		wantIn   string            // a file with findings in the full compile
	}{
		{
			name: "a message becomes an enum",
			old: map[string][]byte{
				"a.proto": []byte("syntax = \"proto3\";\npackage p;\nmessage A {}\n"),
				"u.proto": []byte("syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { A a = 1; }\n"),
			},
			new:    map[string][]byte{"a.proto": []byte("syntax = \"proto3\";\npackage p;\nenum A { A_ZERO = 0; }\n")},
			wantIn: "u.proto",
		},
		{
			name: "through a public import",
			old: map[string][]byte{
				"a.proto":   []byte("syntax = \"proto3\";\npackage p;\nmessage A {}\n"),
				"pub.proto": []byte("syntax = \"proto3\";\npackage p;\nimport public \"a.proto\";\n"),
				"u.proto":   []byte("syntax = \"proto3\";\npackage p;\nimport \"pub.proto\";\nmessage U { A a = 1; }\n"),
			},
			new:    map[string][]byte{"a.proto": []byte("syntax = \"proto3\";\npackage p;\nenum A { A_ZERO = 0; }\n")},
			wantIn: "u.proto",
		},
		{
			name: "an enum value renumbered under a default",
			old: map[string][]byte{
				"a.proto": []byte("syntax = \"proto2\";\npackage p;\nenum E { X = 1; Y = 2; }\n"),
				"u.proto": []byte("syntax = \"proto2\";\npackage p;\nimport \"a.proto\";\nmessage U { optional E e = 1 [default = Y]; }\n"),
			},
			new: map[string][]byte{"a.proto": []byte("syntax = \"proto2\";\npackage p;\nenum E { X = 1; Y = 3; }\n")},
			// The default still names Y: the finding is the enum's.
			wantIn: "a.proto",
		},
		{
			name: "a reference resolves to a new, nearer message",
			old: map[string][]byte{
				"top.proto": []byte("syntax = \"proto3\";\npackage p;\nmessage T { int32 a = 1; }\n"),
				"sub.proto": []byte("syntax = \"proto3\";\npackage p.q;\n"),
				"u.proto":   []byte("syntax = \"proto3\";\npackage p.q;\nimport \"top.proto\";\nimport \"sub.proto\";\nmessage U { T t = 1; }\n"),
			},
			new:    map[string][]byte{"sub.proto": []byte("syntax = \"proto3\";\npackage p.q;\nmessage T { string a = 1; }\n")},
			wantIn: "u.proto",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newFiles := maps.Clone(tt.old)
			maps.Copy(newFiles, tt.new)
			oldDir, newDir := t.TempDir(), t.TempDir()
			writeFiles(t, oldDir, tt.old)
			writeFiles(t, newDir, newFiles)
			full, partial, _ := checkBothWays(t, oldDir, newDir)
			if !strings.Contains(full, tt.wantIn+":") {
				t.Fatalf("the full compile finds nothing in %s:\n%s", tt.wantIn, full)
			}
			if diff := cmp.Diff(full, partial); diff != "" {
				t.Errorf("partial compile differs from full (-full +partial):\n%s", diff)
			}
		})
	}
}

// TestPartialAcrossBaselines checks one version against several with one
// Loader, as check --against-tags does: what the Loader keeps from one
// baseline for the next must not change any finding.
func TestPartialAcrossBaselines(t *testing.T) {
	p := gen.Generate(gen.Config{Files: 60, Changes: 8, Messages: 8, Fields: 6, Seed: 11})
	// mid holds half of the changed files, and one of its own edits.
	mid := maps.Clone(p.Old)
	n := 0
	for _, f := range slices.Sorted(maps.Keys(p.New)) {
		if string(p.New[f]) != string(p.Old[f]) {
			if n%2 == 0 {
				mid[f] = p.New[f]
			}
			n++
		}
	}
	leafs, _ := leaves(mid)
	mid[leafs[0]] = append(slices.Clone(mid[leafs[0]]), "\nmessage OnlyInMid { int32 a = 1; }\n"...)
	dirs := map[string]string{}
	for name, files := range map[string]map[string][]byte{"old": p.Old, "mid": mid, "new": p.New} {
		dirs[name] = t.TempDir()
		writeFiles(t, dirs[name], files)
	}
	ctx := context.Background()
	in := func(name string) loader.Input { return loader.Dir(dirs[name]).WithName(name) }
	shared := &loader.Loader{}
	for _, base := range []string{"old", "mid", "new", "old", "mid"} {
		full, partial, _ := checkBothWays(t, dirs[base], dirs["new"])
		if diff := cmp.Diff(full, partial); diff != "" {
			t.Fatalf("against %s: partial differs from full (-full +partial):\n%s", base, diff)
		}
		o, nw, err := shared.LoadPair(ctx, in(base), in("new"))
		if err != nil {
			t.Fatal(err)
		}
		fs, err := compat.Check(context.Background(),
			o,
			nw, allRules())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(full, render(fs)); diff != "" {
			t.Errorf("against %s with a Loader used before: differs from full (-full +reused):\n%s", base, diff)
		}
		if base != "new" && full == "" {
			t.Errorf("against %s: no finding; the case shows nothing", base)
		}
	}
}

// TestPartialMatchesFullOnDescriptorSets checks LoadPair on descriptor sets
// (snapshots of generated pairs, and of pairs whose importers link
// differently) against loading both sets in full.
func TestPartialMatchesFullOnDescriptorSets(t *testing.T) {
	ctx := context.Background()
	pairs := map[string][2]map[string][]byte{}
	for _, seed := range []uint64{3, 8} {
		p := gen.Generate(gen.Config{Files: 60, Changes: 8, Messages: 8, Fields: 6, Seed: seed})
		pairs[fmt.Sprintf("generated %d", seed)] = [2]map[string][]byte{p.Old, p.New}
		pairs[fmt.Sprintf("generated %d, reversed", seed)] = [2]map[string][]byte{p.New, p.Old}
	}
	pairs["message becomes an enum"] = [2]map[string][]byte{
		{
			"a.proto": []byte("syntax = \"proto3\";\npackage p;\nmessage A {}\n"),
			"u.proto": []byte("syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { A a = 1; }\n"),
		},
		{
			"a.proto": []byte("syntax = \"proto3\";\npackage p;\nenum A { A_ZERO = 0; }\n"),
			"u.proto": []byte("syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\nmessage U { A a = 1; }\n"),
		},
	}
	l := &loader.Loader{}
	for name, pair := range pairs {
		t.Run(name, func(t *testing.T) {
			var sets [2]loader.Input
			for i, files := range pair {
				dir := t.TempDir()
				writeFiles(t, dir, files)
				s, err := l.Load(ctx, loader.Dir(dir).WithName("tree"))
				if err != nil {
					t.Fatal(err)
				}
				data, err := loader.Snapshot(s)
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(t.TempDir(), "set.binpb")
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
				sets[i] = loader.DescriptorSet(file)
			}
			check := func(o, n *schema.Schema) string {
				fs, err := compat.Check(context.Background(),
					o,
					n, allRules())
				if err != nil {
					t.Fatal(err)
				}
				return render(fs)
			}
			fo, err := l.Load(ctx, sets[0])
			if err != nil {
				t.Fatal(err)
			}
			fn, err := l.Load(ctx, sets[1])
			if err != nil {
				t.Fatal(err)
			}
			po, pn, err := l.LoadPair(ctx, sets[0], sets[1])
			if err != nil {
				t.Fatal(err)
			}
			full, partial := check(fo, fn), check(po, pn)
			if full == "" {
				t.Fatalf("no finding: the case shows nothing")
			}
			if diff := cmp.Diff(full, partial); diff != "" {
				t.Errorf("partial differs from full (-full +partial):\n%s", diff)
			}
			t.Logf("compiled %d + %d of %d + %d files", len(po.Files), len(pn.Files), len(fo.Files), len(fn.Files))
		})
	}
}
