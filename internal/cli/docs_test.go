package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// docFiles lists the documentation whose links TestDocsLinks checks,
// relative to the repository's root.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md", "CHANGELOG.md", "CONTRIBUTING.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("docs/ holds no .md file")
	}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// TestDocsLinks checks every relative link of the README, the changelog,
// CONTRIBUTING.md and docs/*.md: the file it names exists in the
// repository, and a #fragment names a heading of that file, as GitHub
// makes anchors of headings. Links with a scheme (https:, mailto:) are not
// followed.
func TestDocsLinks(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]map[string]bool{} // by slash path from root
	anchorsOf := func(rel string) (map[string]bool, error) {
		if a, ok := anchors[rel]; ok {
			return a, nil
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		a := headingAnchors(string(data))
		anchors[rel] = a
		return a, nil
	}

	for _, file := range docFiles(t, root) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range markdownLinks(string(data)) {
			where := fmt.Sprintf("%s:%d: link %q", file, l.line, l.target)
			if hasScheme(l.target) {
				continue
			}
			path, fragment, _ := strings.Cut(l.target, "#")
			target := file
			if path != "" {
				if strings.HasPrefix(path, "/") {
					t.Errorf("%s: an absolute path; write it relative to %s", where, file)
					continue
				}
				target = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(file), filepath.FromSlash(path))))
				if target == ".." || strings.HasPrefix(target, "../") {
					t.Errorf("%s: leaves the repository", where)
					continue
				}
				info, err := os.Stat(filepath.Join(root, filepath.FromSlash(target)))
				if err != nil {
					t.Errorf("%s: %s does not exist", where, target)
					continue
				}
				if info.IsDir() {
					if fragment != "" {
						t.Errorf("%s: a fragment on a directory", where)
					}
					continue
				}
			}
			if fragment == "" {
				continue
			}
			if !strings.HasSuffix(target, ".md") {
				t.Errorf("%s: a fragment on %s, which has no headings", where, target)
				continue
			}
			a, err := anchorsOf(target)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if !a[fragment] {
				t.Errorf("%s: %s has no heading with the anchor #%s", where, target, fragment)
			}
		}
	}
}

// TestHeadingAnchor holds headingAnchors to the anchors GitHub makes.
func TestHeadingAnchor(t *testing.T) {
	doc := "# protocheck\n" +
		"## Proof with bytes: `--prove` and `protocheck prove`\n" +
		"## What protocheck finds that buf does not, and what it does not report\n" +
		"### FIELD_NO_DELETE\n" +
		"## Migrating from `buf breaking`\n" +
		"```yaml\n# .pre-commit-config.yaml\n```\n" +
		"## Notes\n## Notes\n" +
		"## [Linked](x.md) *words* ##\n"
	want := []string{
		"protocheck",
		"proof-with-bytes---prove-and-protocheck-prove",
		"what-protocheck-finds-that-buf-does-not-and-what-it-does-not-report",
		"field_no_delete",
		"migrating-from-buf-breaking",
		"notes", "notes-1",
		"linked-words",
	}
	got := headingAnchors(doc)
	for _, w := range want {
		if !got[w] {
			t.Errorf("no anchor %q in %v", w, got)
		}
	}
	if got["pre-commit-configyaml"] {
		t.Error("a comment in a code block was taken for a heading")
	}
	if len(got) != len(want) {
		t.Errorf("got %d anchors %v, want %d", len(got), got, len(want))
	}
}

var (
	headingLine = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fenceLine   = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	inlineLink  = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refLinkDef  = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$`)
	codeSpan    = regexp.MustCompile("`+[^`]*`+")
	linkMarkup  = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlAnchor  = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)
	schemeStart = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

type docLink struct {
	line   int
	target string
}

// markdownLinks returns the targets of the inline links and link reference
// definitions of a Markdown text, outside code blocks and code spans.
func markdownLinks(text string) []docLink {
	var links []docLink
	forEachProseLine(text, func(n int, line string) {
		if m := refLinkDef.FindStringSubmatch(line); m != nil {
			links = append(links, docLink{n, m[1]})
			return
		}
		line = codeSpan.ReplaceAllString(line, "``")
		for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
			links = append(links, docLink{n, m[1]})
		}
	})
	return links
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown text (and those of <a name> and <a id> tags): the heading's
// text lowercased, without punctuation other than '-' and '_', spaces
// turned into '-', and "-1", "-2" after the second and later uses of one.
func headingAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	forEachProseLine(text, func(_ int, line string) {
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			anchors[m[1]] = true
		}
		m := headingLine.FindStringSubmatch(line)
		if m == nil {
			return
		}
		a := anchor(m[2])
		if n := seen[a]; n > 0 {
			seen[a]++
			a = fmt.Sprintf("%s-%d", a, n)
		} else {
			seen[a] = 1
		}
		anchors[a] = true
	})
	return anchors
}

// anchor turns a heading's Markdown text into GitHub's anchor for it.
func anchor(heading string) string {
	text := linkMarkup.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// forEachProseLine calls f with each line (numbered from 1) that is not
// inside a fenced code block.
func forEachProseLine(text string, f func(n int, line string)) {
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		if m := fenceLine.FindStringSubmatch(line); m != nil {
			switch {
			case fence == "":
				fence = m[1]
				continue
			case m[1][0] == fence[0] && len(m[1]) >= len(fence) && strings.TrimSpace(line) == m[1]:
				fence = ""
				continue
			}
		}
		if fence == "" {
			f(i+1, line)
		}
	}
}

func hasScheme(target string) bool {
	return schemeStart.MatchString(target)
}
