package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/roundtrip"
)

type proveFlags struct {
	message  string
	samples  int
	seed     uint64
	format   string
	includes []string
}

func newProveCmd() *cobra.Command {
	var fl proveFlags
	cmd := &cobra.Command{
		Use:   "prove OLD NEW",
		Short: "Show with real bytes which messages one version misreads from the other",
		Long: `prove runs the round-trip prover alone: for every message that both versions
declare (or the one --message names), it generates messages with each
version, encodes them in binary and JSON, decodes them with the other
version and compares. Each problem found is shown with the smallest input
that still shows it: its bytes, their annotated wire form, what the writer
set and what the reader saw.

Directions: backward (the new schema reads old data), forward (the old
schema reads new data), middleman (old data parsed and re-encoded by the
new schema, then read with the old one).

Exit status: 0 no counterexample, 1 counterexamples, 2 could not run.`,
		Example: `  protocheck prove v1/ v2/
  protocheck prove .git#branch=main proto --message acme.v1.Order --samples 500`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProve(cmd, args[0], args[1], fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.message, "message", "", "prove only this message (full name)")
	f.IntVar(&fl.samples, "samples", 64, "messages generated per message and version")
	f.Uint64Var(&fl.seed, "seed", 0, "seed of the generator: the same seed gives the same counterexamples")
	f.StringVar(&fl.format, "format", "text", "output format: text or json")
	f.StringSliceVarP(&fl.includes, "include", "I", nil, "directories to search for imports the inputs do not hold")
	return cmd
}

func runProve(cmd *cobra.Command, oldArg, newArg string, fl proveFlags) error {
	if fl.format != "text" && fl.format != "json" {
		return fmt.Errorf("--format: unknown format %q (want text or json)", fl.format)
	}
	if fl.samples < 1 {
		return fmt.Errorf("--samples: want a positive number, not %d", fl.samples)
	}
	oldIn, err := loader.ParseInput(oldArg)
	if err != nil {
		return err
	}
	newIn, err := loader.ParseInput(newArg)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	pr := newProgress(cmd.ErrOrStderr())
	l := &loader.Loader{IncludePaths: fl.includes, Progress: pr.loading}
	schemas, err := loadAll(ctx, l, oldIn, newIn)
	pr.done()
	if err != nil {
		return reportLoadError(cmd, err)
	}
	old, new := schemas[0], schemas[1]
	printNotes(cmd, new, old)
	opts := roundtrip.Options{Samples: fl.samples, Seed: fl.seed, Progress: pr.proving}
	if fl.message != "" {
		opts.Messages = []protoreflect.FullName{protoreflect.FullName(strings.TrimPrefix(fl.message, "."))}
	}
	results, err := roundtrip.Prove(ctx, old.Files, new.Files, opts)
	pr.done()
	if err != nil {
		return err
	}
	if fl.message != "" && len(results) == 0 {
		return fmt.Errorf("--message: %s is not a message that both versions declare", opts.Messages[0])
	}
	if err := writeProveResults(cmd, fl.format, results); err != nil {
		return err
	}
	for _, r := range results {
		if len(r.Counterexamples) > 0 {
			return &exitStatus{exitFindings}
		}
	}
	return nil
}

func writeProveResults(cmd *cobra.Command, format string, results []roundtrip.Result) error {
	out := cmd.OutOrStdout()
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		for _, r := range results {
			cexs := make([]any, len(r.Counterexamples))
			for i, c := range r.Counterexamples {
				cexs[i] = report.JSONProof(c.Proof())
			}
			obj := map[string]any{
				"message":         r.Message,
				"samples":         r.Samples,
				"counterexamples": cexs,
			}
			if r.Unproven != "" {
				obj["unproven"] = r.Unproven
			}
			err := enc.Encode(obj)
			if err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MESSAGE\tSAMPLES\tCOUNTEREXAMPLES")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", r.Message, r.Samples, len(r.Counterexamples))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if r.Unproven != "" {
			fmt.Fprintf(out, "\n%s: not proved: %s\n", r.Message, r.Unproven)
		}
	}
	for _, r := range results {
		for _, c := range r.Counterexamples {
			fmt.Fprintln(out)
			if err := report.WriteProof(out, c.Proof(), "", ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// proveOptions are the prover's settings for check --prove: few enough
// samples per message to keep a large change quick, the default seed so
// that runs repeat.
var proveOptions = roundtrip.Options{Samples: 64}
