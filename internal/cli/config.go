package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/config"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/source"
)

// configFlags are the flags of check that choose and report the
// configuration file.
type configFlags struct {
	path    string
	against string // the baseline's buf.yaml, as a file or inline
	verbose bool
	offline bool // deps come from buf's cache only
}

func addConfigFlags(cmd *cobra.Command, fl *configFlags) {
	f := cmd.Flags()
	f.StringVar(&fl.path, "config", "", "configuration file (protocheck.yaml, buf.yaml or buf.work.yaml), or a buf.yaml's contents as YAML or JSON (default: found in or above INPUT)")
	f.StringVar(&fl.against, "against-config", "", "the baseline's buf.yaml, as a file or its contents as YAML or JSON: its layout (module root) for the baseline; rules come from the input's configuration (default: found at the baseline's top)")
	f.BoolVarP(&fl.verbose, "verbose", "v", false, "print to stderr which configuration file and which versions are used")
	f.BoolVar(&fl.offline, "offline", false, "take buf.lock's deps from buf's module cache only: never ask the registry")
}

// checkConfig is what the configuration file says about one check.
type checkConfig struct {
	file    *config.File    // nil when there is none
	modules []config.Module // the modules of the input, roots relative to it
	roots   []string        // every module root of the file, relative to the input
	against string          // --against-config
	offline bool            // --offline

	registry *modules // registry modules and deps, resolved on first use (deps.go)
	newDeps  struct { // the input's deps, resolved once for every baseline
		done  bool
		roots []string
		err   error
	}
}

// loadCheckConfig finds and reads the configuration for input, prints its
// warnings, and lets it fill the flags that the user did not give: flags
// win. A broken file ends the command with status 2 after printing every
// problem as path:line:col: message.
func loadCheckConfig(cmd *cobra.Command, input string, newIn *loader.Input, cf configFlags, fl *checkFlags) (*checkConfig, error) {
	stderr := cmd.ErrOrStderr()
	// Where the search starts: the input directory, the work tree
	// directory of a git input, where an archive or a remote repository
	// was brought, the working directory for a descriptor set.
	start := newIn.Dir()
	name := cf.path
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	// The configuration comes from the same version as the schema.
	src := (&loader.Loader{}).Files(ctx, *newIn)
	var (
		f   *config.File
		err error
	)
	switch {
	case isInlineConfig(name):
		f, err = parseInlineConfig("--config", name, start)
		name = "--config"
	case name != "":
		f, err = loadConfigFlag(name)
	default:
		var found string
		if found, err = config.Discover(src, start); err != nil {
			return nil, err
		}
		if found == "" {
			if newIn.File != "" {
				// No module: the file's imports are found from the
				// working directory, as buf finds them.
				if in, ok := newIn.Reroot("."); ok {
					*newIn = in
				}
			}
			if cf.verbose {
				fmt.Fprintf(stderr, "protocheck: no configuration file in or above %s; using flags and defaults\n", displayPath(start))
			}
			return &checkConfig{}, nil
		}
		name = displayPath(found)
		f, err = config.LoadFrom(src, name)
	}
	var list source.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(stderr, list)
		return nil, &exitStatus{exitError}
	}
	if err != nil {
		return nil, err
	}
	if newIn.File != "" {
		// A single file is checked from the root of the module that
		// holds it, so that its imports resolve.
		if start, err = fileModuleRoot(f, newIn); err != nil {
			return nil, err
		}
	}
	if cf.verbose {
		fmt.Fprintf(stderr, "protocheck: using %s (%s %s)\n", name, f.Format, f.Version)
	}
	for _, w := range f.Warnings {
		fmt.Fprintf(stderr, "%s:%d:%d: warning: %s\n", w.Path, w.Line, w.Column, w.Message)
	}
	warnDeprecatedFlags(stderr, "--use", fl.use)
	warnDeprecatedFlags(stderr, "--except", fl.except)
	flags := cmd.Flags()
	if !flags.Changed("direction") && f.Direction != 0 {
		fl.direction = f.Direction.String()
	}
	if !flags.Changed("fail-on") && f.FailOn != nil {
		fl.failOn = f.FailOn.String()
	}
	mods, err := f.ModulesFor(start)
	if err != nil {
		return nil, err
	}
	if len(mods) == 0 {
		roots := make([]string, len(f.Modules))
		for i, m := range f.Modules {
			roots[i] = m.Root
		}
		return nil, fmt.Errorf("input %s is in none of the modules of %s (%s)", input, name, strings.Join(roots, ", "))
	}
	if cf.verbose && (len(mods) > 1 || mods[0].Root != ".") {
		for _, m := range mods {
			fmt.Fprintf(stderr, "protocheck: module %s\n", m.Root)
		}
	}
	if !newIn.Modular() {
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
	return &checkConfig{file: f, modules: mods, roots: roots}, nil
}

