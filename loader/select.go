package loader

import (
	"slices"

	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A Selection limits a check to some files of an input, as buf's --path,
// --exclude-path and --exclude-imports do. The other files are still
// compiled, so that the selected ones link; a check reports only on the
// selected ones. Paths are relative to the input's root, with forward
// slashes (Input.Rel turns a path as the user names it into one).
type Selection struct {
	// Paths are the files and directories selected; none selects every
	// file.
	Paths []string
	// Exclude are files and directories left out of Paths.
	Exclude []string
	// Imports also selects the input's files that selected files import,
	// directly or not, even excluded ones: buf checks the imports of the
	// files it targets unless told --exclude-imports.
	Imports bool
	// Packages also selects every file of the packages of the files Paths
	// names (buf's include_package_files for a .proto file input).
	Packages bool
}

// IsZero reports whether sel selects every file.
func (sel Selection) IsZero() bool { return len(sel.Paths) == 0 && len(sel.Exclude) == 0 }

// selects reports whether sel names the file p, imports aside.
func (sel Selection) selects(p string) bool {
	return (len(sel.Paths) == 0 || excluded(p, sel.Paths)) && !excluded(p, sel.Exclude)
}

// Select returns s limited to the files sel selects. It needs the
// selected files compiled to follow their imports: load with Load (or
// Compile every file) rather than LoadPair's selective compile, which
// leaves unchanged files out.
func Select(s *schema.Schema, sel Selection) *schema.Schema {
	paths := s.Paths
	if paths == nil {
		for _, f := range s.Files {
			paths = append(paths, f.Path())
		}
	}
	own := make(map[string]bool, len(paths))
	for _, p := range paths {
		own[p] = true
	}
	byPath := make(map[string]protoreflect.FileDescriptor, len(s.Files))
	for _, f := range s.Files {
		byPath[f.Path()] = f
	}
	keep := make(map[string]bool)
	var visit func(p string)
	visit = func(p string) {
		if keep[p] || !own[p] {
			return
		}
		keep[p] = true
		if f := byPath[p]; f != nil && sel.Imports {
			imports := f.Imports()
			for i := range imports.Len() {
				visit(imports.Get(i).Path())
			}
		}
	}
	pkgs := make(map[string]bool)
	if sel.Packages {
		for _, p := range paths {
			if sel.selects(p) {
				pkgs[packageOf(s, p, byPath)] = true
			}
		}
	}
	for _, p := range paths {
		if sel.selects(p) || pkgs[packageOf(s, p, byPath)] {
			visit(p)
		}
	}
	out := &schema.Schema{Notes: s.Notes}
	for _, f := range s.Files {
		if keep[f.Path()] {
			out.Files = append(out.Files, f)
		}
	}
	out.Paths = slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return !keep[p] })
	if len(s.Packages) > 0 {
		out.Packages = make(map[string]string)
		for p, pkg := range s.Packages {
			if keep[p] {
				out.Packages[p] = pkg
			}
		}
	}
	return out
}

// packageOf returns the package of the file p of s.
func packageOf(s *schema.Schema, p string, byPath map[string]protoreflect.FileDescriptor) string {
	if f := byPath[p]; f != nil {
		return string(f.Package())
	}
	return s.Packages[p]
}
