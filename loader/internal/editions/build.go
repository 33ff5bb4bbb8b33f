package editions

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/loader/internal/compile"
)

// build links, in order (each file after what it imports), the files of a
// compile: those linked already, and the well-known imports, as the very
// objects the v0.14 compiler uses (two objects for one file clash in a
// compile), the others from the compiler's protos. It returns the files of
// req.Paths.
//
// Building a file (protodesc.NewFile, and reading its options) is a sixth
// of an edition 2024 compile, and it was the part that ran on one core: a
// file is built as soon as what it imports is, as many at once as there
// are cores. When one fails, the files are built again one at a time, in
// order, so that the error is the one that a sequential build meets first.
func (r run) build(req Request, order []string, protos map[string]*descriptorpb.FileDescriptorProto) ([]protoreflect.FileDescriptor, error) {
	built, err := r.buildParallel(req, order, protos)
	if err != nil {
		if built, err = r.buildInOrder(req, order, protos); err != nil {
			return nil, err
		}
	}
	out := make([]protoreflect.FileDescriptor, 0, len(req.Paths))
	for _, p := range req.Paths {
		f, ok := built[p]
		if !ok {
			return nil, fmt.Errorf("%s: the compiler returned no descriptor", p)
		}
		out = append(out, f)
	}
	return out, nil
}

// linked returns the object that the file p of a compile is linked to
// when it is not built from the compiler's proto: the file linked
// already, or the well-known import.
func (r run) linked(req Request, p string) (protoreflect.FileDescriptor, bool) {
	if f, ok := req.Linked[p]; ok {
		return f, true
	}
	if r.names.standard(p) && req.Standard != nil {
		return req.Standard(p)
	}
	return nil, false
}

// registry is a protoregistry.Files that files may be registered in while
// others are built from it.
type registry struct {
	mu    sync.RWMutex
	files protoregistry.Files
	built map[string]protoreflect.FileDescriptor // by path
}

// FindFileByPath implements protodesc.Resolver.
func (g *registry) FindFileByPath(p string) (protoreflect.FileDescriptor, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.files.FindFileByPath(p)
}

// FindDescriptorByName implements protodesc.Resolver.
func (g *registry) FindDescriptorByName(n protoreflect.FullName) (protoreflect.Descriptor, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.files.FindDescriptorByName(n)
}

// register adds f, after what it imports, unless it is there already;
// the caller holds g.mu.
func (g *registry) register(f protoreflect.FileDescriptor) error {
	if _, ok := g.built[f.Path()]; ok {
		return nil
	}
	for i := range f.Imports().Len() {
		if err := g.register(f.Imports().Get(i).FileDescriptor); err != nil {
			return err
		}
	}
	g.built[f.Path()] = f
	return g.files.RegisterFile(f)
}

// deps returns the files fp imports, nil for one not built.
func (g *registry) deps(fp *descriptorpb.FileDescriptorProto) []protoreflect.FileDescriptor {
	g.mu.RLock()
	defer g.mu.RUnlock()
	deps := make([]protoreflect.FileDescriptor, len(fp.GetDependency()))
	for i, d := range fp.GetDependency() {
		deps[i] = g.built[d]
	}
	return deps
}

// buildFile builds the file p from its proto.
func (r run) buildFile(g *registry, p string, fp *descriptorpb.FileDescriptorProto) (protoreflect.FileDescriptor, error) {
	if err := r.options.read(fp); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	var f protoreflect.FileDescriptor
	var err error
	if r.newFile != nil {
		f, err = r.newFile(fp, g, g.deps(fp))
	} else {
		f, err = protodesc.NewFile(fp, g)
	}
	if err != nil {
		return nil, &Errors{List: []compile.Error{{File: p, Name: r.names.display(p), Message: err.Error()}}}
	}
	return f, nil
}

