package registry

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"buf.build/gen/go/bufbuild/registry/connectrpc/go/v2/buf/registry/module/v1/modulev1connect"
	"buf.build/gen/go/bufbuild/registry/connectrpc/go/v2/buf/registry/module/v1beta1/modulev1beta1connect"
	"buf.build/gen/go/bufbuild/registry/connectrpc/go/v2/buf/registry/owner/v1/ownerv1connect"
	modulev1 "buf.build/gen/go/bufbuild/registry/protocolbuffers/go/buf/registry/module/v1"
	modulev1beta1 "buf.build/gen/go/bufbuild/registry/protocolbuffers/go/buf/registry/module/v1beta1"
	ownerv1 "buf.build/gen/go/bufbuild/registry/protocolbuffers/go/buf/registry/owner/v1"
	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
)

// A Client fetches modules from a Buf Schema Registry through its module
// API, with the calls buf v1.75 makes when its cache lacks a module:
//
//   - GraphService.GetGraph, asked for each module by name and commit id,
//     gives every commit the modules depend on, directly or not, with its
//     digest, and the edges between them;
//   - ModuleService.GetModules and OwnerService.GetOwners turn the module
//     and owner ids by which the graph gives a dependency into its name;
//   - DownloadService.Download, asked by commit id, gives each commit's
//     files;
//   - CommitService.GetCommits resolves a label or a commit id to the commit
//     and digest that buf pins (Resolve).
//
// Graph and download calls go to buf.registry.module.v1 for modules pinned
// with b5 digests (a v2 buf.lock) and to buf.registry.module.v1beta1, with
// digest type B4, for b4 ones (a v1 buf.lock), as buf chooses; the others
// are v1 calls. They use the Connect protocol with binary protobuf at
// Scheme://registry, the base URL buf builds from a registry host, and
// carry "Authorization: Bearer <token>" when Token gives the host a token.
//
// The zero Client is ready to use: http.DefaultClient, https and no token.
type Client struct {
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Token returns the API token for a registry host, "" for none; nil
	// sends none. Tokens picks it from BUF_TOKEN and .netrc as buf does.
	Token func(registry string) string
	// Scheme is the URL scheme of the registries' API: "https" when empty,
	// "http" for a registry served without TLS (as in tests).
	Scheme string
}

// These are the kinds of *Error that Download and Resolve return:
// errors.Is(err, ErrOffline) reports whether err, or any error that
// errors.Join put in it, is of that kind.
var (
	// ErrOffline is a registry that could not be reached or did not answer
	// in time: what the cache lacks cannot be had until the network is back.
	ErrOffline = errors.New("registry unreachable")
	// ErrUnauthenticated is a registry that wants a valid token.
	ErrUnauthenticated = errors.New("not authenticated")
	// ErrPermissionDenied is a token, or its absence, that gives no access
	// to the module.
	ErrPermissionDenied = errors.New("permission denied")
	// ErrNotFound is a module, label or commit that the registry does not have.
	ErrNotFound = errors.New("not found")
	// ErrServer is a registry that failed to answer for its own reasons:
	// HTTP 5xx, or a Connect error such as internal or unavailable.
	ErrServer = errors.New("registry server error")
	// ErrCorrupt is an answer that is truncated, does not decode, or
	// contradicts itself or the request.
	ErrCorrupt = errors.New("corrupt registry response")
)

// An Error is a module that could not be fetched or resolved. Its text is
// one line, the module first:
//
//	buf.build/acme/petapis:7abc…: not found on buf.build: <what the registry said>
type Error struct {
	// Module is registry/owner/module:commit for Download, the reference
	// as given for Resolve.
	Module string
	// Kind is ErrOffline, ErrUnauthenticated, ErrPermissionDenied,
	// ErrNotFound, ErrServer, ErrCorrupt or ErrDigestMismatch, or
	// context.Canceled when the caller gave up.
	Kind error
	// Detail is the rest of the line: what went wrong and what to do.
	Detail string
	// Err is the underlying error, a *connect.Error for instance; nil when
	// the fault is in what the registry sent.
	Err error
}

// Error returns "module: detail".
func (e *Error) Error() string { return e.Module + ": " + e.Detail }

