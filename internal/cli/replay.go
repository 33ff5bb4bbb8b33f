package cli

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/recording"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

type replayFlags struct {
	against        string
	typ            string
	messages       string
	messagesFormat string
	framing        string
	schemaIDs      []uint
	direction      string
	encoding       string
	format         string
	failOn         string
	includes       []string
	examples       int
	maxSize        int
}

func newReplayCmd() *cobra.Command {
	var fl replayFlags
	cmd := &cobra.Command{
		Use:   "replay NEW --against OLD --type T --messages FILE",
		Short: "Read recorded messages with both versions and report those that change meaning",
		Long: `replay reads messages recorded with the old version of a schema (a Kafka
topic's dump, request logs, fixtures) and reads each again with the new one,
comparing what every field means to each: a value changed, lost to unknown
fields or moved to another field, an enum value a closed enum refuses, UTF-8
now refused, a required field now missing. It reports how many messages read
identically and, for each field that changed, how many and the first ones,
with their position in the recording.

--direction backward (the default) reads the recorded bytes with the new
schema; forward has the new schema read them, re-encode them as a new writer
would, and the old schema read that. full does both. --encoding compares in
the recording's own encoding (own, the default), or also or only as JSON
(the old schema's protojson read by the new one) or binary.

Recordings (--messages-format, detected when not given): delimited, a
stream of varint-length-prefixed messages (protodelim, writeDelimitedTo);
single, one message; files, a directory of single-message files; base64 or
hex, one message a line; json, protojson messages one after another. A
binary record starting with the byte 0 is read as Confluent's Kafka wire
format (--framing): its message indexes pick the type within the file that
declares --type, its schema id must be one of --schema-id (default: the
first record's). Any of them may be gzip-compressed.

Exit status: 0 no recorded message changes meaning (at --fail-on's
severity: a hazard, the field deleted or only its presence lost, is a
warning); 1 some do; 2 could not run, such as a recording that does not
read as its format (with the byte offset), or a type neither version has.`,
		Example: `  protocheck replay testdata/demo/v2 --against testdata/demo/v1 --type acme.shop.v1.Order --messages testdata/demo/orders.bin
  protocheck replay proto --against .git#branch=main,subdir=proto --type acme.v1.Event --messages topic.b64.gz --direction full
  protocheck replay proto --against v1.pb --type acme.v1.Event --messages dump/ --format markdown`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReplay(cmd, args[0], fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.against, "against", "", "the old version, which wrote the recording (any input check takes)")
	f.StringVar(&fl.typ, "type", "", "the recorded message type (full name)")
	f.StringVar(&fl.messages, "messages", "", "the recording: a file, or a directory of single-message files")
	f.StringVar(&fl.messagesFormat, "messages-format", "auto", "the recording's format: auto, delimited, single, files, base64, hex or json")
	f.StringVar(&fl.framing, "framing", "auto", "Confluent's Kafka wire format in binary records: auto, none or confluent")
	f.UintSliceVar(&fl.schemaIDs, "schema-id", nil, "schema registry ids under which the old schema wrote Confluent records (default: the first record's)")
	f.StringVar(&fl.direction, "direction", "backward", "directions to replay: backward, forward or full")
	f.StringVar(&fl.encoding, "encoding", "own", "encodings to compare: own (the recording's), binary, json or both")
	f.StringVar(&fl.format, "format", "text", "output format: text, json or markdown")
	f.StringVar(&fl.failOn, "fail-on", "warning", "lowest severity that makes the exit status 1: error or warning")
	f.StringSliceVarP(&fl.includes, "include", "I", nil, "directories to search for imports the inputs do not hold")
	f.IntVar(&fl.examples, "examples", 3, "records shown per change, the first in the recording")
	f.IntVar(&fl.maxSize, "max-size", recording.DefaultMaxSize, "largest record read, in bytes: a longer one is an error")
	for _, name := range []string{"against", "type", "messages"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runReplay(cmd *cobra.Command, newArg string, fl replayFlags) error {
	if !slices.Contains(report.ReplayFormats(), fl.format) {
		return fmt.Errorf("--format: unknown format %q (want text, json or markdown)", fl.format)
	}
	recFormat, err := recording.ParseFormat(fl.messagesFormat)
	if err != nil {
		return fmt.Errorf("--messages-format: %w", err)
	}
	framing, err := recording.ParseFraming(fl.framing)
	if err != nil {
		return fmt.Errorf("--framing: %w", err)
	}
	dir, err := compat.ParseDirection(fl.direction)
	if err != nil {
		return fmt.Errorf("--direction: %w", err)
	}
	failOn, err := compat.ParseSeverity(fl.failOn)
	if err != nil {
		return fmt.Errorf("--fail-on: %w", err)
	}
	var encodings []string
	switch fl.encoding {
	case "own":
	case "binary":
		encodings = []string{roundtrip.Binary}
	case "json":
		encodings = []string{roundtrip.JSON}
	case "both":
		encodings = []string{roundtrip.Binary, roundtrip.JSON}
	default:
		return fmt.Errorf("--encoding: unknown encoding %q (want own, binary, json or both)", fl.encoding)
	}
	if fl.examples < 1 {
		return fmt.Errorf("--examples: want a positive number, not %d", fl.examples)
	}
	if fl.maxSize < 1 {
		return fmt.Errorf("--max-size: want a positive number, not %d", fl.maxSize)
	}
	opts := roundtrip.ReplayOptions{Direction: dir, Encodings: encodings, Examples: fl.examples}
	for _, id := range fl.schemaIDs {
		if id > 1<<32-1 {
			return fmt.Errorf("--schema-id: %d does not fit in 4 bytes", id)
		}
		opts.SchemaIDs = append(opts.SchemaIDs, uint32(id))
	}
	oldIn, err := loader.ParseInput(fl.against)
	if err != nil {
		return fmt.Errorf("--against: %w", err)
	}
	newIn, err := loader.ParseInput(newArg)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	// The recording is opened first: a missing file need not wait for
	// a compile.
	src, err := recording.Open(fl.messages, recording.Options{Format: recFormat, Framing: framing, MaxSize: fl.maxSize})
	if err != nil {
		return fmt.Errorf("--messages: %w", err)
	}
	defer src.Close()
	pr := newProgress(cmd.Context(), cmd.ErrOrStderr())
	vs, err := protocheck.Load(ctx, protocheck.Request{
		Plan:         &protocheck.Plan{New: newIn, Baselines: []protocheck.Baseline{{Input: oldIn, Label: fl.against}}},
		IncludePaths: fl.includes,
		Progress:     pr,
		Log:          logNote(cmd),
	})
	if err != nil {
		return driverError(cmd, err, "", nil)
	}
	schemas := []*schema.Schema{vs.Old, vs.New}
	stop := pr.replaying(src)
	res, err := roundtrip.Replay(ctx, schemas[0], schemas[1], protoreflect.FullName(fl.typ), src, opts)
	stop()
	var recErr *roundtrip.RecordError
	switch {
	case errors.Is(err, roundtrip.ErrUnknownSchemaID):
		return fmt.Errorf("%s: %w (give each id it wrote with --schema-id)", fl.messages, err)
	case errors.As(err, &recErr):
		return fmt.Errorf("%s: %w", fl.messages, err)
	case errors.Is(err, roundtrip.ErrType):
		return fmt.Errorf("--type: %w", err)
	case err != nil:
		return err
	}
	ropts := report.ReplayOptions{Input: newArg, Against: fl.against, Recording: fl.messages, FailOn: failOn, Flags: true}
	if err := report.WriteReplay(cmd.OutOrStdout(), fl.format, res, ropts); err != nil {
		return err
	}
	if res.Failing(failOn) {
		return &exitStatus{exitFindings}
	}
	return nil
}

// replaying draws bytes read, rate and time left while a replay runs, on
// a terminal only; the returned function stops it and clears the line.
func (p *progress) replaying(src *recording.Reader) (stop func()) {
	if p.w == nil {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			read, size := src.Read(), src.Size()
			secs := time.Since(start).Seconds()
			rate := float64(read) / max(secs, 1e-3)
			line := fmt.Sprintf("replaying: %s, %s/s", bytesText(read), bytesText(int64(rate)))
			if size > 0 {
				left := time.Duration(float64(size-read) / max(rate, 1) * float64(time.Second))
				line = fmt.Sprintf("replaying: %s of %s (%d%%), %s/s, %s left", bytesText(read), bytesText(size), 100*read/size, bytesText(int64(rate)), left.Round(time.Second))
			}
			p.mu.Lock()
			p.show(line)
			p.mu.Unlock()
		}
	}()
	return func() {
		close(done)
		<-finished
		p.done()
	}
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// replayCheckFlags are check's --replay and --type: a recording whose
// messages each finding is weighed by.
type replayCheckFlags struct {
	file string
	typ  string
}

func addReplayCheckFlags(cmd *cobra.Command, fl *replayCheckFlags) {
	f := cmd.Flags()
	f.StringVar(&fl.file, "replay", "", "messages recorded with the baseline (any format replay reads): each finding says how many of them exercise it; needs --type")
	f.StringVar(&fl.typ, "type", "", "with --replay, the recorded message type (full name)")
	cmd.MarkFlagsRequiredTogether("replay", "type")
}

// annotateReplay adds to each finding how many recorded messages exercise
// what it concerns ("set in 2 of 8 recorded acme.v1.Order messages"), so
// that a reviewer tells a real break from a theoretical one. It loads the
// baseline whole, which the check may not have.
func annotateReplay(cmd *cobra.Command, req protocheck.Request, findings []compat.Finding, fl replayCheckFlags) error {
	if fl.file == "" {
		return nil
	}
	src, err := recording.Open(fl.file, recording.Options{})
	if err != nil {
		return fmt.Errorf("--replay: %w", err)
	}
	defer src.Close()
	err = protocheck.Annotate(cmd.Context(), req, findings, protoreflect.FullName(fl.typ), src)
	var le *protocheck.LoadError
	var recErr *roundtrip.RecordError
	switch {
	case errors.As(err, &le):
		return driverError(cmd, err, "", nil)
	case errors.As(err, &recErr):
		return fmt.Errorf("--replay: %s: %w", fl.file, err)
	case errors.Is(err, roundtrip.ErrType):
		return fmt.Errorf("--type: %w", err)
	case err != nil:
		return fmt.Errorf("--replay: %w", err)
	}
	return nil
}
