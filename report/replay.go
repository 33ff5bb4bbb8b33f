package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
)

// ReplayFormats returns the formats WriteReplay writes, in a new slice.
func ReplayFormats() []string { return slices.Clone(replayFormats) }

var replayFormats = []string{"text", "json", "markdown"}

// ReplayOptions says what a replay report names besides its result.
type ReplayOptions struct {
	// Input and Against name the new and the old version as given.
	Input, Against string
	// Recording names the recording as given.
	Recording string
	// FailOn is the lowest severity that fails the run: a change below
	// it is shown, marked as passing.
	FailOn compat.Severity
	// Flags says that the report is the protocheck command's: a change
	// marked as passing then names the flag that let it pass (--fail-on
	// error) rather than saying what the run fails on.
	Flags bool
}

// WriteReplay writes what roundtrip.Replay found, in the format named:
// text (a summary line, then each change with its first examples), json
// (one object) or markdown (a headline and a table, for a pull request
// comment or a job summary).
func WriteReplay(w io.Writer, format string, r *roundtrip.Replayed, opts ReplayOptions) error {
	switch format {
	case "text":
		return writeReplayText(w, r, opts)
	case "json":
		return writeReplayJSON(w, r, opts)
	case "markdown":
		return writeReplayMarkdown(w, r, opts)
	}
	return fmt.Errorf("unknown format %q (want text, json or markdown)", format)
}

// replaySummary is the first line of the text and markdown reports.
func replaySummary(r *roundtrip.Replayed) string {
	s := fmt.Sprintf("%s of %s: %d read identically, %d changed", plural(r.Read, "recorded message"), r.Message, r.Identical, r.Changed)
	if r.Undecodable > 0 {
		s += fmt.Sprintf(", %d not readable with the old schema", r.Undecodable)
	}
	return s
}

// changeLabel says whether a change is a misreading or a hazard, and
// whether it fails the run.
func changeLabel(c roundtrip.ReplayChange, opts ReplayOptions) string {
	label := "misread"
	if c.Severity == compat.Warning {
		label = "hazard"
	}
	if c.Severity > opts.FailOn {
		if opts.Flags {
			label += ", passes --fail-on " + opts.FailOn.String()
		} else {
			label += ", passes: the run fails on " + opts.FailOn.String() + " only"
		}
	}
	return label
}

