package registry

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"buf.build/gen/go/bufbuild/registry/connectrpc/go/v2/buf/registry/module/v1/modulev1connect"
	"buf.build/gen/go/bufbuild/registry/connectrpc/go/v2/buf/registry/module/v1beta1/modulev1beta1connect"
	"buf.build/gen/go/bufbuild/registry/connectrpc/go/v2/buf/registry/owner/v1/ownerv1connect"
	modulev1 "buf.build/gen/go/bufbuild/registry/protocolbuffers/go/buf/registry/module/v1"
	modulev1beta1 "buf.build/gen/go/bufbuild/registry/protocolbuffers/go/buf/registry/module/v1beta1"
	ownerv1 "buf.build/gen/go/bufbuild/registry/protocolbuffers/go/buf/registry/owner/v1"
	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"github.com/google/go-cmp/cmp"
)

// The test registry holds three modules: acme/petapis depends on
// bufbot/money, which depends on acme/base. acme is an organization,
// bufbot a user.
const (
	acmeID   = "a0000000000000000000000000000001"
	bufbotID = "a0000000000000000000000000000002"

	baseID    = "b0000000000000000000000000000001"
	moneyID   = "b0000000000000000000000000000002"
	petapisID = "b0000000000000000000000000000003"

	baseV1    = "c0000000000000000000000000000001"
	moneyV1   = "c0000000000000000000000000000002"
	petapisV1 = "c0000000000000000000000000000003"
	petapisV2 = "c0000000000000000000000000000004"
)

type fakeModule struct {
	id, ownerID, name string
	labels            map[string]string // label name to commit id; "main" is the default
}

type fakeCommit struct {
	id, moduleID string
	files        []File
	deps         []string // direct dependencies' commit ids
	yaml, lock   []byte   // the v1 buf.yaml and buf.lock it was pushed with
	digest       []byte   // b5, computed by newFakeRegistry
	digestB4     []byte   // b4, computed by newFakeRegistry
}

// A fakeRegistry serves the module API that Client calls, from the
// official generated handlers, on a loopback server.
type fakeRegistry struct {
	t      *testing.T
	server *httptest.Server
	host   string

	owners  map[string]*ownerv1.Owner
	modules map[string]*fakeModule
	commits map[string]*fakeCommit
	// served replaces a commit's files in Download answers.
	served map[string][]File
	// auth checks the Authorization header; nil accepts any.
	auth func(header string) error
	// wrap, when set, stands between the client and the API, as a proxy would.
	wrap func(w http.ResponseWriter, r *http.Request, api http.Handler)

	mu       sync.Mutex
	requests []string // "Service/Method Authorization-header"
}

