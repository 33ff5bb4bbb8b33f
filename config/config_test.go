package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/config"
)

var ignoreEmpty = cmpopts.EquateEmpty()

func parse(t *testing.T, name, data string) *config.File {
	t.Helper()
	f, err := config.Parse(name, []byte(data))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func TestBufV1Beta1(t *testing.T) {
	f := parse(t, "buf.yaml", `
build:
  roots:
    - proto
    - vendor
  excludes:
    - proto/gen
breaking:
  use: [WIRE_JSON]
  except: [FIELD_SAME_NAME]
  ignore: [legacy]
  ignore_only:
    FIELD_NO_DELETE: [a/b.proto]
  ignore_unstable_packages: true
`)
	cfg := compat.Config{
		Use:                    []string{"WIRE_JSON"},
		Except:                 []string{"FIELD_SAME_NAME"},
		Ignore:                 []string{"legacy"},
		IgnoreOnly:             map[string][]string{"FIELD_NO_DELETE": {"a/b.proto"}},
		IgnoreUnstablePackages: true,
	}
	want := &config.File{
		Path: "buf.yaml", Format: config.Buf, Version: "v1beta1",
		Modules: []config.Module{{Root: "proto", Config: cfg, Excludes: []string{"gen"}}, {Root: "vendor", Config: cfg}},
	}
	if diff := cmp.Diff(want, f, ignoreEmpty); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBufV1(t *testing.T) {
	f := parse(t, "buf.yaml", `version: v1
name: buf.build/acme/api
deps: [buf.build/googleapis/googleapis]
build:
  excludes: [third_party]
lint:
  use: [DEFAULT]
  allow_comment_ignores: true
breaking:
  use:
    - PACKAGE
  except:
    - FIELD_SAME_JSON_NAME
  ignore:
    - acme/legacy/
    - acme/old.proto
  ignore_only:
    PACKAGE:
      - acme/internal
  ignore_unstable_packages: false
`)
	want := &config.File{
		Path: "buf.yaml", Format: config.Buf, Version: "v1",
		Deps: []string{"buf.build/googleapis/googleapis"},
		Modules: []config.Module{{Root: ".", Config: compat.Config{
			Use:        []string{"PACKAGE"},
			Except:     []string{"FIELD_SAME_JSON_NAME"},
			Ignore:     []string{"acme/legacy", "acme/old.proto"},
			IgnoreOnly: map[string][]string{"PACKAGE": {"acme/internal"}},
		}, Excludes: []string{"third_party"}}},
	}
	if diff := cmp.Diff(want, f, ignoreEmpty); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBufV2(t *testing.T) {
	f := parse(t, "buf.yaml", `version: v2
modules:
  - path: proto
    excludes: [proto/gen]
  - path: vendor/acme
    name: buf.build/acme/vendor
    breaking:
      use: [WIRE]
      ignore: [vendor/acme/old]
breaking:
  use: [FILE]
  ignore:
    - proto/legacy
    - vendor/acme/skipped
    - docs
  ignore_only:
    FIELD_NO_DELETE: [proto/a.proto, vendor/acme/b.proto]
  ignore_unstable_packages: true
plugins:
  - plugin: buf-plugin-foo
`)
	want := &config.File{
		Path: "buf.yaml", Format: config.Buf, Version: "v2",
		Modules: []config.Module{{
			Root: "proto",
			Config: compat.Config{
				Use:                    []string{"FILE"},
				Ignore:                 []string{"legacy"},
				IgnoreOnly:             map[string][]string{"FIELD_NO_DELETE": {"a.proto"}},
				IgnoreUnstablePackages: true,
			},
			Excludes: []string{"gen"},
		}, {
			Root:   "vendor/acme",
			Config: compat.Config{Use: []string{"WIRE"}, Ignore: []string{"old"}},
		}},
	}
	if diff := cmp.Diff(want, f, ignoreEmpty); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBufV2Defaults(t *testing.T) {
	f := parse(t, "buf.yml", "version: v2\n")
	want := &config.File{Path: "buf.yml", Format: config.Buf, Version: "v2", Modules: []config.Module{{Root: "."}}}
	if diff := cmp.Diff(want, f, ignoreEmpty); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// An empty buf.yaml is v1beta1 with every default, as buf reads it.
	f = parse(t, "buf.yaml", "")
	want = &config.File{Path: "buf.yaml", Format: config.Buf, Version: "v1beta1", Modules: []config.Module{{Root: "."}}}
	if diff := cmp.Diff(want, f, ignoreEmpty); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestProtocheckYAML(t *testing.T) {
	f := parse(t, "protocheck.yaml", `version: v1
roots: [proto]
use: [FILE]
except: [FIELD_SAME_NAME]
ignore:
  - gen/
  - rule: FIELD_NO_DELETE
    path: legacy/
    reason: "legacy clients were retired in 2023"
  - {rule: PACKAGE, reason: pre-release}
  - path: acme/v1/user.proto
    reason: only tests read it
ignore_only:
  FIELD_SAME_TYPE: [internal]
ignore_unstable_packages: true
direction: backward
fail_on: error
`)
	sev := compat.Error
	want := &config.File{
		Path: "protocheck.yaml", Format: config.Protocheck, Version: "v1",
		Direction: compat.Backward,
		FailOn:    &sev,
		Modules: []config.Module{{Root: "proto", Config: compat.Config{
			Use:                    []string{"FILE"},
			Except:                 []string{"FIELD_SAME_NAME"},
			Ignore:                 []string{"gen"},
			IgnoreOnly:             map[string][]string{"FIELD_SAME_TYPE": {"internal"}},
			IgnoreUnstablePackages: true,
			Direction:              compat.Backward,
			Waivers: []compat.Waiver{
				{Rule: "FIELD_NO_DELETE", Path: "legacy", Reason: "legacy clients were retired in 2023"},
				{Rule: "PACKAGE", Reason: "pre-release"},
				{Path: "acme/v1/user.proto", Reason: "only tests read it"},
			},
		}}},
	}
	if diff := cmp.Diff(want, f, ignoreEmpty); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"buf.yaml", "version: v1\nbreaking:\n  use: [FILE]\n  ignroe: [a]\n",
			[]string{`buf.yaml:4:3: unknown key "ignroe" in breaking (want use, except, ignore, ignore_only, ignore_unstable_packages, disable_builtin)`}},
		{"buf.yaml", "version: v1\nbreakin:\n  use: [FILE]\n",
			[]string{`buf.yaml:2:1: unknown key "breakin" in the file (want version, name, deps, build, lint, breaking)`}},
		{"buf.yaml", "version: v1\nbreaking:\n  use: FILE\n",
			[]string{`buf.yaml:3:8: breaking.use: want a list, got a string`}},
		{"buf.yaml", "version: v2\nbreaking:\n  ignore_unstable_packages: yes please\n",
			[]string{`buf.yaml:3:29: breaking.ignore_unstable_packages: want true or false, got a string`}},
		{"buf.yaml", "version: v2\nmodules:\n  - path: proto\n    breaking:\n      ignore: [vendor/x]\n",
			[]string{`buf.yaml:5:16: modules[0].breaking.ignore: path "vendor/x" is not within module "proto"`}},
		{"buf.yaml", "version: v3\n",
			[]string{`buf.yaml:1:10: version: unknown buf.yaml version "v3" (want v1beta1, v1 or v2)`}},
		{"buf.yaml", "version: v1\nbuild:\n  roots: [proto]\n",
			[]string{`buf.yaml:3:3: build.roots: only version v1beta1 has roots; in v1 the directory of buf.yaml is the root`}},
		{"buf.yaml", "version: v1\nbreaking:\n  use: [FILE, NO_SUCH_RULE]\n  ignore: [../up]\n",
			[]string{
				`buf.yaml:3:15: breaking.use: unknown rule or category "NO_SUCH_RULE" (see 'protocheck rules')`,
				`buf.yaml:4:12: breaking.ignore: path "../up" must be relative and stay within the directory of the file`,
			}},
		{"buf.yaml", "version: v1\nbreaking: [use]\n",
			[]string{`buf.yaml:2:11: breaking: want a mapping, got a list`}},
		{"buf.yaml", "version: v1\nbreaking:\n  use: [FILE\n",
			[]string{`buf.yaml:2:1: invalid YAML: did not find expected ',' or ']'`}},
		{"protocheck.yaml", "direction: sideways\nfail_on: 3\n",
			[]string{
				`protocheck.yaml:1:12: direction: unknown direction "sideways" (want backward, forward or full)`,
				`protocheck.yaml:2:10: fail_on: unknown severity "3" (want error or warning)`,
			}},
		{"protocheck.yaml", "use: [FILE]\nbreaking:\n  use: [WIRE]\n",
			[]string{`protocheck.yaml:2:1: unknown key "breaking" in the file (want version, roots, use, except, ignore, ignore_only, ignore_unstable_packages, direction, fail_on)`}},
		{"protocheck.yaml", "ignore:\n  - rule: FIELD_NO_DELETE\n  - {path: a, reson: typo}\n  - {}\n",
			[]string{
				`protocheck.yaml:2:5: ignore: an entry needs a reason: say why the change is safe`,
				`protocheck.yaml:3:15: unknown key "reson" in ignore entry (want rule, path, reason)`,
				`protocheck.yaml:3:5: ignore: an entry needs a reason: say why the change is safe`,
				`protocheck.yaml:4:5: ignore: an entry needs a rule, a path or both`,
			}},
		{"protocheck.yaml", "ignore_only:\n  FIELD_NO_DELETE: legacy\n",
			[]string{`protocheck.yaml:2:20: ignore_only.FIELD_NO_DELETE: want a list, got a string`}},
		{"protocheck.yaml", "use: [FILE]\nuse: [WIRE]\n",
			[]string{`protocheck.yaml:2:1: key "use" repeated in the file`}},
		// Issue 15: what was accepted and ignored.
		{"protocheck.yaml", "use: [FILE]\n---\nuse: [WIRE]\n",
			[]string{`protocheck.yaml:2:1: a second YAML document: a protocheck.yaml holds one (merge them, or remove the "---")`}},
		{"protocheck.yaml", "use: [FILE]\n---\nuse: [WIRE\n",
			[]string{`protocheck.yaml:2:1: invalid YAML: did not find expected ',' or ']'`}},
		{"buf.yaml", "version: v1\nlint:\n  use: [DEFAULT]\n  bogus: 1\n",
			[]string{`buf.yaml:4:3: unknown key "bogus" in lint (want use, except, ignore, ignore_only, enum_zero_value_suffix, rpc_allow_same_request_response, rpc_allow_google_protobuf_empty_requests, rpc_allow_google_protobuf_empty_responses, service_suffix, allow_comment_ignores, disable_builtin)`}},
		{"buf.yaml", "version: v2\nlint:\n  allow_comment_ignores: true\nmodules:\n  - path: a\n    lint:\n      service_suffix: [x]\n      rpc_allow_same_request_response: maybe\n",
			[]string{
				`buf.yaml:3:3: unknown key "allow_comment_ignores" in lint (want use, except, ignore, ignore_only, enum_zero_value_suffix, rpc_allow_same_request_response, rpc_allow_google_protobuf_empty_requests, rpc_allow_google_protobuf_empty_responses, service_suffix, disallow_comment_ignores, disable_builtin)`,
				`buf.yaml:7:23: modules[0].lint.service_suffix: want a string, got a list`,
				`buf.yaml:8:40: modules[0].lint.rpc_allow_same_request_response: want true or false, got a string`,
			}},
		{"buf.yaml", "version: v1\nbreaking:\n  ignore_unstable_packages: \"true\"\n",
			[]string{`buf.yaml:3:29: breaking.ignore_unstable_packages: want true or false, got a string`}},
		{"buf.yaml", "version: v1\nbreaking:\n  use: [FILE]\n  except: [FILE]\n",
			[]string{`buf.yaml:4:3: breaking.except: leaves none of the rules of use (FILE) to run: nothing would be checked`}},
		{"buf.yaml", "version: v2\nmodules:\n  - path: a\n    breaking:\n      except: [FILE, WIRE_JSON]\n",
			[]string{`buf.yaml:5:7: modules[0].breaking.except: leaves none of the rules of use (FILE) to run: nothing would be checked`}},
		{"protocheck.yaml", "use: [WIRE]\nexcept: [WIRE]\n",
			[]string{`protocheck.yaml:2:1: except: leaves none of the rules of use (WIRE) to run: nothing would be checked`}},
	}
	for _, tt := range tests {
		_, err := config.Parse(tt.name, []byte(tt.data))
		if err == nil {
			t.Errorf("Parse(%s, %q): no error", tt.name, tt.data)
			continue
		}
		if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
			t.Errorf("Parse(%s, %q) error (-want +got):\n%s", tt.name, tt.data, diff)
		}
	}
}

// TestBufLeniency: what buf takes, protocheck takes: YAML 1.1's words for
// booleans, quoted or not, and a second document, which both ignore (with
// a warning here); a "---" with nothing after it is no second document.
func TestBufLeniency(t *testing.T) {
	for _, v := range []string{"yes", `"yes"`, "'Y'", "on", `"ON"`} {
		f := parse(t, "buf.yaml", "version: v1\nbreaking:\n  ignore_unstable_packages: "+v+"\n")
		if !f.Modules[0].Config.IgnoreUnstablePackages {
			t.Errorf("ignore_unstable_packages: %s was read as false", v)
		}
	}
	for _, v := range []string{"no", `"off"`, "N"} {
		f := parse(t, "protocheck.yaml", "ignore_unstable_packages: "+v+"\n")
		if f.Modules[0].Config.IgnoreUnstablePackages {
			t.Errorf("ignore_unstable_packages: %s was read as true", v)
		}
	}
	f := parse(t, "buf.yaml", "version: v1\nbreaking:\n  use: [WIRE]\n---\nversion: v1\nbreaking:\n  use: [FILE]\n")
	if diff := cmp.Diff([]string{"WIRE"}, f.Modules[0].Config.Use); diff != "" {
		t.Errorf("use (-want +got):\n%s", diff)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.Error())
	}
	want := []string{`buf.yaml:4:1: a second YAML document: buf reads only the first, and so does protocheck`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if f := parse(t, "protocheck.yaml", "use: [WIRE]\n---\n"); len(f.Warnings) != 0 {
		t.Errorf("a trailing ---: warnings %v", f.Warnings)
	}
}

func TestDeprecatedWarnings(t *testing.T) {
	f := parse(t, "buf.yaml", `version: v1
breaking:
  use:
    - FILE
    - FIELD_SAME_LABEL
  except: [FILE_SAME_PHP_GENERIC_SERVICES]
  ignore_only:
    FIELD_SAME_CTYPE: [a]
`)
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`buf.yaml:5:7: breaking.use: rule FIELD_SAME_LABEL is deprecated: use FIELD_SAME_CARDINALITY, FIELD_WIRE_COMPATIBLE_CARDINALITY, FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY instead`,
		`buf.yaml:6:12: breaking.except: rule FILE_SAME_PHP_GENERIC_SERVICES is deprecated and checks nothing: remove it`,
		`buf.yaml:8:5: breaking.ignore_only: rule FIELD_SAME_CTYPE is deprecated: use FIELD_SAME_CPP_STRING_TYPE instead`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// The ids stay as written: compat maps them.
	if diff := cmp.Diff([]string{"FILE", "FIELD_SAME_LABEL"}, f.Modules[0].Config.Use); diff != "" {
		t.Errorf("use (-want +got):\n%s", diff)
	}
	if _, err := f.Modules[0].Config.Select(); err != nil {
		t.Errorf("Select: %v", err)
	}
}

// writeFiles lays out files under a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
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
	return dir
}

func TestFind(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"outside/buf.yaml":                     "version: v1\n",
		"outside/repo/.git/HEAD":               "ref: refs/heads/main\n",
		"outside/repo/buf.yaml":                "version: v2\n",
		"outside/repo/a/b/c/x.proto":           "",
		"outside/repo/a/protocheck.yaml":       "use: [WIRE]\n",
		"outside/repo/a/buf.yaml":              "version: v1\n",
		"outside/repo/work/buf.work.yaml":      "version: v1\ndirectories: [p]\n",
		"outside/repo/work/p/buf.yml":          "version: v1\n",
		"outside/repo/work/p/q/x.proto":        "",
		"outside/bare/nothing/here/x.proto":    "",
		"outside/repo/empty/deeper/y.proto":    "",
		"outside/repo/empty/deeper/.gitignore": "",
	})
	tests := []struct{ input, want string }{
		{"outside/repo/a/b/c", "outside/repo/a/protocheck.yaml"}, // protocheck.yaml before buf.yaml
		{"outside/repo/empty/deeper", "outside/repo/buf.yaml"},
		{"outside/repo", "outside/repo/buf.yaml"},
		// A workspace above the module's buf.yml covers it (TestDiscoverOverV1).
		{"outside/repo/work/p/q", "outside/repo/work/buf.work.yaml"},
		{"outside/repo/work", "outside/repo/work/buf.work.yaml"},
		// Outside a work tree, a single-module file counts in the
		// input's own directory only.
		{"outside/bare/nothing/here", ""},
		{"outside/bare", ""},
		{"outside", "outside/buf.yaml"},
	}
	for _, tt := range tests {
		got, err := config.Find(filepath.Join(dir, tt.input))
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if tt.want != "" {
			want = filepath.Join(dir, filepath.FromSlash(tt.want))
		}
		if got != want {
			t.Errorf("Find(%s) = %s, want %s", tt.input, got, want)
		}
	}
	// The walk stops at the git root: buf.yaml above it is not used.
	repo := writeFiles(t, map[string]string{"buf.yaml": "version: v1\n", "r/.git": "gitdir: elsewhere\n", "r/p/x.proto": ""})
	if got, err := config.Find(filepath.Join(repo, "r/p")); err != nil || got != "" {
		t.Errorf("Find past the git root = %q, %v; want nothing", got, err)
	}
}