// Is reports whether target is e's Kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Download fetches the content of each key's commit: its files and its
// dependencies' keys as the registry reports them (name, commit, digest),
// with one set of requests per registry and digest type. Each module is
// verified before it is returned: its files and dependencies must have the
// digest its key pins (Digest for a b5 key, DigestB4 over the files and
// the v1 buf.yaml and buf.lock the registry gives for a b4 key, whose
// dependencies then have b4 digests too). The modules are in the order of
// keys.
//
// On failure Download returns an *Error, or several joined by errors.Join,
// one per module, when a request for several modules failed as a whole.
// Registries that buf lets depend on another registry's modules through
// the legacy v1beta1 graph are not supported.
func (c *Client) Download(ctx context.Context, keys []Key) ([]*Module, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	// buf asks each registry apart, and b5 and b4 digests of different APIs.
	type group struct {
		registry string
		b4       bool
	}
	var (
		byGroup = map[group][]Key{}
		groups  []group
		seen    = map[Key]bool{}
	)
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return nil, err
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		g := group{k.Name.Registry, strings.HasPrefix(k.Digest, b4Type+":")}
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
		byGroup[g] = append(byGroup[g], k)
	}
	modules := make(map[Key]*Module, len(seen))
	for _, g := range groups {
		if err := c.download(ctx, g.registry, byGroup[g], modules); err != nil {
			return nil, err
		}
	}
	out := make([]*Module, len(keys))
	for i, k := range keys {
		out[i] = modules[k]
	}
	return out, nil
}

// Resolve returns the key buf would pin for ref: "registry/owner/module"
// (the module's default label), "registry/owner/module:label" or
// "registry/owner/module:commit", where commit is a commit id. It asks the
// registry's CommitService, as `buf dep update` does for a buf.yaml dep and
// buf does for an input such as buf.build/acme/petapis:main. On failure it
// returns an *Error naming ref.
func (c *Client) Resolve(ctx context.Context, ref string) (Key, error) {
	name, label, err := parseRef(ref)
	if err != nil {
		return Key{}, err
	}
	r := c.remote(name.Registry)
	req := &modulev1.GetCommitsRequest{ResourceRefs: []*modulev1.ResourceRef{nameRef(name, label)}}
	var resp *modulev1.GetCommitsResponse
	if f := r.call(ctx, func(ctx context.Context) (err error) {
		resp, err = modulev1connect.NewCommitServiceClient(r.conn).GetCommits(ctx, req)
		return err
	}); f != nil {
		return Key{}, f.about(ref)
	}
	if n := len(resp.GetCommits()); n != 1 {
		return Key{}, r.corrupt(fmt.Sprintf("%d commits for 1 reference", n)).about(ref)
	}
	commit := resp.GetCommits()[0]
	d := commit.GetDigest()
	id, digest, f := r.commitDigest(commit.GetId(), d.GetType() == modulev1.DigestType_DIGEST_TYPE_B5, d.GetType(), d.GetValue())
	if f != nil {
		return Key{}, f.about(ref)
	}
	return Key{Name: name, Commit: id, Digest: digest}, nil
}

// A regCommit identifies a commit as buf's module graph does: commit ids
// are unique within a registry.
type regCommit struct{ registry, commit string }

// A graphCommit is a commit of a module graph, with the ids by which the
// graph names its module and owner.
type graphCommit struct {
	regCommit
	ownerID, moduleID string
	digest            string
}

// A content is a commit's content as downloaded. b4 content also has the
// v1 buf.yaml and buf.lock the module was pushed with, by base name: the
// b4 digest lists them under that name.
type content struct {
	commit             string
	files              []File
	yamlName, lockName string
	yaml, lock         []byte
}

