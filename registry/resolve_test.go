package registry

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/internal/buftest"
)

// TestResolveDownloads fills an empty cache from the registry, then
// resolves again from the cache alone, with nothing asked of the registry.
func TestResolveDownloads(t *testing.T) {
	reg := newFakeRegistry(t)
	cache := &Cache{Dir: t.TempDir()}
	r := &Resolver{Cache: cache, Client: reg.client("secret")}
	// buf.lock pins the module and, as a complete lock does, its deps.
	keys := []Key{reg.key(petapisV2), reg.key(moneyV1), reg.key(baseV1)}
	dirs, err := r.Resolve(t.Context(), keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 3 {
		t.Fatalf("Resolve: got %d directories, want 3", len(dirs))
	}
	data, err := os.ReadFile(filepath.Join(dirs[1], "money", "v1", "money.proto"))
	if err != nil || string(data) != string(reg.commits[moneyV1].files[1].Data) {
		t.Errorf("money.proto: got %q, %v", data, err)
	}
	if len(reg.took()) == 0 {
		t.Error("nothing was downloaded into an empty cache")
	}
	offline := &Resolver{Cache: cache}
	again, err := offline.Resolve(t.Context(), keys)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dirs, again); diff != "" {
		t.Errorf("from the cache: -want +got\n%s", diff)
	}
	if got := reg.took(); len(got) != 0 {
		t.Errorf("a warm cache asked the registry: %v", got)
	}
}

// TestResolveLockOnly takes buf.lock's list as the whole list, as buf
// does: a module it leaves out is not found through the module that
// records it.
func TestResolveLockOnly(t *testing.T) {
	reg := newFakeRegistry(t)
	r := &Resolver{Cache: &Cache{Dir: t.TempDir()}, Client: reg.client("")}
	dirs, err := r.Resolve(t.Context(), []Key{reg.key(petapisV2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 1 {
		t.Errorf("Resolve: got %d directories, want petapis alone: %v", len(dirs), dirs)
	}
}

// TestResolveOffline names every missing module once, with its commit.
func TestResolveOffline(t *testing.T) {
	reg := newFakeRegistry(t)
	dir := t.TempDir()
	r := &Resolver{Cache: &Cache{Dir: dir}}
	_, err := r.Resolve(t.Context(), []Key{reg.key(petapisV2), reg.key(baseV1)})
	var me *MissingError
	if !errors.As(err, &me) || !errors.Is(err, ErrNoClient) {
		t.Fatalf("Resolve: got %v, want a MissingError for ErrNoClient", err)
	}
	want := "buf.lock pins 2 modules that are not in buf's cache (" + dir + ") and could not be downloaded (downloads are turned off):\n" +
		"  " + reg.key(petapisV2).Name.String() + ", commit " + petapisV2 + "\n" +
		"  " + reg.key(baseV1).Name.String() + ", commit " + baseV1 + "\n" +
		"fill the cache once where the registry can be reached (buf dep update, or buf build, in the module's directory), then run again"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("message: -want +got\n%s", diff)
	}
}

// TestResolveUnreachable lists the modules a failed download left missing,
// with the registry's error.
func TestResolveUnreachable(t *testing.T) {
	reg := newFakeRegistry(t)
	k := reg.key(baseV1)
	k.Name.Registry = "127.0.0.1:9" // discard: nothing listens
	r := &Resolver{Cache: &Cache{Dir: t.TempDir()}, Client: &Client{Scheme: "http"}}
	_, err := r.Resolve(t.Context(), []Key{k})
	var me *MissingError
	if !errors.As(err, &me) || !errors.Is(err, ErrOffline) {
		t.Fatalf("Resolve: got %v, want a MissingError for ErrOffline", err)
	}
	if len(me.Keys) != 1 || me.Keys[0] != k {
		t.Errorf("missing: got %v, want %v", me.Keys, k)
	}
}

// TestResolverModule brings a module named by a label, with its deps, as
// an input to compare; offline, it says the registry must name the commit.
func TestResolverModule(t *testing.T) {
	reg := newFakeRegistry(t)
	r := &Resolver{Cache: &Cache{Dir: t.TempDir()}, Client: reg.client("")}
	name := reg.key(petapisV1).Name.String()
	dir, deps, err := r.Module(t.Context(), name+":v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pet", "v1", "pet.proto")); err != nil {
		t.Errorf("the module's files: %v", err)
	}
	if len(deps) != 2 {
		t.Errorf("deps: got %v, want money and base", deps)
	}
	_, _, err = (&Resolver{Cache: r.Cache}).Module(t.Context(), name+":v1")
	want := "module " + name + ":v1: which commit it names is the registry's to say, and downloads are turned off"
	if err == nil || err.Error() != want {
		t.Errorf("offline: got %v, want %s", err, want)
	}
}

// TestResolveThenBuf downloads a module and its deps from the loopback
// registry into an empty cache, then has buf, offline, build a module that
// pins them: what protocheck writes after a download, buf reads.
func TestResolveThenBuf(t *testing.T) {
	bufPath := buftest.Require(t)
	reg := newFakeRegistry(t)
	c := &Cache{Dir: t.TempDir()}
	keys := []Key{reg.key(petapisV2), reg.key(moneyV1), reg.key(baseV1)}
	if _, err := (&Resolver{Cache: c, Client: reg.client("")}).Resolve(t.Context(), keys); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	lock := "version: v2\ndeps:\n"
	for _, k := range keys {
		lock += "  - name: " + k.Name.String() + "\n    commit: " + k.Commit + "\n    digest: " + k.Digest + "\n"
	}
	for p, data := range map[string]string{
		"buf.yaml":           "version: v2\ndeps:\n  - " + keys[0].Name.String() + "\n",
		"buf.lock":           lock,
		"shop/v1/shop.proto": "syntax = \"proto3\";\npackage shop.v1;\nimport \"pet/v1/pet.proto\";\nmessage Sale { pet.v1.Pet pet = 1; }\n",
	} {
		p = filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reg.server.Close() // buf must find everything in the cache
	stdout, stderr, err := lsFiles(t, bufPath, dir, c.Dir)
	if err != nil {
		t.Fatalf("buf: %v\n%s", err, stderr)
	}
	for _, want := range []string{`"import_path":"pet/v1/pet.proto"`, `"import_path":"money/v1/money.proto"`, `"import_path":"acme/base/v1/id.proto"`, `"import_path":"shop/v1/shop.proto"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("buf ls-files lacks %s:\n%s", want, stdout)
		}
	}
}
