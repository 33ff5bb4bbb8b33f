// Command compileonly compiles each directory given, concurrently, with
// protocompile alone and nothing else: every .proto file below it, with
// source info, as protocheck compiles the files it checks. It is the floor
// that bench/compare.sh holds protocheck's full compiles against, and the
// yardstick that compares protocompile's two compilers:
//
//	go run ./internal/cmd/compileonly old new              # v0.14 compiler
//	go run ./internal/cmd/compileonly -compiler ir old new # the experimental IR compiler, to protoreflect
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/experimental/fdp"
	"github.com/bufbuild/protocompile/experimental/incremental"
	"github.com/bufbuild/protocompile/experimental/incremental/queries"
	"github.com/bufbuild/protocompile/experimental/ir"
	"github.com/bufbuild/protocompile/experimental/report"
	"github.com/bufbuild/protocompile/experimental/source"
	"google.golang.org/protobuf/reflect/protodesc"
)

func main() {
	compiler := flag.String("compiler", "v014", "v014 (protocompile.Compiler) or ir (experimental/incremental, then protodesc)")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: compileonly [-compiler v014|ir] DIR...")
		os.Exit(2)
	}
	compile := compileV014
	switch *compiler {
	case "v014":
	case "ir":
		compile = compileIR
	default:
		fmt.Fprintf(os.Stderr, "unknown compiler %q\n", *compiler)
		os.Exit(2)
	}
	counts := make([]int, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() {
			paths, err := protoFiles(dir)
			if err != nil {
				errs[i] = err
				return
			}
			counts[i], errs[i] = compile(dir, paths)
		})
	}
	wg.Wait()
	for i, dir := range dirs {
		if errs[i] != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", dir, errs[i])
			os.Exit(1)
		}
		fmt.Printf("%s: %d files\n", dir, counts[i])
	}
}

func protoFiles(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".proto") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	})
	return paths, err
}

func compileV014(dir string, paths []string) (int, error) {
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: []string{dir}}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := c.Compile(context.Background(), paths...)
	return len(files), err
}

// compileIR compiles with the experimental compiler and builds
// protoreflect descriptors from its FileDescriptorSet, which is what a
// loader built on it would hand to the rules.
func compileIR(dir string, paths []string) (int, error) {
	var opts fdp.Options
	opts.Apply(fdp.IncludeSourceCodeInfo(true))
	opener := &source.Openers{&source.FS{FS: os.DirFS(dir)}, source.WKTs()}
	exec := incremental.New(incremental.WithReportOptions(report.Options{SuppressWarnings: true}))
	results, diags, err := incremental.Run(context.Background(), exec, queries.FDS{
		Opener:    opener,
		Session:   new(ir.Session),
		Workspace: source.NewWorkspace(paths...),
		Options:   opts,
	})
	if err != nil {
		return 0, err
	}
	for _, d := range diags.Diagnostics {
		if d.Level() <= report.Error {
			return 0, errors.New(d.Message())
		}
	}
	if results[0].Fatal != nil {
		return 0, results[0].Fatal
	}
	files, err := protodesc.NewFiles(results[0].Value)
	if err != nil {
		return 0, err
	}
	return files.NumFiles(), nil
}