// download fetches keys, all on registry reg and all of one digest type,
// into modules.
func (c *Client) download(ctx context.Context, reg string, keys []Key, modules map[Key]*Module) error {
	r := c.remote(reg)
	b4 := strings.HasPrefix(keys[0].Digest, b4Type+":")

	// The graph first: Download gives no dependencies, and a dependency's
	// name has to be looked up from the ids that the graph gives.
	commits, edges, f := r.graph(ctx, keys, b4)
	if f != nil {
		return r.keysError(ctx, keys, f)
	}
	nodes, f := c.graphKeys(ctx, r, keys, commits, edges)
	if f != nil {
		return keysError(keys, f)
	}
	contents, f := r.contents(ctx, keys, b4)
	if f != nil {
		return r.keysError(ctx, keys, f)
	}
	byCommit := make(map[string]*content, len(contents))
	for _, content := range contents {
		byCommit[content.commit] = content
	}
	for _, k := range keys {
		content := byCommit[k.Commit]
		if content == nil {
			return r.corrupt("Download did not give this commit").about(k.String())
		}
		files, f := r.files(content.files)
		if f != nil {
			return f.about(k.String())
		}
		deps := dependencies(regCommit{reg, k.Commit}, nodes, edges)
		var digest string
		var err error
		if b4 {
			digest, err = digestB4(files, content.yamlName, content.yaml, content.lockName, content.lock)
		} else {
			digest, err = Digest(files, deps)
		}
		if err != nil {
			return r.corrupt(err.Error()).about(k.String())
		}
		if digest != k.Digest {
			return &Error{
				Module: k.String(),
				Kind:   ErrDigestMismatch,
				Detail: fmt.Sprintf("digest mismatch: want %s, the content downloaded from %s has %s", k.Digest, reg, digest),
			}
		}
		modules[k] = &Module{Key: k, Files: files, Deps: deps, V1BufYAML: content.yaml, V1BufLock: content.lock}
	}
	return nil
}

// graph asks GetGraph for the commits keys depend on, as buf does: of the
// v1 API for b5 digests, of v1beta1 for b4 ones.
func (r *remote) graph(ctx context.Context, keys []Key, b4 bool) ([]graphCommit, [][2]regCommit, *failure) {
	var (
		commits []graphCommit
		edges   [][2]regCommit
	)
	if b4 {
		req := &modulev1beta1.GetGraphRequest{DigestType: modulev1beta1.DigestType_DIGEST_TYPE_B4}
		for _, k := range keys {
			req.ResourceRefs = append(req.ResourceRefs, &modulev1beta1.GetGraphRequest_ResourceRef{
				ResourceRef: nameRefV1Beta1(k.Name, k.Commit),
				Registry:    k.Name.Registry,
			})
		}
		var graph *modulev1beta1.Graph
		if f := r.call(ctx, func(ctx context.Context) error {
			resp, err := modulev1beta1connect.NewGraphServiceClient(r.conn).GetGraph(ctx, req)
			graph = resp.GetGraph()
			return err
		}); f != nil {
			return nil, nil, f
		}
		node := func(n *modulev1beta1.Graph_Node) regCommit {
			return regCommit{cmp.Or(n.GetRegistry(), r.registry), strings.ToLower(n.GetCommitId())}
		}
		for _, gc := range graph.GetCommits() {
			c := gc.GetCommit()
			d := c.GetDigest()
			id, digest, f := r.commitDigest(c.GetId(), d.GetType() == modulev1beta1.DigestType_DIGEST_TYPE_B4, d.GetType(), d.GetValue())
			if f != nil {
				return nil, nil, f
			}
			commits = append(commits, graphCommit{regCommit{cmp.Or(gc.GetRegistry(), r.registry), id}, c.GetOwnerId(), c.GetModuleId(), digest})
		}
		for _, e := range graph.GetEdges() {
			edges = append(edges, [2]regCommit{node(e.GetFromNode()), node(e.GetToNode())})
		}
		return commits, edges, nil
	}

	req := &modulev1.GetGraphRequest{}
	for _, k := range keys {
		req.ResourceRefs = append(req.ResourceRefs, nameRef(k.Name, k.Commit))
	}
	var graph *modulev1.Graph
	if f := r.call(ctx, func(ctx context.Context) error {
		resp, err := modulev1connect.NewGraphServiceClient(r.conn).GetGraph(ctx, req)
		graph = resp.GetGraph()
		return err
	}); f != nil {
		return nil, nil, f
	}
	// The v1 graph lists the commits of other registries than the one
	// asked apart.
	commitRegistry := map[string]string{}
	for _, rc := range graph.GetRegistryCommitIds() {
		commitRegistry[strings.ToLower(rc.GetCommitId())] = rc.GetRegistry()
	}
	node := func(commitID string) regCommit {
		id := strings.ToLower(commitID)
		return regCommit{cmp.Or(commitRegistry[id], r.registry), id}
	}
	for _, c := range graph.GetCommits() {
		d := c.GetDigest()
		id, digest, f := r.commitDigest(c.GetId(), d.GetType() == modulev1.DigestType_DIGEST_TYPE_B5, d.GetType(), d.GetValue())
		if f != nil {
			return nil, nil, f
		}
		commits = append(commits, graphCommit{node(id), c.GetOwnerId(), c.GetModuleId(), digest})
	}
	for _, e := range graph.GetEdges() {
		edges = append(edges, [2]regCommit{node(e.GetFromNode().GetCommitId()), node(e.GetToNode().GetCommitId())})
	}
	return commits, edges, nil
}

