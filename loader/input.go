package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// inputKind says where an Input's files come from. Only kinds.go tells
// kinds apart: the rest of the package asks an input's kindOps.
type inputKind uint8

const (
	// dirInput is a directory: every .proto file below it.
	dirInput inputKind = iota
	// gitInput is a revision of a git repository, or its index, read
	// through the git program.
	gitInput
	// setInput is a file holding a FileDescriptorSet or a buf image, in
	// binary, JSON, text or YAML form, compressed or not.
	setInput
	// archiveInput is a tar or zip archive of .proto files; Fetch unpacks it.
	archiveInput
	// remoteInput is a git repository elsewhere (https, ssh, git or file
	// URL); Fetch clones it shallow.
	remoteInput
	// moduleInput is a module on a Buf Schema Registry
	// (buf.build/owner/module, with :label or :commit); Fetch brings it
	// from buf's cache or the registry, through the resolver given with
	// WithModules.
	moduleInput
)

// An Input names one version of a schema: a directory, one .proto file of
// a directory, a revision of a git repository or its index, a descriptor
// set or buf image, an archive, a remote repository or a registry module.
// ParseInput reads any of them as buf users write them; Dir,
// DescriptorSet, Git and GitIndex make the common ones. Its methods return
// a changed copy and never alter the Input they are called on, so one
// Input may be used by several goroutines.
type Input struct {
	kind inputKind
	// path is the directory, the descriptor set file, or (for gitInput)
	// the repository: a work tree, a directory in one, or a .git directory.
	path string
	// refKind is how a git revision was named: "branch", "tag", "ref" or
	// "commit"; "index" (staged) reads the files staged for the next
	// commit instead of a revision (ref is then unused).
	refKind string
	// ref is the git revision's name.
	ref string
	// subdir is, for a git revision or an archive, the directory within
	// the tree that is the root of the schema.
	subdir string
	// excludes lists files and directories, relative to the input's root,
	// that are not part of the input: neither compiled nor checked, nor
	// found by an import (buf.yaml's excludes).
	excludes []string
	// importRoots lists other roots of the same source whose files the
	// input's files may import, and which are not checked: the other
	// modules of a workspace. For a directory input they are directories;
	// for a git input, directories of the same revision (or index).
	importRoots []string
	// depRoots are directories on this machine that hold the files of the
	// input's dependencies (the modules of a buf.lock, from buf's module
	// cache; see package registry): searched for imports after the input
	// and its importRoots, before the Loader's IncludePaths, and never
	// checked. Each version of a schema has its own.
	depRoots []string
	// recurseSubmodules is set, for a git input, when the files of the
	// submodules under subdir are part of the input, read at the commits
	// the revision records for them.
	recurseSubmodules bool
	// file is, for a single .proto file given as the input, its path
	// relative to path: the check reports on that file (and what it
	// imports), as buf does for a .proto file input.
	file string
	// includePackageFiles is set, for a single .proto file, when the
	// other files of its package are checked too (buf's
	// include_package_files=true).
	includePackageFiles bool
	// raw is the input as written, or as WithName names it.
	raw string

	// enc and gz say how a descriptor set is encoded (encBinary…) and
	// whether it is gzip-compressed.
	enc string
	gz  bool
	// fetch brings an archive, a remote repository or a registry module to
	// this machine.
	fetch fetcher

	// unpacked is set for an input whose files were brought to a
	// temporary directory (an archive): Display then names them from
	// shown, their directory within the archive.
	unpacked bool
	shown    string

	// localDepth is the depth= given to a local repository, which is
	// read whole: the Tree's Notes say so.
	localDepth int

	// modules brings a registry module here (WithModules).
	modules ModuleResolver
}

// A ModuleResolver brings one commit of a registry module to this machine:
// the directory of its files and those of the modules it depends on.
// registry.Resolver is one.
type ModuleResolver interface {
	Module(ctx context.Context, ref string) (dir string, deps []string, err error)
}

// WithModules returns the input with the resolver that Fetch uses for a
// registry module input (buf.build/owner/module); other inputs ignore it.
func (in Input) WithModules(r ModuleResolver) Input {
	in.modules = r
	return in
}

// String returns the input as the user wrote it, or as WithName names it.
func (in Input) String() string { return in.raw }

// Dir returns the input of every .proto file below the directory dir, which
// import each other by their paths relative to dir (as protoc -I dir does).
// It is what ParseInput returns for a directory; it prints as dir.
func Dir(dir string) Input {
	if dir == "" {
		dir = "."
	}
	return Input{kind: dirInput, path: dir, raw: dir}
}

