// Package config reads the files that configure a check, so that a
// repository already set up for buf breaking needs nothing new.
//
// Three kinds of file are read:
//
//   - buf.yaml (or buf.yml), versions v1beta1, v1 and v2, as buf reads it:
//     the breaking section's use, except, ignore, ignore_only and
//     ignore_unstable_packages; v1beta1's build.roots and v2's
//     modules[].path give the roots of .proto files, and in v2 a module's
//     own breaking section replaces the top-level one. Paths in ignores
//     are relative to the module (v1, v2: paths outside a v2 module are
//     left to the modules that hold them) or to each root (v1beta1).
//     Excluded directories (build.excludes, modules[].excludes) are not
//     part of the module: neither compiled nor checked, and their files
//     cannot be imported, as in buf (Module.Excludes). Lint sections are checked as buf
//     checks them (their keys and the types of their values) and
//     otherwise left alone.
//   - buf.work.yaml (or buf.work.yml), version v1: each listed directory is
//     a module, configured by its own buf.yaml if it has one.
//   - protocheck.yaml (or protocheck.yml), protocheck's own file.
//
// A file given to Load under another name (base.yaml, ci/breaking.yaml) is
// read by its contents: a buf.work.yaml when it lists directories, a
// protocheck.yaml when it holds keys only a protocheck.yaml has, else a
// buf.yaml, as buf reads every file given to --config or --against-config.
//
// A protocheck.yaml holds buf's breaking keys at the top level, and more:
//
//	version: v1                   # optional; v1 is the only version
//	roots: [proto]                # directories of .proto files; default "."; paths below are relative to each
//	use: [FILE]                   # categories and rule ids, as in buf.yaml
//	except: [FIELD_SAME_JSON_NAME]
//	ignore:
//	  - gen/                      # a path: findings there are dropped, as buf drops them
//	  - rule: FIELD_NO_DELETE     # a waiver: findings are kept, marked ignored
//	    path: legacy/user.proto   #   rule and path are each optional, not both absent
//	    reason: the field was never released
//	ignore_only:
//	  FIELD_SAME_TYPE: [internal/]
//	ignore_unstable_packages: true
//	direction: backward           # backward, forward or full (the default)
//	fail_on: error                # error, or warning (the default)
//
// A waiver needs a reason: it says, in the report and to the next reader,
// why the change is safe. Waived findings appear in JSON output with their
// reason and never fail a run; dropped findings appear nowhere.
//
// Every problem is reported with the file, line and column at fault: an
// unknown key, a value of the wrong type, an unknown rule or category, a
// path that leaves the module. Rule ids that buf has deprecated are mapped
// to their replacements, with a warning (File.Warnings); the package never prints.
//
// Discover finds the file that governs an input directory as buf finds
// it, walking up from the directory (protocheck.yaml first in each, then
// buf.yaml, then buf.work.yaml) and passing over a workspace whose modules
// do not hold the input; Find is Discover on disk.
package config

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/source"
)

// Format says which kind of file a File was read from.
type Format string

// The formats.
const (
	Protocheck Format = "protocheck.yaml"
	Buf        Format = "buf.yaml"
	BufWork    Format = "buf.work.yaml"
)

// A File is a configuration file, read and checked.
type File struct {
	// Path is the file as it was named to Load.
	Path string
	// Dir, when set, is the directory that the file's paths (module
	// roots, ignores) are relative to, in place of the file's own: a
	// --config applied from the working directory, as buf applies one.
	Dir string
	// Format is the kind of file.
	Format Format
	// Version is the file's version key: v1beta1, v1 or v2 for buf.yaml
	// (v1beta1 when absent, as buf takes it), v1 for the others.
	Version string
	// Modules are the roots of .proto files, with the rules for each. There
	// is at least one.
	Modules []Module
	// Direction is the direction key of protocheck.yaml; zero when unset.
	Direction compat.Direction
	// FailOn is the fail_on key of protocheck.yaml; nil when unset.
	FailOn *compat.Severity
	// Warnings are problems that do not stop the check, such as deprecated
	// rule ids, in file order.
	Warnings []*source.Error
	// Deps are the Buf Schema Registry modules that a buf.yaml depends on
	// (buf.build/googleapis/googleapis, …), as written, with an optional
	// :label or :commit.
	Deps []string
	// Locks are the buf.lock files beside the buf.yaml (for a
	// buf.work.yaml, beside each directory's buf.yaml), which pin Deps
	// and what they depend on. A file with Deps and no Locks leaves the
	// commits to the registry, as buf does.
	Locks []*Lock
}