// Discover takes a workspace above a buf.yaml v1 that it covers, as buf
// does (a stale v1 file inside a v2 module sets no rules), and refuses a
// buf.yaml v1 inside another's directory.
func TestDiscoverOverV1(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"repo/.git/HEAD":        "ref: refs/heads/main\n",
		"repo/buf.yaml":         "version: v2\nmodules:\n  - path: a\n",
		"repo/a/buf.yaml":       "version: v1\nbreaking:\n  use: [WIRE]\n",
		"repo/a/x/x.proto":      "",
		"nest/.git/HEAD":        "ref: refs/heads/main\n",
		"nest/buf.yaml":         "version: v1\n",
		"nest/proto/buf.yaml":   "version: v1\n",
		"nest/proto/p/x.proto":  "",
		"outer/.git/HEAD":       "ref: refs/heads/main\n",
		"outer/buf.yaml":        "version: v2\nmodules:\n  - path: other\n",
		"outer/b/buf.yaml":      "version: v1\n",
		"outer/b/p/x.proto":     "",
		"outer/other/p/x.proto": "",
	})
	for _, tt := range []struct{ input, want string }{
		{"repo/a", "repo/buf.yaml"},
		{"repo/a/x", "repo/buf.yaml"},
		{"outer/b", "outer/b/buf.yaml"}, // the workspace above does not cover b
	} {
		got, err := config.Discover(config.Disk(), filepath.Join(dir, tt.input))
		if want := filepath.Join(dir, filepath.FromSlash(tt.want)); err != nil || got != want {
			t.Errorf("Discover(%s) = %q, %v; want %s", tt.input, got, err, want)
		}
	}
	_, err := config.Discover(config.Disk(), filepath.Join(dir, "nest/proto"))
	want := fmt.Sprintf("nested modules %s and %s: buf does not allow one buf.yaml v1 inside another's directory",
		filepath.Join(dir, "nest/proto/buf.yaml"), filepath.Join(dir, "nest/buf.yaml"))
	if err == nil || err.Error() != want {
		t.Errorf("Discover(nest/proto) = %v; want %s", err, want)
	}
	// A relative directory: the files are named relative to the working
	// directory, as the user named the input.
	t.Chdir(filepath.Join(dir, "nest"))
	_, err = config.Discover(config.Disk(), "proto")
	want = "nested modules " + filepath.FromSlash("proto/buf.yaml") + " and buf.yaml: buf does not allow one buf.yaml v1 inside another's directory"
	if err == nil || err.Error() != want {
		t.Errorf("Discover(proto) in nest = %v; want %s", err, want)
	}
}

