package protocheck_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/protocheck/protocheck"
)

// TestRequestErrors checks that what the driver says about a request
// names the Request's fields, which a program set, and never the command
// line's flags, which it did not type (the command line names its flags
// when it prints).
func TestRequestErrors(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"a.proto":  "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
		"buf.yaml": "version: v1\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing.zip")
	_, err := protocheck.Check(context.Background(), protocheck.Request{Input: dir, Against: []string{missing}})
	var re *protocheck.RequestError
	if !errors.As(err, &re) || re.Field != "Against" || !strings.HasPrefix(err.Error(), "Against: input "+missing+": ") {
		t.Errorf("Against naming a missing archive: %v; want a *RequestError of Against", err)
	}

	_, err = protocheck.Check(context.Background(), protocheck.Request{Input: dir, Against: []string{dir}, Paths: []string{"b.proto"}})
	if !errors.Is(err, protocheck.ErrNoTargets) || strings.Contains(err.Error(), "--") {
		t.Errorf("Paths naming no file: %v; want ErrNoTargets, naming no flag", err)
	}

	_, err = protocheck.Check(context.Background(), protocheck.Request{Input: filepath.Join(dir, "a.proto"), Against: []string{dir}, Paths: []string{"a.proto"}})
	if err == nil || !strings.HasPrefix(err.Error(), "Request.Paths and Request.ExcludePaths do not apply to a .proto file input") {
		t.Errorf("Paths with a .proto file input: %v; want it to name Request.Paths", err)
	}

	_, err = protocheck.Check(context.Background(), protocheck.Request{Input: dir, Against: []string{dir}, Config: "{version: v9}"})
	if err == nil || !strings.HasPrefix(err.Error(), "Request.Config:1:") {
		t.Errorf("inline Config that does not parse: %v; want its position in Request.Config", err)
	}

	deps := t.TempDir()
	if err := os.WriteFile(filepath.Join(deps, "buf.yaml"), []byte("version: v2\ndeps:\n  - buf.build/acme/units\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = protocheck.Check(context.Background(), protocheck.Request{Input: deps, Against: []string{deps}, Registry: protocheck.Registry{Offline: true, Env: map[string]string{"BUF_CACHE_DIR": t.TempDir()}}})
	if err == nil || !strings.Contains(err.Error(), "and Request.Registry.Offline forbids asking the registry") || strings.Contains(err.Error(), "--") {
		t.Errorf("deps unpinned, offline: %v; want it to name Request.Registry.Offline and no flag", err)
	}

	res, err := protocheck.Check(context.Background(), protocheck.Request{Input: dir, Against: []string{dir}, Use: []string{"FIELD_SAME_LABEL"}})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, n := range res.Notes {
		fields = append(fields, n.Field)
		if n.Field != "" && n.String() != "warning: Use: "+n.Message {
			t.Errorf("note %q, want it to name the field Use", n)
		}
	}
	if len(fields) != 1 || fields[0] != "Use" {
		t.Errorf("notes about fields %q, want one about Use (a deprecated rule)", fields)
	}
}

// TestLoadErrorPredates checks that a compile error the baseline has too,
// in the same file with the same message, is said to predate the change,
// and that one the change brings is not.
func TestLoadErrorPredates(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"old/a.proto": "syntax = \"proto3\";\npackage a;\nimport \"missing.proto\";\nmessage A {}\n",
		"new/a.proto": "syntax = \"proto3\";\npackage a;\nimport \"missing.proto\";\nmessage A {}\nmessage B {}\n",
		"new/b.proto": "syntax = \"proto3\";\npackage a;\nimport \"gone.proto\";\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	_, err := protocheck.Check(context.Background(), protocheck.Request{Input: "new", Against: []string{"old"}})
	var le *protocheck.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *LoadError", err)
	}
	want := []string{"the error in new/a.proto was already in old: it predates the change"}
	if !slices.Equal(le.Predates, want) {
		t.Errorf("Predates = %q, want %q", le.Predates, want)
	}
}