func newFakeRegistry(t *testing.T) *fakeRegistry {
	f := &fakeRegistry{
		t: t,
		owners: map[string]*ownerv1.Owner{
			acmeID:   {Value: &ownerv1.Owner_Organization{Organization: &ownerv1.Organization{Id: acmeID, Name: "acme"}}},
			bufbotID: {Value: &ownerv1.Owner_User{User: &ownerv1.User{Id: bufbotID, Name: "bufbot"}}},
		},
		modules: map[string]*fakeModule{
			baseID:    {id: baseID, ownerID: acmeID, name: "base", labels: map[string]string{"main": baseV1}},
			moneyID:   {id: moneyID, ownerID: bufbotID, name: "money", labels: map[string]string{"main": moneyV1}},
			petapisID: {id: petapisID, ownerID: acmeID, name: "petapis", labels: map[string]string{"main": petapisV2, "v1": petapisV1}},
		},
		commits: map[string]*fakeCommit{
			baseV1: {id: baseV1, moduleID: baseID, files: []File{
				{Path: "acme/base/v1/id.proto", Data: []byte("syntax = \"proto3\";\npackage acme.base.v1;\nmessage ID { string value = 1; }\n")},
			}},
			moneyV1: {id: moneyV1, moduleID: moneyID, deps: []string{baseV1}, files: []File{
				{Path: "LICENSE", Data: []byte("Apache-2.0\n")},
				{Path: "money/v1/money.proto", Data: []byte("syntax = \"proto3\";\npackage money.v1;\nimport \"acme/base/v1/id.proto\";\nmessage Money { acme.base.v1.ID id = 1; int64 units = 2; }\n")},
			}},
			petapisV1: {id: petapisV1, moduleID: petapisID, deps: []string{moneyV1}, files: []File{
				{Path: "pet/v1/pet.proto", Data: []byte("syntax = \"proto3\";\npackage pet.v1;\nmessage Pet { string name = 1; }\n")},
			}},
			petapisV2: {id: petapisV2, moduleID: petapisID, deps: []string{moneyV1}, files: []File{
				{Path: "pet/v1/pet.proto", Data: []byte("syntax = \"proto3\";\npackage pet.v1;\nimport \"money/v1/money.proto\";\nmessage Pet { string name = 1; money.v1.Money price = 2; }\n")},
				{Path: "buf.md", Data: []byte("# petapis\n")},
			}},
		},
		served: map[string][]File{},
	}
	// Digests, dependencies first.
	for _, id := range []string{baseV1, moneyV1, petapisV1, petapisV2} {
		c := f.commits[id]
		d, err := Digest(c.files, f.depKeys(id))
		if err != nil {
			t.Fatal(err)
		}
		c.digest, err = hex.DecodeString(strings.TrimPrefix(d, "b5:"))
		if err != nil {
			t.Fatal(err)
		}
		c.yaml = []byte("version: v1\n")
		if len(c.deps) > 0 {
			c.lock = []byte("version: v1\ndeps: [" + strings.Join(c.deps, ", ") + "]\n")
		}
		d, err = DigestB4(c.files, c.yaml, c.lock)
		if err != nil {
			t.Fatal(err)
		}
		c.digestB4, err = hex.DecodeString(strings.TrimPrefix(d, "shake256:"))
		if err != nil {
			t.Fatal(err)
		}
	}

	srv := connect.NewServer(func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			info, _ := connect.CallInfoForServerContext(ctx)
			header := info.RequestHeader().Get("Authorization")
			f.mu.Lock()
			f.requests = append(f.requests, strings.TrimPrefix(spec.Procedure, "/buf.registry.")+" "+header)
			f.mu.Unlock()
			if f.auth != nil {
				if err := f.auth(header); err != nil {
					return err
				}
			}
			return next(ctx, spec, stream)
		}
	})
	modulev1connect.RegisterCommitServiceHandler(srv, fakeCommits{f})
	modulev1connect.RegisterGraphServiceHandler(srv, fakeGraph{f})
	modulev1connect.RegisterDownloadServiceHandler(srv, fakeDownload{f})
	modulev1connect.RegisterModuleServiceHandler(srv, fakeModules{fakeRegistry: f})
	modulev1beta1connect.RegisterGraphServiceHandler(srv, fakeGraphV1Beta1{f})
	modulev1beta1connect.RegisterDownloadServiceHandler(srv, fakeDownloadV1Beta1{f})
	ownerv1connect.RegisterOwnerServiceHandler(srv, fakeOwners{f})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.wrap != nil {
			f.wrap(w, r, mux)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.server.Close)
	f.host = strings.TrimPrefix(f.server.URL, "http://")
	return f
}

// depKeys returns the keys of the commits that commit depends on, directly
// or not, sorted by name.
func (f *fakeRegistry) depKeys(commit string) []Key {
	var keys []Key
	seen := map[string]bool{}
	var walk func(string)
	walk = func(id string) {
		for _, d := range f.commits[id].deps {
			if !seen[d] {
				seen[d] = true
				keys = append(keys, f.key(d))
				walk(d)
			}
		}
	}
	walk(commit)
	slices.SortFunc(keys, func(a, b Key) int { return strings.Compare(a.Name.String(), b.Name.String()) })
	return keys
}

// key returns the key of a commit, with the digest the registry reports.
func (f *fakeRegistry) key(commit string) Key {
	c := f.commits[commit]
	m := f.modules[c.moduleID]
	k := Key{Name: f.name(m), Commit: commit}
	if c.digest != nil {
		k.Digest = "b5:" + hex.EncodeToString(c.digest)
	}
	return k
}

// keyB4 returns the key of a commit pinned with its b4 digest, as a v1
// buf.lock pins it.
func (f *fakeRegistry) keyB4(commit string) Key {
	k := f.key(commit)
	k.Digest = "shake256:" + hex.EncodeToString(f.commits[commit].digestB4)
	return k
}

