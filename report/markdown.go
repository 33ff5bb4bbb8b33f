package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/protocheck/protocheck/compat"
)

// markdownLimit is the most bytes, so the most characters, that a
// markdown report holds: GitHub refuses a pull request comment of more
// than 65,536 characters, and drops a job summary of more than 1 MiB.
// A longer list of findings is cut, with counts by rule for all of them.
const markdownLimit = 65536

// cellLimit is the most bytes of one table cell: a very long message or
// path is cut rather than taking the room of many findings.
const cellLimit = 1000

// writeMarkdown writes a summary for a pull request comment or a GitHub
// Actions job summary: a headline, the counts by severity and a table of
// the findings. A clean run says so in one line, so that a reader never
// wonders whether the check ran.
func writeMarkdown(w io.Writer, findings []compat.Finding, opts Options) error {
	var errs, warns, ignored int
	for _, f := range findings {
		switch {
		case f.Ignored:
			ignored++
		case f.Severity == compat.Warning:
			warns++
		default:
			errs++
		}
	}
	var b strings.Builder
	compared := mdCompared(opts)
	if errs+warns == 0 {
		b.WriteString("### protocheck: no breaking changes\n\n")
		if compared != "" {
			b.WriteString("✅ No breaking changes in " + compared + ".\n")
		} else {
			b.WriteString("✅ No breaking changes.\n")
		}
		if ignored > 0 {
			fmt.Fprintf(&b, "\n%s ignored by `protocheck:ignore` comments.\n", plural(ignored, "finding"))
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "### protocheck: %s\n\n", plural(errs+warns, "finding"))
	failOn := "(it fails on errors only)"
	if opts.Flags {
		failOn = "(`--fail-on error`)"
	}
	switch {
	case errs == 0 && opts.WarningsPass && compared != "":
		b.WriteString("⚠️ Comparing " + compared + ": warnings only, which do not fail the check " + failOn + ".\n\n")
	case errs == 0 && opts.WarningsPass:
		b.WriteString("⚠️ Warnings only, which do not fail the check " + failOn + ".\n\n")
	case compared != "":
		b.WriteString("❌ Comparing " + compared + ".\n\n")
	}
	b.WriteString("| Severity | Count |\n| --- | ---: |\n")
	fmt.Fprintf(&b, "| error | %d |\n| warning | %d |\n", errs, warns)
	if ignored > 0 {
		fmt.Fprintf(&b, "| ignored | %d |\n", ignored)
	}
	var rows []string
	for _, f := range findings {
		if !f.Ignored {
			msg := mdText(f.Message)
			switch {
			case f.Proof != nil:
				msg += "<br>proof: " + mdText(ProofLine(f.Proof))
			case f.Unproven != "":
				msg += "<br>unproven: " + mdText(f.Unproven)
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |\n", f.Severity, mdCode(f.Rule), mdCode(spanText(f.Span)), msg))
		}
	}
	t := mdTable{
		head:    b.String(),
		columns: "| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n",
		rows:    rows,
		noun:    "finding",
		tail:    explainAdvice(opts),
		summary: func() string { return ruleCounts(findings) },
		flags:   opts.Flags,
	}
	_, err := io.WriteString(w, t.String())
	return err
}

// explainAdvice is the markdown report's last line: where to read what a
// rule protects, the explain command for the protocheck command's report
// (Options.Flags), else the rule's own documentation.
func explainAdvice(opts Options) string {
	if opts.Flags {
		return "\nRun `protocheck explain RULE` for what a rule protects and how to make the change safely.\n"
	}
	return "\nEach rule's explanation (compat.Rule.Explanation) says what it protects and how to make the change safely.\n"
}

// writeMarkdownProblems writes the compile errors that stopped the check,
// so that a job summary or comment says why there is no report.
func writeMarkdownProblems(w io.Writer, problems []problem, opts Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### protocheck: could not compile (%s)\n\n", plural(len(problems), "error"))
	if compared := mdCompared(opts); compared != "" {
		b.WriteString("❌ Comparing " + compared + ": the check did not run.\n")
	} else {
		b.WriteString("❌ The check did not run.\n")
	}
	var rows []string
	for _, p := range problems {
		rows = append(rows, fmt.Sprintf("| %s | %s |\n", mdCode(escapeControl(p.Span.String())), mdText(p.Message)))
	}
	t := mdTable{
		head:    b.String(),
		columns: "| Location | Message |\n| --- | --- |\n",
		rows:    rows,
		noun:    "error",
		tail:    "\nFix these errors and run the check again.\n",
		flags:   opts.Flags,
	}
	_, err := io.WriteString(w, t.String())
	return err
}

// mdTable is a table of a markdown report, between a head and a tail,
// that the report cuts to fit markdownLimit.
type mdTable struct {
	head, columns string
	rows          []string
	noun          string // what a row is, such as "finding"
	tail          string
	// summary, when set, returns what to show before a cut table: counts
	// of all the rows, such as by rule.
	summary func() string
	// flags says that the advice on writing every row names the command
	// line's --output (Options.Flags).
	flags bool
}

// String returns the report: every row when they fit, else the summary,
// as many rows as fit and a line saying how many more there are.
func (t mdTable) String() string {
	size := len(t.head) + 1 + len(t.columns) + len(t.tail)
	for _, r := range t.rows {
		size += len(r)
	}
	var b strings.Builder
	b.WriteString(t.head)
	if size < markdownLimit {
		b.WriteString("\n" + t.columns)
		for _, r := range t.rows {
			b.WriteString(r)
		}
		b.WriteString(t.tail)
		return b.String()
	}
	if t.summary != nil {
		b.WriteString(t.summary())
	}
	b.WriteString("\n" + t.columns)
	// The line saying how many more is longest when no row fits.
	room := markdownLimit - 1 - b.Len() - len(moreLine(len(t.rows), t.noun, t.flags)) - len(t.tail)
	shown := 0
	for _, r := range t.rows {
		if len(r) > room {
			break
		}
		b.WriteString(r)
		room -= len(r)
		shown++
	}
	b.WriteString(moreLine(len(t.rows)-shown, t.noun, t.flags))
	b.WriteString(t.tail)
	return b.String()
}

// moreLine says that n rows of noun were left out, and where to find them
// all: with the command line's --output when flags is set.
func moreLine(n int, noun string, flags bool) string {
	advice := "Write them all in another format, such as text or sarif."
	if flags {
		advice = "Write them all with `--output text=protocheck.txt` or `--output sarif=protocheck.sarif`."
	}
	return fmt.Sprintf("\n… and %s not shown: a pull request comment holds at most 65,536 characters. %s\n", plural(n, "more "+noun), advice)
}

// ruleCounts returns a table of the findings not ignored, counted by
// rule, most first.
func ruleCounts(findings []compat.Finding) string {
	counts := make(map[string]int)
	for _, f := range findings {
		if !f.Ignored {
			counts[f.Rule]++
		}
	}
	rules := make([]string, 0, len(counts))
	for r := range counts {
		rules = append(rules, r)
	}
	slices.SortFunc(rules, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	b.WriteString("\n| Rule | Count |\n| --- | ---: |\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| %s | %d |\n", mdCode(r), counts[r])
	}
	return b.String()
}

// mdCompared names the two versions compared, or returns "".
func mdCompared(opts Options) string {
	if opts.Input == "" && opts.Against == "" {
		return ""
	}
	return fmt.Sprintf("%s against %s", mdCode(orDot(opts.Input)), mdCode(opts.againstOr("?")))
}

// mdTextEscaper escapes text for a table cell: a pipe would end the cell,
// and the others would turn a message into emphasis, code, a link, HTML,
// an entity or a strike-through.
var mdTextEscaper = strings.NewReplacer(
	"|", `\|`, `\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "~", `\~`,
	"<", `\<`, ">", `\>`, "&", `\&`, "[", `\[`, "]", `\]`,
)

// mdText makes s read as itself in a table cell.
func mdText(s string) string {
	return mdTextEscaper.Replace(truncate(escapeControl(s), cellLimit))
}

// mdCode writes s as a code span in a table cell, where markup has no
// effect: the fence is longer than any run of backticks in s, and pipes,
// which end a table cell even in code, are escaped.
func mdCode(s string) string {
	s = truncate(escapeControl(s), cellLimit)
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		s = " " + s + " " // a backtick next to the fence would join it
	}
	return fence + strings.ReplaceAll(s, "|", `\|`) + fence
}

// truncate cuts s to at most n bytes, at a character boundary, marking
// the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