func writeReplayText(w io.Writer, r *roundtrip.Replayed, opts ReplayOptions) error {
	var b strings.Builder
	b.WriteString(Escape(replaySummary(r)) + "\n")
	for _, u := range r.Undecoded {
		fmt.Fprintf(&b, "\nnot readable with the old schema: %s: %s\n", Escape(u.Where()), Escape(u.Reason))
	}
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "\n%s %s %s: %d of %d (%s)\n", c.Direction, c.Encoding, Escape(c.Path),
			c.Messages, r.Read, changeLabel(c, opts))
		for _, ex := range c.Examples {
			fmt.Fprintf(&b, "    %s: %s: %s: writer set %s, reader sees %s\n", Escape(ex.Where()), Escape(ex.Path), Escape(ex.Reason), Escape(ex.Writer), Escape(ex.Reader))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type replayRecordJSON struct {
	Record int    `json:"record"`
	Offset int64  `json:"offset"`
	Line   int    `json:"line,omitempty"`
	File   string `json:"file,omitempty"`
	Path   string `json:"path"`
	Reason string `json:"reason"`
	Writer string `json:"writer,omitempty"`
	Reader string `json:"reader,omitempty"`
}

func recordJSON(r roundtrip.ReplayRecord) replayRecordJSON {
	return replayRecordJSON{Record: r.Record, Offset: r.Offset, Line: r.Line, File: r.File, Path: r.Path, Reason: r.Reason, Writer: r.Writer, Reader: r.Reader}
}

func writeReplayJSON(w io.Writer, r *roundtrip.Replayed, opts ReplayOptions) error {
	type change struct {
		Direction   string             `json:"direction"`
		Encoding    string             `json:"encoding"`
		Path        string             `json:"path"`
		FieldNumber int32              `json:"field_number,omitempty"`
		Severity    string             `json:"severity"`
		Fails       bool               `json:"fails"`
		Reason      string             `json:"reason"`
		Messages    int                `json:"messages"`
		Examples    []replayRecordJSON `json:"examples"`
	}
	out := struct {
		Input       string             `json:"input,omitempty"`
		Against     string             `json:"against,omitempty"`
		Recording   string             `json:"recording,omitempty"`
		Message     string             `json:"message"`
		Read        int                `json:"read"`
		Identical   int                `json:"identical"`
		Changed     int                `json:"changed"`
		Undecodable int                `json:"undecodable"`
		Undecoded   []replayRecordJSON `json:"undecoded"`
		Changes     []change           `json:"changes"`
		Fails       bool               `json:"fails"`
	}{
		Input: opts.Input, Against: opts.Against, Recording: opts.Recording,
		Message: string(r.Message), Read: r.Read, Identical: r.Identical, Changed: r.Changed,
		Undecodable: r.Undecodable, Undecoded: []replayRecordJSON{}, Changes: []change{},
		Fails: r.Failing(opts.FailOn),
	}
	for _, u := range r.Undecoded {
		out.Undecoded = append(out.Undecoded, recordJSON(u))
	}
	for _, c := range r.Changes {
		ch := change{Direction: c.Direction.String(), Encoding: c.Encoding, Path: c.Path, FieldNumber: int32(c.FieldNumber),
			Severity: c.Severity.String(), Fails: c.Severity <= opts.FailOn, Reason: c.Reason, Messages: c.Messages}
		for _, ex := range c.Examples {
			ch.Examples = append(ch.Examples, recordJSON(ex))
		}
		out.Changes = append(out.Changes, ch)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeReplayMarkdown(w io.Writer, r *roundtrip.Replayed, opts ReplayOptions) error {
	var b strings.Builder
	// "Replayed `rec.bin` with `v2` against `v1`: " before the summary.
	lead := ""
	if opts.Recording != "" {
		lead = "Replayed " + mdCode(opts.Recording)
	}
	if opts.Input != "" || opts.Against != "" {
		if lead == "" {
			lead = "Replayed"
		}
		lead += fmt.Sprintf(" with %s against %s", mdCode(opts.Input), mdCode(opts.Against))
	}
	if lead != "" {
		lead += ": "
	}
	if len(r.Changes) == 0 {
		b.WriteString("### protocheck replay: no recorded message changes meaning\n\n")
	} else {
		fmt.Fprintf(&b, "### protocheck replay: %s change meaning\n\n", plural(r.Changed, "recorded message"))
	}
	fmt.Fprintf(&b, "%s%s.\n", lead, mdText(replaySummary(r)))
	if len(r.Undecoded) > 0 {
		b.WriteString("\n| not readable with the old schema | reason |\n| --- | --- |\n")
		for _, u := range r.Undecoded {
			fmt.Fprintf(&b, "| %s | %s |\n", mdText(u.Where()), mdText(u.Reason))
		}
	}
	if len(r.Changes) > 0 {
		b.WriteString("\n| direction | field | messages | kind | first example |\n| --- | --- | ---: | --- | --- |\n")
		for _, c := range r.Changes {
			ex := c.Examples[0]
			fmt.Fprintf(&b, "| %s %s | %s | %d of %d | %s | %s: %s: writer set %s, reader sees %s |\n",
				c.Direction, c.Encoding, mdCode(c.Path), c.Messages, r.Read, changeLabel(c, opts),
				mdText(ex.Where()), mdText(ex.Reason), mdCode(ex.Writer), mdCode(ex.Reader))
		}
	}
	s := b.String()
	if len(s) > markdownLimit {
		s = truncate(s, markdownLimit-100) + "\n\n(cut: the report is longer than a comment may be)\n"
	}
	_, err := io.WriteString(w, s)
	return err
}