func (f *fakeRegistry) name(m *fakeModule) Name {
	o := f.owners[m.ownerID]
	owner := o.GetUser().GetName() + o.GetOrganization().GetName()
	return Name{Registry: f.host, Owner: owner, Module: m.name}
}

func (f *fakeRegistry) client(token string) *Client {
	return &Client{Scheme: "http", Token: func(registry string) string {
		if registry != f.host {
			f.t.Errorf("token asked for %s, want %s", registry, f.host)
		}
		return token
	}}
}

func (f *fakeRegistry) took() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// resolve finds a commit as the registry resolves a ResourceRef.
func (f *fakeRegistry) resolve(ref *modulev1.ResourceRef) (*fakeCommit, error) {
	if id := ref.GetId(); id != "" {
		if c := f.commits[id]; c != nil {
			return c, nil
		}
		return nil, connect.Errorf(connect.CodeNotFound, "commit %s not found", id)
	}
	n := ref.GetName()
	var m *fakeModule
	for _, mod := range f.modules {
		if f.name(mod).Owner == n.GetOwner() && mod.name == n.GetModule() {
			m = mod
		}
	}
	if m == nil {
		return nil, connect.Errorf(connect.CodeNotFound, "module %s/%s not found", n.GetOwner(), n.GetModule())
	}
	r := n.GetRef()
	if r == "" {
		r = "main"
	}
	if c := f.commits[r]; c != nil && c.moduleID == m.id {
		return c, nil
	}
	if id, ok := m.labels[r]; ok {
		return f.commits[id], nil
	}
	return nil, connect.Errorf(connect.CodeNotFound, "label or commit %q not found in %s/%s", r, n.GetOwner(), n.GetModule())
}

func (f *fakeRegistry) commit(c *fakeCommit) *modulev1.Commit {
	return &modulev1.Commit{
		Id:       c.id,
		OwnerId:  f.modules[c.moduleID].ownerID,
		ModuleId: c.moduleID,
		Digest:   &modulev1.Digest{Type: modulev1.DigestType_DIGEST_TYPE_B5, Value: c.digest},
	}
}

type fakeCommits struct{ *fakeRegistry }

func (fakeCommits) ListCommits(context.Context, *modulev1.ListCommitsRequest) (*modulev1.ListCommitsResponse, error) {
	return nil, connect.NewError(connect.CodeUnimplemented, "")
}

func (f fakeCommits) GetCommits(_ context.Context, req *modulev1.GetCommitsRequest) (*modulev1.GetCommitsResponse, error) {
	resp := &modulev1.GetCommitsResponse{}
	for _, ref := range req.GetResourceRefs() {
		c, err := f.resolve(ref)
		if err != nil {
			return nil, err
		}
		resp.Commits = append(resp.Commits, f.commit(c))
	}
	return resp, nil
}

type fakeGraph struct{ *fakeRegistry }

func (f fakeGraph) GetGraph(_ context.Context, req *modulev1.GetGraphRequest) (*modulev1.GetGraphResponse, error) {
	graph := &modulev1.Graph{}
	seen := map[string]bool{}
	var add func(c *fakeCommit)
	add = func(c *fakeCommit) {
		if seen[c.id] {
			return
		}
		seen[c.id] = true
		graph.Commits = append(graph.Commits, f.commit(c))
		for _, d := range c.deps {
			graph.Edges = append(graph.Edges, &modulev1.Graph_Edge{
				FromNode: &modulev1.Graph_Node{CommitId: c.id},
				ToNode:   &modulev1.Graph_Node{CommitId: d},
			})
			add(f.commits[d])
		}
	}
	for _, ref := range req.GetResourceRefs() {
		c, err := f.resolve(ref)
		if err != nil {
			return nil, err
		}
		add(c)
	}
	return &modulev1.GetGraphResponse{Graph: graph}, nil
}

type fakeDownload struct{ *fakeRegistry }

