package loader_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
)

// TestArchiveDuplicates: an archive that holds a member twice is read as
// tar extracts it and buf reads it, the last copy winning, in a tar and in
// a zip; macOS's "._" files are left out, as buf leaves them out; an
// archive with no files says so.
func TestArchiveDuplicates(t *testing.T) {
	first := "syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; int32 y = 2; }\n"
	last := fetchProto // A without y
	members := [][2]string{
		{"p/a.proto", first},
		{"p/._a.proto", "\x00\x05\x16\x07 resource fork"},
		{"p/a.proto", last},
	}
	dir := t.TempDir()
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, m := range members {
		tw.WriteHeader(&tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Typeflag: tar.TypeReg})
		tw.Write([]byte(m[1]))
	}
	tw.Close()
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, m := range members {
		w, _ := zw.Create(m[0])
		w.Write([]byte(m[1]))
	}
	zw.Close()
	for name, data := range map[string][]byte{"dup.tar": tb.Bytes(), "dup.zip": zb.Bytes()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := fetchLoad(t, p)
		if got := s.Paths; len(got) != 1 || got[0] != "p/a.proto" {
			t.Errorf("%s: files %v, want p/a.proto alone", name, got)
			continue
		}
		if n := s.Files[0].Messages().ByName("A").Fields().Len(); n != 1 {
			t.Errorf("%s: A has %d fields, want 1: the last copy of p/a.proto", name, n)
		}
	}
	// An archive with no files (/dev/zero's blocks are an empty tar).
	empty := filepath.Join(dir, "empty.tar")
	if err := os.WriteFile(empty, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	in, _ := loader.ParseInput(empty)
	if _, _, err := loader.Fetch(context.Background(), in); err == nil || !strings.HasSuffix(err.Error(), "the archive holds no files") {
		t.Errorf("empty archive: %v, want one saying it holds no files", err)
	}
}

// fetchLoad fetches and loads the input raw.
func fetchLoad(t *testing.T, raw string) *schema.Schema {
	t.Helper()
	in, err := loader.ParseInput(raw)
	if err != nil {
		t.Fatal(err)
	}
	local, cleanup, err := loader.Fetch(context.Background(), in)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", raw, err)
	}
	defer cleanup()
	s, err := (&loader.Loader{}).Load(context.Background(), local)
	if err != nil {
		t.Fatalf("Load(%s): %v", raw, err)
	}
	return s
}

// TestSpecialInputs: an input that is not a regular file never hangs and
// is never read without a bound. A device is refused saying what it is; a
// named pipe is read, as buf reads one, but nobody writing to it ends at
// the deadline, and what is written is counted as it comes.
func TestSpecialInputs(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	for _, raw := range []string{"/dev/zero#format=binpb", "/dev/zero#format=tar", "/dev/zero#format=zip"} {
		in, err := loader.ParseInput(raw)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		local, cleanup, err := loader.Fetch(context.Background(), in)
		if err == nil {
			_, err = (&loader.Loader{}).Load(context.Background(), local)
			cleanup()
		}
		if !errors.Is(err, loader.ErrNotFile) || !strings.Contains(err.Error(), "a character device, not a regular file") {
			t.Errorf("%s: %v, want a character device refused", raw, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: refused after %s", raw, d)
		}
	}

	dir := t.TempDir()
	fifo := filepath.Join(dir, "set.binpb")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes here:", err)
	}
	in, err := loader.ParseInput(fifo)
	if err != nil {
		t.Fatal(err)
	}
	// Nobody writes: the deadline ends the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = (&loader.Loader{}).Load(ctx, in)
	if err == nil || !strings.Contains(err.Error(), "nothing wrote to the named pipe") {
		t.Errorf("unfed pipe: %v, want the wait ended", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("unfed pipe: gave up after %s", d)
	}
	// A writer that never stops: refused past the limit, not read whole.
	// It gets a pipe of its own: the unfed pipe's reader, released above,
	// may still be open for a moment, and a writer it met would be cut off.
	fifo = filepath.Join(dir, "endless.binpb")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	if in, err = loader.ParseInput(fifo); err != nil {
		t.Fatal(err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		io.Copy(w, io.LimitReader(zeros{}, loader.MaxDescriptorSetSize+1<<20))
	}()
	_, err = (&loader.Loader{}).Load(context.Background(), in)
	if want := "descriptor set is larger than 256 MiB"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("endless pipe: %v, want %q", err, want)
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