// DescriptorSet returns the input of the descriptor set in the file at path:
// a FileDescriptorSet (protoc --descriptor_set_out, buf build
// --as-file-descriptor-set) or a buf image, encoded as its name ends, as
// ParseInput reads it: .json, .txtpb, .yaml or .yml for buf's JSON, text
// and YAML forms, binary otherwise; gzip-compressed when the name ends in
// .gz besides. Load fails, rather than guesses, when the contents are not
// what the name says. It prints as path.
func DescriptorSet(path string) Input {
	lower := strings.ToLower(path)
	base := strings.TrimSuffix(lower, ".gz")
	enc, ok := imageExts[filepath.Ext(base)]
	if !ok {
		enc = encBinary
	}
	return Input{kind: setInput, path: path, enc: enc, gz: base != lower, raw: path}
}

// Git returns the input of revision rev of the git repository that holds
// repo (a work tree, a directory in one, or a .git directory): rev is
// anything git rev-parse takes, a branch, a tag, a commit id or HEAD~1, as
// buf's ref= option takes it. Its files are read through the git program,
// without a checkout. Narrow roots it at a directory of the revision (buf's
// subdir=). It prints as repo#ref=rev.
func Git(repo, rev string) Input {
	return Input{kind: gitInput, path: repo, refKind: "ref", ref: rev, raw: repo + "#ref=" + rev}
}

// GitIndex returns the input of the files staged in the git repository that
// holds repo, as the next commit will hold them: what a pre-commit hook
// checks. Narrow roots it at a directory. It prints as repo#index.
func GitIndex(repo string) Input {
	return Input{kind: gitInput, path: repo, refKind: staged, raw: repo + "#index"}
}

// WithName returns the input named name: String returns name, and so do
// the messages that name the input (a compile error's version, "input …:").
// The files' paths in findings are not changed: Display gives those.
func (in Input) WithName(name string) Input {
	in.raw = name
	return in
}

// WithExcludes returns the input without the files and directories paths
// (relative to the input's root, as buf.yaml's excludes are written): they
// are neither compiled nor checked, and an import of one fails. It replaces
// the excludes given before.
func (in Input) WithExcludes(paths ...string) Input {
	in.excludes = slices.Clone(paths)
	return in
}

// WithDeps returns the input whose imports are also found in dirs,
// directories on this machine that hold the files of its dependencies
// (the modules of a buf.lock, as package registry resolves them): searched
// after the input's own files, before the Loader's IncludePaths, and never
// checked. Each version of a schema has its own. It replaces the
// dependencies given before, and those that Fetch found for a registry
// module.
func (in Input) WithDeps(dirs ...string) Input {
	in.depRoots = slices.Clone(dirs)
	return in
}

// imageExts maps the file name endings taken for descriptor sets and buf
// images to their encoding; each may also end in .gz.
var imageExts = map[string]string{
	".binpb": encBinary, ".bin": encBinary, ".pb": encBinary, ".desc": encBinary, ".protoset": encBinary,
	".json": encJSON, ".txtpb": encText, ".yaml": encYAML, ".yml": encYAML,
}

// remoteSchemes are the URL schemes of repositories that Fetch clones.
var remoteSchemes = []string{"https://", "http://", "ssh://", "git://", "file://"}