func (f fakeDownload) Download(_ context.Context, req *modulev1.DownloadRequest) (*modulev1.DownloadResponse, error) {
	resp := &modulev1.DownloadResponse{}
	for _, v := range req.GetValues() {
		c, err := f.resolve(v.GetResourceRef())
		if err != nil {
			return nil, err
		}
		files := c.files
		if s, ok := f.served[c.id]; ok {
			files = s
		}
		content := &modulev1.DownloadResponse_Content{Commit: f.commit(c)}
		for _, file := range files {
			content.Files = append(content.Files, &modulev1.File{Path: file.Path, Content: file.Data})
		}
		resp.Contents = append(resp.Contents, content)
	}
	return resp, nil
}

type fakeGraphV1Beta1 struct{ *fakeRegistry }

func (f fakeGraphV1Beta1) GetGraph(_ context.Context, req *modulev1beta1.GetGraphRequest) (*modulev1beta1.GetGraphResponse, error) {
	if req.GetDigestType() != modulev1beta1.DigestType_DIGEST_TYPE_B4 {
		return nil, connect.Errorf(connect.CodeInvalidArgument, "digest type %v", req.GetDigestType())
	}
	graph := &modulev1beta1.Graph{}
	seen := map[string]bool{}
	var add func(c *fakeCommit)
	add = func(c *fakeCommit) {
		if seen[c.id] {
			return
		}
		seen[c.id] = true
		graph.Commits = append(graph.Commits, &modulev1beta1.Graph_Commit{Commit: f.commitB4(c), Registry: f.host})
		for _, d := range c.deps {
			graph.Edges = append(graph.Edges, &modulev1beta1.Graph_Edge{
				FromNode: &modulev1beta1.Graph_Node{CommitId: c.id, Registry: f.host},
				ToNode:   &modulev1beta1.Graph_Node{CommitId: d, Registry: f.host},
			})
			add(f.commits[d])
		}
	}
	for _, ref := range req.GetResourceRefs() {
		if ref.GetRegistry() != f.host {
			return nil, connect.Errorf(connect.CodeInvalidArgument, "registry %q", ref.GetRegistry())
		}
		n := ref.GetResourceRef().GetName()
		c, err := f.resolve(nameRef(Name{Owner: n.GetOwner(), Module: n.GetModule()}, n.GetRef()))
		if err != nil {
			return nil, err
		}
		add(c)
	}
	return &modulev1beta1.GetGraphResponse{Graph: graph}, nil
}

func (f *fakeRegistry) commitB4(c *fakeCommit) *modulev1beta1.Commit {
	return &modulev1beta1.Commit{
		Id:       c.id,
		OwnerId:  f.modules[c.moduleID].ownerID,
		ModuleId: c.moduleID,
		Digest:   &modulev1beta1.Digest{Type: modulev1beta1.DigestType_DIGEST_TYPE_B4, Value: c.digestB4},
	}
}

type fakeDownloadV1Beta1 struct{ *fakeRegistry }

func (f fakeDownloadV1Beta1) Download(_ context.Context, req *modulev1beta1.DownloadRequest) (*modulev1beta1.DownloadResponse, error) {
	if req.GetDigestType() != modulev1beta1.DigestType_DIGEST_TYPE_B4 {
		return nil, connect.Errorf(connect.CodeInvalidArgument, "digest type %v", req.GetDigestType())
	}
	resp := &modulev1beta1.DownloadResponse{}
	for _, v := range req.GetValues() {
		c := f.commits[v.GetResourceRef().GetId()]
		if c == nil {
			return nil, connect.Errorf(connect.CodeNotFound, "commit %s not found", v.GetResourceRef().GetId())
		}
		content := &modulev1beta1.DownloadResponse_Content{
			Commit:        f.commitB4(c),
			V1BufYamlFile: &modulev1beta1.File{Path: "buf.yaml", Content: c.yaml},
		}
		if c.lock != nil {
			content.V1BufLockFile = &modulev1beta1.File{Path: "buf.lock", Content: c.lock}
		}
		for _, file := range c.files {
			content.Files = append(content.Files, &modulev1beta1.File{Path: file.Path, Content: file.Data})
		}
		resp.Contents = append(resp.Contents, content)
	}
	return resp, nil
}

type fakeModules struct {
	modulev1connect.UnimplementedModuleServiceHandler
	*fakeRegistry
}

