package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/report"
	"github.com/protocheck/protocheck/roundtrip"
)

func roundtripRuleFor(c roundtrip.Counterexample) *compat.Rule {
	return compat.Lookup("ROUNDTRIP_" + strings.ToUpper(c.Encoding) + "_" + strings.ToUpper(c.Direction.String()))
}

// selectsRoundtrip reports whether cfg selects the round-trip rule r.
func selectsRoundtrip(cfg compat.Config, r *compat.Rule) bool {
	rules, err := cfg.Select() // checked before anything was loaded
	return err == nil && slices.Contains(rules, r)
}

// proveFindings runs the round-trip prover on the messages that changed
// between the versions or that the findings concern, attaches a proof to
// each finding it can demonstrate (and says why for the others), and adds
// a ROUNDTRIP_ finding for each counterexample no rule reported.
func proveFindings(ctx context.Context, old, new *loader.Schema, cfg compat.Config, findings []compat.Finding, opts roundtrip.Options) ([]compat.Finding, error) {
	oldIdx, newIdx := newDeclIndex(old.Files), newDeclIndex(new.Files)
	subjects := make([]subject, len(findings))
	names := roundtrip.Changed(old.Files, new.Files)
	for i, f := range findings {
		subjects[i] = subjectOf(f, oldIdx, newIdx)
		if m := subjects[i].message; m != "" {
			names = append(names, m)
		}
	}
	opts.Messages = names
	jsonOK := selectsRoundtrip(cfg, compat.Lookup("ROUNDTRIP_JSON_BACKWARD")) || selectsRoundtrip(cfg, compat.Lookup("ROUNDTRIP_JSON_FORWARD"))
	opts.SkipJSON = !jsonOK
	results, err := roundtrip.Prove(ctx, old.Files, new.Files, opts)
	if err != nil {
		return nil, err
	}
	var cexs []roundtrip.Counterexample
	for _, r := range results {
		cexs = append(cexs, r.Counterexamples...)
	}
	samples := opts.Samples
	if len(results) > 0 {
		samples = results[0].Samples
	}
	dir := cfg.Direction
	if dir == 0 {
		dir = compat.Both
	}
	covered := make([]bool, len(cexs))
	out := slices.Clone(findings)
	for i := range out {
		f := &out[i]
		rule := compat.Lookup(f.Rule)
		var best *roundtrip.Counterexample
		for j := range cexs {
			c := &cexs[j]
			if c.Undeclared || !subjects[i].matches(*c) || directionOf(*c)&f.Direction == 0 {
				continue
			}
			covered[j] = true
			if !proves(*c, jsonOK) {
				continue
			}
			if best == nil || betterProof(*c, *best, subjects[i]) {
				best = c
			}
		}
		if best != nil {
			f.Proof = proofOf(*best)
		} else {
			f.Unproven = unprovenReason(rule, subjects[i], samples)
		}
	}
	// Counterexamples no finding covers, one finding per rule and field.
	var extra []compat.Finding
	seen := make(map[string]bool)
	for j, c := range cexs {
		if covered[j] || c.Undeclared || c.PresenceOnly || directionOf(c)&dir == 0 {
			continue
		}
		rule := roundtripRuleFor(c)
		if rule == nil || !selectsRoundtrip(cfg, rule) {
			continue
		}
		f := roundtripFinding(rule, c, oldIdx, newIdx)
		key := f.Rule + "\x00" + f.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		extra = append(extra, f)
	}
	if len(extra) > 0 {
		// The user's ignores and waivers hold for the prover's findings too.
		extra, err = compat.Excuse(
			&compat.Schema{Files: old.Files, Paths: old.Paths, Packages: old.Packages},
			&compat.Schema{Files: new.Files, Paths: new.Paths, Packages: new.Packages},
			cfg, extra)
		if err != nil {
			return nil, err
		}
		out = append(out, extra...)
	}
	slices.SortStableFunc(out, func(a, b compat.Finding) int {
		return cmp.Or(
			cmp.Compare(a.Span.Path, b.Span.Path),
			cmp.Compare(a.Span.StartLine, b.Span.StartLine),
			cmp.Compare(a.Span.StartCol, b.Span.StartCol),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return out, nil
}

// directionOf maps the prover's directions onto compat's: a middleman
// problem needs both versions, so any finding of either direction covers
// it.
func directionOf(c roundtrip.Counterexample) compat.Direction {
	switch c.Direction {
	case roundtrip.Backward:
		return compat.Backward
	case roundtrip.Forward:
		return compat.Forward
	}
	return compat.Both
}

// proves reports whether c may stand as a proof: JSON counterexamples
// only when the check covers JSON (WIRE_JSON or stricter), since a check
// of WIRE promises nothing about JSON.
func proves(c roundtrip.Counterexample, jsonOK bool) bool {
	return c.Encoding == roundtrip.Binary || jsonOK
}

// betterProof orders candidate proofs: the message that declares the
// field first (the shortest path), binary before JSON, backward before
// forward before middleman, then the fewest bytes.
func betterProof(a, b roundtrip.Counterexample, s subject) bool {
	rank := func(c roundtrip.Counterexample) int {
		if c.Message == s.message {
			return 0
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(rank(a), rank(b)),
		strings.Compare(a.Encoding, b.Encoding), // binary before json
		cmp.Compare(a.Direction, b.Direction),
		cmp.Compare(len(a.Bytes), len(b.Bytes)),
		strings.Compare(a.FieldPath, b.FieldPath),
	) < 0
}

// isDeletion reports whether a rule forbids deleting something.
func isDeletion(id string) bool { return strings.Contains(id, "_NO_DELETE") }

// unprovenReason says why no data demonstrates a finding of rule.
func unprovenReason(rule *compat.Rule, s subject, samples int) string {
	id := ""
	if rule != nil {
		id = rule.ID
	}
	switch {
	case strings.HasPrefix(id, "RPC_") || strings.HasPrefix(id, "SERVICE_"):
		return "concerns services: the prover encodes messages, it does not call RPCs"
	case isDeletion(id):
		return "a deletion breaks no data written today: the hazard is a later reuse of the number or name"
	case strings.HasSuffix(id, "_SAME_NAME"):
		return "a rename is source-level: binary data carries numbers, and the JSON name did not change"
	case rule != nil && !rule.In(compat.Wire) && !rule.In(compat.WireJSON):
		return "source-level: generated code changes, encoded data does not"
	case rule != nil && rule.Severity == compat.Warning:
		return "a hazard, not a break of data written today"
	case s.message == "" && s.enum == "":
		return "concerns no message field that data could show"
	}
	return fmt.Sprintf("no counterexample in %d samples per message", samples)
}

func proofOf(c roundtrip.Counterexample) *compat.Proof {
	return &compat.Proof{
		Direction:   c.Direction.String(),
		Encoding:    c.Encoding,
		Message:     string(c.Message),
		FieldPath:   c.FieldPath,
		Reason:      c.Reason,
		Bytes:       c.Bytes,
		Wire:        c.Wire,
		JSON:        c.Text,
		WriterValue: c.WriterValue,
		ReaderValue: c.ReaderValue,
	}
}

// roundtripFinding turns a counterexample no rule reported into a finding,
// placed at the field in the new version (at its message if the new
// version lost the field).
func roundtripFinding(rule *compat.Rule, c roundtrip.Counterexample, oldIdx, newIdx *declIndex) compat.Finding {
	msg, num := c.Message, protoreflect.FieldNumber(0)
	if c.Field != nil {
		msg, num = c.Field.ContainingMessage().FullName(), c.Field.Number()
	}
	var span, oldSpan compat.Span
	elem := "message " + string(msg)
	if nm := newIdx.messages[msg]; nm != nil {
		span = compat.SpanOf(nm)
		if nf := nm.Fields().ByNumber(num); nf != nil {
			span = compat.SpanOf(nf)
			elem = fmt.Sprintf("field %d %q on %s", num, nf.Name(), msg)
		}
	}
	if om := oldIdx.messages[msg]; om != nil {
		oldSpan = compat.SpanOf(om)
		if of := om.Fields().ByNumber(num); of != nil {
			oldSpan = compat.SpanOf(of)
			if !strings.HasPrefix(elem, "field") {
				elem = fmt.Sprintf("field %d %q on %s", num, of.Name(), msg)
			}
		}
	}
	if span.Path == "" {
		if nm := newIdx.messages[c.Message]; nm != nil {
			span = compat.SpanOf(nm)
		} else {
			span = oldSpan
		}
	}
	var how string
	switch c.Direction {
	case roundtrip.Backward:
		how = "new readers misread old " + c.Encoding + " data"
	case roundtrip.Forward:
		how = "old readers misread new " + c.Encoding + " data"
	default:
		how = "old data passed through a new program comes back changed"
	}
	return compat.Finding{
		Rule:       rule.ID,
		Categories: rule.Categories,
		Severity:   compat.Error,
		Direction:  rule.Direction,
		Message:    fmt.Sprintf("%s: %s: %s", elem, how, c.Reason),
		Span:       span,
		OldSpan:    oldSpan,
		Proof:      proofOf(c),
	}
}

// A subject is what a finding concerns, as far as data can show it: a
// field of a message, a message, or an enum.
type subject struct {
	message protoreflect.FullName    // the message, or the one declaring the field
	number  protoreflect.FieldNumber // the field, or 0 for the whole message
	enum    protoreflect.FullName    // an enum, for findings on enums and their values
	oneof   protoreflect.Name        // the real oneof holding the field, if any
}

// matches reports whether c shows a problem with the subject.
func (s subject) matches(c roundtrip.Counterexample) bool {
	switch {
	case s.enum != "":
		fd := c.Field
		if fd != nil && fd.IsMap() {
			fd = fd.MapValue()
		}
		return fd != nil && fd.Kind() == protoreflect.EnumKind && fd.Enum().FullName() == s.enum
	case s.message == "":
		return false
	case c.Field == nil:
		return s.number == 0 && c.Message == s.message
	case s.number == 0:
		return c.Field.ContainingMessage().FullName() == s.message
	}
	if c.Field.ContainingMessage().FullName() != s.message {
		return false
	}
	if c.Field.Number() == s.number {
		return true
	}
	// A oneof finding names a pair of fields; the prover shows the loss on
	// whichever member the reader dropped, naming the oneof.
	return s.oneof != "" && strings.Contains(c.Reason, "oneof "+string(s.oneof)+" ")
}

// subjectOf finds the element a finding points at: the innermost
// declaration holding its position in the new version, or in the old one
// when that is more precise (a deleted field's finding points at the
// message in the new version and at the field in the old).
func subjectOf(f compat.Finding, oldIdx, newIdx *declIndex) subject {
	s, level := newIdx.at(f.Span)
	if os, ol := oldIdx.at(f.OldSpan); ol > level {
		s = os
	}
	return s
}

// declIndex locates the declarations of a version's files by position.
type declIndex struct {
	messages map[protoreflect.FullName]protoreflect.MessageDescriptor
	byPath   map[string][]decl
}

type decl struct {
	span  compat.Span
	subj  subject
	level int // 1 message or enum, 2 oneof, 3 field or enum value
}

func newDeclIndex(files []protoreflect.FileDescriptor) *declIndex {
	x := &declIndex{
		messages: make(map[protoreflect.FullName]protoreflect.MessageDescriptor),
		byPath:   make(map[string][]decl),
	}
	add := func(d protoreflect.Descriptor, s subject, level int) {
		sp := compat.SpanOf(d)
		if sp.StartLine > 0 {
			x.byPath[sp.Path] = append(x.byPath[sp.Path], decl{sp, s, level})
		}
	}
	var enums func(protoreflect.EnumDescriptors)
	enums = func(es protoreflect.EnumDescriptors) {
		for i := range es.Len() {
			e := es.Get(i)
			add(e, subject{enum: e.FullName()}, 1)
			vals := e.Values()
			for j := range vals.Len() {
				add(vals.Get(j), subject{enum: e.FullName()}, 3)
			}
		}
	}
	var messages func(protoreflect.MessageDescriptors)
	messages = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			x.messages[m.FullName()] = m
			add(m, subject{message: m.FullName()}, 1)
			oneofs := m.Oneofs()
			for j := range oneofs.Len() {
				add(oneofs.Get(j), subject{message: m.FullName()}, 2)
			}
			fields := m.Fields()
			for j := range fields.Len() {
				fd := fields.Get(j)
				subj := subject{message: m.FullName(), number: fd.Number()}
				if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
					subj.oneof = o.Name()
				}
				add(fd, subj, 3)
			}
			enums(m.Enums())
			messages(m.Messages())
		}
	}
	for _, f := range files {
		enums(f.Enums())
		messages(f.Messages())
	}
	return x
}

// at returns the innermost declaration whose span holds sp's start, and
// its level (0 when there is none).
func (x *declIndex) at(sp compat.Span) (subject, int) {
	var best *decl
	pos := [2]int{sp.StartLine, sp.StartCol}
	for i, d := range x.byPath[sp.Path] {
		start := [2]int{d.span.StartLine, d.span.StartCol}
		end := [2]int{d.span.EndLine, d.span.EndCol}
		if comparePos(start, pos) > 0 || comparePos(pos, end) >= 0 {
			continue
		}
		if best == nil || comparePos(start, [2]int{best.span.StartLine, best.span.StartCol}) > 0 ||
			d.level > best.level && comparePos(start, [2]int{best.span.StartLine, best.span.StartCol}) == 0 {
			best = &x.byPath[sp.Path][i]
		}
	}
	if best == nil {
		return subject{}, 0
	}
	return best.subj, best.level
}

func comparePos(a, b [2]int) int {
	return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
}

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
		name := protoreflect.FullName(strings.TrimPrefix(fl.message, "."))
		if newDeclIndex(old.Files).messages[name] == nil || newDeclIndex(new.Files).messages[name] == nil {
			return fmt.Errorf("--message: %s is not a message that both versions declare", name)
		}
		opts.Messages = []protoreflect.FullName{name}
	}
	results, err := roundtrip.Prove(ctx, old.Files, new.Files, opts)
	pr.done()
	if err != nil {
		return err
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
				cexs[i] = report.JSONProof(proofOf(c))
			}
			err := enc.Encode(map[string]any{
				"message":         r.Message,
				"samples":         r.Samples,
				"counterexamples": cexs,
			})
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
		for _, c := range r.Counterexamples {
			fmt.Fprintln(out)
			if err := report.WriteProof(out, proofOf(c), "", ""); err != nil {
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
