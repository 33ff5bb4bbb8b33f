package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// fuzzTimeout bounds one input: a checker in a pre-commit hook must answer,
// and the largest input a fuzzer makes compiles in milliseconds.
const fuzzTimeout = 20 * time.Second

// fuzzDep is a file that fuzzed sources may import, so that imports,
// options and cross-file references get exercised.
const fuzzDep = `syntax = "proto2";
package dep;
import "google/protobuf/descriptor.proto";
message D { optional int32 x = 1; optional D d = 2; repeated string s = 3; extensions 100 to 200; }
enum E { E_ZERO = 0; E_ONE = 1; }
extend google.protobuf.MessageOptions { optional D opt = 50000; }
`

// withTimeout runs f, failing the test if it takes longer than fuzzTimeout.
func withTimeout(t *testing.T, what string, f func(ctx context.Context)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fuzzTimeout)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(ctx)
	}()
	select {
	case <-done:
	case <-time.After(fuzzTimeout + 5*time.Second):
		t.Fatalf("%s did not return within %s", what, fuzzTimeout)
	}
}

// maxLongLine bounds the line that FuzzLoad appends to its text: long
// enough that a cost growing with the square of a line's length shows as a
// timeout (a line of 40 KB cost the compiler 7 s), short enough to keep
// the fuzzer fast.
const maxLongLine = 256 << 10