// A Module is a directory of .proto files and how to check it.
type Module struct {
	// Root is the directory, relative to the directory holding the file,
	// slash-separated; "." is that directory itself.
	Root string
	// Config holds the rules and ignores for the module, with paths
	// relative to Root. Its Direction is the file's.
	Config compat.Config
	// Disabled is set when the file turns breaking checks off for the
	// module (buf's disable_builtin).
	Disabled bool
	// Excludes are directories below Root, relative to it, whose files are
	// not part of the module: neither compiled nor checked (buf's
	// modules[].excludes and build.excludes).
	Excludes []string
}

// FormatOf tells the format of a file from its name.
func FormatOf(name string) Format {
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasPrefix(base, "buf.work."):
		return BufWork
	case strings.HasPrefix(base, "buf"):
		return Buf
	}
	return Protocheck
}

// formatFor tells the format of the file name holding data: by its name
// when the name says (FormatOf: buf.work.*, buf*, or a name with
// protocheck in it), else by its contents, so that a file given as
// --config or --against-config under any name (base.yaml,
// ci/breaking.yaml) is read as what it is. buf reads every such file as a
// buf.yaml: so does this, unless the file lists directories (a
// buf.work.yaml) or holds keys that only a protocheck.yaml has and none
// that only a buf.yaml has.
func formatFor(name string, data []byte) Format {
	base := strings.ToLower(filepath.Base(name))
	if strings.HasPrefix(base, "buf") || strings.Contains(base, "protocheck") {
		return FormatOf(name)
	}
	var top map[string]yaml.Node
	if yaml.Unmarshal(data, &top) != nil {
		return Buf // buf's reading; its parse says what is wrong
	}
	own, bufs := false, false
	for k := range top {
		switch k {
		case "directories":
			return BufWork
		case "name", "deps", "build", "breaking", "lint", "modules", "plugins", "policies":
			bufs = true
		case "roots", "use", "except", "ignore", "ignore_only", "ignore_unstable_packages", "direction", "fail_on":
			own = true
		}
	}
	if own && !bufs {
		return Protocheck
	}
	return Buf
}

// Load reads and checks a configuration file. A buf.work.yaml also reads
// the buf.yaml of each of its directories. The error, when a file has
// problems, is a source.ErrorList.
func Load(name string) (*File, error) {
	return LoadFrom(Disk(), name)
}

// LoadFrom is Load over the files of src.
func LoadFrom(src Source, name string) (*File, error) {
	data, err := src.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, unwrapPathError(err))
	}
	if formatFor(name, data) == BufWork {
		return loadWork(src, name, data)
	}
	f, err := Parse(name, data)
	if err != nil || f.Format != Buf {
		return f, err
	}
	lock, err := readLock(src, name)
	if err != nil {
		return nil, err
	}
	if lock != nil {
		f.Locks = []*Lock{lock}
	}
	return f, nil
}

