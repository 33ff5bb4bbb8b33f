package protocheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/config"
	"github.com/protocheck/protocheck/internal/inputs"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/source"
)

// checkConfig is what the configuration file says about one check.
type checkConfig struct {
	file    *config.File    // nil when there is none
	modules []config.Module // the modules of the input, roots relative to it
	roots   []string        // every module root of the file, relative to the input
	inside  string          // the module that holds the input below its root, or ""

	newDeps struct { // the input's deps, resolved once for every baseline
		done  bool
		roots []string
		err   error
	}
}

// loadConfig finds and reads the configuration for the input, notes its
// warnings, and sets the direction and fail-on that the request leaves to
// it. A broken file returns its source.ErrorList.
func (d *driver) loadConfig(ctx context.Context, newIn *loader.Input) error {
	cc, err := d.readConfig(ctx, newIn)
	if err != nil {
		return err
	}
	d.cc = cc
	d.res.Direction, d.res.FailOn = compat.Both, compat.Warning
	if f := cc.file; f != nil {
		if f.Direction != 0 {
			d.res.Direction = f.Direction
		}
		if f.FailOn != nil {
			d.res.FailOn = *f.FailOn
		}
	}
	if d.req.Direction != 0 {
		d.res.Direction = d.req.Direction
	}
	if d.req.FailOn != nil {
		d.res.FailOn = *d.req.FailOn
	}
	return nil
}

func (d *driver) readConfig(ctx context.Context, newIn *loader.Input) (*checkConfig, error) {
	// Where the search starts: the input directory, the work tree
	// directory of a git input, where an archive or a remote repository
	// was brought, the working directory for a descriptor set.
	start := newIn.Dir()
	name := d.req.Config
	// The configuration comes from the same version as the schema.
	src := inputs.Files(ctx, &d.files, *newIn)
	var (
		f   *config.File
		err error
	)
	switch {
	case isInlineConfig(name):
		f, err = parseBufYAML("Request.Config", []byte(name), start)
		name = "Request.Config"
	case name != "":
		f, err = loadConfigFile(name)
	default:
		var found string
		if found, err = config.Discover(src, start); err != nil {
			return nil, err
		}
		if found == "" {
			if file, _ := inputs.File(*newIn); file != "" {
				// No module: the file's imports are found from the
				// working directory, as buf finds them.
				if in, ok := inputs.Reroot(*newIn, "."); ok {
					*newIn = in
				}
			}
			d.verbose("no configuration file in or above %s; using the Request and defaults", displayPath(start))
			return &checkConfig{}, nil
		}
		name = displayPath(found)
		f, err = config.LoadFrom(src, name)
	}
	if err != nil {
		return nil, err
	}
	if d.req.Config != "" {
		fromWorkingDir(f, start)
	}
	if file, _ := inputs.File(*newIn); file != "" {
		// A single file is checked from the root of the module that
		// holds it, so that its imports resolve.
		if start, err = fileModuleRoot(f, newIn); err != nil {
			return nil, err
		}
	}
	d.verbose("using %s (%s %s)", name, f.Format, f.Version)
	for _, w := range f.Warnings {
		d.note(Note{Pos: fmt.Sprintf("%s:%d:%d", w.Path, w.Line, w.Column), Warning: true, Message: w.Message})
	}
	d.deprecated()
	mods, err := f.ModulesFor(start)
	if err != nil {
		return nil, err
	}
	if len(mods) == 0 {
		roots := make([]string, len(f.Modules))
		for i, m := range f.Modules {
			roots[i] = m.Root
		}
		return nil, fmt.Errorf("input %s is in none of the modules of %s (%s)", d.input(), name, strings.Join(roots, ", "))
	}
	if len(mods) > 1 || mods[0].Root != "." {
		for _, m := range mods {
			d.verbose("module %s", m.Root)
		}
	}
	if !inputs.Modular(*newIn) {
		// A descriptor set is the one module it was built from: the
		// file's rules apply to it whole, and its layout to nothing.
		m := mods[0]
		m.Root, m.Excludes = ".", nil
		return &checkConfig{file: f, modules: []config.Module{m}}, nil
	}
	roots, err := f.Roots(start)
	if err != nil {
		return nil, err
	}
	return &checkConfig{file: f, modules: mods, roots: roots, inside: moduleAbove(f, start)}, nil
}