func TestLoadWork(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"buf.work.yaml":  "version: v1\ndirectories:\n  - proto\n  - vendor\n",
		"proto/buf.yaml": "version: v1\nbreaking:\n  use: [WIRE]\n  ignore: [old]\n",
		"vendor/v.proto": "",
	})
	f, err := config.Load(filepath.Join(dir, "buf.work.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []config.Module{
		{Root: "proto", Config: compat.Config{Use: []string{"WIRE"}, Ignore: []string{"old"}}},
		{Root: "vendor"},
	}
	if diff := cmp.Diff(want, f.Modules, ignoreEmpty); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
}

// A directory listed twice, under two spellings, or inside another would
// check its files twice: buf refuses the file, and so does Load, at the
// entry.
func TestLoadWorkOverlap(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"buf.work.yaml": "version: v1\ndirectories:\n  - a\n  - b\n  - ./b/\n  - a/x\n  - .\n",
	})
	_, err := config.Load(filepath.Join(dir, "buf.work.yaml"))
	name := filepath.Join(dir, "buf.work.yaml")
	want := name + `:5:5: directories: "b" is listed more than once (line 4)
` + name + `:6:5: directories: "a/x" and "a" (line 3) overlap: each directory is a module of its own
` + name + `:7:5: directories: "." is no workspace directory: without a buf.work.yaml, the directory is the module`
	if err == nil || err.Error() != want {
		t.Errorf("Load = %v; want\n%s", err, want)
	}
}