// ParseInput reads an input written the way buf users write it:
//
//	proto/                          a directory
//	proto/acme/v1/a.proto           one file of the module that holds it
//	image.binpb                     a descriptor set or buf image (.binpb .pb .desc .protoset .bin)
//	image.json, image.txtpb         a buf image in JSON, text or YAML form (also .gz; #format= forces)
//	protos.tar.gz#strip_components=1,subdir=proto
//	                                a tar (.tar .tar.gz .tgz) or zip (.zip) archive
//	.git#branch=main                a branch of the repository at .git
//	.git#tag=v1.2.0,subdir=proto    a tag, with the schema rooted at proto/
//	../repo#ref=HEAD~1              any revision git understands
//	.git#commit=3f2a…               a commit
//	https://host/repo.git#branch=main,depth=10
//	                                a remote repository (https, ssh, git, file), cloned shallow
//
// A git input is one whose path ends in .git, is a URL, or that carries
// a git option; "format=" forces a kind (dir, git, tar, zip, binpb, json,
// txtpb, yaml, protofile).
func ParseInput(s string) (Input, error) {
	in := Input{raw: s}
	if s == "" {
		return in, fmt.Errorf("empty input")
	}
	p, optText, hasOpts := strings.Cut(s, "#")
	in.path = p
	if in.path == "" {
		in.path = "."
	}
	var opts [][2]string
	if hasOpts {
		for _, kv := range strings.Split(optText, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || v == "" {
				return in, fmt.Errorf("input %q: option %q is not key=value", s, kv)
			}
			opts = append(opts, [2]string{k, v})
		}
	}
	format, gz := "", false
	for _, o := range opts {
		if o[0] == "format" {
			format = o[1]
		}
	}
	if format == "" {
		format, gz = formatOf(in.path, opts)
	}
	switch format {
	case "dir":
		in.kind = dirInput
		return in, onlyOptions(s, opts, "format")
	case "protofile":
		return parseProtoFile(in, opts)
	case "git":
		return parseGit(in, opts)
	case "tar", "zip":
		return parseArchive(in, format, gz, opts)
	case encBinary, "bin", encJSON, encText, encYAML:
		in.kind = setInput
		in.enc = format
		if format == "bin" {
			in.enc = encBinary
		}
		for _, o := range opts {
			if o[0] == "compression" {
				c, err := compression(s, o[1], false)
				if err != nil {
					return in, err
				}
				gz = c
			}
		}
		in.gz = gz
		return in, onlyOptions(s, opts, "format", "compression")
	case "mod":
		if !moduleRef.MatchString(in.path) {
			return in, fmt.Errorf("input %q: a module is named registry/owner/module, with an optional :label or :commit", s)
		}
		in.kind, in.fetch = moduleInput, registryModule{}
		return in, onlyOptions(s, opts, "format")
	}
	return in, fmt.Errorf("input %q: unknown format %q (want dir, git, tar, zip, binpb, json, txtpb, yaml or protofile)", s, format)
}

// formatOf tells an input's format from its path, as buf does, and
// whether it is gzip-compressed.
func formatOf(p string, opts [][2]string) (format string, gz bool) {
	lower := strings.ToLower(p)
	for _, scheme := range remoteSchemes {
		if strings.HasPrefix(lower, scheme) && !isArchiveName(lower) {
			return "git", false
		}
	}
	switch {
	case strings.HasSuffix(lower, ".tar"):
		return "tar", false
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		return "tar", true
	case strings.HasSuffix(lower, ".zip"):
		return "zip", false
	case strings.HasSuffix(lower, ".proto"):
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			return "protofile", false
		}
	}
	base := strings.TrimSuffix(lower, ".gz")
	if enc, ok := imageExts[filepath.Ext(base)]; ok {
		return enc, base != lower
	}
	if strings.HasSuffix(lower, ".git") && len(opts) == 0 && plainDir(p) {
		// A directory named like a repository (api.git) that holds no
		// repository of its own: git would find the one around it, whose
		// HEAD is not what the user named.
		return "dir", false
	}
	if strings.HasSuffix(lower, ".git") || len(opts) > 0 {
		// Options on a directory name a revision of its repository.
		return "git", false
	}
	if moduleRef.MatchString(p) {
		// As buf: a module's name, unless a directory has that path.
		if _, err := os.Stat(p); err != nil {
			return "mod", false
		}
	}
	return "dir", false
}

// plainDir reports whether p is a directory other than a git directory:
// not .git, and without the HEAD that a git directory or a bare
// repository holds.
func plainDir(p string) bool {
	if filepath.Base(p) == ".git" {
		return false
	}
	st, err := os.Stat(p)
	if err != nil || !st.IsDir() {
		return false
	}
	_, err = os.Stat(filepath.Join(p, "HEAD"))
	return err != nil
}

// moduleRef matches a registry module's name, with a label or commit:
// a host (with a dot, or localhost, and a port perhaps), an owner and a
// module.
var moduleRef = regexp.MustCompile(`^([a-z0-9-]+\.[a-z0-9.-]+|localhost)(:[0-9]+)?/[A-Za-z0-9_-]+/[A-Za-z0-9_.-]+(:[A-Za-z0-9_./-]+)?$`)