// moduleAbove returns the module of f that holds the input directory dir
// strictly below its root, as the user would name it; "" when there is
// none. Such an input is compared as a tree of its own, with the
// module's rules (buf refuses it).
func moduleAbove(f *config.File, dir string) string {
	base, err1 := filepath.Abs(f.BaseDir())
	in, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return ""
	}
	rel, err := filepath.Rel(base, in)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	rel = filepath.ToSlash(rel)
	for _, m := range f.Modules {
		if m.Root != rel && nested(rel, m.Root) {
			return displayPath(filepath.Join(base, filepath.FromSlash(m.Root)))
		}
	}
	return ""
}

// fromWorkingDir places a buf.yaml v2 given as --config (a file
// elsewhere, or inline) in the working directory, where buf takes its
// module paths from, when the input is there or below and one of its
// modules covers the input; otherwise it stays applied as if it sat in
// the input (its paths relative to the input), as protocheck applies it.
func fromWorkingDir(f *config.File, input string) {
	if f.Format != config.Buf || f.Version != "v2" {
		return
	}
	if rel, err := filepath.Rel(".", input); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return
	}
	f.Dir = "."
	if mods, err := f.ModulesFor(input); err != nil || len(mods) == 0 {
		f.Dir = ""
	}
}

// deprecated warns about rule ids in Use and Except that buf has retired.
func (d *driver) deprecated() {
	for _, l := range []struct {
		field string
		ids   []string
	}{{"Use", d.req.Use}, {"Except", d.req.Except}} {
		for _, id := range l.ids {
			repl, ok := compat.Replacements(strings.TrimSpace(id))
			switch {
			case !ok:
			case len(repl) == 0:
				d.note(Note{Field: l.field, Warning: true, Message: fmt.Sprintf("rule %s is deprecated and checks nothing", id)})
			default:
				d.note(Note{Field: l.field, Warning: true, Message: fmt.Sprintf("rule %s is deprecated: use %s instead", id, strings.Join(repl, ", "))})
			}
		}
	}
}

// isInlineConfig reports whether a Config value is a configuration's
// contents rather than a file's name: as buf decides, a value that does
// not end in .yaml, .yml or .json, and (protocheck's addition, so that a
// protocheck.conf keeps working) names no file.
func isInlineConfig(v string) bool {
	if v == "" {
		return false
	}
	switch strings.ToLower(filepath.Ext(v)) {
	case ".yaml", ".yml", ".json":
		return false
	}
	_, err := os.Stat(v)
	return err != nil
}

// parseBufYAML reads data as a buf.yaml in dir, its problems named by name.
func parseBufYAML(name string, data []byte, dir string) (*config.File, error) {
	f, err := config.Parse(filepath.Join(dir, "buf.yaml"), data)
	var list source.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			e.Path = name
		}
	}
	if err != nil {
		return nil, err
	}
	for i := range f.Warnings {
		f.Warnings[i].Path = name
	}
	return f, nil
}

// loadConfigFile reads the file Config names. Its name gives its format
// (buf.yaml, buf.work.yaml, a name with protocheck in it); any other name
// is read by its contents, a buf.yaml unless it is plainly another, as buf
// breaking --config reads every file (config.LoadFrom).
func loadConfigFile(name string) (*config.File, error) {
	return config.LoadFrom(config.Disk(), name)
}

// unwrapPath drops the path that *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileModuleRoot reroots a single-file input at the root of the module of
// f that holds it, and returns that root.
func fileModuleRoot(f *config.File, in *loader.Input) (string, error) {
	dir := in.Dir()
	roots, err := f.Roots(dir)
	if err != nil {
		return "", err
	}
	best := ""
	for _, r := range roots {
		// A module holds the file's directory when its root is the
		// directory or above it; the nearest one is the file's.
		if strings.Trim(r, "./") == "" && (best == "" || len(r) < len(best)) {
			best = r
		}
	}
	if best == "" {
		return "", fmt.Errorf("input %s is in none of the modules of %s", in, f.Path)
	}
	root := filepath.Join(dir, filepath.FromSlash(best))
	out, ok := inputs.Reroot(*in, root)
	if !ok {
		return "", fmt.Errorf("input %s is in none of the modules of %s", in, f.Path)
	}
	*in = out
	return root, nil
}

// displayPath shows p relative to the working directory when it lies
// below it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}

// A moduleCheck is one module's comparison: its inputs and rules.
type moduleCheck struct {
	root     string // "." or the module's root below the input
	new, old loader.Input
	cfg      compat.Config
	gone     bool // the baseline's module, which the input no longer has: new is empty
}