// contents asks Download for the content of keys by commit id, as buf
// does: of the v1 API for b5 digests, of v1beta1 for b4 ones, which also
// gives the v1 buf.yaml and buf.lock that b4 digests count.
func (r *remote) contents(ctx context.Context, keys []Key, b4 bool) ([]*content, *failure) {
	var contents []*content
	if b4 {
		req := &modulev1beta1.DownloadRequest{DigestType: modulev1beta1.DigestType_DIGEST_TYPE_B4}
		for _, k := range keys {
			req.Values = append(req.Values, &modulev1beta1.DownloadRequest_Value{
				ResourceRef: &modulev1beta1.ResourceRef{Value: &modulev1beta1.ResourceRef_Id{Id: k.Commit}},
			})
		}
		if f := r.call(ctx, func(ctx context.Context) error {
			resp, err := modulev1beta1connect.NewDownloadServiceClient(r.conn).Download(ctx, req)
			for _, pb := range resp.GetContents() {
				c := &content{commit: strings.ToLower(pb.GetCommit().GetId())}
				for _, file := range pb.GetFiles() {
					c.files = append(c.files, File{Path: file.GetPath(), Data: file.GetContent()})
				}
				if y := pb.GetV1BufYamlFile(); y != nil {
					c.yamlName, c.yaml = path.Base(cmp.Or(y.GetPath(), "buf.yaml")), y.GetContent()
				}
				if l := pb.GetV1BufLockFile(); l != nil {
					c.lockName, c.lock = path.Base(cmp.Or(l.GetPath(), "buf.lock")), l.GetContent()
				}
				contents = append(contents, c)
			}
			return err
		}); f != nil {
			return nil, f
		}
	} else {
		req := &modulev1.DownloadRequest{}
		for _, k := range keys {
			req.Values = append(req.Values, &modulev1.DownloadRequest_Value{
				ResourceRef: &modulev1.ResourceRef{Value: &modulev1.ResourceRef_Id{Id: k.Commit}},
			})
		}
		if f := r.call(ctx, func(ctx context.Context) error {
			resp, err := modulev1connect.NewDownloadServiceClient(r.conn).Download(ctx, req)
			for _, pb := range resp.GetContents() {
				c := &content{commit: strings.ToLower(pb.GetCommit().GetId())}
				for _, file := range pb.GetFiles() {
					c.files = append(c.files, File{Path: file.GetPath(), Data: file.GetContent()})
				}
				contents = append(contents, c)
			}
			return err
		}); f != nil {
			return nil, f
		}
	}
	if len(contents) != len(keys) {
		return nil, r.corrupt(fmt.Sprintf("Download gave %d contents for %d commits", len(contents), len(keys)))
	}
	return contents, nil
}

// graphKeys returns the key of every commit of a graph, keys' own among
// them. The graph gives a dependency by owner and module id; its name is
// asked of the registry that holds it, as buf does.
func (c *Client) graphKeys(ctx context.Context, r *remote, keys []Key, commits []graphCommit, edges [][2]regCommit) (map[regCommit]Key, *failure) {
	nodes := make(map[regCommit]Key, len(commits))
	for _, k := range keys {
		nodes[regCommit{k.Name.Registry, k.Commit}] = k
	}
	var (
		toName     = map[string][]graphCommit{}
		registries []string
		inGraph    = map[regCommit]bool{}
	)
	for _, gc := range commits {
		inGraph[gc.regCommit] = true
		if _, ok := nodes[gc.regCommit]; ok {
			continue
		}
		if _, ok := toName[gc.registry]; !ok {
			registries = append(registries, gc.registry)
		}
		toName[gc.registry] = append(toName[gc.registry], gc)
	}
	for _, k := range keys {
		if !inGraph[regCommit{k.Name.Registry, k.Commit}] {
			return nil, r.corrupt(fmt.Sprintf("GetGraph did not give commit %s of %s", k.Commit, k.Name))
		}
	}
	for _, e := range edges {
		if !inGraph[e[0]] || !inGraph[e[1]] {
			return nil, r.corrupt(fmt.Sprintf("GetGraph gave an edge from commit %s to commit %s, not both among its commits", e[0].commit, e[1].commit))
		}
	}
	for _, reg := range registries {
		list := toName[reg]
		var ownerIDs, moduleIDs []string
		for _, gc := range list {
			ownerIDs = append(ownerIDs, gc.ownerID)
			moduleIDs = append(moduleIDs, gc.moduleID)
		}
		owners, modules, f := c.remote(reg).names(ctx, ownerIDs, moduleIDs)
		if f != nil {
			return nil, f
		}
		for _, gc := range list {
			nodes[gc.regCommit] = Key{
				Name:   Name{Registry: reg, Owner: owners[gc.ownerID], Module: modules[gc.moduleID]},
				Commit: gc.commit,
				Digest: gc.digest,
			}
		}
	}
	return nodes, nil
}

