package loader

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// inputView is what TestParseInput compares of an Input: where its files
// are and how they are read, not how it fetches them.
type inputView struct {
	kind                     inputKind
	path, refKind, ref, file string
	subdir, enc              string
	gz, includePackageFiles  bool
	excludes, importRoots    []string
	raw                      string
}

func viewOf(in Input) inputView {
	return inputView{
		kind: in.kind, path: in.path, refKind: in.refKind, ref: in.ref, file: in.file,
		subdir: in.subdir, enc: in.enc, gz: in.gz, includePackageFiles: in.includePackageFiles,
		excludes: in.excludes, importRoots: in.importRoots, raw: in.raw,
	}
}

func TestParseInput(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want inputView
		err  string
	}{
		{raw: "proto", want: inputView{kind: dirInput, path: "proto"}},
		{raw: "out/image.binpb", want: inputView{kind: setInput, path: "out/image.binpb", enc: encBinary}},
		{raw: ".git#branch=main,subdir=proto", want: inputView{kind: gitInput, path: ".git", refKind: "branch", ref: "main", subdir: "proto"}},
		{raw: "../repo#tag=v1.2.0", want: inputView{kind: gitInput, path: "../repo", refKind: "tag", ref: "v1.2.0"}},
		{raw: ".git#format=git", want: inputView{kind: gitInput, path: ".git", refKind: "ref", ref: "HEAD"}},
		{raw: ".git#branch=a,tag=b", err: `input ".git#branch=a,tag=b": both branch and tag given`},
		{raw: ".git#subdir=../x", err: `input ".git#subdir=../x": subdir "../x" leaves the repository`},
		{raw: ".git#color=red", err: `input ".git#color=red": unknown option "color" (want branch, tag, ref, commit, subdir, depth or recurse_submodules)`},
		{raw: ".git#ref=-n", err: `input ".git#ref=-n": a git ref may not start with '-'`},
		// Descriptor sets and buf images in every encoding, as buf names them.
		{raw: "image.json", want: inputView{kind: setInput, path: "image.json", enc: encJSON}},
		{raw: "image.txtpb.gz", want: inputView{kind: setInput, path: "image.txtpb.gz", enc: encText, gz: true}},
		{raw: "image.out#format=yaml,compression=gzip", want: inputView{kind: setInput, path: "image.out", enc: encYAML, gz: true}},
		{raw: "image.binpb#compression=zstd", err: `input "image.binpb#compression=zstd": zstd compression is not read by protocheck: decompress first (zstd -d)`},
		{raw: "image.binpb#subdir=x", err: `input "image.binpb#subdir=x": unknown option "subdir" (this kind of input takes format, compression)`},
		// Archives.
		{raw: "p.tar.gz#strip_components=1,subdir=proto", want: inputView{kind: archiveInput, path: "p.tar.gz", subdir: "proto"}},
		{raw: "p.zip", want: inputView{kind: archiveInput, path: "p.zip"}},
		{raw: "p.zip#subdir=../x", err: `input "p.zip#subdir=../x": subdir "../x" leaves the archive`},
		{raw: "p.tgz#strip_components=-1", err: `input "p.tgz#strip_components=-1": strip_components=-1: want a number of leading directories`},
		{raw: "p.tar#branch=main", err: `input "p.tar#branch=main": unknown option "branch" (an archive takes strip_components, subdir, compression and format)`},
		{raw: "https://example.com/p.tar.gz", want: inputView{kind: archiveInput, path: "https://example.com/p.tar.gz"}},
		{raw: "ftp://example.com/p.tar.gz", err: `input "ftp://example.com/p.tar.gz": an archive is read from a file or downloaded over http or https`},
		// One .proto file: its directory, and the file in it.
		{raw: "proto/acme/v1/a.proto", want: inputView{kind: dirInput, path: "proto/acme/v1", file: "a.proto"}},
		{raw: "a.proto#include_package_files=true", want: inputView{kind: dirInput, path: ".", file: "a.proto", includePackageFiles: true}},
		// Remote repositories.
		{raw: "https://github.com/acme/apis.git#branch=main,subdir=proto", want: inputView{kind: remoteInput, path: "https://github.com/acme/apis.git", refKind: "branch", ref: "main", subdir: "proto"}},
		{raw: "ssh://git@example.com/apis.git", want: inputView{kind: remoteInput, path: "ssh://git@example.com/apis.git", refKind: "ref", ref: "HEAD"}},
		{raw: "file:///srv/apis#tag=v1,depth=5", want: inputView{kind: remoteInput, path: "file:///srv/apis", refKind: "tag", ref: "v1"}},
		{raw: "file:///srv/apis#depth=0", err: `input "file:///srv/apis#depth=0": depth=0: want a number of commits above 0`},
		// Registry modules, as buf names them.
		{raw: "buf.build/acme/apis", want: inputView{kind: moduleInput, path: "buf.build/acme/apis"}},
		{raw: "buf.build/acme/apis:v1.2.0", want: inputView{kind: moduleInput, path: "buf.build/acme/apis:v1.2.0"}},
		{raw: "localhost:8080/acme/apis", want: inputView{kind: moduleInput, path: "localhost:8080/acme/apis"}},
		{raw: "buf.build/acme/apis#format=mod", want: inputView{kind: moduleInput, path: "buf.build/acme/apis"}},
		{raw: "buf.build/acme#format=mod", err: `input "buf.build/acme#format=mod": a module is named registry/owner/module, with an optional :label or :commit`},
		{raw: "x#format=svn", err: `input "x#format=svn": unknown format "svn" (want dir, git, tar, zip, binpb, json, txtpb, yaml or protofile)`},
	} {
		got, err := ParseInput(tc.raw)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseInput(%q) error = %v, want %s", tc.raw, err, tc.err)
			}
			continue
		}
		tc.want.raw = tc.raw
		if err != nil {
			t.Errorf("ParseInput(%q): %v", tc.raw, err)
		} else if diff := cmp.Diff(tc.want, viewOf(got), cmp.AllowUnexported(inputView{})); diff != "" {
			t.Errorf("ParseInput(%q) (-want +got):\n%s", tc.raw, diff)
		}
	}
}