// moduleChecks splits a check into one per module. Use and Except given in
// the request replace the module's; the direction is the check's.
func (d *driver) moduleChecks(ctx context.Context, newIn, oldIn loader.Input, reqCfg compat.Config) ([]moduleCheck, error) {
	c := d.cc
	bf, bdir, err := d.baselineConfig(ctx, oldIn)
	if err != nil {
		return nil, err
	}
	var oldMods []config.Module
	if bf != nil {
		if oldMods, err = bf.ModulesFor(bdir); err != nil {
			return nil, err
		}
	}
	if err := d.samePlace(ctx, newIn, oldIn); err != nil {
		return nil, err
	}
	oldRoot := d.baselineRoot(bf, oldIn, oldMods, c.modules)
	if err := d.oneOfMany(newIn, oldIn, bf, oldMods); oldRoot == "" && err != nil {
		return nil, err
	}
	newDeps, oldDeps, err := d.depRoots(ctx, newIn, oldIn)
	if err != nil {
		return nil, err
	}
	if c.file == nil {
		o := oldIn
		if oldRoot != "" {
			if o, err = oldIn.Narrow(oldRoot); err != nil {
				return nil, err
			}
		}
		n := newIn.WithDeps(newDeps...)
		o = o.WithDeps(oldDeps...)
		return []moduleCheck{{root: ".", new: n, old: o, cfg: reqCfg}}, nil
	}
	// Both configuration files at the top of their versions: their
	// modules' roots compare, and each version has its own.
	atTop := bf != nil && oldRoot == "" && sameRoots(c.modules, c.file.Modules) && sameRoots(oldMods, bf.Modules)
	oldRoots := c.roots
	if atTop {
		if oldRoots, err = bf.Roots(bdir); err != nil {
			return nil, err
		}
	}
	var out []moduleCheck
	for _, m := range c.modules {
		if m.Disabled {
			continue
		}
		if atTop && !slices.ContainsFunc(oldMods, func(om config.Module) bool { return overlaps(om.Root, m.Root) }) {
			// A module added by the change: its files are all new.
			d.verbose("module %s is new since %s: nothing to compare it with", m.Root, oldIn)
			continue
		}
		cfg := moduleConfig(m.Config, d.req, reqCfg.Direction)
		if _, err := cfg.Select(); err != nil {
			return nil, err
		}
		oroot := m.Root
		if oldRoot != "" {
			oroot = oldRoot
		}
		// Each version resolves imports across its own modules (the
		// module itself, one nested in it, or the one it is narrowed from,
		// are not other modules to import from), and leaves its own
		// excluded files out: a directory excluded by this change leaves
		// the module, and its files are deleted to their importers, as buf
		// reports them. A baseline with no configuration file of its own
		// takes the new one's.
		n, err := newIn.Narrow(m.Root, others(c.roots, m.Root)...)
		if err != nil {
			return nil, err
		}
		o, err := oldIn.Narrow(oroot, others(oldRoots, m.Root)...)
		if err != nil {
			return nil, err
		}
		oldExcludes := m.Excludes
		if bf != nil {
			oldExcludes = nil
			for _, om := range oldMods {
				if om.Root == oroot {
					oldExcludes = om.Excludes
				}
			}
		}
		n = n.WithExcludes(m.Excludes...).WithDeps(newDeps...)
		o = o.WithExcludes(oldExcludes...).WithDeps(oldDeps...)
		out = append(out, moduleCheck{root: m.Root, new: n, old: o, cfg: cfg})
	}
	if atTop {
		gone, err := d.droppedModules(newIn, oldIn, oldMods, oldRoots, newDeps, oldDeps, reqCfg.Direction)
		if err != nil {
			return nil, err
		}
		out = append(out, gone...)
	}
	return out, nil
}

// others returns the roots that are neither root, nor nested in it, nor
// the one it is nested in: the other modules, which root's files may
// import.
func others(roots []string, root string) []string {
	var out []string
	for _, r := range roots {
		if !overlaps(r, root) {
			out = append(out, r)
		}
	}
	return out
}

// overlaps reports whether one of the slash paths a and b is the other or
// lies below it.
func overlaps(a, b string) bool { return nested(a, b) || nested(b, a) }