func (f fakeModules) GetModules(_ context.Context, req *modulev1.GetModulesRequest) (*modulev1.GetModulesResponse, error) {
	resp := &modulev1.GetModulesResponse{}
	for _, ref := range req.GetModuleRefs() {
		m := f.modules[ref.GetId()]
		if m == nil {
			return nil, connect.Errorf(connect.CodeNotFound, "module %s not found", ref.GetId())
		}
		resp.Modules = append(resp.Modules, &modulev1.Module{Id: m.id, OwnerId: m.ownerID, Name: m.name})
	}
	return resp, nil
}

type fakeOwners struct{ *fakeRegistry }

func (f fakeOwners) GetOwners(_ context.Context, req *ownerv1.GetOwnersRequest) (*ownerv1.GetOwnersResponse, error) {
	resp := &ownerv1.GetOwnersResponse{}
	for _, ref := range req.GetOwnerRefs() {
		o := f.owners[ref.GetId()]
		if o == nil {
			return nil, connect.Errorf(connect.CodeNotFound, "owner %s not found", ref.GetId())
		}
		resp.Owners = append(resp.Owners, o)
	}
	return resp, nil
}

func TestDownload(t *testing.T) {
	reg := newFakeRegistry(t)
	petapis, base := reg.key(petapisV2), reg.key(baseV1)
	got, err := reg.client("secret").Download(t.Context(), []Key{petapis, base})
	if err != nil {
		t.Fatal(err)
	}
	want := []*Module{
		{
			Key: petapis,
			Files: []File{
				{Path: "buf.md", Data: []byte("# petapis\n")},
				{Path: "pet/v1/pet.proto", Data: reg.commits[petapisV2].files[0].Data},
			},
			Deps: []Key{base, reg.key(moneyV1)},
		},
		{Key: base, Files: reg.commits[baseV1].files},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Download: -want +got\n%s", diff)
	}
	// The graph, the names of the one dependency it names only by ids
	// (money, owned by bufbot), then the files.
	wantRequests := []string{
		"module.v1.GraphService/GetGraph Bearer secret",
		"module.v1.ModuleService/GetModules Bearer secret",
		"owner.v1.OwnerService/GetOwners Bearer secret",
		"module.v1.DownloadService/Download Bearer secret",
	}
	if diff := cmp.Diff(wantRequests, reg.took()); diff != "" {
		t.Errorf("requests: -want +got\n%s", diff)
	}
}

