// Command genschema writes a pair of large, realistic .proto trees that
// differ by a known set of breaking changes, for benchmarks and tests of
// protocheck at monorepo scale.
//
//	go run ./internal/cmd/genschema -files 1000 -changes 5 -o /tmp/pair
//
// writes /tmp/pair/old and /tmp/pair/new and lists the changes on stderr.
// The output depends only on the flags.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/protocheck/protocheck/internal/cmd/genschema/gen"
)

func main() {
	var cfg gen.Config
	var out string
	flag.IntVar(&cfg.Files, "files", 100, "number of .proto files in each version")
	flag.IntVar(&cfg.Changes, "changes", 3, "number of breaking changes, each in a different file")
	flag.BoolVar(&cfg.TouchAll, "touch-all", false, "also add a comment to every file of the new version")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the pseudo-random choices")
	flag.IntVar(&cfg.Messages, "messages", 40, "messages per file, nested ones included")
	flag.IntVar(&cfg.Fields, "fields", 20, "fields per message, about")
	flag.StringVar(&cfg.Editions, "editions", "", `"mix": a third of the files in edition 2023 and a third in 2024; "2024": every file in 2024`)
	flag.StringVar(&out, "o", "", "directory to write old/ and new/ into (required)")
	flag.Parse()
	if out == "" || cfg.Files < 1 || cfg.Changes < 0 {
		fmt.Fprintln(os.Stderr, "usage: genschema -files N -changes K -o DIR [-touch-all] [-seed S]")
		os.Exit(2)
	}
	p := gen.Generate(cfg)
	for _, c := range p.Changes {
		fmt.Fprintln(os.Stderr, c)
	}
	if err := p.Write(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