// droppedModules returns a check for each module of the baseline's
// configuration that the input's no longer has (a buf.yaml v2 modules
// entry or a buf.work.yaml directory dropped): its files are no longer
// checked, which to their importers is their deletion, whether they are
// still on disk or not; those another module of the input now holds are
// not (against). Each is checked with the rules the baseline gave it.
func (d *driver) droppedModules(newIn, oldIn loader.Input, oldMods []config.Module, oldRoots, newDeps, oldDeps []string, dir compat.Direction) ([]moduleCheck, error) {
	var out []moduleCheck
	for _, om := range oldMods {
		if om.Disabled || slices.ContainsFunc(d.cc.file.Modules, func(m config.Module) bool { return overlaps(om.Root, m.Root) }) {
			continue
		}
		n, err := newIn.Narrow(om.Root)
		if err != nil {
			return nil, err
		}
		o, err := oldIn.Narrow(om.Root, others(oldRoots, om.Root)...)
		if err != nil {
			return nil, err
		}
		o = o.WithExcludes(om.Excludes...).WithDeps(oldDeps...)
		n = n.WithDeps(newDeps...)
		out = append(out, moduleCheck{root: om.Root, new: n, old: o, cfg: moduleConfig(om.Config, d.req, dir), gone: true})
	}
	return out, nil
}

// sameRoots reports whether mods are the modules of a file as it lays
// them out, seen from its own directory.
func sameRoots(mods, all []config.Module) bool {
	return slices.EqualFunc(mods, all, func(a, b config.Module) bool { return a.Root == b.Root })
}

// moduleConfig is a module's rules with what the request sets: its Use
// and Except when given (Use also when the module has none), and the
// check's direction.
func moduleConfig(cfg compat.Config, req Request, dir compat.Direction) compat.Config {
	if req.Use != nil || len(cfg.Use) == 0 {
		cfg.Use = req.Use
	}
	if req.Except != nil {
		cfg.Except = req.Except
	}
	cfg.Direction = dir
	return cfg
}

// baselineRoot takes the modules of the baseline's own configuration file
// (baselineConfig), as buf builds each input with its own: when the baseline and the input each have one module, and
// the baseline's root is another, the baseline is compared from its root.
// A layout that changed between versions (roots: [proto] moved to the top,
// say) then compares file by file instead of reporting every file deleted.
// It returns "" to keep the input's layout for the baseline.
func (d *driver) baselineRoot(f *config.File, oldIn loader.Input, oldMods, newMods []config.Module) string {
	if len(newMods) > 1 || len(oldMods) != 1 {
		return ""
	}
	newRoot := "."
	if len(newMods) == 1 {
		newRoot = newMods[0].Root
	}
	if oldMods[0].Root == newRoot {
		return ""
	}
	d.say("%s lays out %s with its own root %s: compared from there", f.Path, oldIn, oldMods[0].Root)
	return oldMods[0].Root
}

// samePlace refuses an input inside a module, which is compared as a tree
// of its own, against another directory of the same repository's history
// (the module's root, the repository's top): its files' paths would not
// match the baseline's, and every file would be reported deleted. buf
// refuses such an input whatever the baseline.
func (d *driver) samePlace(ctx context.Context, newIn, oldIn loader.Input) error {
	c := d.cc
	if c.inside == "" {
		return nil
	}
	top, oldSubdir := inputs.RepoRoot(ctx, &d.files, oldIn)
	if top == "" {
		return nil // not a git input, or the loader says what is wrong
	}
	root, err1 := filepath.EvalSymlinks(top)
	in, err2 := filepath.Abs(newIn.Dir())
	if err1 != nil || err2 != nil {
		return nil
	}
	if resolved, err := filepath.EvalSymlinks(in); err == nil {
		in = resolved
	}
	rel, err := filepath.Rel(root, in)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil // another repository's history
	}
	rel = filepath.ToSlash(rel)
	if rel == path.Clean("./"+oldSubdir) {
		return nil
	}
	return fmt.Errorf("input %s lies inside the module %s of %s, and the baseline %s is another directory of the repository: give the module as the input, with Request.Paths %s to keep to the directory, or compare it with the same directory (subdir=%s)",
		d.input(), c.inside, c.file.Path, oldIn, d.input(), rel)
}

// oneOfMany refuses to compare part of a workspace (one module, or a
// directory of some of its modules) with a baseline that holds the whole
// workspace, several modules, whose files would be matched with the
// input's by their path in the wrong root (buf refuses too: "input
// contained 1 images, whereas against contained 2"). The baseline's same
// part is named by its subdir.
func (d *driver) oneOfMany(newIn, oldIn loader.Input, bf *config.File, oldMods []config.Module) error {
	c := d.cc
	if bf == nil || c.file == nil || len(oldMods) < 2 || !sameRoots(oldMods, bf.Modules) || sameRoots(c.modules, c.file.Modules) {
		return nil
	}
	roots := make([]string, len(oldMods))
	for i, m := range oldMods {
		roots[i] = m.Root
	}
	which := "the same module of the baseline"
	base, err1 := filepath.Abs(c.file.BaseDir())
	in, err2 := filepath.Abs(newIn.Dir())
	if err1 == nil && err2 == nil {
		rel, err := filepath.Rel(base, in)
		rel = filepath.ToSlash(rel)
		if err == nil && slices.ContainsFunc(roots, func(r string) bool { return nested(r, rel) }) {
			which = fmt.Sprintf("the baseline's %s (subdir=%s for a git revision)", rel, rel)
		}
	}
	return fmt.Errorf("input %s is part of the workspace of %s, and the baseline %s holds all of its %d modules (%s): compare it with %s",
		d.input(), c.file.Path, oldIn, len(oldMods), strings.Join(roots, ", "), which)
}