// A v1 buf.lock pins b4 digests: buf asks the v1beta1 API for them, and
// the registry adds the v1 buf.yaml and buf.lock that b4 digests count.
func TestDownloadB4(t *testing.T) {
	reg := newFakeRegistry(t)
	petapis := reg.keyB4(petapisV2)
	got, err := reg.client("secret").Download(t.Context(), []Key{petapis})
	if err != nil {
		t.Fatal(err)
	}
	want := []*Module{{
		Key: petapis,
		Files: []File{
			{Path: "buf.md", Data: []byte("# petapis\n")},
			{Path: "pet/v1/pet.proto", Data: reg.commits[petapisV2].files[0].Data},
		},
		Deps:      []Key{reg.keyB4(baseV1), reg.keyB4(moneyV1)},
		V1BufYAML: []byte("version: v1\n"),
		V1BufLock: []byte("version: v1\ndeps: [" + moneyV1 + "]\n"),
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Download: -want +got\n%s", diff)
	}
	wantRequests := []string{
		"module.v1beta1.GraphService/GetGraph Bearer secret",
		"module.v1.ModuleService/GetModules Bearer secret",
		"owner.v1.OwnerService/GetOwners Bearer secret",
		"module.v1beta1.DownloadService/Download Bearer secret",
	}
	if diff := cmp.Diff(wantRequests, reg.took()); diff != "" {
		t.Errorf("requests: -want +got\n%s", diff)
	}
}

// One call downloads both kinds, each of its own API.
func TestDownloadB4AndB5(t *testing.T) {
	reg := newFakeRegistry(t)
	keys := []Key{reg.key(baseV1), reg.keyB4(baseV1), reg.key(baseV1)}
	got, err := reg.client("").Download(t.Context(), keys)
	if err != nil {
		t.Fatal(err)
	}
	want := []*Module{
		{Key: keys[0], Files: reg.commits[baseV1].files},
		{Key: keys[1], Files: reg.commits[baseV1].files, V1BufYAML: []byte("version: v1\n")},
		{Key: keys[0], Files: reg.commits[baseV1].files},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Download: -want +got\n%s", diff)
	}
	if got[0] != got[2] {
		t.Errorf("a key asked for twice gave two modules")
	}
	wantRequests := []string{
		"module.v1.GraphService/GetGraph ",
		"module.v1.DownloadService/Download ",
		"module.v1beta1.GraphService/GetGraph ",
		"module.v1beta1.DownloadService/Download ",
	}
	if diff := cmp.Diff(wantRequests, reg.took()); diff != "" {
		t.Errorf("requests: -want +got\n%s", diff)
	}
}

func TestDownloadEmpty(t *testing.T) {
	got, err := (&Client{}).Download(t.Context(), nil)
	if got == nil && err == nil {
		return
	}
	t.Errorf("Download(nil) = %v, %v; want nothing", got, err)
}

func TestDownloadNoToken(t *testing.T) {
	reg := newFakeRegistry(t)
	if _, err := reg.client("").Download(t.Context(), []Key{reg.key(baseV1)}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"module.v1.GraphService/GetGraph ",
		"module.v1.DownloadService/Download ",
	}
	if diff := cmp.Diff(want, reg.took()); diff != "" {
		t.Errorf("requests: -want +got\n%s", diff)
	}
}

func TestResolve(t *testing.T) {
	reg := newFakeRegistry(t)
	c := reg.client("secret")
	for _, tc := range []struct {
		ref  string
		want Key
	}{
		{reg.host + "/acme/petapis", reg.key(petapisV2)},
		{reg.host + "/acme/petapis:main", reg.key(petapisV2)},
		{reg.host + "/acme/petapis:v1", reg.key(petapisV1)},
		{reg.host + "/acme/petapis:" + petapisV1, reg.key(petapisV1)},
		{reg.host + "/bufbot/money", reg.key(moneyV1)},
	} {
		got, err := c.Resolve(t.Context(), tc.ref)
		if err != nil {
			t.Errorf("Resolve(%s): %v", tc.ref, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Resolve(%s): -want +got\n%s", tc.ref, diff)
		}
	}
	if got := reg.took(); len(got) != 5 || got[0] != "module.v1.CommitService/GetCommits Bearer secret" {
		t.Errorf("requests: %q, want 5 GetCommits with the token", got)
	}
}

// checkError checks the one line of an error and its kind.
func checkError(t *testing.T, err error, want string, kind error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if got := err.Error(); got != want {
		t.Errorf("error:\n got %s\nwant %s", got, want)
	}
	if !errors.Is(err, kind) {
		t.Errorf("errors.Is(err, %v) = false", kind)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("errors.As(err, *Error) = false")
	}
}

func TestDownloadErrors(t *testing.T) {
	reg := newFakeRegistry(t)
	r := reg.host
	base := reg.key(baseV1)
	unknownModule := Key{Name: Name{Registry: r, Owner: "acme", Module: "nope"}, Commit: "d0000000000000000000000000000001", Digest: base.Digest}
	unknownCommit := Key{Name: base.Name, Commit: "d0000000000000000000000000000002", Digest: base.Digest}
	wrongDigest := base
	wrongDigest.Digest = "b5:" + strings.Repeat("00", 64)

	for _, tc := range []struct {
		name  string
		setup func()
		token string
		keys  []Key
		want  string
		kind  error
	}{{
		name: "unauthenticated",
		setup: func() {
			reg.auth = func(h string) error {
				if h != "Bearer secret" {
					return connect.NewError(connect.CodeUnauthenticated, "token required")
				}
				return nil
			}
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + `: not authenticated for ` + r + `: set BUF_TOKEN or run "buf registry login ` + r + `"`,
		kind: ErrUnauthenticated,
	}, {
		name: "token rejected",
		setup: func() {
			reg.auth = func(string) error { return connect.NewError(connect.CodeUnauthenticated, "bad token") }
		},
		token: "expired",
		keys:  []Key{base},
		want:  r + "/acme/base:" + baseV1 + `: ` + r + ` rejected the token: set BUF_TOKEN to a valid token or run "buf registry login ` + r + `"`,
		kind:  ErrUnauthenticated,
	}, {
		name:  "permission denied",
		setup: func() { reg.auth = func(string) error { return connect.NewError(connect.CodePermissionDenied, "no") } },
		token: "reader",
		keys:  []Key{base},
		want:  r + "/acme/base:" + baseV1 + `: permission denied by ` + r + `: the token has no access to this module`,
		kind:  ErrPermissionDenied,
	}, {
		name:  "permission denied without a token",
		setup: func() { reg.auth = func(string) error { return connect.NewError(connect.CodePermissionDenied, "no") } },
		keys:  []Key{base},
		want:  r + "/acme/base:" + baseV1 + `: permission denied by ` + r + ` without a token: set BUF_TOKEN or run "buf registry login ` + r + `"`,
		kind:  ErrPermissionDenied,
	}, {
		name: "unknown module",
		keys: []Key{unknownModule},
		want: r + "/acme/nope:d0000000000000000000000000000001: not found on " + r + ": module acme/nope not found",
		kind: ErrNotFound,
	}, {
		name: "unknown commit",
		keys: []Key{unknownCommit},
		want: r + `/acme/base:d0000000000000000000000000000002: not found on ` + r + `: label or commit "d0000000000000000000000000000002" not found in acme/base`,
		kind: ErrNotFound,
	}, {
		name: "unknown commit among others",
		keys: []Key{reg.key(petapisV1), unknownCommit, base},
		want: r + `/acme/base:d0000000000000000000000000000002: not found on ` + r + `: label or commit "d0000000000000000000000000000002" not found in acme/base`,
		kind: ErrNotFound,
	}, {
		name: "digest mismatch",
		setup: func() {
			reg.served[baseV1] = []File{{Path: "acme/base/v1/id.proto", Data: []byte("syntax = \"proto3\";\n// altered\n")}}
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + ": digest mismatch: want " + base.Digest + ", the content downloaded from " + r + " has " + mustDigest(t, []File{{Path: "acme/base/v1/id.proto", Data: []byte("syntax = \"proto3\";\n// altered\n")}}, nil),
		kind: ErrDigestMismatch,
	}, {
		name: "buf.lock digest is not the registry's",
		keys: []Key{wrongDigest},
		want: r + "/acme/base:" + baseV1 + ": digest mismatch: want " + wrongDigest.Digest + ", the content downloaded from " + r + " has " + base.Digest,
		kind: ErrDigestMismatch,
	}, {
		name:  "unsafe path",
		setup: func() { reg.served[baseV1] = []File{{Path: "../evil.proto", Data: nil}} },
		keys:  []Key{base},
		want:  r + "/acme/base:" + baseV1 + `: corrupt response from ` + r + `: module file path "../evil.proto" is not a clean relative path`,
		kind:  ErrCorrupt,
	}, {
		name: "proxy error 500",
		setup: func() {
			reg.wrap = func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
				http.Error(w, "upstream exploded", http.StatusInternalServerError)
			}
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + ": " + r + " failed: HTTP 500 Internal Server Error",
		kind: ErrServer,
	}, {
		name: "proxy error 503",
		setup: func() {
			reg.wrap = func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
				http.Error(w, "maintenance", http.StatusServiceUnavailable)
			}
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + ": " + r + " failed: HTTP 503 Service Unavailable",
		kind: ErrServer,
	}, {
		name: "internal error",
		setup: func() {
			reg.auth = func(string) error { return connect.NewError(connect.CodeInternal, "database on fire") }
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + ": " + r + " failed: HTTP 500, internal: database on fire",
		kind: ErrServer,
	}, {
		name: "truncated body",
		setup: func() {
			reg.wrap = func(w http.ResponseWriter, req *http.Request, api http.Handler) {
				rec := httptest.NewRecorder()
				api.ServeHTTP(rec, req)
				body := rec.Body.Bytes()
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				// Declares the whole body, sends half: the connection drops.
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.WriteHeader(rec.Code)
				w.Write(body[:len(body)/2])
			}
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + ": truncated or corrupt response from " + r + ": read message: unexpected EOF",
		kind: ErrCorrupt,
	}, {
		name: "truncated message",
		setup: func() {
			reg.wrap = func(w http.ResponseWriter, req *http.Request, api http.Handler) {
				rec := httptest.NewRecorder()
				api.ServeHTTP(rec, req)
				body := rec.Body.Bytes()
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				// A whole HTTP answer holding half a message.
				w.Header().Set("Content-Length", strconv.Itoa(len(body)/2))
				w.WriteHeader(rec.Code)
				w.Write(body[:len(body)/2])
			}
		},
		keys: []Key{base},
		want: r + "/acme/base:" + baseV1 + ": truncated or corrupt response from " + r + ": decompress: connectgzip: decompress: unexpected EOF",
		kind: ErrCorrupt,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			reg.auth, reg.wrap, reg.served = nil, nil, map[string][]File{}
			if tc.setup != nil {
				tc.setup()
			}
			_, err := reg.client(tc.token).Download(t.Context(), tc.keys)
			checkError(t, err, tc.want, tc.kind)
		})
	}
}

func mustDigest(t *testing.T, files []File, deps []Key) string {
	d, err := Digest(files, deps)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDownloadTimeout(t *testing.T) {
	reg := newFakeRegistry(t)
	reg.wrap = func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		// Once the body is read, the server notices the client hang up.
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := reg.client("").Download(ctx, []Key{reg.key(baseV1)})
	checkError(t, err, reg.host+"/acme/base:"+baseV1+": "+reg.host+" did not answer in time", ErrOffline)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, context.DeadlineExceeded) = false")
	}
}

func TestDownloadUnreachable(t *testing.T) {
	reg := newFakeRegistry(t)
	keys := []Key{reg.key(baseV1), reg.key(moneyV1)}
	reg.server.Close()
	_, err := reg.client("").Download(t.Context(), keys)
	// One line per module, so that the caller can list what is missing.
	line := ": cannot reach " + reg.host + ": dial tcp " + reg.host + ": connect: connection refused"
	checkError(t, err, keys[0].String()+line+"\n"+keys[1].String()+line, ErrOffline)
}

func TestResolveErrors(t *testing.T) {
	reg := newFakeRegistry(t)
	r := reg.host
	for _, tc := range []struct {
		ref  string
		want string
		kind error
	}{
		{r + "/acme/petapis:v9", r + `/acme/petapis:v9: not found on ` + r + `: label or commit "v9" not found in acme/petapis`, ErrNotFound},
		{r + "/acme/nope", r + `/acme/nope: not found on ` + r + `: module acme/nope not found`, ErrNotFound},
	} {
		_, err := reg.client("").Resolve(t.Context(), tc.ref)
		checkError(t, err, tc.want, tc.kind)
	}
	for _, ref := range []string{"buf.build/acme", "buf.build/acme/petapis:", "buf.build/acme/petapis:a:b", "acme/petapis/x/y"} {
		_, err := (&Client{}).Resolve(t.Context(), ref)
		want := `module reference "` + ref + `": want registry/owner/module[:label or commit]`
		if err == nil || err.Error() != want {
			t.Errorf("Resolve(%q) = %v, want %s", ref, err, want)
		}
	}
}

func TestDownloadBadKeys(t *testing.T) {
	name := Name{Registry: "buf.build", Owner: "acme", Module: "petapis"}
	b5 := "b5:" + strings.Repeat("ab", 64)
	for _, tc := range []struct {
		key  Key
		want string
	}{
		{Key{Name: name, Commit: "C0000000000000000000000000000001", Digest: b5},
			`buf.build/acme/petapis:C0000000000000000000000000000001: commit id "C0000000000000000000000000000001" is not 32 lowercase hex digits`},
		{Key{Name: name, Commit: petapisV1, Digest: "sha1:" + strings.Repeat("ab", 20)},
			`buf.build/acme/petapis:` + petapisV1 + `: digest "sha1:` + strings.Repeat("ab", 20) + `" is neither b5 nor b4 (b5: or shake256:, and 128 lowercase hex digits)`},
		{Key{Name: name, Commit: petapisV1, Digest: "b5:" + strings.Repeat("AB", 64)},
			`buf.build/acme/petapis:` + petapisV1 + `: digest "b5:` + strings.Repeat("AB", 64) + `" is neither b5 nor b4 (b5: or shake256:, and 128 lowercase hex digits)`},
	} {
		_, err := (&Client{}).Download(t.Context(), []Key{tc.key})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Download(%v) = %v, want %s", tc.key, err, tc.want)
		}
	}
}