// Parse checks the contents of a configuration file; name gives its format
// when it says one (see FormatOf), and appears in positions. It cannot
// read a buf.work.yaml, which needs the files it names: use Load.
func Parse(name string, data []byte) (*File, error) {
	format := formatFor(name, data)
	d := &decoder{path: name, format: format}
	var f *File
	switch format {
	case Protocheck:
		f = d.protocheckFile(data)
	case Buf:
		f = d.bufFile(data)
	default:
		return nil, fmt.Errorf("config %s: a buf.work.yaml must be read with Load", name)
	}
	if len(d.errs) > 0 {
		d.sortErrors()
		return nil, d.errs
	}
	f.Path = name
	f.Warnings = d.warnings
	for i := range f.Modules {
		f.Modules[i].Config.Direction = f.Direction
	}
	return f, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ModulesFor returns the modules to check for an input directory, with
// roots relative to it. A module below the input keeps its rules; when the
// input lies inside a module, the module is narrowed to the input and its
// paths rebased, so that the input's own files are matched. When the input
// is not within the file's directory (a file named from elsewhere), the
// file is applied as if it sat in the input. The result is empty when the
// input lies in none of the modules.
func (f *File) ModulesFor(dir string) ([]Module, error) {
	base, in, err := f.dirs(dir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(base, in)
	if err != nil {
		return nil, err
	}
	rel = filepath.ToSlash(rel)
	var out []Module
	for _, m := range f.Modules {
		switch {
		case within(m.Root, rel):
			m.Root = relTo(m.Root, rel)
			out = append(out, m)
		case within(rel, m.Root):
			sub := relTo(rel, m.Root)
			m.Root = "."
			m.Config = rebase(m.Config, sub)
			m.Excludes = rebasePaths(m.Excludes, sub)
			out = append(out, m)
		}
	}
	return out, nil
}

// within reports whether slash path p is dir or lies below it.
func within(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

// relTo returns p relative to dir, which holds it.
func relTo(p, dir string) string {
	if dir == "." {
		return p
	}
	if p == dir {
		return "."
	}
	return strings.TrimPrefix(p, dir+"/")
}

// rebase makes a module's paths relative to sub, a directory inside the
// module, dropping those outside it. A path that holds sub holds every
// file: it becomes ".".
// rebasePaths moves paths relative to a module's root to its directory
// sub, dropping those outside it; an input inside one of them is all of it.
func rebasePaths(paths []string, sub string) []string {
	var out []string
	for _, p := range paths {
		switch {
		case within(p, sub):
			out = append(out, relTo(p, sub))
		case within(sub, p):
			out = append(out, ".")
		}
	}
	return out
}

// BaseDir returns the directory that the file's paths are relative to:
// Dir when set, else the file's own.
func (f *File) BaseDir() string {
	if f.Dir != "" {
		return f.Dir
	}
	return filepath.Dir(f.Path)
}

// dirs returns the absolute directories of the file and of the input dir.
// A file whose directory does not hold the input (a --config from
// elsewhere, ci/buf.yaml) is applied as if it sat in the input: base is
// the input's directory then.
func (f *File) dirs(dir string) (base, in string, err error) {
	if base, err = filepath.Abs(f.BaseDir()); err == nil {
		in, err = filepath.Abs(dir)
	}
	if rel, rerr := filepath.Rel(base, in); err == nil && (rerr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))) {
		base = in
	}
	return base, in, err
}

// Roots returns the root of every module of the file, relative to the
// input directory dir (slash paths, which may climb out of dir: the other
// modules of a workspace whose files the input may import).
func (f *File) Roots(dir string) ([]string, error) {
	base, in, err := f.dirs(dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(f.Modules))
	for i, m := range f.Modules {
		rel, err := filepath.Rel(in, filepath.Join(base, filepath.FromSlash(m.Root)))
		if err != nil {
			return nil, err
		}
		out[i] = filepath.ToSlash(rel)
	}
	return out, nil
}

func rebase(c compat.Config, sub string) compat.Config {
	move := func(p string) (string, bool) {
		switch {
		case within(p, sub):
			return relTo(p, sub), true
		case within(sub, p):
			return ".", true
		}
		return "", false
	}
	var ignore []string
	for _, p := range c.Ignore {
		if q, ok := move(p); ok {
			ignore = append(ignore, q)
		}
	}
	c.Ignore = ignore
	if c.IgnoreOnly != nil {
		only := make(map[string][]string)
		for id, paths := range c.IgnoreOnly {
			for _, p := range paths {
				if q, ok := move(p); ok {
					only[id] = append(only[id], q)
				}
			}
		}
		c.IgnoreOnly = only
	}
	var waivers []compat.Waiver
	for _, w := range c.Waivers {
		if w.Path == "" {
			waivers = append(waivers, w)
		} else if q, ok := move(w.Path); ok {
			w.Path = q
			waivers = append(waivers, w)
		}
	}
	c.Waivers = waivers
	return c
}

// cleanPath normalizes a slash path of a configuration file and reports
// whether it stays within the file's directory.
func cleanPath(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if p == "" || path.IsAbs(p) || filepath.IsAbs(p) {
		return "", false
	}
	c := path.Clean(filepath.ToSlash(p))
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}
