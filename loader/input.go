package loader

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Kind says where an Input's files come from.
type Kind uint8

const (
	// Dir is a directory: every .proto file below it.
	Dir Kind = iota
	// Git is a revision of a git repository, read through the git program.
	Git
	// DescriptorSet is a file holding a serialized FileDescriptorSet.
	DescriptorSet
)

// An Input names one version of a schema, as the user wrote it.
type Input struct {
	Kind Kind
	// Path is the directory, the descriptor set file, or (for Git) the
	// repository: a work tree or a .git directory.
	Path string
	// RefKind is how a Git revision was named: "branch", "tag", "ref" or
	// "commit".
	RefKind string
	// Ref is the Git revision's name.
	Ref string
	// Subdir is, for Git, the directory within the tree that is the root of
	// the schema.
	Subdir string
	// Excludes lists files and directories, relative to the input's root,
	// that are not part of the input: neither compiled nor checked, nor
	// found by an import (buf.yaml's excludes).
	Excludes []string
	// ImportRoots lists other roots of the same source whose files the
	// input's files may import, and which are not checked: the other
	// modules of a workspace. For a directory input they are directories;
	// for a git input, directories of the same revision (or index).
	ImportRoots []string
	// RecurseSubmodules is set, for Git, when the files of the
	// submodules under Subdir are part of the input, read at the commits
	// the revision records for them.
	RecurseSubmodules bool
	// Raw is the input as written.
	Raw string
}

// String returns the input as the user wrote it.
func (in Input) String() string { return in.Raw }

// descriptorSetExts are the file name endings taken for descriptor sets.
var descriptorSetExts = []string{".binpb", ".pb", ".desc", ".protoset", ".bin"}

// ParseInput reads an input written the way buf users write it:
//
//	proto/                          a directory
//	image.binpb                     a descriptor set (.binpb .pb .desc .protoset .bin)
//	.git#branch=main                a branch of the repository at .git
//	.git#tag=v1.2.0,subdir=proto    a tag, with the schema rooted at proto/
//	../repo#ref=HEAD~1              any revision git understands
//	.git#commit=3f2a…               a commit
//
// A git input is one whose path ends in .git or that carries a #ref
// option; "format=git" forces it.
func ParseInput(s string) (Input, error) {
	in := Input{Raw: s}
	if s == "" {
		return in, fmt.Errorf("empty input")
	}
	path, opts, hasOpts := strings.Cut(s, "#")
	in.Path = path
	if in.Path == "" {
		in.Path = "."
	}
	if !hasOpts {
		if isDescriptorSet(path) {
			in.Kind = DescriptorSet
		}
		return in, nil
	}
	in.Kind = Git
	for _, kv := range strings.Split(opts, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			return in, fmt.Errorf("input %q: option %q is not key=value", s, kv)
		}
		switch k {
		case "branch", "tag", "ref", "commit":
			if in.RefKind != "" {
				return in, fmt.Errorf("input %q: both %s and %s given", s, in.RefKind, k)
			}
			if strings.HasPrefix(v, "-") {
				return in, fmt.Errorf("input %q: a git %s may not start with '-'", s, k)
			}
			in.RefKind, in.Ref = k, v
		case "subdir":
			clean := filepath.ToSlash(filepath.Clean(v))
			if filepath.IsAbs(v) || clean == ".." || strings.HasPrefix(clean, "../") {
				return in, fmt.Errorf("input %q: subdir %q leaves the repository", s, v)
			}
			in.Subdir = clean
			if clean == "." {
				in.Subdir = ""
			}
		case "format":
			if v != "git" {
				return in, fmt.Errorf("input %q: unknown format %q (only format=git takes options)", s, v)
			}
		case "recurse_submodules":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return in, fmt.Errorf("input %q: recurse_submodules=%s: want true or false", s, v)
			}
			in.RecurseSubmodules = b
		case "depth":
			// Accepted for buf compatibility: a local repository has all it has.
		default:
			return in, fmt.Errorf("input %q: unknown option %q (want branch, tag, ref, commit or subdir)", s, k)
		}
	}
	if in.RefKind == "" {
		in.RefKind, in.Ref = "ref", "HEAD"
	}
	return in, nil
}

func isDescriptorSet(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range descriptorSetExts {
		if ext == e {
			return true
		}
	}
	return false
}