// dependencies returns the keys of the commits that from depends on,
// directly or not, sorted by name, as buf keeps them in its cache.
func dependencies(from regCommit, nodes map[regCommit]Key, edges [][2]regCommit) []Key {
	out := map[regCommit][]regCommit{}
	for _, e := range edges {
		out[e[0]] = append(out[e[0]], e[1])
	}
	seen := map[regCommit]bool{from: true}
	stack := []regCommit{from}
	var deps []Key
	for len(stack) > 0 {
		rc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, to := range out[rc] {
			if !seen[to] {
				seen[to] = true
				deps = append(deps, nodes[to])
				stack = append(stack, to)
			}
		}
	}
	slices.SortFunc(deps, func(a, b Key) int {
		return cmp.Or(cmp.Compare(a.Name.String(), b.Name.String()), cmp.Compare(a.Commit, b.Commit))
	})
	return deps
}

// names returns the names of owners and modules by id, from one GetOwners
// and one GetModules call (buf asks for one id per call).
func (r *remote) names(ctx context.Context, ownerIDs, moduleIDs []string) (owners, modules map[string]string, _ *failure) {
	ownerIDs, moduleIDs = unique(ownerIDs), unique(moduleIDs)
	modulesReq := &modulev1.GetModulesRequest{}
	for _, id := range moduleIDs {
		modulesReq.ModuleRefs = append(modulesReq.ModuleRefs, &modulev1.ModuleRef{Value: &modulev1.ModuleRef_Id{Id: id}})
	}
	modules = map[string]string{}
	if f := r.call(ctx, func(ctx context.Context) error {
		resp, err := modulev1connect.NewModuleServiceClient(r.conn).GetModules(ctx, modulesReq)
		for _, m := range resp.GetModules() {
			modules[m.GetId()] = m.GetName()
		}
		return err
	}); f != nil {
		return nil, nil, f
	}
	ownersReq := &ownerv1.GetOwnersRequest{}
	for _, id := range ownerIDs {
		ownersReq.OwnerRefs = append(ownersReq.OwnerRefs, &ownerv1.OwnerRef{Value: &ownerv1.OwnerRef_Id{Id: id}})
	}
	owners = map[string]string{}
	if f := r.call(ctx, func(ctx context.Context) error {
		resp, err := ownerv1connect.NewOwnerServiceClient(r.conn).GetOwners(ctx, ownersReq)
		for _, o := range resp.GetOwners() {
			switch {
			case o.GetUser() != nil:
				owners[o.GetUser().GetId()] = o.GetUser().GetName()
			case o.GetOrganization() != nil:
				owners[o.GetOrganization().GetId()] = o.GetOrganization().GetName()
			}
		}
		return err
	}); f != nil {
		return nil, nil, f
	}
	for _, id := range moduleIDs {
		if modules[id] == "" {
			return nil, nil, r.corrupt(fmt.Sprintf("GetModules did not give the name of module %s", id))
		}
	}
	for _, id := range ownerIDs {
		if owners[id] == "" {
			return nil, nil, r.corrupt(fmt.Sprintf("GetOwners did not give the name of owner %s", id))
		}
	}
	return owners, modules, nil
}

