package loader

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/schema"
)

// cacheTree is a tree whose changed file (b) imports a chain of unchanged
// ones, a well-known type and a custom option, with nested types, enums,
// defaults and a public import: what a linked file's entry must rebuild.
var cacheTree = map[string]string{
	"opt.proto": `syntax = "proto2";
package p;
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { optional string tag = 50001; }
extend google.protobuf.MessageOptions { optional int32 level = 50002; }
`,
	"a.proto": `syntax = "proto2";
package p;
import "google/protobuf/timestamp.proto";
message A {
  message In { optional int32 x = 1 [default = 7]; enum E { E0 = 0; E1 = 1; } }
  optional In in = 1;
  optional google.protobuf.Timestamp at = 2;
  optional double d = 3 [default = 1e10];
  extensions 100 to 200;
}
enum Color { RED = 0; GREEN = 1; }
`,
	"pub.proto": `syntax = "proto3";
package p.sub;
import public "a.proto";
message Pub { p.A a = 1; }
`,
	"b.proto": `syntax = "proto2";
package p;
import "pub.proto";
import "opt.proto";
message B {
  option (level) = 3;
  optional A.In in = 1 [(tag) = "in"];
  optional Color c = 2;
  optional p.sub.Pub pub = 3;
  optional A.In.E e = 4;
}
`,
	"c.proto": `syntax = "proto3";
package p;
import "b.proto";
message C { B b = 1; }
`,
}

// loadCached loads old against new with a Loader keeping its cache in
// dir ("" for none), and returns both schemas and the number of files the
// compiler read.
func loadCached(t *testing.T, dir, old, new string) (o, n *schema.Schema, reads int) {
	t.Helper()
	var count atomic.Int64 // Progress is called from the compiler's goroutines
	l := &Loader{CacheDir: dir, Progress: func(Input, int) { count.Add(1) }}
	o, n, err := l.LoadPair(context.Background(), Dir(old), Dir(new))
	if err != nil {
		t.Fatal(err)
	}
	return o, n, int(count.Load())
}

// protos returns a schema's files as descriptor protos, source info
// included, by path, as their encoding reads: a fresh compile holds a
// custom option as a field of its own types, an entry as the same bytes.
func protos(t *testing.T, s *schema.Schema) map[string]*descriptorpb.FileDescriptorProto {
	out := make(map[string]*descriptorpb.FileDescriptorProto)
	for _, f := range s.Files {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(protodesc.ToFileDescriptorProto(f))
		if err != nil {
			t.Fatal(err)
		}
		fp := new(descriptorpb.FileDescriptorProto)
		if err := proto.Unmarshal(b, fp); err != nil {
			t.Fatal(err)
		}
		out[f.Path()] = fp
	}
	return out
}

// TestCacheDir checks that files linked from the on-disk cache are the
// files a compile links, source info included; that a warm cache reads no
// file; that an entry whose contents changed is never used (its key is a
// digest of the contents); and that a corrupt entry is ignored.
func TestCacheDir(t *testing.T) {
	old := writeProtos(t, cacheTree)
	changed := func(edit string) string {
		files := make(map[string]string)
		for p, s := range cacheTree {
			files[p] = s
		}
		files["b.proto"] = strings.Replace(files["b.proto"], "A.In.E e = 4;", edit, 1)
		return writeProtos(t, files)
	}
	new := changed("A.In.E e = 5;")
	wantOld, wantNew, _ := loadCached(t, "", old, new)
	if len(wantNew.Files) == 0 {
		t.Fatal("nothing compiled: the test shows nothing")
	}
	same := func(label string, o, n *schema.Schema) {
		t.Helper()
		if diff := cmp.Diff(protos(t, wantOld), protos(t, o), protocmp.Transform()); diff != "" {
			t.Errorf("%s: old differs from a run without cache (-want +got):\n%s", label, diff)
		}
		if diff := cmp.Diff(protos(t, wantNew), protos(t, n), protocmp.Transform()); diff != "" {
			t.Errorf("%s: new differs from a run without cache (-want +got):\n%s", label, diff)
		}
	}

	cache := t.TempDir()
	o, n, coldReads := loadCached(t, cache, old, new)
	same("cold", o, n)
	if coldReads == 0 {
		t.Errorf("cold: the compiler read no file")
	}
	o, n, warmReads := loadCached(t, cache, old, new)
	same("warm", o, n)
	if warmReads != 0 {
		t.Errorf("warm: the compiler read %d files, want none", warmReads)
	}
	// Imports of the warm files are the cache's too: a well-known type,
	// a public import, an option's extension.
	for _, f := range n.Files {
		if f.Path() == "b.proto" && f.Imports().Get(0).Imports().Get(0).Path() != "a.proto" {
			t.Errorf("b.proto's public import is not a.proto")
		}
	}

	// Another change of b: its entry and c's (which imports it) are not
	// those of this contents.
	newer := changed("A.In.E e = 6;")
	wantOld, wantNew, _ = loadCached(t, "", old, newer)
	o, n, _ = loadCached(t, cache, old, newer)
	same("changed", o, n)

	// Every entry damaged: ignored, and the files compiled again.
	var entries int
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "pruned" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch entries++; entries % 3 {
		case 0:
			data[len(data)-1] ^= 1
		case 1:
			data = data[:len(data)/2]
		case 2:
			data = []byte("garbage")
		}
		return os.WriteFile(p, data, 0o644)
	})
	if entries == 0 {
		t.Fatal("the cache holds no entry")
	}
	o, n, reads := loadCached(t, cache, old, newer)
	same("corrupt", o, n)
	if reads == 0 {
		t.Errorf("corrupt: the compiler read no file, so a damaged entry was used")
	}
}

// TestEntryChecksum checks that an entry opens only as the kind and key it
// was written for.
func TestEntryChecksum(t *testing.T) {
	c := &diskCache{dir: t.TempDir(), made: make(map[string]bool)}
	c.put("h", "k1", []byte("payload"))
	if got, ok := c.get("h", "k1"); !ok || string(got) != "payload" {
		t.Errorf("get(h, k1) = %q, %v; want the payload", got, ok)
	}
	// The same bytes under another key or kind: not trusted.
	data, err := os.ReadFile(c.path("h", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, kk := range [][2]string{{"h", "k2"}, {"f", "k1"}} {
		p := c.path(kk[0], kk[1])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, ok := c.get(kk[0], kk[1]); ok {
			t.Errorf("get(%s, %s) = %q, an entry written for (h, k1)", kk[0], kk[1], got)
		}
	}
	if _, ok := c.getFile("k1"); ok {
		t.Errorf("getFile(k1) decoded a header's entry")
	}
}