// warnDeprecatedFlags warns about rule ids that buf has retired.
func warnDeprecatedFlags(w io.Writer, flag string, ids []string) {
	for _, id := range ids {
		repl, ok := compat.Replacements(strings.TrimSpace(id))
		switch {
		case !ok:
		case len(repl) == 0:
			fmt.Fprintf(w, "protocheck: warning: %s: rule %s is deprecated and checks nothing\n", flag, id)
		default:
			fmt.Fprintf(w, "protocheck: warning: %s: rule %s is deprecated: use %s instead\n", flag, id, strings.Join(repl, ", "))
		}
	}
}

// isInlineConfig reports whether a --config value is a configuration's
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

// parseInlineConfig reads a buf.yaml given on the command line by flag,
// as if it sat in dir.
func parseInlineConfig(flag, data, dir string) (*config.File, error) {
	return parseBufYAML(flag, []byte(data), dir)
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

// loadConfigFlag reads the file --config names. Its name gives its format
// (buf.yaml, buf.work.yaml, a name with protocheck in it); any other name
// is a buf.yaml, as buf breaking --config reads every file.
func loadConfigFlag(name string) (*config.File, error) {
	base := strings.ToLower(filepath.Base(name))
	if config.FormatOf(name) != config.Protocheck || strings.Contains(base, "protocheck") {
		return config.LoadFrom(config.Disk, name)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, unwrapPath(err))
	}
	f, err := parseBufYAML(name, data, filepath.Dir(name))
	if f != nil {
		f.Path = name // in the same directory: its modules' roots are the same
	}
	return f, err
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
	out, ok := in.Reroot(root)
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
}

// moduleChecks splits a check into one per module. Flags given by the user
// replace the module's use and except; the direction is the command's.
func (c *checkConfig) moduleChecks(cmd *cobra.Command, newIn, oldIn loader.Input, flagCfg compat.Config) ([]moduleCheck, error) {
	oldRoot, err := c.baselineRoot(cmd, oldIn, c.modules)
	if err != nil {
		return nil, err
	}
	newDeps, oldDeps, err := c.depRoots(cmd, newIn, oldIn)
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
		n := newIn
		n.DepRoots, o.DepRoots = newDeps, oldDeps
		return []moduleCheck{{root: ".", new: n, old: o, cfg: flagCfg}}, nil
	}
	flags := cmd.Flags()
	var out []moduleCheck
	for _, m := range c.modules {
		if m.Disabled {
			continue
		}
		cfg := m.Config
		if flags.Changed("use") || len(cfg.Use) == 0 {
			cfg.Use = flagCfg.Use
		}
		if flags.Changed("except") {
			cfg.Except = flagCfg.Except
		}
		cfg.Direction = flagCfg.Direction
		if _, err := cfg.Select(); err != nil {
			return nil, err
		}
		n, err := newIn.Narrow(m.Root)
		if err != nil {
			return nil, err
		}
		oroot := m.Root
		if oldRoot != "" {
			oroot = oldRoot
		}
		o, err := oldIn.Narrow(oroot)
		if err != nil {
			return nil, err
		}
		// Each version resolves imports across its own modules, and
		// leaves the excluded files out.
		n.Excludes, o.Excludes = m.Excludes, m.Excludes
		n.DepRoots, o.DepRoots = newDeps, oldDeps
		for _, r := range c.roots {
			if nested(r, m.Root) || nested(m.Root, r) {
				continue // the module itself, one nested in it, or the one it is narrowed from
			}
			if root, ok := newIn.Sibling(r); ok {
				n.ImportRoots = append(n.ImportRoots, root)
			}
			if root, ok := oldIn.Sibling(r); ok {
				o.ImportRoots = append(o.ImportRoots, root)
			}
		}
		out = append(out, moduleCheck{root: m.Root, new: n, old: o, cfg: cfg})
	}
	return out, nil
}