func unique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// commitDigest returns a commit's id and digest as buf.lock writes them,
// b5 digests for the v1 API (ok when the type is B5), b4 ones for v1beta1
// (ok when B4).
func (r *remote) commitDigest(id string, ok bool, typ fmt.Stringer, value []byte) (string, string, *failure) {
	lower := strings.ToLower(id)
	if !isCommitID(lower) {
		return "", "", r.corrupt(fmt.Sprintf("commit id %q is not 32 hex digits", id))
	}
	if !ok || len(value) != shake256Size {
		return "", "", r.corrupt(fmt.Sprintf("commit %s has no digest of the type asked for (%v, %d bytes)", lower, typ, len(value)))
	}
	prefix := b5Type
	if _, b4 := typ.(modulev1beta1.DigestType); b4 {
		prefix = b4Type
	}
	return lower, prefix + ":" + hex.EncodeToString(value), nil
}

// files checks downloaded files and sorts them by path, refusing paths
// that could leave the module's directory when written out.
func (r *remote) files(files []File) ([]File, *failure) {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if err := checkFilePath(f.Path); err != nil {
			return nil, r.corrupt(err.Error())
		}
		if seen[f.Path] {
			return nil, r.corrupt(fmt.Sprintf("file %s comes twice", f.Path))
		}
		seen[f.Path] = true
	}
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// nameRef refers to a module by name, with ref (a label or a commit id, or
// "" for the default label) as buf sends it.
func nameRef(n Name, ref string) *modulev1.ResourceRef {
	return &modulev1.ResourceRef{Value: &modulev1.ResourceRef_Name_{Name: &modulev1.ResourceRef_Name{
		Owner:  n.Owner,
		Module: n.Module,
		Child:  &modulev1.ResourceRef_Name_Ref{Ref: ref},
	}}}
}

func nameRefV1Beta1(n Name, ref string) *modulev1beta1.ResourceRef {
	return &modulev1beta1.ResourceRef{Value: &modulev1beta1.ResourceRef_Name_{Name: &modulev1beta1.ResourceRef_Name{
		Owner:  n.Owner,
		Module: n.Module,
		Child:  &modulev1beta1.ResourceRef_Name_Ref{Ref: ref},
	}}}
}

// parseRef reads registry/owner/module[:ref] as buf does: the registry is
// what precedes the first slash, so it may carry a port.
func parseRef(s string) (Name, string, error) {
	reg, rest, _ := strings.Cut(s, "/")
	rest, ref, hasRef := strings.Cut(rest, ":")
	n, err := ParseName(reg + "/" + rest)
	if err != nil || (hasRef && (ref == "" || strings.Contains(ref, ":"))) {
		return Name{}, "", fmt.Errorf("module reference %q: want registry/owner/module[:label or commit]", s)
	}
	return n, ref, nil
}

// checkKey refuses a key that the module API cannot serve or verify.
func checkKey(k Key) error {
	if k.Name.Registry == "" || k.Name.Owner == "" || k.Name.Module == "" {
		return fmt.Errorf("module %q: want registry/owner/module", k.Name)
	}
	if !isCommitID(k.Commit) {
		return fmt.Errorf("%s: commit id %q is not 32 lowercase hex digits", k, k.Commit)
	}
	typ, value, ok := strings.Cut(k.Digest, ":")
	if b, err := hex.DecodeString(value); !ok || (typ != b5Type && typ != b4Type) || err != nil || len(b) != shake256Size || strings.ToLower(value) != value {
		return fmt.Errorf("%s: digest %q is neither b5 nor b4 (b5: or shake256:, and 128 lowercase hex digits)", k, k.Digest)
	}
	return nil
}

func isCommitID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// A remote is one registry's API, with the token buf would send it.
type remote struct {
	registry string
	token    string
	conn     *connect.Client
}

func (c *Client) remote(registry string) *remote {
	hc := http.DefaultClient
	if c.HTTPClient != nil {
		hc = c.HTTPClient
	}
	var token string
	if c.Token != nil {
		token = c.Token(registry)
	}
	base := cmp.Or(c.Scheme, "https") + "://" + registry
	return &remote{
		registry: registry,
		token:    token,
		// Responses are unbounded, as in buf: a module is as large as it is.
		conn: connect.NewClient(connecthttp.NewTransport(hc, base, connecthttp.WithReadMaxBytes(0))),
	}
}

// A failure is what went wrong with a call, before it is said of a module.
type failure struct {
	kind   error
	detail string
	err    error
}

func (f *failure) about(module string) *Error {
	return &Error{Module: module, Kind: f.kind, Detail: f.detail, Err: f.err}
}

func (r *remote) corrupt(detail string) *failure {
	return &failure{kind: ErrCorrupt, detail: "corrupt response from " + r.registry + ": " + detail}
}