// v1beta1's roots overlap no more than a workspace's directories.
func TestBufV1Beta1RootsOverlap(t *testing.T) {
	_, err := config.Parse("buf.yaml", []byte("version: v1beta1\nbuild:\n  roots:\n    - .\n    - vendor\n    - vendor/\n"))
	want := `buf.yaml:5:7: build.roots: "vendor" and "." (line 4) overlap: each directory is a module of its own
buf.yaml:6:7: build.roots: "vendor" and "." (line 4) overlap: each directory is a module of its own
buf.yaml:6:7: build.roots: "vendor" is listed more than once (line 5)`
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v; want\n%s", err, want)
	}
}

func TestModulesFor(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"buf.yaml": `version: v2
modules:
  - path: proto
  - path: vendor
breaking:
  ignore: [proto/acme/legacy, proto/acme/v1/old.proto, proto/other, vendor/x]
  ignore_only:
    FIELD_NO_DELETE: [proto/acme]
`,
	})
	f, err := config.Load(filepath.Join(dir, "buf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		input string
		want  []config.Module
	}{
		{".", []config.Module{
			{Root: "proto", Config: compat.Config{
				Ignore:     []string{"acme/legacy", "acme/v1/old.proto", "other"},
				IgnoreOnly: map[string][]string{"FIELD_NO_DELETE": {"acme"}},
			}},
			{Root: "vendor", Config: compat.Config{Ignore: []string{"x"}}},
		}},
		{"proto", []config.Module{{Root: ".", Config: compat.Config{
			Ignore:     []string{"acme/legacy", "acme/v1/old.proto", "other"},
			IgnoreOnly: map[string][]string{"FIELD_NO_DELETE": {"acme"}},
		}}}},
		// Inside a module: paths are rebased, and an ignore holding the
		// input covers everything.
		{"proto/acme", []config.Module{{Root: ".", Config: compat.Config{
			Ignore:     []string{"legacy", "v1/old.proto"},
			IgnoreOnly: map[string][]string{"FIELD_NO_DELETE": {"."}},
		}}}},
		{"docs", nil},
	}
	for _, tt := range tests {
		got, err := f.ModulesFor(filepath.Join(dir, tt.input))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got, ignoreEmpty); diff != "" {
			t.Errorf("ModulesFor(%s) (-want +got):\n%s", tt.input, diff)
		}
	}
	// A file from elsewhere applies as if it sat in the input.
	other := t.TempDir()
	got, err := f.ModulesFor(other)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Root != "proto" {
		t.Errorf("ModulesFor(elsewhere) = %+v, want the file's two modules", got)
	}
}