// baselineRoot reads the baseline's own configuration file, at its top (a
// directory's, or a git revision's at its subdir), as buf builds each input
// with its own: when the baseline and the input each have one module, and
// the baseline's root is another, the baseline is compared from its root.
// A layout that changed between versions (roots: [proto] moved to the top,
// say) then compares file by file instead of reporting every file deleted.
// It returns "" to keep the input's layout for the baseline.
func (c *checkConfig) baselineRoot(cmd *cobra.Command, oldIn loader.Input, newMods []config.Module) (string, error) {
	if len(newMods) > 1 {
		return "", nil
	}
	f, dir, err := readBaselineConfig(cmd, oldIn, c.against)
	if f == nil || err != nil {
		return "", err
	}
	mods, err := f.ModulesFor(dir)
	if err != nil || len(mods) != 1 {
		return "", err
	}
	newRoot := "."
	if len(newMods) == 1 {
		newRoot = newMods[0].Root
	}
	if mods[0].Root == newRoot {
		return "", nil
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: %s lays out %s with its own root %s: compared from there\n", f.Path, oldIn, mods[0].Root)
	return mods[0].Root, nil
}

// readBaselineConfig returns the configuration file at the top of a
// baseline, and the directory that holds it as ModulesFor takes it; nil
// when there is none. A file that does not parse is warned about and left
// aside: the baseline is history, which the user may not be able to fix.
// --against-config (override), a file or inline, replaces the file at the
// top and must parse.
func readBaselineConfig(cmd *cobra.Command, in loader.Input, override string) (*config.File, string, error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	switch {
	case isInlineConfig(override):
		f, err := parseInlineConfig("--against-config", override, ".")
		if f != nil {
			f.Path = "--against-config" // its directory is ".", as dir says
		}
		return f, ".", againstConfigError(cmd, err)
	case override != "":
		f, err := config.Load(override)
		return f, filepath.Dir(override), againstConfigError(cmd, err)
	}
	parse := func(name string, data []byte) *config.File {
		f, err := config.Parse(name, data)
		if err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "protocheck: warning: the baseline's %s is left aside: %v\n", name, err)
			return nil
		}
		return f
	}
	for _, n := range config.Names {
		data, name, ok, err := (&loader.Loader{}).ReadTop(ctx, in, n)
		if err != nil {
			return nil, "", err
		}
		if ok {
			// ModulesFor sees the file at the top of the directory that
			// holds it: the input's, named as the user wrote the input.
			return parse(name, data), filepath.Dir(name), nil
		}
	}
	return nil, "", nil
}

// againstConfigError prints the problems of --against-config as
// path:line:col: message and ends the command with status 2.
func againstConfigError(cmd *cobra.Command, err error) error {
	var list source.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(cmd.ErrOrStderr(), list)
		return &exitStatus{exitError}
	}
	if err != nil {
		return fmt.Errorf("--against-config: %w", err)
	}
	return nil
}

// nested reports whether the slash path p is dir or lies below it; both
// are relative to the input and may climb out of it with "..".
func nested(p, dir string) bool {
	// Anchored at a made-up directory deep enough for any "..".
	const anchor = "/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x"
	p, dir = path.Join(anchor, p), path.Join(anchor, dir)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// prefix names the files of a module's findings as buf prints them: the
// new file as the input names it, the old one as the baseline does. A
// finding about a file the new version no longer has (a deleted file or
// package) is placed in the old file: newPaths lists the new version's.
func (m moduleCheck) prefix(fs []compat.Finding, newPaths []string) []compat.Finding {
	for i := range fs {
		if s := &fs[i].Span; s.Path != "" {
			if s.Path == fs[i].OldSpan.Path && !slices.Contains(newPaths, s.Path) {
				s.Path = m.old.Display(s.Path)
			} else {
				s.Path = m.new.Display(s.Path)
			}
		}
		if s := &fs[i].OldSpan; s.Path != "" {
			s.Path = m.old.Display(s.Path)
		}
	}
	return fs
}

// checkError prints the problems of ignore comments as path:line:col:
// message, paths as buf prints them, and ends with status 2; other errors
// pass through.
func (m moduleCheck) checkError(cmd *cobra.Command, err error) error {
	var list source.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	for _, e := range list {
		if e.Path != "" {
			e.Path = m.new.Display(e.Path)
		}
	}
	fmt.Fprintln(cmd.ErrOrStderr(), list)
	return &exitStatus{exitError}
}