// keysError says f of each key, joined.
func keysError(keys []Key, f *failure) error {
	errs := make([]error, len(keys))
	for i, k := range keys {
		errs[i] = f.about(k.String())
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// keysError says f of each key; when f is a module or commit not found, it
// first asks after each key alone, so as to name only those missing.
func (r *remote) keysError(ctx context.Context, keys []Key, f *failure) error {
	if f.kind != ErrNotFound || len(keys) == 1 {
		return keysError(keys, f)
	}
	var errs []error
	for _, k := range keys {
		req := &modulev1.GetCommitsRequest{ResourceRefs: []*modulev1.ResourceRef{nameRef(k.Name, k.Commit)}}
		kf := r.call(ctx, func(ctx context.Context) error {
			_, err := modulev1connect.NewCommitServiceClient(r.conn).GetCommits(ctx, req)
			return err
		})
		if kf != nil && kf.kind == ErrNotFound {
			errs = append(errs, kf.about(k.String()))
		}
	}
	switch len(errs) {
	case 0:
		// Each commit exists: something they depend on is missing.
		return keysError(keys, f)
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// call makes one call with the token buf would send, and says why it
// failed.
func (r *remote) call(ctx context.Context, rpc func(context.Context) error) *failure {
	ctx, info := connect.NewClientContext(ctx)
	if r.token != "" {
		info.RequestHeader().Set("Authorization", "Bearer "+r.token)
	}
	err := rpc(ctx)
	if err == nil {
		return nil
	}
	status := 0
	if hi, ok := connecthttp.ClientInfoForContext(ctx); ok {
		status = hi.ResponseStatus()
	}
	return r.classify(err, status)
}

// classify says why a call failed, from its error and the HTTP status of
// the answer (0 when none came).
func (r *remote) classify(err error, status int) *failure {
	code := connect.CodeOf(err)
	msg := ""
	if ce, ok := errors.AsType[*connect.Error](err); ok {
		msg = strings.Join(strings.Fields(ce.Message()), " ")
	}
	f := &failure{err: err}
	login := fmt.Sprintf(`"buf registry login %s"`, r.registry)
	switch {
	case errors.Is(err, context.Canceled) || code == connect.CodeCanceled:
		f.kind, f.detail = context.Canceled, "canceled"
	case code == connect.CodeDeadlineExceeded:
		f.kind, f.detail = ErrOffline, r.registry+" did not answer in time"
	case status == 0 && code == connect.CodeUnavailable:
		// No answer at all: the network, not the registry.
		cause := msg
		if ue, ok := errors.AsType[*url.Error](err); ok {
			cause = ue.Err.Error()
		}
		f.kind, f.detail = ErrOffline, "cannot reach "+r.registry+": "+cause
	case code == connect.CodeUnauthenticated && r.token == "":
		f.kind, f.detail = ErrUnauthenticated, "not authenticated for "+r.registry+": set BUF_TOKEN or run "+login
	case code == connect.CodeUnauthenticated:
		f.kind, f.detail = ErrUnauthenticated, r.registry+" rejected the token: set BUF_TOKEN to a valid token or run "+login
	case code == connect.CodePermissionDenied && r.token == "":
		f.kind, f.detail = ErrPermissionDenied, "permission denied by "+r.registry+" without a token: set BUF_TOKEN or run "+login
	case code == connect.CodePermissionDenied:
		f.kind, f.detail = ErrPermissionDenied, "permission denied by "+r.registry+": the token has no access to this module"
	case code == connect.CodeNotFound:
		f.kind, f.detail = ErrNotFound, "not found on "+r.registry
		if msg != "" {
			f.detail += ": " + msg
		}
	case status == http.StatusOK:
		// The registry said yes, but what came does not decode.
		f.kind, f.detail = ErrCorrupt, "truncated or corrupt response from "+r.registry+": "+cmp.Or(msg, code.String())
	default:
		f.kind, f.detail = ErrServer, fmt.Sprintf("%s failed: HTTP %d %s", r.registry, status, http.StatusText(status))
		// A proxy's answer has no message of its own: connect makes one of
		// the status.
		if msg != "" && msg != fmt.Sprintf("%d %s", status, http.StatusText(status)) {
			f.detail = fmt.Sprintf("%s failed: HTTP %d, %s: %s", r.registry, status, code, msg)
		}
	}
	return f
}
