package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/protocheck/protocheck/compat"
)

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
	compared := ""
	if opts.Input != "" || opts.Against != "" {
		compared = fmt.Sprintf("`%s` against `%s`", mdCode(orDot(opts.Input)), mdCode(opts.againstOr("?")))
	}
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
	if compared != "" {
		b.WriteString("❌ Comparing " + compared + ".\n\n")
	}
	b.WriteString("| Severity | Count |\n| --- | ---: |\n")
	fmt.Fprintf(&b, "| error | %d |\n| warning | %d |\n", errs, warns)
	if ignored > 0 {
		fmt.Fprintf(&b, "| ignored | %d |\n", ignored)
	}
	b.WriteString("\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n")
	for _, f := range findings {
		if f.Ignored {
			continue
		}
		fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s |\n", f.Severity, mdCode(f.Rule), mdCode(spanText(f.Span, opts)), mdText(f.Message))
	}
	b.WriteString("\nRun `protocheck explain RULE` for what a rule protects and how to make the change safely.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mdText escapes text for a table cell: pipes end cells, newlines rows, and
// markup characters would change how messages read.
var mdTextEscaper = strings.NewReplacer(
	"|", `\|`, "\r", " ", "\n", " ",
	`\`, `\\`, "`", "\\`", "*", `\*`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`,
)

func mdText(s string) string { return mdTextEscaper.Replace(s) }

// mdCode makes s safe inside a code span in a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ", "\r", " ").Replace(s)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
