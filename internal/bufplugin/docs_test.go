package bufplugin_test

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/internal/bufplugin"
)

var update = flag.Bool("update", false, "rewrite the rule table of docs/buf-plugin.md")

var rulesSection = regexp.MustCompile(`(?s)(<!-- rules:[^\n]*-->\n).*?(<!-- /rules -->)`)

// TestDocsPage holds the rule table of docs/buf-plugin.md to the plugin's
// rule list: -update rewrites it.
func TestDocsPage(t *testing.T) {
	const path = "../../docs/buf-plugin.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := rulesSection.FindSubmatchIndex(data)
	if m == nil {
		t.Fatalf("%s has no <!-- rules: --> ... <!-- /rules --> section", path)
	}
	got := string(data[m[3]:m[4]])
	want := rulesTable()
	if *update {
		out := string(data[:m[3]]) + want + string(data[m[4]:])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: the rule table is stale (go test ./internal/bufplugin -run TestDocsPage -update) (-want +got):\n%s", path, diff)
	}
}

// rulesTable renders the served rules as the docs page lists them.
func rulesTable() string {
	var b strings.Builder
	b.WriteString("\n| rule | categories | default | what it checks | buf v1.75 without the plugin |\n| --- | --- | --- | --- | --- |\n")
	for _, s := range bufplugin.Rules() {
		cats := make([]string, len(s.Rule.Categories))
		for i, c := range s.Rule.Categories {
			cats[i] = bufplugin.Prefix + string(c)
		}
		def := ""
		if s.Rule.In(compat.File) {
			def = "*"
		}
		fmt.Fprintf(&b, "| `%s%s` | %s | %s | %s | %s |\n", bufplugin.Prefix, s.Rule.ID, strings.Join(cats, ", "), def, s.Rule.Summary(), s.Buf)
	}
	b.WriteString("\n")
	return b.String()
}
