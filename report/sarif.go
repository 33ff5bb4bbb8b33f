package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/protocheck/protocheck/compat"
)

// informationURI is where SARIF viewers send people who ask about the tool.
const informationURI = "https://github.com/protocheck/protocheck"

// fingerprintKey names protocheck's fingerprint in SARIF partialFingerprints.
// The "/v1" lets the recipe change without matching old results wrongly.
const fingerprintKey = "protocheck/v1"

// writeSARIF writes a SARIF 2.1.0 log with one run, the form GitHub code
// scanning uploads. Rules carry their documentation so that the alert page
// explains itself; ignored findings stay in the log as suppressed results,
// which code scanning shows as dismissed rather than dropping.
func writeSARIF(w io.Writer, findings []compat.Finding, opts Options) error {
	log, run, err := newSARIFRun(opts)
	if err != nil {
		return err
	}
	all := len(findings)
	fps := fingerprints(findings, opts) // of every finding, so that a cut changes none
	keep := sarifKeep(findings, opts)
	findings = pick(findings, keep)
	fps = pick(fps, keep)
	if left := all - len(findings); left > 0 {
		run.AddInvocations(sarif.NewInvocation().WithExecutionSuccess(true).
			WithToolExecutionNotifications([]*sarif.Notification{sarif.NewNotification().
				WithLevel("warning").
				WithTextMessage(fmt.Sprintf("%d of %d findings are left out: a run holds at most %d results (GitHub code scanning refuses more); the other reports hold all of them", left, all, opts.SARIFLimit))}))
	}
	for _, id := range ruleIDs(findings) {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(id))
	}
	for i, f := range findings {
		res := sarif.NewRuleResult(f.Rule).
			WithLevel(f.Severity.String()).
			WithMessage(sarif.NewTextMessage(withProof(f))).
			WithLocations([]*sarif.Location{sarifLocation(f.Span.Path, f.Span)})
		res.WithPartialFingerPrints(map[string]any{fingerprintKey: fps[i]})
		if f.OldSpan.Path != "" {
			// The element as it was: its path and line in the version
			// compared against, which may be another file and another
			// revision of the repository.
			old := sarifLocation(f.OldSpan.Path, f.OldSpan)
			old.Message = sarif.NewTextMessage("in the old version (" + opts.againstOr("the old version") + ")")
			res.AddRelatedLocation(old.WithId(1))
		}
		if f.Ignored {
			why := f.IgnoreWhy
			if why == "" {
				why = "ignored by a protocheck:ignore comment"
			}
			res.AddSuppression(&sarif.Suppression{
				Kind:          "inSource",
				Status:        ptr("accepted"),
				Location:      sarifLocation(f.Span.Path, f.Span),
				Guid:          ptr(uuidOf(fps[i])),
				Justification: ptr(why),
			})
		}
		props := sarif.NewPropertyBag()
		props.Add("categories", categoryNames(f.Categories))
		props.Add("direction", f.Direction.String())
		if f.Proof != nil {
			// The whole proof, bytes and wire form included, for tools
			// that read the log rather than show it.
			props.Add("proof", jsonProofOf(f.Proof))
		}
		res.AttachPropertyBag(props)
		run.AddResult(res)
	}
	return writeSARIFLog(w, log)
}

// sarifKeep returns the indexes, in order, of the findings that fit in
// opts.SARIFLimit: errors before warnings before ignored findings, each in
// the order given.
func sarifKeep(findings []compat.Finding, opts Options) []int {
	n := SARIFKept(findings, opts)
	rank := func(f compat.Finding) int {
		switch {
		case f.Ignored:
			return 2
		case f.Severity == compat.Warning:
			return 1
		}
		return 0
	}
	idx := make([]int, len(findings))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return rank(findings[a]) - rank(findings[b]) })
	idx = idx[:n]
	slices.Sort(idx)
	return idx
}

// pick returns the elements of xs at the indexes idx.
func pick[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// newSARIFRun starts a log with one run of protocheck.
func newSARIFRun(opts Options) (*sarif.Report, *sarif.Run, error) {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, nil, err
	}
	driver := sarif.NewDriver("protocheck")
	driver.InformationURI = ptr(informationURI)
	if opts.Version != "" {
		driver.Version = ptr(opts.Version)
	}
	run := sarif.NewRun(sarif.Tool{Driver: driver})
	run.ColumnKind = "unicodeCodePoints"
	log.AddRun(run)
	return log, run, nil
}