// FuzzLoad compiles arbitrary text as a .proto file: src, then unit
// repeated n times on one line (up to maxLongLine bytes). The loader must
// return a schema or an error, never panic or hang, and report at most
// MaxErrorsPerFile errors for the file, and a line that says what it left
// out; a file it compiles must have the package and imports that the
// header scanner of selective compilation finds, when the scanner claims
// to be sure; and comparing two versions that share the file must not fail
// where loading it alone succeeded.
func FuzzLoad(f *testing.F) {
	f.Add("syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n", "", uint16(0))
	f.Add("syntax = \"proto2\";\npackage p.q;\nimport \"dep.proto\";\nmessage A { optional dep.D d = 1; option (dep.opt) = { x: 1 d { d { s: \"x\" } } }; }\n", "", uint16(0))
	f.Add("edition = \"2023\";\npackage p;\nimport public \"dep.proto\";\nmessage A { int32 x = 1 [features.field_presence = IMPLICIT]; }\n", "", uint16(0))
	f.Add("edition = \"2024\";\npackage p;\nimport option \"dep.proto\";\noption features.default_symbol_visibility = EXPORT_ALL;\nexport message A { option (dep.opt) = { x: 1 }; local enum E { E_X = 0; } E e = 1; }\n", "", uint16(0))
	f.Add("edition = \"2026\";\npackage p;\nimport \"dep.proto\";\nlocal message A { dep.D d = 1; }\n", "", uint16(0))
	// Long lines: one error per unit, each of which once cost the
	// compiler a pass over the line.
	f.Add("syntax = \"proto3\";\npackage p;\n", "\x00", uint16(60000))
	f.Add("syntax = \"proto3\";\npackage p;\n", "$", uint16(60000))
	f.Add("syntax = \"proto3\";\npackage p;\noption java_package = \"", `\q`, uint16(60000))
	f.Add("syntax = \"proto3\";\npackage p;\n", "message M {} ", uint16(20000))
	f.Add("syntax = \"proto3\";\npackage p;\n", "import \"x.proto\"; ", uint16(10000))
	f.Add("edition = \"2024\";\npackage p;\nmessage M { ", "X a = 1; ", uint16(5000))
	f.Fuzz(func(t *testing.T, src, unit string, n uint16) {
		if len(unit) > 0 {
			src += strings.Repeat(unit, min(int(n), maxLongLine/len(unit)))
		}
		dir := t.TempDir()
		write := func(sub, name, data string) {
			p := filepath.Join(dir, sub, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("new", "a.proto", src)
		write("new", "dep.proto", fuzzDep)
		write("old", "a.proto", src)
		write("old", "dep.proto", fuzzDep+"message Extra {}\n")
		l := &Loader{Dir: dir}
		var s *schema.Schema
		var loadErr error
		withTimeout(t, "Load", func(ctx context.Context) {
			s, loadErr = l.Load(ctx, Dir("new"))
		})
		if loadErr != nil {
			var ce source.ErrorList
			if errors.As(loadErr, &ce) {
				perFile := make(map[string]int)
				for _, e := range ce {
					if e.Path == "" || e.Message == "" {
						t.Errorf("compile error without a file or a message: %#v", e)
					}
					perFile[e.Path]++
				}
				for p, n := range perFile {
					if n > MaxErrorsPerFile+1 {
						t.Errorf("%d errors for %s, want at most %d", n, p, MaxErrorsPerFile+1)
					}
				}
			}
		} else {
			for _, fd := range s.Files {
				if fd.Path() != "a.proto" {
					continue
				}
				h := scanHeader([]byte(src))
				if h.err != nil {
					continue // the scanner gave up: the file is compiled
				}
				pkg, imports := h.pkg, h.imports
				if !h.options && hasCustomOptions(fd) {
					t.Errorf("scanHeader missed a custom option")
				}
				var want []string
				for i := range fd.Imports().Len() {
					want = append(want, fd.Imports().Get(i).Path())
				}
				// The scanner counts edition 2024's option-only imports
				// too: the compiler needs their files.
				want = append(want, protodesc.ToFileDescriptorProto(fd).GetOptionDependency()...)
				slices.Sort(want)
				want = slices.Compact(want)
				got := slices.Clone(imports)
				slices.Sort(got)
				got = slices.Compact(got)
				if pkg != string(fd.Package()) || !slices.Equal(got, want) {
					t.Errorf("scanHeader = package %q, imports %q; the compiler found package %q, imports %q", pkg, got, fd.Package(), want)
				}
			}
		}
		withTimeout(t, "LoadPair", func(ctx context.Context) {
			_, _, err := l.LoadPair(ctx, Dir("old"), Dir("new"))
			if loadErr == nil && err != nil {
				t.Errorf("Load succeeded but LoadPair failed: %v", err)
			}
		})
		// Files that sameTokens takes for the same are left out of
		// LoadPair: they must compile to the same descriptors.
		if loadErr != nil {
			return
		}
		for i, variant := range []string{
			"// a header\n" + src,
			strings.ReplaceAll(src, " ", "  "),
			strings.ReplaceAll(src, " ", ""),
			strings.ReplaceAll(src, "\n", "/**/\n"),
		} {
			if !sameTokens([]byte(src), []byte(variant)) {
				continue
			}
			sub := fmt.Sprintf("variant%d", i)
			write(sub, "a.proto", variant)
			write(sub, "dep.proto", fuzzDep)
			withTimeout(t, "Load of a variant", func(ctx context.Context) {
				v, err := l.Load(ctx, Dir(sub))
				if err != nil {
					t.Errorf("the same tokens as a file that compiles fail: %v\n%q", err, variant)
					return
				}
				// Bytes, not proto.Equal: each compile makes its own
				// extension types for custom options.
				det := proto.MarshalOptions{Deterministic: true}
				a, _ := det.Marshal(fileProtoNoSource(s, "a.proto"))
				b, _ := det.Marshal(fileProtoNoSource(v, "a.proto"))
				if !bytes.Equal(a, b) {
					t.Errorf("the same tokens compile to other descriptors:\n%q\n%q", src, variant)
				}
			})
		}
	})
}

// fileProtoNoSource returns the descriptor of path in s, without source info.
func fileProtoNoSource(s *schema.Schema, path string) *descriptorpb.FileDescriptorProto {
	for _, f := range s.Files {
		if f.Path() == path {
			fd := protodesc.ToFileDescriptorProto(f)
			fd.SourceCodeInfo = nil
			return fd
		}
	}
	return nil
}

// FuzzPrecheck runs the pre-compile scan alone, much faster than FuzzLoad:
// it must never panic, and a position it reports must lie in the file.
func FuzzPrecheck(f *testing.F) {
	f.Add([]byte("message A { /* \xff */ }"))
	f.Add([]byte("m { m { m { 'a\\'b' } } } // x\n\"\\\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		ps := precheck(src)
		if len(ps) > MaxErrorsPerFile+1 {
			t.Errorf("precheck gave %d problems, want at most %d", len(ps), MaxErrorsPerFile+1)
		}
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, p := range ps {
			if p.line < 1 || p.line > lines || p.col < 1 || p.msg == "" {
				t.Errorf("precheck = %+v for a file of %d lines", p, lines)
			}
		}
	})
}

// FuzzDescriptorSet decodes arbitrary bytes as a descriptor set file: the
// loader must return a schema or an error, never panic or hang.
func FuzzDescriptorSet(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x0a\x00"))
	if b, err := seedSet(); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "set.binpb"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		l := &Loader{Dir: dir}
		withTimeout(t, "loading a descriptor set", func(ctx context.Context) {
			s, err := l.Load(ctx, DescriptorSet("set.binpb"))
			if err == nil && len(s.Files) == 0 {
				t.Errorf("a descriptor set loaded with no files")
			}
		})
	})
}

// seedSet compiles fuzzDep and writes it as a descriptor set with its
// imports, for a seed that gets past decoding.
func seedSet() ([]byte, error) {
	dir, err := os.MkdirTemp("", "seed")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "dep.proto"), []byte(fuzzDep), 0o644); err != nil {
		return nil, err
	}
	s, err := (&Loader{}).Load(context.Background(), Dir(dir))
	if err != nil {
		return nil, err
	}
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range s.Files {
		for i := range fd.Imports().Len() {
			set.File = append(set.File, protodesc.ToFileDescriptorProto(fd.Imports().Get(i).FileDescriptor))
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	return proto.Marshal(set)
}

// hasCustomOptions reports whether any options message of fd sets an
// extension, or holds bytes the compiler could not attribute to a field.
func hasCustomOptions(fd protoreflect.FileDescriptor) bool {
	return setsCustomOptions(protodesc.ToFileDescriptorProto(fd).ProtoReflect())
}
