package compat_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// loadIgnoreTree writes files into a fresh directory and compiles them.
func loadIgnoreTree(t *testing.T, files map[string]string) *schema.Schema {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := (&loader.Loader{}).Load(context.Background(), loader.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	return &schema.Schema{Files: s.Files, Paths: s.Paths}
}

// ignoreSummary renders findings with their ignore marks, one per line. It
// leaves out messages, which belong to the rules' own tests.
func ignoreSummary(fs []compat.Finding) []string {
	var out []string
	for _, f := range fs {
		s := fmt.Sprintf("%s %s", f.Span, f.Rule)
		if f.Ignored {
			s += fmt.Sprintf(" ignored: %s", f.IgnoreWhy)
		}
		out = append(out, s)
	}
	return out
}

// userProto is a file with a message of two fields, the second of which
// the new versions delete.
func userProto(pkg, comment string, withEmail bool) string {
	email := ""
	if withEmail {
		email = "  string email = 2;\n"
	}
	return fmt.Sprintf("syntax = \"proto3\";\npackage %s;\n\n%smessage User {\n  string id = 1;\n%s}\n", pkg, comment, email)
}

func TestIgnorePaths(t *testing.T) {
	old := loadIgnoreTree(t, map[string]string{
		"a/user.proto":        userProto("a.v1", "", true),
		"legacy/user.proto":   userProto("legacy.v1", "", true),
		"legacy/x/user.proto": userProto("legacy.x.v1", "", true),
	})
	new := loadIgnoreTree(t, map[string]string{
		"a/user.proto":        userProto("a.v1", "", false),
		"legacy/user.proto":   userProto("legacy.v1", "", false),
		"legacy/x/user.proto": userProto("legacy.x.v1", "", false),
	})
	all := []string{
		`a/user.proto:4:1 FIELD_NO_DELETE`,
		`legacy/user.proto:4:1 FIELD_NO_DELETE`,
		`legacy/x/user.proto:4:1 FIELD_NO_DELETE`,
	}
	tests := []struct {
		name string
		cfg  compat.Config
		want []string
	}{
		{"none", compat.Config{}, all},
		{"directory", compat.Config{Ignore: []string{"legacy"}}, all[:1]},
		{"directory with slash", compat.Config{Ignore: []string{"./legacy/"}}, all[:1]},
		{"file", compat.Config{Ignore: []string{"legacy/user.proto"}}, []string{all[0], all[2]}},
		{"prefix is not a directory", compat.Config{Ignore: []string{"leg"}}, all},
		{"root", compat.Config{Ignore: []string{"."}}, nil},
		{"only rule", compat.Config{IgnoreOnly: map[string][]string{"FIELD_NO_DELETE": {"legacy/x"}}}, all[:2]},
		{"only category", compat.Config{IgnoreOnly: map[string][]string{"PACKAGE": {"a"}}}, all[1:]},
		{"only other rule", compat.Config{IgnoreOnly: map[string][]string{"FIELD_SAME_TYPE": {"a"}}}, all},
		{"only deprecated id", compat.Config{IgnoreOnly: map[string][]string{"FIELD_SAME_LABEL": {"a"}}}, all},
		{"waiver", compat.Config{Waivers: []compat.Waiver{{Rule: "FIELD_NO_DELETE", Path: "legacy/x", Reason: "never shipped"}}},
			[]string{all[0], all[1], all[2] + " ignored: never shipped"}},
		{"waiver of every rule", compat.Config{Waivers: []compat.Waiver{{Path: "a", Reason: "internal"}}},
			[]string{all[0] + " ignored: internal", all[1], all[2]}},
		{"waiver everywhere", compat.Config{Waivers: []compat.Waiver{{Rule: "FILE", Reason: "pre-release"}}},
			[]string{all[0] + " ignored: pre-release", all[1] + " ignored: pre-release", all[2] + " ignored: pre-release"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Use = []string{"FIELD_NO_DELETE"}
			got, err := compat.Check(context.Background(), old, new, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ignoreSummary(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIgnoreErrors(t *testing.T) {
	s := loadIgnoreTree(t, map[string]string{"a.proto": userProto("a", "", true)})
	tests := []struct {
		cfg  compat.Config
		want string
	}{
		{compat.Config{Ignore: []string{"../x"}}, `ignore: path "../x" leaves the root`},
		{compat.Config{Ignore: []string{"/etc"}}, `ignore: path "/etc" leaves the root`},
		{compat.Config{IgnoreOnly: map[string][]string{"NO_SUCH_RULE": {"a"}}}, `ignore_only: unknown rule or category "NO_SUCH_RULE"`},
		{compat.Config{Waivers: []compat.Waiver{{Rule: "FIELD_NO_DELETE"}}}, `waiver of "FIELD_NO_DELETE" at "": no reason given`},
		{compat.Config{Waivers: []compat.Waiver{{Rule: "NOPE", Reason: "r"}}}, `waiver: unknown rule or category "NOPE"`},
	}
	for _, tt := range tests {
		_, err := compat.Check(context.Background(), s, s, tt.cfg)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Check(%+v) error = %v, want %s", tt.cfg, err, tt.want)
		}
	}
}

func TestIgnoreUnstablePackages(t *testing.T) {
	old := loadIgnoreTree(t, map[string]string{
		"alpha.proto":  userProto("acme.v1alpha1", "", true),
		"stable.proto": userProto("acme.v1", "", true),
		"gone.proto":   userProto("gone.v2beta", "", true),
	})
	new := loadIgnoreTree(t, map[string]string{
		"alpha.proto":  userProto("acme.v1alpha1", "", false),
		"stable.proto": userProto("acme.v1", "", false),
	})
	cfg := compat.Config{Use: []string{"FIELD_NO_DELETE", "FILE_NO_DELETE"}}
	got, err := compat.Check(context.Background(), old, new, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 3 {
		t.Fatalf("without the option, want findings in all three files, got %q", ignoreSummary(got))
	}
	cfg.IgnoreUnstablePackages = true
	got, err = compat.Check(context.Background(), old, new, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`stable.proto:4:1 FIELD_NO_DELETE`}
	if diff := cmp.Diff(want, ignoreSummary(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestUnstablePackage(t *testing.T) {
	tests := map[string]bool{
		"foo.v1alpha1":    true,
		"foo.v1alpha":     true,
		"foo.v1beta":      true,
		"foo.v2beta3":     true,
		"foo.v1p1alpha1":  true,
		"foo.v1test":      true,
		"foo.v1testbar":   true,
		"a.b.c.v10beta2":  true,
		"foo.v1":          false,
		"foo.v2":          false,
		"foo":             false,
		"v1alpha1":        false, // one component
		"":                false,
		"foo.v0alpha1":    false, // no version 0
		"foo.v0test":      false,
		"foo.valpha1":     false,
		"foo.v1alpha0":    false,
		"foo.v1alphabeta": false,
		"foo.v1p0alpha1":  false,
		"foo.v1pbeta":     false,
		"foo.alpha":       false,
		"foo.beta1":       false,
		"foo.v1alpha1x":   false,
		"foo.vtest":       false,
		"foo.v1.alpha":    false,
	}
	for pkg, want := range tests {
		if got := compat.UnstablePackage(pkg); got != want {
			t.Errorf("UnstablePackage(%q) = %v, want %v", pkg, got, want)
		}
	}
}

func TestIgnoreComments(t *testing.T) {
	const oldFile = `syntax = "proto3";
package acme.v1;

message User {
  string id = 1;
  string email = 2;
  int32 age = 3;
}

message Gone {}
`
	tests := []struct {
		name string
		new  string
		want []string
	}{{
		name: "none",
		new: `syntax = "proto3";
package acme.v1;

message User {
  string id = 1;
  int64 age = 3;
}
`,
		want: []string{
			`user.proto:1:1 MESSAGE_NO_DELETE`,
			`user.proto:4:1 FIELD_NO_DELETE`,
			`user.proto:6:3 FIELD_SAME_TYPE`,
		},
	}, {
		name: "leading on message covers its fields",
		new: `syntax = "proto3";
package acme.v1;

// Users of the directory.
// protocheck:ignore FIELD_NO_DELETE email moved to Contact before release
message User {
  string id = 1;
  int64 age = 3;
}
`,
		want: []string{
			`user.proto:1:1 MESSAGE_NO_DELETE`,
			`user.proto:6:1 FIELD_NO_DELETE ignored: email moved to Contact before release`,
			`user.proto:8:3 FIELD_SAME_TYPE`,
		},
	}, {
		name: "trailing on field, by category",
		new: `syntax = "proto3";
package acme.v1;

message User {
  string id = 1;
  int64 age = 3; // protocheck:ignore FILE no client reads age yet
}
`,
		want: []string{
			`user.proto:1:1 MESSAGE_NO_DELETE`,
			`user.proto:4:1 FIELD_NO_DELETE`,
			`user.proto:6:3 FIELD_SAME_TYPE ignored: no client reads age yet`,
		},
	}, {
		name: "on the package statement covers the file",
		new: `syntax = "proto3";
/* protocheck:ignore MESSAGE_NO_DELETE Gone was a test fixture */
package acme.v1;

message User {
  string id = 1;
  int64 age = 3;
}
`,
		want: []string{
			`user.proto:1:1 MESSAGE_NO_DELETE ignored: Gone was a test fixture`,
			`user.proto:5:1 FIELD_NO_DELETE`,
			`user.proto:7:3 FIELD_SAME_TYPE`,
		},
	}, {
		name: "another rule or element is not covered",
		new: `syntax = "proto3";
package acme.v1;

message User {
  // protocheck:ignore FIELD_NO_DELETE the wrong element
  string id = 1;
  int64 age = 3; // protocheck:ignore FIELD_NO_DELETE the wrong rule
}
`,
		want: []string{
			`user.proto:1:1 MESSAGE_NO_DELETE`,
			`user.proto:4:1 FIELD_NO_DELETE`,
			`user.proto:7:3 FIELD_SAME_TYPE`,
		},
	}}
	old := loadIgnoreTree(t, map[string]string{"user.proto": oldFile})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			new := loadIgnoreTree(t, map[string]string{"user.proto": tt.new})
			got, err := compat.Check(context.Background(), old, new, compat.Config{Use: []string{"MESSAGE_NO_DELETE", "FIELD_NO_DELETE", "FIELD_SAME_TYPE"}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ignoreSummary(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIgnoreCommentProblems(t *testing.T) {
	const file = `syntax = "proto3";
package acme.v1;

// protocheck:ignore FIELD_NO_DELETE
message User {
  string id = 1; // protocheck:ignore NO_SUCH_RULE because
  // protocheck:ignore
  string email = 2;
  // protocheck:ignoreFIELD_SAME_TYPE glued
  int32 age = 3;
}
`
	s := loadIgnoreTree(t, map[string]string{"user.proto": file})
	_, err := compat.Check(context.Background(), s, s, compat.Config{})
	var ie source.ErrorList
	if !errors.As(err, &ie) {
		t.Fatalf("Check error = %v, want a source.ErrorList", err)
	}
	want := []string{
		`user.proto:5:1: protocheck:ignore FIELD_NO_DELETE needs a reason after the rule id: say why the change is safe`,
		`user.proto:6:3: protocheck:ignore: unknown rule or category "NO_SUCH_RULE"`,
		`user.proto:8:3: protocheck:ignore needs a rule id and a reason`,
		`user.proto:10:3: protocheck:ignore must be followed by a space, a rule id and a reason`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("error lines (-want +got):\n%s", diff)
	}
}

func TestDeprecatedIDs(t *testing.T) {
	for id, want := range map[string][]string{
		"FIELD_SAME_LABEL":               {"FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"},
		"FIELD_SAME_CTYPE":               {"FIELD_SAME_CPP_STRING_TYPE"},
		"FILE_SAME_PHP_GENERIC_SERVICES": {},
	} {
		got, ok := compat.Replacements(id)
		if !ok {
			t.Errorf("Replacements(%q) says not deprecated", id)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Replacements(%q) (-want +got):\n%s", id, diff)
		}
		if _, err := (compat.Config{Use: []string{id}, Except: []string{id}}).Select(); err != nil {
			t.Errorf("Select with deprecated %s: %v", id, err)
		}
	}
	if _, ok := compat.Replacements("FIELD_NO_DELETE"); ok {
		t.Errorf("Replacements says a rule in the catalogue is deprecated")
	}
	// A retired check selects nothing, rather than falling back to FILE.
	rules, err := compat.Config{Use: []string{"FILE_SAME_PHP_GENERIC_SERVICES"}}.Select()
	if err != nil || len(rules) != 0 {
		t.Errorf("Select(FILE_SAME_PHP_GENERIC_SERVICES) = %d rules, %v; want none", len(rules), err)
	}
}
