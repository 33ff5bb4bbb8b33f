package loader_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/loader"
)

// modules serves registry modules from directories, as buf's cache would.
type modules map[string][2]string // ref -> module directory, dep directory

func (m modules) Module(_ context.Context, ref string) (string, []string, error) {
	return m[ref][0], []string{m[ref][1]}, nil
}

// TestModuleInput loads a registry module brought by a resolver: its files
// are named by their path in the module, as buf names them, and its deps'
// files resolve its imports without being part of it.
func TestModuleInput(t *testing.T) {
	mod := writeTree(t, map[string]string{
		"pet/v1/pet.proto": "syntax = \"proto3\";\npackage pet.v1;\nimport \"money/v1/money.proto\";\nmessage Pet { money.v1.Money price = 1; }\n",
	})
	dep := writeTree(t, map[string]string{
		"money/v1/money.proto": "syntax = \"proto3\";\npackage money.v1;\nmessage Money { int64 units = 1; }\n",
	})
	in, err := loader.ParseInput("buf.build/acme/petapis:v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := loader.Fetch(context.Background(), in); err == nil {
		t.Error("Fetch of a module input without a resolver succeeded")
	}
	in = in.WithModules(modules{"buf.build/acme/petapis:v1": {mod, dep}})
	got, cleanup, err := loader.Fetch(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	s, err := (&loader.Loader{}).Load(context.Background(), got)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"pet/v1/pet.proto"}, s.Paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if d := got.Display("pet/v1/pet.proto"); d != "pet/v1/pet.proto" {
		t.Errorf("Display: got %s, want pet/v1/pet.proto", d)
	}
}
