package loader_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/loader"
)

const fetchProto = "syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n"

// TestFetchArchive unpacks a zip and a tar with strip_components and
// subdir, names files by their path in the archive, and removes what it
// unpacked.
func TestFetchArchive(t *testing.T) {
	dir := t.TempDir()
	members := map[string]string{
		"top/proto/p/a.proto": fetchProto,
		"top/README":          "not a schema",
		"loose.proto":         "dropped by strip_components=1",
	}
	zipName := filepath.Join(dir, "s.zip")
	writeZip(t, zipName, members)
	tarName := filepath.Join(dir, "s.tgz")
	writeTarGz(t, tarName, members)
	for _, raw := range []string{zipName + "#strip_components=1,subdir=proto", tarName + "#strip_components=1,subdir=proto"} {
		in, err := loader.ParseInput(raw)
		if err != nil {
			t.Fatal(err)
		}
		local, cleanup, err := loader.Fetch(context.Background(), in)
		if err != nil {
			t.Fatalf("Fetch(%s): %v", raw, err)
		}
		s, err := (&loader.Loader{}).Load(context.Background(), local)
		if err != nil {
			t.Fatalf("Load(%s): %v", raw, err)
		}
		if len(s.Files) != 1 || s.Files[0].Path() != "p/a.proto" {
			t.Errorf("%s: files %v, want p/a.proto", raw, s.Paths)
		}
		if got, want := local.Display("p/a.proto"), "proto/p/a.proto"; got != want {
			t.Errorf("%s: Display = %q, want %q (the path in the archive)", raw, got, want)
		}
		if local.String() != raw {
			t.Errorf("fetched input prints as %q, want %q", local.String(), raw)
		}
		cleanup()
		if _, err := os.Stat(local.Dir()); !os.IsNotExist(err) {
			t.Errorf("%s: %s is still there after cleanup (%v)", raw, local.Dir(), err)
		}
	}
}

// TestFetchArchiveHTTP downloads an archive named by an http URL, and
// says so when the server has none.
func TestFetchArchiveHTTP(t *testing.T) {
	dir := t.TempDir()
	writeTarGz(t, filepath.Join(dir, "s.tar.gz"), map[string]string{"top/proto/p/a.proto": fetchProto})
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	in, err := loader.ParseInput(srv.URL + "/s.tar.gz#strip_components=1,subdir=proto")
	if err != nil {
		t.Fatal(err)
	}
	local, cleanup, err := loader.Fetch(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	s, err := (&loader.Loader{}).Load(context.Background(), local)
	if err != nil {
		t.Fatal(err)
	}
	if got := local.Display(s.Files[0].Path()); got != "proto/p/a.proto" {
		t.Errorf("Display = %q, want proto/p/a.proto", got)
	}
	in, _ = loader.ParseInput(srv.URL + "/none.zip")
	if _, _, err := loader.Fetch(context.Background(), in); err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("missing archive: error = %v, want the server's 404", err)
	}
}

// TestFetchArchiveRefuses refuses members that would land outside the
// directory they are unpacked to, and leaves nothing behind.
func TestFetchArchiveRefuses(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, name := range []string{"../evil.proto", "/abs.proto", "a/../../evil.proto"} {
		zipName := filepath.Join(dir, "bad.zip")
		writeZip(t, zipName, map[string]string{name: fetchProto})
		in, err := loader.ParseInput(zipName)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = loader.Fetch(context.Background(), in)
		if err == nil || !strings.Contains(err.Error(), "its name leaves the archive") {
			t.Errorf("member %q: error = %v, want one saying it leaves the archive", name, err)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("a refused archive left %d entries in the temporary directory", len(entries))
	}
	if _, err := os.Stat(filepath.Join(dir, "evil.proto")); !os.IsNotExist(err) {
		t.Errorf("a member was written outside the archive's directory")
	}
}

// TestCompressedImage reads a gzip-compressed JSON image as its
// uncompressed twin.
func TestCompressedImage(t *testing.T) {
	dir := t.TempDir()
	img := `{"file":[{"name":"p/a.proto","package":"p","syntax":"proto3","messageType":[{"name":"A"}]},` +
		`{"name":"dep/d.proto","package":"dep","syntax":"proto3","bufExtension":{"isImport":true}}]}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(img))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "i.json.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := loader.ParseInput(filepath.Join(dir, "i.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := (&loader.Loader{}).Load(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	// dep/d.proto is marked as imported: not the input's own.
	if len(s.Files) != 1 || s.Files[0].Path() != "p/a.proto" {
		t.Errorf("files %v, want only p/a.proto", s.Paths)
	}
}

// TestSelect follows imports from the selected files, and only within the
// input.
func TestSelect(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.proto": "syntax = \"proto3\";\npackage p;\nimport \"b.proto\";\nmessage A { B b = 1; }\n",
		"b.proto": "syntax = \"proto3\";\npackage p;\nimport \"c/c.proto\";\nmessage B { C c = 1; }\n",
		"c/c.proto": "syntax = \"proto3\";\npackage p;\nimport \"google/protobuf/empty.proto\";\n" +
			"message C { google.protobuf.Empty e = 1; }\n",
		"d.proto": "syntax = \"proto3\";\npackage p;\nmessage D {}\n",
	})
	s, err := load(t, &loader.Loader{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sel  loader.Selection
		want string
	}{
		{loader.Selection{Imports: true}, "a.proto b.proto c/c.proto d.proto"},
		{loader.Selection{Paths: []string{"a.proto"}, Imports: true}, "a.proto b.proto c/c.proto"},
		{loader.Selection{Paths: []string{"a.proto"}}, "a.proto"},
		{loader.Selection{Paths: []string{"c"}, Imports: true}, "c/c.proto"},
		{loader.Selection{Exclude: []string{"c", "d.proto"}}, "a.proto b.proto"},
		// An excluded file that a selected one imports is still checked, as in buf.
		{loader.Selection{Exclude: []string{"b.proto"}, Imports: true}, "a.proto b.proto c/c.proto d.proto"},
		{loader.Selection{Paths: []string{"nope.proto"}, Imports: true}, ""},
		// The other files of the selected file's package.
		{loader.Selection{Paths: []string{"d.proto"}, Packages: true}, "a.proto b.proto c/c.proto d.proto"},
	} {
		got := loader.Select(s, tc.sel)
		var names []string
		for _, f := range got.Files {
			names = append(names, f.Path())
		}
		if g := strings.Join(names, " "); g != tc.want || strings.Join(got.Paths, " ") != tc.want {
			t.Errorf("Select(%+v) = files %q, paths %q; want %q", tc.sel, g, got.Paths, tc.want)
		}
	}
}

func writeZip(t *testing.T, name string, members map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, data := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeTarGz(t *testing.T, name string, members map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for n, data := range members {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(data))
	}
	// A link is skipped, never followed.
	tw.WriteHeader(&tar.Header{Name: "top/proto/link.proto", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
	tw.Close()
	zw.Close()
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