// TestFormatByContent: a file named on the command line under a name that
// says no format (base.yaml) is read as what its contents are, as buf
// reads any such file as a buf.yaml; a name that says a format decides.
func TestFormatByContent(t *testing.T) {
	tests := []struct {
		name, data string
		want       config.Format
		root       string // the first module's root
	}{
		{"base.yaml", "version: v1\nbreaking:\n  use: [WIRE]\n", config.Buf, "."},
		{"base.yaml", "version: v2\nmodules:\n  - path: proto\n", config.Buf, "proto"},
		{"base.yaml", "version: v1\n", config.Buf, "."},
		{"base.yaml", "", config.Buf, "."},
		{"base.yaml", "use: [WIRE]\nroots: [proto]\n", config.Protocheck, "proto"},
		{"ci/breaking.yml", "version: v1\nfail_on: error\n", config.Protocheck, "."},
		// A name that says its format is read so, whatever it holds.
		{"buf.yaml", "version: v1\n", config.Buf, "."},
		{"my-protocheck.yaml", "version: v1\n", config.Protocheck, "."},
	}
	for _, tt := range tests {
		f := parse(t, tt.name, tt.data)
		if f.Format != tt.want || f.Modules[0].Root != tt.root {
			t.Errorf("Parse(%s, %q) = %s with root %s, want %s with root %s", tt.name, tt.data, f.Format, f.Modules[0].Root, tt.want, tt.root)
		}
	}
	// Keys of both kinds: read as buf reads it, and told what is wrong.
	_, err := config.Parse("base.yaml", []byte("version: v1\nuse: [WIRE]\nbreaking:\n  use: [FILE]\n"))
	if err == nil || !strings.Contains(err.Error(), `base.yaml:2:1: unknown key "use" in the file`) {
		t.Errorf("Parse of mixed keys: %v, want buf.yaml's unknown key", err)
	}
	// A buf.work.yaml by its contents is loaded as one.
	dir := writeFiles(t, map[string]string{"ws.yaml": "version: v1\ndirectories: [p]\n", "p/x.proto": ""})
	f, err := config.Load(filepath.Join(dir, "ws.yaml"))
	if err != nil || f.Format != config.BufWork {
		t.Errorf("Load(ws.yaml) = %v, %v; want a buf.work.yaml", f, err)
	}
}

