// Command compileonly compiles each directory given, concurrently, with
// protocompile alone and nothing else: every .proto file below it, with
// source info, as protocheck compiles the files it checks. It is the floor
// that bench/compare.sh holds protocheck's full compiles against.
//
//	go run ./internal/cmd/compileonly old new
package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compileonly DIR...")
		os.Exit(2)
	}
	dirs := os.Args[1:]
	counts := make([]int, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() { counts[i], errs[i] = compile(dir) })
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

func compile(dir string) (int, error) {
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
	if err != nil {
		return 0, err
	}
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: []string{dir}}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := c.Compile(context.Background(), paths...)
	return len(files), err
}
