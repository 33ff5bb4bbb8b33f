package gitfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestIndexBlob reads the index that git writes, in each of its versions,
// and checks which work-tree files it vouches for: a file git hashed, while
// its stat data is unchanged and it is older than the index; never a file
// changed since, one added with intent only, a conflict, or a path the
// index does not hold.
func TestIndexBlob(t *testing.T) {
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			s := newRepo(t)
			s.commit("base", map[string]string{"a.proto": "syntax = \"proto3\";\n", "dir/b.proto": "package b;\n", "dir/deeper/c.proto": "package c;\n"})
			s.write(map[string]string{"new.proto": "package n;\n"})
			s.git("add", "-N", "new.proto") // intent to add: extended flags, version 3 and up
			s.git("update-index", "--index-version", version)
			// Age every file, then let git record their stat data anew, so
			// that none is racily clean.
			old := time.Now().Add(-time.Hour)
			for _, p := range []string{"a.proto", "dir/b.proto", "dir/deeper/c.proto", "new.proto"} {
				if err := os.Chtimes(filepath.Join(s.dir, p), old, old); err != nil {
					t.Fatal(err)
				}
			}
			s.git("update-index", "-q", "--refresh")
			ix, err := OpenIndex(context.Background(), filepath.Join(s.dir, "dir"))
			if err != nil {
				t.Fatal(err)
			}
			blob := func(rel string) (string, bool) {
				fi, err := os.Lstat(filepath.Join(s.dir, "dir", filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				return ix.Blob(rel, fi)
			}
			want := s.git("rev-parse", "HEAD:dir/deeper/c.proto")
			if id, ok := blob("deeper/c.proto"); !ok || id != want {
				t.Errorf("deeper/c.proto: got %q, %v; want %s, true", id, ok, want)
			}
			// The same size, the same modification time: only the change
			// time (and, on some systems, nothing at all) tells.
			p := filepath.Join(s.dir, "dir", "b.proto")
			fi, _ := os.Lstat(p)
			if err := os.WriteFile(p, []byte("package x;\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
			if id, ok := blob("b.proto"); ok {
				t.Errorf("b.proto, rewritten: vouched for as %s", id)
			}
			if _, err := os.Stat(filepath.Join(s.dir, "dir", "missing.proto")); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("missing.proto exists")
			}
			top, err := OpenIndex(context.Background(), s.dir)
			if err != nil {
				t.Fatal(err)
			}
			nfi, err := os.Lstat(filepath.Join(s.dir, "new.proto"))
			if err != nil {
				t.Fatal(err)
			}
			if id, ok := top.Blob("new.proto", nfi); ok {
				t.Errorf("new.proto, added with intent only: vouched for as %s", id)
			}
			if id, ok := top.Blob("dir/deeper/c.proto", mustLstat(t, filepath.Join(s.dir, "dir", "deeper", "c.proto"))); !ok || id != want {
				t.Errorf("dir/deeper/c.proto from the top: got %q, %v; want %s, true", id, ok, want)
			}
		})
	}
}

// TestIndexRacy checks git's rule for racily clean entries: an entry whose
// file was modified in the second the index was written, or later, may
// have changed again unseen by its stat data, and is not vouched for.
func TestIndexRacy(t *testing.T) {
	s := newRepo(t)
	s.commit("base", map[string]string{"a.proto": "package a;\n"})
	p := filepath.Join(s.dir, "a.proto")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	s.git("update-index", "--refresh")
	index := filepath.Join(s.dir, ".git", "index")
	ix, err := ReadIndex(index)
	if err != nil {
		t.Fatal(err)
	}
	fi := mustLstat(t, p)
	if _, ok := ix.Blob("a.proto", fi); !ok {
		t.Fatal("a.proto, hashed an hour before the index was written: not vouched for")
	}
	// The index written in the same second as the file was last modified.
	for _, at := range []time.Time{old, old.Add(-time.Second)} {
		if err := os.Chtimes(index, at, at); err != nil {
			t.Fatal(err)
		}
		ix, err := ReadIndex(index)
		if err != nil {
			t.Fatal(err)
		}
		if id, ok := ix.Blob("a.proto", fi); ok {
			t.Errorf("index written at %s, a.proto modified at %s: vouched for as %s", at, old, id)
		}
	}
}

// TestIndexFormats refuses what the reader does not know, so that the
// caller reads every file instead of trusting a misread index.
func TestIndexFormats(t *testing.T) {
	for name, data := range map[string]string{
		"empty":        "",
		"not an index": "DIRX\x00\x00\x00\x02\x00\x00\x00\x00" + string(make([]byte, 20)),
		"version 5":    "DIRC\x00\x00\x00\x05\x00\x00\x00\x00" + string(make([]byte, 20)),
		"truncated":    "DIRC\x00\x00\x00\x02\x00\x00\x00\x01" + string(make([]byte, 30)),
		"split index":  "DIRC\x00\x00\x00\x02\x00\x00\x00\x00link\x00\x00\x00\x14" + string(make([]byte, 20)) + string(make([]byte, 20)),
	} {
		if _, err := parseIndex([]byte(data)); !errors.Is(err, errIndexFormat) {
			t.Errorf("%s: got %v, want %v", name, err, errIndexFormat)
		}
	}
	if _, err := OpenIndex(context.Background(), t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Errorf("a directory in no repository: got %v, want %v", err, ErrNotRepository)
	}
}

func mustLstat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
