package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/roundtrip"
)

type proveFlags struct {
	message   string
	samples   int
	seed      uint64
	format    string
	includes  []string
	use       []string
	except    []string
	direction string
	failOn    string
	config    string
}

// exitNotProved is prove's status when the check fails but data shows
// none of it, or a message could not be sampled at all: not a pass.
const exitNotProved = 3

func newProveCmd() *cobra.Command {
	var fl proveFlags
	cmd := &cobra.Command{
		Use:   "prove OLD NEW",
		Short: "Show with real bytes which messages one version misreads from the other",
		Long: `prove runs the round-trip prover and shows its work: for every message whose
own fields changed, and every message a finding concerns (or the one
--message names), it generates messages with each version, encodes them in
binary and JSON, decodes them with the other version and compares. Each
problem found is shown with the smallest input that still shows it: its
bytes, their annotated wire form, what the writer set and what the reader
saw. A hazard (the reader lacks the field, or sees the value but not that
it was set) is labelled so.

The rules are chosen as check chooses them: --use and --except, else the
configuration file's, else FILE. JSON is proved when they concern JSON, and
--direction picks the directions: backward (the new schema reads old data),
forward (the old schema reads new data); middleman (old data parsed and
re-encoded by the new schema, then read with the old one) counts for both.

Exit status: 0 check --prove passes; 1 it fails, and data shows it; 2 could
not run; 3 not proved: the check fails but no counterexample shows it (a
source-level change, say), or a message could not be sampled at all.`,
		Example: `  protocheck prove v1/ v2/
  protocheck prove v1/ v2/ --use WIRE
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
	f.StringSliceVar(&fl.use, "use", nil, "categories (FILE, PACKAGE, WIRE_JSON, WIRE) or rule ids, as check takes them (default: the configuration's, else FILE)")
	f.StringSliceVar(&fl.except, "except", nil, "categories or rule ids to leave out")
	f.StringVar(&fl.direction, "direction", "full", "directions to prove: backward, forward or full")
	f.StringVar(&fl.failOn, "fail-on", "warning", "lowest severity that makes the exit status other than 0: error or warning")
	f.StringVar(&fl.config, "config", "", "configuration file (protocheck.yaml, buf.yaml), as check takes it (default: found in or above NEW)")
	return cmd
}

func runProve(cmd *cobra.Command, oldArg, newArg string, fl proveFlags) error {
	if fl.format != "text" && fl.format != "json" {
		return fmt.Errorf("--format: unknown format %q (want text or json)", fl.format)
	}
	if fl.samples < 1 {
		return fmt.Errorf("--samples: want a positive number, not %d", fl.samples)
	}
	// The rules come as check's do: flags, else the configuration file.
	cf := checkFlags{use: fl.use, except: fl.except, direction: fl.direction, failOn: fl.failOn, includes: fl.includes, config: configFlags{path: fl.config}}
	req, err := cf.request(cmd, newArg)
	if err != nil {
		return err
	}
	oldIn, err := loader.ParseInput(oldArg)
	if err != nil {
		return err
	}
	newIn, err := loader.ParseInput(newArg)
	if err != nil {
		return err
	}
	req.Plan = &protocheck.Plan{New: newIn, Baselines: []protocheck.Baseline{{Input: oldIn, Label: oldArg}}}
	req.Registry = protocheck.Registry{} // prove reads no deps
	pr := newProgress(cmd.Context(), cmd.ErrOrStderr())
	req.Progress = pr
	opts := roundtrip.Options{Samples: fl.samples, Seed: fl.seed}
	if fl.message != "" {
		opts.Messages = []protoreflect.FullName{protoreflect.FullName(strings.TrimPrefix(fl.message, "."))}
	}
	res, err := protocheck.Prove(cmd.Context(), req, opts)
	if err != nil {
		return driverError(cmd, err, "", nil)
	}
	out := res.Outcome
	if fl.message != "" && len(out.Results) == 0 {
		return fmt.Errorf("--message: %s is not a message that both versions declare", opts.Messages[0])
	}
	if err := writeProveResults(cmd, fl.format, res); err != nil {
		return err
	}
	switch res.Verdict {
	case protocheck.Counterexamples:
		return &exitStatus{exitFindings}
	case protocheck.NotProved:
		return &exitStatus{exitNotProved}
	}
	return nil
}

func writeProveResults(cmd *cobra.Command, format string, res *protocheck.ProveResult) error {
	w, out := cmd.OutOrStdout(), res.Outcome
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range out.Results {
			cexs := make([]any, len(r.Counterexamples))
			for i, c := range r.Counterexamples {
				cexs[i] = report.JSONProof(c.Proof())
			}
			obj := map[string]any{
				"message":         r.Message,
				"samples":         r.Samples,
				"verdict":         protocheck.MessageVerdict(r).String(),
				"counterexamples": cexs,
			}
			if r.Unproven != "" {
				obj["not_proved"] = r.Unproven
				// The key's earlier name: JSON keys are a contract that
				// users' scripts read, extended, never renamed.
				obj["unproven"] = r.Unproven
			}
			if err := enc.Encode(obj); err != nil {
				return err
			}
		}
		unproved := make([]any, len(res.Unproved))
		for i, f := range res.Unproved {
			unproved[i] = map[string]any{"type": f.Rule, "message": f.Message, "path": f.Span.Path, "line": f.Span.StartLine, "not_proved": f.Unproven}
		}
		return enc.Encode(map[string]any{
			"verdict":            res.Verdict.String(),
			"failing_findings":   len(res.Failing),
			"unproved_findings":  unproved,
			"unsampled_messages": res.Unsampled,
			"alike_messages":     len(out.Alike),
		})
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MESSAGE\tSAMPLES\tCOUNTEREXAMPLES")
	for _, r := range out.Results {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", r.Message, r.Samples, len(r.Counterexamples))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := len(out.Alike); n > 0 {
		fmt.Fprintf(w, "\n%s declared alike in both versions not proved: a change below one of them is proved at the message that changed\n", plural(n, "message"))
	}
	for _, r := range out.Results {
		if r.Unproven != "" {
			fmt.Fprintf(w, "\n%s: not proved: %s\n", r.Message, r.Unproven)
		}
	}
	for _, r := range out.Results {
		for _, c := range r.Counterexamples {
			fmt.Fprintln(w)
			label := ""
			if c.Undeclared || c.PresenceOnly {
				label = "hazard: "
			}
			if err := report.WriteProof(w, c.Proof(), "", label); err != nil {
				return err
			}
		}
	}
	if res.Verdict == protocheck.NotProved {
		fmt.Fprintln(w)
		for _, f := range res.Unproved {
			fmt.Fprintf(w, "not proved: %s\n    %s\n", report.Escape(f.String()), report.Escape(f.Unproven))
		}
		if res.Unsampled > 0 {
			fmt.Fprintf(w, "not proved: %s could not be sampled\n", plural(res.Unsampled, "message"))
		}
	}
	return nil
}

// proveOptions are the prover's settings for check --prove: few enough
// samples per message to keep a large change quick, the default seed so
// that runs repeat.
var proveOptions = roundtrip.Options{Samples: 64}