// buildInOrder builds the files of order one at a time.
func (r run) buildInOrder(req Request, order []string, protos map[string]*descriptorpb.FileDescriptorProto) (map[string]protoreflect.FileDescriptor, error) {
	g := &registry{built: make(map[string]protoreflect.FileDescriptor, len(order))}
	for _, p := range order {
		if _, ok := g.built[p]; ok {
			continue
		}
		f, ok := r.linked(req, p)
		if !ok {
			var err error
			if f, err = r.buildFile(g, p, protos[p]); err != nil {
				return nil, err
			}
		}
		if err := g.register(f); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return g.built, nil
}

// buildParallel builds the files of order, each once what it imports is
// built, on every core; its error says only that one failed.
func (r run) buildParallel(req Request, order []string, protos map[string]*descriptorpb.FileDescriptorProto) (map[string]protoreflect.FileDescriptor, error) {
	g := &registry{built: make(map[string]protoreflect.FileDescriptor, len(order))}
	var todo []string
	for _, p := range order {
		if f, ok := r.linked(req, p); ok {
			if err := g.register(f); err != nil {
				return nil, err
			}
		} else {
			todo = append(todo, p)
		}
	}
	done := make(map[string]chan struct{}, len(todo))
	for _, p := range todo {
		done[p] = make(chan struct{})
	}
	var failed atomic.Bool
	cores := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, p := range todo {
		wg.Go(func() {
			defer close(done[p])
			fp := protos[p]
			for _, d := range fp.GetDependency() {
				if ch := done[d]; ch != nil {
					<-ch
				}
			}
			if failed.Load() {
				return
			}
			cores <- struct{}{}
			defer func() { <-cores }()
			f, err := r.buildFile(g, p, fp)
			if err == nil {
				g.mu.Lock()
				err = g.register(f)
				g.mu.Unlock()
			}
			if err != nil {
				failed.Store(true)
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return nil, errBuildFailed
	}
	return g.built, nil
}

// errBuildFailed says that a file of a parallel build failed.
var errBuildFailed = errors.New("a file failed to build")

// optionReads runs knownOptions once per proto. Each proto has its own
// once, so that the files of a compile, built at the same time, read their
// options at the same time.
type optionReads struct {
	mu   sync.Mutex
	done map[*descriptorpb.FileDescriptorProto]func() error
}

// read runs knownOptions on fp unless it ran already, and returns what it
// returned.
func (o *optionReads) read(fp *descriptorpb.FileDescriptorProto) error {
	o.mu.Lock()
	if o.done == nil {
		o.done = make(map[*descriptorpb.FileDescriptorProto]func() error)
	}
	once, ok := o.done[fp]
	if !ok {
		once = sync.OnceValue(func() error { return knownOptions(fp) })
		o.done[fp] = once
	}
	o.mu.Unlock()
	return once()
}

// knownOptions reads the options of fp, which the compiler keeps as
// unknown fields, into the standard options' fields, as protodesc expects.
// It changes fp, one of the compiler's cached protos, in place, once
// (optionReads). Reading only the options, not the whole file through the
// wire format, saves a tenth of compiling an edition 2024 tree
// (BenchmarkEditions).
func knownOptions(fp *descriptorpb.FileDescriptorProto) error {
	if fp == nil {
		return errors.New("the compiler returned no descriptor")
	}
	var err error
	read := func(m proto.Message) {
		r := m.ProtoReflect()
		if err != nil || !r.IsValid() {
			return
		}
		u := r.GetUnknown()
		if len(u) == 0 {
			return
		}
		r.SetUnknown(nil)
		err = proto.UnmarshalOptions{Merge: true, AllowPartial: true}.Unmarshal(u, m)
	}
	enum := func(e *descriptorpb.EnumDescriptorProto) {
		read(e.GetOptions())
		for _, v := range e.GetValue() {
			read(v.GetOptions())
		}
	}
	fields := func(fs []*descriptorpb.FieldDescriptorProto) {
		for _, f := range fs {
			read(f.GetOptions())
		}
	}
	var message func(m *descriptorpb.DescriptorProto)
	message = func(m *descriptorpb.DescriptorProto) {
		read(m.GetOptions())
		fields(m.GetField())
		fields(m.GetExtension())
		for _, o := range m.GetOneofDecl() {
			read(o.GetOptions())
		}
		for _, r := range m.GetExtensionRange() {
			read(r.GetOptions())
		}
		for _, n := range m.GetNestedType() {
			message(n)
		}
		for _, e := range m.GetEnumType() {
			enum(e)
		}
	}
	read(fp.GetOptions())
	for _, m := range fp.GetMessageType() {
		message(m)
	}
	for _, e := range fp.GetEnumType() {
		enum(e)
	}
	fields(fp.GetExtension())
	for _, s := range fp.GetService() {
		read(s.GetOptions())
		for _, m := range s.GetMethod() {
			read(m.GetOptions())
		}
	}
	return err
}