func isArchiveName(lower string) bool {
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".zip"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// onlyOptions reports an option of opts that is not one of keys.
func onlyOptions(s string, opts [][2]string, keys ...string) error {
	for _, o := range opts {
		found := false
		for _, k := range keys {
			if o[0] == k {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("input %q: unknown option %q (this kind of input takes %s)", s, o[0], strings.Join(keys, ", "))
		}
	}
	return nil
}

// compression reads compression=; archive says whether the input is an
// archive (tar takes gzip, zip none).
func compression(s, v string, archive bool) (gz bool, err error) {
	switch v {
	case "gzip":
		return true, nil
	case "none":
		return false, nil
	case "zstd":
		return false, fmt.Errorf("input %q: zstd compression is not read by protocheck: decompress first (zstd -d)", s)
	}
	return false, fmt.Errorf("input %q: unknown compression %q (want gzip or none)", s, v)
}

// subdirOf reads a subdir= option: a relative path inside the input,
// which what names.
func subdirOf(s, v, what string) (string, error) {
	clean := filepath.ToSlash(filepath.Clean(v))
	if filepath.IsAbs(v) || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("input %q: subdir %q leaves the %s", s, v, what)
	}
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

func parseGit(in Input, opts [][2]string) (Input, error) {
	s := in.raw
	in.kind = gitInput
	var remote *remoteGit
	lower := strings.ToLower(in.path)
	for _, scheme := range remoteSchemes {
		if strings.HasPrefix(lower, scheme) {
			in.kind = remoteInput
			remote = &remoteGit{url: in.path}
			in.fetch = remote
		}
	}
	for _, o := range opts {
		k, v := o[0], o[1]
		switch k {
		case "branch", "tag", "ref", "commit":
			if in.refKind != "" {
				return in, fmt.Errorf("input %q: both %s and %s given", s, in.refKind, k)
			}
			if strings.HasPrefix(v, "-") {
				return in, fmt.Errorf("input %q: a git %s may not start with '-'", s, k)
			}
			in.refKind, in.ref = k, v
		case "subdir":
			sub, err := subdirOf(s, v, "repository")
			if err != nil {
				return in, err
			}
			in.subdir = sub
		case "format":
		case "recurse_submodules":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return in, fmt.Errorf("input %q: recurse_submodules=%s: want true or false", s, v)
			}
			in.recurseSubmodules = b
		case "depth":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return in, fmt.Errorf("input %q: depth=%s: want a number of commits above 0", s, v)
			}
			if remote != nil {
				remote.depth = n
			} else {
				// A local repository has all it has: nothing to fetch.
				// Say so when the input is opened (buf clones even a
				// local one, to this depth).
				in.localDepth = n
			}
		default:
			return in, fmt.Errorf("input %q: unknown option %q (want branch, tag, ref, commit, subdir, depth or recurse_submodules)", s, k)
		}
	}
	if remote != nil && remote.depth == 0 {
		// buf's defaults: the commit a name points to, or enough history
		// for a ref relative to one.
		remote.depth = 1
		if in.refKind == "ref" || in.refKind == "commit" {
			remote.depth = 50
		}
	}
	if in.refKind == "" {
		in.refKind, in.ref = "ref", "HEAD"
	}
	return in, nil
}

func parseArchive(in Input, format string, gz bool, opts [][2]string) (Input, error) {
	s := in.raw
	in.kind = archiveInput
	a := &archive{zip: format == "zip", gz: gz}
	for _, o := range opts {
		k, v := o[0], o[1]
		switch k {
		case "format":
		case "compression":
			c, err := compression(s, v, true)
			if err != nil {
				return in, err
			}
			if c && a.zip {
				return in, fmt.Errorf("input %q: a zip archive is not gzip-compressed", s)
			}
			a.gz = c
		case "strip_components":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return in, fmt.Errorf("input %q: strip_components=%s: want a number of leading directories", s, v)
			}
			a.strip = n
		case "subdir":
			sub, err := subdirOf(s, v, "archive")
			if err != nil {
				return in, err
			}
			in.subdir = sub
		default:
			return in, fmt.Errorf("input %q: unknown option %q (an archive takes strip_components, subdir, compression and format)", s, k)
		}
	}
	switch lower := strings.ToLower(in.path); {
	case strings.HasPrefix(lower, "file://"):
		in.path = in.path[len("file://"):]
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		a.url = in.path
	case strings.Contains(in.path, "://"):
		return in, fmt.Errorf("input %q: an archive is read from a file or downloaded over http or https", s)
	}
	in.fetch = a
	return in, nil
}