func writeSARIFLog(w io.Writer, log *sarif.Report) error {
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeSARIFProblems writes compile errors as results of a COMPILE rule,
// which code scanning shows as alerts on the lines at fault, and records
// in the run's invocation that it did not succeed: the log holds no
// findings because the check could not run, not because there were none.
func writeSARIFProblems(w io.Writer, problems []problem, opts Options) error {
	log, run, err := newSARIFRun(opts)
	if err != nil {
		return err
	}
	rule := sarif.NewRule(problemType).WithName("Compile")
	rule.ShortDescription = sarif.NewMultiformatMessageString("the schema compiles")
	help := "protocheck compiles both versions before comparing them. A file that does not compile stops the check (exit status 2): fix the error at this position."
	rule.Help = sarif.NewMultiformatMessageString(help).WithMarkdown(help)
	rule.DefaultConfiguration = sarif.NewReportingConfiguration().WithLevel("error")
	run.Tool.Driver.Rules = []*sarif.ReportingDescriptor{rule}
	inv := sarif.NewInvocation().WithExecutionSuccess(false).WithExitCode(2)
	fps := problemFingerprints(problems)
	for i, p := range problems {
		loc := sarifLocation(p.Span.Path, p.Span)
		res := sarif.NewRuleResult(problemType).
			WithLevel("error").
			WithMessage(sarif.NewTextMessage(p.Message)).
			WithLocations([]*sarif.Location{loc})
		res.WithPartialFingerPrints(map[string]any{fingerprintKey: fps[i]})
		run.AddResult(res)
		inv.AddTToolExecutionNotification(sarif.NewNotification().
			WithLevel("error").
			WithTextMessage(p.Message).
			WithLocations([]*sarif.Location{loc}))
	}
	run.AddInvocations(inv)
	return writeSARIFLog(w, log)
}

// sarifRule describes a rule from its catalogue entry. A finding whose rule
// is not in the catalogue (a test's, or a future version's) still gets a
// descriptor, as SARIF requires one per ruleId.
func sarifRule(id string) *sarif.ReportingDescriptor {
	d := sarif.NewRule(id)
	r := lookupRule(id)
	if r == nil {
		d.ShortDescription = sarif.NewMultiformatMessageString(id)
		return d
	}
	d.WithName(ruleName(id))
	d.ShortDescription = sarif.NewMultiformatMessageString(r.Summary())
	help := r.Summary()
	if ex := r.Explanation(); ex != "" {
		help += "\n\n" + ex
		d.FullDescription = sarif.NewMultiformatMessageString(ex)
	}
	d.Help = sarif.NewMultiformatMessageString(help).WithMarkdown(help)
	d.DefaultConfiguration = sarif.NewReportingConfiguration().WithLevel(r.Severity.String())
	d.Properties = sarif.Properties{
		"tags":      append([]string{"protobuf", "compatibility"}, categoryNames(r.Categories)...),
		"direction": r.Direction.String(),
	}
	return d
}

// ruleName turns FIELD_NO_DELETE into FieldNoDelete, the form SARIF
// suggests for reportingDescriptor.name.
func ruleName(id string) string {
	var b strings.Builder
	for word := range strings.SplitSeq(strings.ToLower(id), "_") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// sarifLocation locates span s in the file at path. A span without a line
// (a whole file, such as one deleted) points at the file's first line:
// GitHub code scanning shows only results whose region has a startLine.
func sarifLocation(path string, s compat.Span) *sarif.Location {
	phys := sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(uriOf(path)))
	if s.StartLine <= 0 {
		return sarif.NewLocationWithPhysicalLocation(phys.WithRegion(sarif.NewRegion().WithStartLine(1)))
	}
	reg := sarif.NewRegion().WithStartLine(s.StartLine)
	if s.StartCol > 0 {
		reg.WithStartColumn(s.StartCol)
	}
	if s.EndLine >= s.StartLine {
		reg.WithEndLine(s.EndLine)
		if s.EndCol > 0 && (s.EndLine > s.StartLine || s.EndCol > s.StartCol) {
			reg.WithEndColumn(s.EndCol) // both exclusive: no conversion
		}
	}
	return sarif.NewLocationWithPhysicalLocation(phys.WithRegion(reg))
}

// uriOf writes a slash-separated relative path as a URI reference
// (RFC 3986), which artifactLocation.uri must be: each byte that may not
// stand for itself in a path (a space, '%', '#', '?', any byte of a
// non-ASCII character) is percent-encoded, and so is ':', which in a
// first segment would read as a scheme. Consumers decode it back to the
// file's name.
func uriOf(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if uriKeeps(c) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// uriKeeps reports whether c stands for itself in a URI path: unreserved
// characters, sub-delimiters, '@' and the separator '/'.
func uriKeeps(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0
}

// ruleIDs returns the distinct rule ids of findings, sorted.
func ruleIDs(findings []compat.Finding) []string {
	var ids []string
	for _, f := range findings {
		ids = append(ids, f.Rule)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func categoryNames(cs []compat.Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// fingerprints returns a stable identity for each finding: a hash of its
// rule, path and message, and of how many equal findings came before it.
// Line numbers are left out so that an edit above a finding does not make
// code review systems see a new problem.
func fingerprints(findings []compat.Finding, opts Options) []string {
	out := make([]string, len(findings))
	seen := make(map[string]int)
	for i, f := range findings {
		key := f.Span.Path + "\x00" + f.Message
		same := f.Rule + "\x00" + key
		out[i] = fingerprint(f.Rule, key, seen[same])
		seen[same]++
	}
	return out
}

// problemFingerprints is fingerprints for problems.
func problemFingerprints(problems []problem) []string {
	out := make([]string, len(problems))
	seen := make(map[string]int)
	for i, p := range problems {
		key := p.Span.Path + "\x00" + p.Message
		out[i] = fingerprint(problemType, key, seen[key])
		seen[key]++
	}
	return out
}

// fingerprint hashes a rule, what identifies its finding (path and
// message) and how many equal findings came before it.
func fingerprint(rule, key string, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", rule, key, n))
	return hex.EncodeToString(sum[:16])
}

// uuidOf formats 32 hex digits as a UUID (version 5, name-based), which SARIF
// wants for suppression guids.
func uuidOf(hex32 string) string {
	b := []byte(hex32)
	b[12] = '5'
	b[16] = "89ab"[strings.IndexByte("0123456789abcdef", b[16])%4]
	s := string(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// againstOr returns Against, or def when it is empty.
func (o Options) againstOr(def string) string {
	if o.Against == "" {
		return def
	}
	return o.Against
}

func ptr[T any](v T) *T { return &v }