// TestSpecialFiles: a configuration file that is a named pipe is refused
// at once, saying what it is, rather than read (which blocks until a
// writer comes, or forever); a search passes over it, as buf's does. A
// path below a file is no configuration file.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "buf.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes here:", err)
	}
	_, err := config.Load(fifo)
	if want := "config " + fifo + ": a named pipe, not a regular file"; err == nil || err.Error() != want {
		t.Errorf("Load(fifo) = %v, want %q", err, want)
	}
	if got, err := config.Discover(config.Disk(), dir); err != nil || got != "" {
		t.Errorf("Discover past a named pipe = %q, %v; want nothing", got, err)
	}
	file := filepath.Join(dir, "a.proto")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := config.Find(file); err != nil || got != "" {
		t.Errorf("Find(a file) = %q, %v; want nothing", got, err)
	}
}

// TestFindOutsideModules: an input outside every module of a buf.yaml v2
// is not governed by it; the search passes over it, as buf's does, to the
// file above, and Find and Discover give the driver's answer alike (Find
// used to stop at the workspace).
func TestFindOutsideModules(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".git/HEAD":           "ref: refs/heads/main\n",
		"protocheck.yaml":     "use: [WIRE]\n",
		"ws/buf.yaml":         "version: v2\nmodules:\n  - path: proto\n",
		"ws/proto/a.proto":    "",
		"ws/other/b.proto":    "",
		"ws/proto/in/c.proto": "",
	})
	for _, tc := range []struct{ input, want string }{
		{"ws/other", "protocheck.yaml"},
		{"ws/proto/in", "ws/buf.yaml"},
		{"ws", "ws/buf.yaml"}, // the workspace sits in the input itself
	} {
		want := filepath.Join(dir, tc.want)
		input := filepath.Join(dir, tc.input)
		found, err := config.Find(input)
		if err != nil || found != want {
			t.Errorf("Find(%s) = %q, %v; want %s", tc.input, found, err, want)
		}
		discovered, err := config.Discover(config.Disk(), input)
		if err != nil || discovered != want {
			t.Errorf("Discover(Disk(), %s) = %q, %v; want %s", tc.input, discovered, err, want)
		}
	}
}