func parseProtoFile(in Input, opts [][2]string) (Input, error) {
	if err := onlyOptions(in.raw, opts, "format", "include_package_files"); err != nil {
		return in, err
	}
	for _, o := range opts {
		if o[0] == "include_package_files" {
			b, err := strconv.ParseBool(o[1])
			if err != nil {
				return in, fmt.Errorf("input %q: include_package_files=%s: want true or false", in.raw, o[1])
			}
			in.includePackageFiles = b
		}
	}
	in.kind = dirInput
	in.path, in.file = filepath.Split(filepath.Clean(in.path))
	if in.path == "" {
		in.path = "."
	}
	in.path = filepath.Clean(in.path)
	return in, nil
}

// What follows is what a command asks of an input whatever its kind, so
// that no caller tells kinds apart: where its files are, how to narrow it
// to a module, and how to read a file of its version.

// Dir returns the directory on disk that holds the input's files, where a
// configuration file for it is looked for: a directory input's own, the
// work tree directory of a git input, "." for a descriptor set.
func (in Input) Dir() string { return in.ops().dir(in) }

// IsDirectory reports whether the input is a directory on disk (not a
// single file of one): what a pre-commit hook compares with its
// repository's history.
func (in Input) IsDirectory() bool { return in.kind == dirInput && in.file == "" && !in.unpacked }

// Narrow returns the input narrowed to root, a directory below it (a
// module of a workspace), whose files may import those of imports: the
// other modules' directories, relative to the input and climbing out of it
// with ".." if they must, read from the same version and never checked.
// Those the input's source does not have (a directory above a git
// repository's top) are left out. A descriptor set stays whole: it is one
// module, and has no other.
func (in Input) Narrow(root string, imports ...string) (Input, error) {
	out := in
	if root != "." {
		out = in.ops().narrow(in, root)
	}
	if len(imports) > 0 {
		roots := slices.Clip(out.importRoots) // appends never share in's array
		for _, rel := range imports {
			if r, ok := in.ops().sibling(in, rel); ok {
				roots = append(roots, r)
			}
		}
		out.importRoots = roots
	}
	return out, nil
}

// Display returns the path of the input's file p (relative to the input's
// root) as buf prints it, which is how a user, an editor or a CI system
// opens it from the working directory: below the directory as the user
// named it (relative to the working directory, or absolute when named so);
// below the subdir for a git revision or an archive, whose paths are the
// repository's; p itself for a descriptor set. Every path protocheck
// prints (findings, compile errors, every report format) goes through it.
func (in Input) Display(p string) string {
	return path.Join(in.shownRoot(), p)
}

// shownRoot is the input's root as Display prints it, "" for none.
func (in Input) shownRoot() string { return in.ops().shownRoot(in) }

// Rel returns the path, relative to the input's root, of the file or
// directory p named as Display names it (the way buf's --path takes
// paths); ok is false when p lies outside the input. The input's own root
// is ".".
func (in Input) Rel(p string) (rel string, ok bool) {
	root := in.shownRoot()
	if filepath.IsAbs(filepath.FromSlash(root)) != filepath.IsAbs(p) {
		// One is absolute, the other relative: compare them absolute.
		a, err1 := filepath.Abs(filepath.FromSlash(root))
		b, err2 := filepath.Abs(p)
		if err1 != nil || err2 != nil {
			return "", false
		}
		root, p = filepath.ToSlash(a), filepath.ToSlash(b)
	}
	p = path.Clean(filepath.ToSlash(p))
	switch {
	case root == "" || root == ".":
		if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
			return "", false
		}
		return p, true
	case p == root:
		return ".", true
	case strings.HasPrefix(p, root+"/"):
		return p[len(root)+1:], true
	}
	return "", false
}

// A fileReader reads files by their path on disk, as one version holds
// them (config.Source is one).
type fileReader interface {
	ReadFile(name string) ([]byte, error)
}

// diskReader reads the files on disk.
type diskReader struct{}

func (diskReader) ReadFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err == nil && !st.Mode().IsRegular() || errors.Is(err, syscall.ENOTDIR) {
		// A directory or a pipe is no file, nor is a path below a file:
		// an input that is a pipe is the input's problem, which the
		// loader words, not that of a configuration file inside it.
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	data, err := readLimited(name)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// files returns what reads the files around in as in's version holds them:
// the index or the revision of a git input (a pre-commit hook checks the
// staged files: an unstaged edit to buf.yaml must not change what it
// checks), the disk for the others. Files outside a git input's
// repository are read from disk. A missing file is fs.ErrNotExist.
func (l *Loader) files(ctx context.Context, in Input) fileReader { return in.ops().files(ctx, l, in) }

// versionReader reads the files of a repository's work tree as a git
// version holds them.
type versionReader struct {
	ctx context.Context
	v   *gitVersion
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