// TestConstructors checks that each constructor makes the input that
// ParseInput reads from the string it prints as.
func TestConstructors(t *testing.T) {
	for _, in := range []Input{
		Dir("proto"),
		Dir("../other/proto"),
		DescriptorSet("out/image.binpb"),
		DescriptorSet("image.json"),
		DescriptorSet("image.txtpb.gz"),
		DescriptorSet("image.yml"),
		Git(".git", "main"),
		Git("../repo", "HEAD~1"),
	} {
		parsed, err := ParseInput(in.String())
		if err != nil {
			t.Errorf("ParseInput(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(viewOf(parsed), viewOf(in), cmp.AllowUnexported(inputView{})); diff != "" {
			t.Errorf("%s differs from ParseInput's (-parsed +constructed):\n%s", in, diff)
		}
	}
	// A name with no encoding of its own is binary, as protoc writes it.
	if got := DescriptorSet("image.out"); got.enc != encBinary || got.gz {
		t.Errorf("DescriptorSet(image.out): encoding %q, gzip %v; want binary", got.enc, got.gz)
	}
	idx := GitIndex("repo")
	if idx.kind != gitInput || idx.refKind != staged || idx.path != "repo" || idx.String() != "repo#index" {
		t.Errorf("GitIndex(repo) = %+v", viewOf(idx))
	}
}

// TestNarrowImports checks that Narrow takes the other modules relative to
// the input it narrows, and leaves out those its source does not have.
func TestNarrowImports(t *testing.T) {
	for _, tc := range []struct {
		in      Input
		root    string
		imports []string
		want    inputView
	}{
		{
			in: Dir("ws"), root: "a", imports: []string{"b", "../shared"},
			want: inputView{kind: dirInput, path: "ws/a", importRoots: []string{"ws/b", "shared"}, raw: "ws/a"},
		},
		{
			in: Dir("ws"), root: ".", imports: []string{"b"},
			want: inputView{kind: dirInput, path: "ws", importRoots: []string{"ws/b"}, raw: "ws"},
		},
		{
			in: Git(".git", "main"), root: "proto/a", imports: []string{"proto/b", "../above"},
			want: inputView{kind: gitInput, path: ".git", refKind: "ref", ref: "main", subdir: "proto/a", importRoots: []string{"proto/b"}, raw: ".git#ref=main (module proto/a)"},
		},
		{
			in: DescriptorSet("image.binpb"), root: "a", imports: []string{"b"},
			want: inputView{kind: setInput, path: "image.binpb", enc: encBinary, raw: "image.binpb"},
		},
	} {
		got, err := tc.in.Narrow(tc.root, tc.imports...)
		if err != nil {
			t.Errorf("%s.Narrow(%q, %q): %v", tc.in, tc.root, tc.imports, err)
			continue
		}
		if diff := cmp.Diff(tc.want, viewOf(got), cmp.AllowUnexported(inputView{})); diff != "" {
			t.Errorf("%s.Narrow(%q, %q) (-want +got):\n%s", tc.in, tc.root, tc.imports, diff)
		}
	}
	// Narrowing twice from one input shares no import list.
	base, _ := Dir("ws").Narrow(".", "x")
	a, _ := base.Narrow("a", "b")
	c, _ := base.Narrow("c", "d")
	if len(a.importRoots) != 2 || a.importRoots[1] != "ws/b" || c.importRoots[1] != "ws/d" {
		t.Errorf("narrowed inputs share their imports: %q, %q", a.importRoots, c.importRoots)
	}
}