// baselineConfig returns the configuration file at the top of a baseline,
// and the directory that holds it as ModulesFor takes it; nil when there
// is none. A file that does not parse is warned about and left aside: the
// baseline is history, which the user may not be able to fix.
// AgainstConfig, a file or inline, replaces the file at the top and must
// parse.
func (d *driver) baselineConfig(ctx context.Context, in loader.Input) (*config.File, string, error) {
	override := d.req.AgainstConfig
	switch {
	case isInlineConfig(override):
		f, err := parseBufYAML("Request.AgainstConfig", []byte(override), ".")
		if f != nil {
			f.Path = "Request.AgainstConfig" // its directory is ".", as dir says
		}
		return f, ".", againstConfigError(err)
	case override != "":
		f, err := config.Load(override)
		return f, filepath.Dir(override), againstConfigError(err)
	}
	for _, n := range config.Names() {
		data, name, ok, err := inputs.ReadTop(ctx, &d.files, in, n)
		if err != nil {
			return nil, "", err
		}
		if ok {
			var f *config.File
			if config.FormatOf(name) == config.BufWork {
				// A workspace is read with the buf.yaml of each of its
				// directories, from the same version.
				f, err = config.LoadFrom(topSource{ctx: ctx, l: &d.files, in: in, top: filepath.Dir(name)}, name)
			} else {
				f, err = config.Parse(name, data)
			}
			if err != nil {
				// Once for the same contents: a file broken long ago is in
				// every baseline of a history since.
				if !d.leftAside[string(data)] {
					if d.leftAside == nil {
						d.leftAside = make(map[string]bool)
					}
					d.leftAside[string(data)] = true
					d.warn("the baseline's %s is left aside: %s", name, strings.ReplaceAll(err.Error(), "\n", "; "))
				}
				return nil, "", nil
			}
			// ModulesFor sees the file at the top of the directory that
			// holds it: the input's, named as the user wrote the input.
			return f, filepath.Dir(name), nil
		}
	}
	return nil, "", nil
}

// topSource reads the files of an input by the names readTop gives them:
// below top, the input's top as readTop names it.
type topSource struct {
	ctx context.Context
	l   *loader.Loader
	in  loader.Input
	top string
}

func (s topSource) ReadFile(name string) ([]byte, error) {
	rel, err := filepath.Rel(s.top, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	data, _, ok, err := inputs.ReadTop(s.ctx, s.l, s.in, filepath.ToSlash(rel))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return data, nil
}

// againstConfigError returns AgainstConfig's problems: a source.ErrorList
// as it is, another error as a *RequestError.
func againstConfigError(err error) error {
	var list source.ErrorList
	if err == nil || errors.As(err, &list) {
		return err
	}
	return &RequestError{Field: "AgainstConfig", Err: err}
}

// nested reports whether the slash path p is dir or lies below it; both
// are relative to the input and may climb out of it with "..".
func nested(p, dir string) bool {
	// Anchored at a made-up directory deep enough for any "..".
	const anchor = "/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x"
	p, dir = path.Join(anchor, p), path.Join(anchor, dir)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// display names the files of a module's findings as buf prints them: a
// file of the new version as the input names it, one of the old version
// (every OldSpan, and the Span of a finding about a file the new version
// no longer has) as the baseline does.
func (m moduleCheck) display(fs []compat.Finding) []compat.Finding {
	for i := range fs {
		for _, s := range []*compat.Span{&fs[i].Span, &fs[i].OldSpan} {
			switch {
			case s.Path == "":
			case s.Old:
				s.Path = m.old.Display(s.Path)
			default:
				s.Path = m.new.Display(s.Path)
			}
		}
	}
	return fs
}

// checkError names the files of ignore comments' problems as buf prints
// them; other errors pass through.
func (m moduleCheck) checkError(err error) error {
	var list source.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			if e.Path != "" {
				e.Path = m.new.Display(e.Path)
			}
		}
	}
	return err
}
