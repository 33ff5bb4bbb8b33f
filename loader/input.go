package loader

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
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

// What follows is what a command asks of an input whatever its kind, so
// that no caller switches on Kind: where its files are, how to narrow it
// to a module, where a sibling module of the same version is, and how to
// read a file of its version.

// Dir returns the directory on disk that holds the input's files, where a
// configuration file for it is looked for: a directory input's own, the
// work tree directory of a git input, "." for a descriptor set.
func (in Input) Dir() string {
	switch in.Kind {
	case Dir:
		return in.Path
	case Git:
		dir := in.Path
		if filepath.Base(dir) == ".git" {
			dir = filepath.Dir(dir)
		}
		return filepath.Join(dir, filepath.FromSlash(in.Subdir))
	}
	return "."
}

// Narrow returns the input narrowed to root, a directory below it (a
// module of a workspace). A descriptor set cannot be narrowed.
func (in Input) Narrow(root string) (Input, error) {
	if root == "." {
		return in, nil
	}
	switch in.Kind {
	case Dir:
		in.Path = filepath.Join(in.Path, filepath.FromSlash(root))
		in.Raw = in.Path
		return in, nil
	case Git:
		in.Subdir = path.Join(in.Subdir, root)
		in.Raw = fmt.Sprintf("%s (module %s)", in.Raw, root)
		return in, nil
	}
	return in, fmt.Errorf("input %s: a descriptor set cannot be split into the module %s; compare a directory or a git revision", in, root)
}

// Sibling returns, as Input.ImportRoots takes it, the directory rel
// (relative to the input, which it may climb out of) of the same source;
// ok is false when it has none there (a git input's directory above the
// repository, a descriptor set).
func (in Input) Sibling(rel string) (root string, ok bool) {
	switch in.Kind {
	case Dir:
		return filepath.Join(in.Path, filepath.FromSlash(rel)), true
	case Git:
		p := path.Join(in.Subdir, rel)
		if p == ".." || strings.HasPrefix(p, "../") {
			return "", false
		}
		if p == "." {
			p = ""
		}
		return p, true
	}
	return "", false
}

// PathFrom returns the directory of the input's files relative to the
// directory wd, in slash form ("" for wd itself or outside it): for a git
// input, its subdir in the repository, whose root wd is taken to be.
func (in Input) PathFrom(wd string) string {
	var p string
	switch in.Kind {
	case Git:
		p = in.Subdir
	case Dir:
		p = in.Path
		if filepath.IsAbs(p) {
			rel, err := filepath.Rel(wd, p)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return ""
			}
			p = rel
		}
	}
	p = filepath.ToSlash(filepath.Clean(p))
	if p == "." {
		return ""
	}
	return p
}

// A FileReader reads files by their path on disk, as one version holds
// them (config.Source is one).
type FileReader interface {
	ReadFile(name string) ([]byte, error)
}

// diskReader reads the files on disk.
type diskReader struct{}

func (diskReader) ReadFile(name string) ([]byte, error) {
	if st, err := os.Stat(name); err == nil && !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist} // a directory is no file
	}
	data, err := readLimited(name)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// Files returns what reads the files around in as in's version holds them:
// the index or the revision of a git input (a pre-commit hook checks the
// staged files: an unstaged edit to buf.yaml must not change what it
// checks), the disk for the others. Files outside a git input's
// repository are read from disk. A missing file is fs.ErrNotExist.
func (l *Loader) Files(ctx context.Context, in Input) FileReader {
	if in.Kind != Git {
		return diskReader{}
	}
	v, err := l.OpenVersion(ctx, in)
	if err != nil {
		return diskReader{} // Open says what is wrong
	}
	return versionReader{ctx: ctx, v: v}
}

// versionReader reads the files of a repository's work tree as a git
// version holds them.
type versionReader struct {
	ctx context.Context
	v   *Version
}

func (r versionReader) ReadFile(name string) ([]byte, error) {
	abs, err := filepath.Abs(name)
	if err == nil {
		// The repository's root has its links resolved: so must the file's
		// directory, for the path between them.
		var dir string
		if dir, err = filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			abs = filepath.Join(dir, filepath.Base(abs))
		}
	}
	rel, relErr := filepath.Rel(r.v.Root(), abs)
	if err != nil || relErr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return diskReader{}.ReadFile(name) // outside the repository: not versioned by it
	}
	data, ok, err := r.v.ReadFile(r.ctx, filepath.ToSlash(rel))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return data, nil
}

// ReadTop reads the file name at the top of the input (its root, or
// subdir), from the input's own version; name is how messages should call
// it, and ok is false when there is none (or the input is a descriptor
// set).
func (l *Loader) ReadTop(ctx context.Context, in Input, file string) (data []byte, name string, ok bool, err error) {
	switch in.Kind {
	case Dir:
		name = filepath.Join(in.Path, file)
		data, err = diskReader{}.ReadFile(name)
		if err != nil {
			return nil, name, false, nil
		}
		return data, name, true, nil
	case Git:
		v, err := l.OpenVersion(ctx, in)
		if err != nil {
			return nil, "", false, nil // the loader says what is wrong when it loads in
		}
		data, ok, err := v.ReadFile(ctx, path.Join(in.Subdir, file))
		return data, in.Raw + "/" + file, ok, err
	}
	return nil, "", false, nil
}
