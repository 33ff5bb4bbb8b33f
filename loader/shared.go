package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/protocheck/protocheck/loader/internal/compile"
	newcomp "github.com/protocheck/protocheck/loader/internal/editions"
)

// The newer compiler keys what it parses and links by opener and path, so
// that each tree (and each version, and each baseline) had its own memory
// and parsed again every file of a closure that the other versions had
// parsed already. The Loader's newcomp.Shared serves a whole run instead,
// and knows a file by its contents; here loader reads the files of its
// view. Trees whose closure cannot be keyed (a header the scanner cannot
// read, a cycle, a missing or refused file) take the per-tree compile
// (newerState), which reports what is wrong as before.

// shareNewer turns the shared compiler on; a test turns it off to compare
// with the per-tree compile.
var shareNewer = true

// sharedCompiler returns l's shared compiler, made on first use.
func (l *Loader) sharedCompiler() *newcomp.Shared {
	l.sharedOnce.Do(func() { l.shared = newcomp.NewShared() })
	return l.shared
}

// viewOf returns the view of paths and what they import, or errUnkeyed.
func (t *Tree) viewOf(ctx context.Context, paths []string, own map[string]bool) (*newcomp.View, error) {
	if !shareNewer {
		return nil, newcomp.ErrUnkeyed
	}
	return newcomp.NewView(paths, func(p string) (*newcomp.File, error) { return t.viewFile(ctx, p, own) })
}

// viewFile reads, scans and prechecks the file the import p names, once
// for the tree and all copies of it.
func (t *Tree) viewFile(ctx context.Context, p string, own map[string]bool) (*newcomp.File, error) {
	if t.editions == nil {
		return nil, newcomp.ErrUnkeyed // a tree not from Open
	}
	t.editions.mu.Lock()
	f, ok := t.editions.files[p]
	t.editions.mu.Unlock()
	if ok {
		if f == nil {
			return nil, newcomp.ErrUnkeyed
		}
		return f, nil
	}
	f = t.readViewFile(ctx, p, own)
	t.editions.mu.Lock()
	if t.editions.files == nil {
		t.editions.files = make(map[string]*newcomp.File)
	}
	t.editions.files[p] = f
	t.editions.mu.Unlock()
	if f == nil {
		return nil, newcomp.ErrUnkeyed
	}
	return f, nil
}

// readViewFile reads the file the import p names through the one opener,
// or returns nil when the file is not one the shared compiler takes: a
// refused file, one that cannot be read, one whose imports are not known.
func (t *Tree) readViewFile(ctx context.Context, p string, own map[string]bool) *newcomp.File {
	name, data, err := t.openImport(ctx, p, own, new(refusals))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		text, ok := newcomp.WellKnown(p)
		if !ok {
			return nil
		}
		h := scanHeader([]byte(text))
		if h.err != nil {
			return nil
		}
		return newcomp.NewFile(p, "", text, h.imports, true)
	case err != nil:
		return nil
	}
	// Routing scanned most headers already, or has the file linked.
	var info routeInfo
	if _, linked := t.shared[p]; linked {
		info = t.routeInfo(ctx, p, own)
	} else {
		info = t.headerInfo(p, data)
	}
	if !info.known {
		return nil
	}
	return newcomp.NewFile(p, name, string(data), info.imports, false)
}

// openImport is the one opener of both compilers: it reads the file that
// the import p names (importFile), tells Progress of one of the tree's own
// files, and prechecks it, recording a refusal in pre. An error that wraps
// fs.ErrNotExist says that no file holds it: a well-known import, or a
// missing file. The v0.14 compiler's compile (pre.older) is told of a file
// that needs the newer compiler, which it cannot compile.
func (t *Tree) openImport(ctx context.Context, p string, own map[string]bool, pre *refusals) (name string, data []byte, err error) {
	if !fs.ValidPath(p) {
		return "", nil, fmt.Errorf("import path %q leaves the import roots", p)
	}
	name, data, found, err := t.importFile(ctx, p, own)
	if !found {
		return name, nil, err
	}
	if own[p] {
		t.countRead()
	}
	if pre.older && pre.needsNewer(data) {
		return name, nil, errNewerEdition
	}
	if ps := precheck(data); ps != nil {
		pre.mu.Lock()
		for _, pr := range ps {
			pre.errs = append(pre.errs, posError{Path: name, Line: pr.line, Column: pr.col, Message: pr.msg})
		}
		pre.mu.Unlock()
		return name, nil, &compile.Refused{Msg: ps[0].msg}
	}
	return name, data, nil
}
