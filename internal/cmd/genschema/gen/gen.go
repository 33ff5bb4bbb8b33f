// Package gen generates pairs of large .proto trees that differ by known
// breaking changes: the old version, the new one, and the list of changes.
// Benchmarks and the partial-compile tests use it to build monorepo-sized
// inputs without shipping them.
//
// A tree is laid out like a company's monorepo: packages acme.<domain>.v1 of
// about ten files each, in three tiers (a few common packages, many domain
// packages that import them, API packages on top), files importing files of
// their own package and of lower tiers. Each file holds enums, messages with
// nested types, maps, oneofs, options and reserved ranges, and every fourth
// one a service.
package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Config says what to generate. Zero fields take the defaults noted.
type Config struct {
	// Files is the number of .proto files in each version.
	Files int
	// Changes is the number of breaking changes, each in its own file
	// (at most Files).
	Changes int
	// TouchAll adds a comment to every file of the new version, so that
	// every digest differs.
	TouchAll bool
	// Seed seeds every choice: equal configs give equal pairs.
	Seed uint64
	// Messages is the number of messages per file, nested ones included
	// (default 40).
	Messages int
	// Fields is the typical number of fields per message (default 20).
	Fields int
	// Editions chooses the syntax of the files: "" writes proto3; "mix"
	// writes a third of the files in edition 2023 and a third in edition
	// 2024, so that trees mix what each of protocompile's compilers reads;
	// "2024" writes every file in edition 2024. Editions files set the
	// features that keep what proto3 meant.
	Editions string
}

// A Pair is a generated old and new version.
type Pair struct {
	// Old and New map each file's path to its contents.
	Old, New map[string][]byte
	// Changes describe the breaking changes made to Old to get New, one
	// line each, in the order they were made.
	Changes []string
	// Changed lists the paths of the files the changes were made in.
	Changed []string
}

// Write writes the pair to dir/old and dir/new, replacing what was there.
func (p *Pair) Write(dir string) error {
	for side, files := range map[string]map[string][]byte{"old": p.Old, "new": p.New} {
		root := filepath.Join(dir, side)
		if err := os.RemoveAll(root); err != nil {
			return err
		}
		for path, data := range files {
			full := filepath.Join(root, filepath.FromSlash(path))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(full, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

var domains = []string{
	"billing", "orders", "catalog", "identity", "payments", "shipping", "search",
	"inventory", "pricing", "reviews", "ledger", "notify", "media", "geo", "risk",
	"support", "growth", "ads", "social", "storage",
}

var nouns = []string{
	"account", "invoice", "item", "order", "user", "address", "payment", "refund",
	"session", "token", "route", "parcel", "quote", "rule", "report", "event",
	"profile", "device", "policy", "review", "asset", "bucket", "region", "rate",
}

var scalars = []string{
	"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
	"sfixed32", "sfixed64", "bool", "string", "bytes", "double", "float",
	"string", "string", "int64", "bool",
}

type file struct {
	path, pkg, stem string
	tier            int
	imports         []*file
	timestamp       bool
	enums           []*enum
	msgs            []*message // top level
	referable       []*message // messages other files and services may use
	svc             *service
	touched         bool
	edition         string // "" for proto3
}

type enum struct {
	name   string // full name
	local  string // name in its scope
	prefix string
	values []string
	gone   map[int]bool
}

type field struct {
	name, label, typ, key string // key: map key type
	num                   int
	oneof, deprecated     bool
	json                  string
	gone                  bool
}

type message struct {
	name     string // full name
	local    string
	fields   []*field
	nested   []*message
	enums    []*enum
	oneof    bool
	reserved bool
	gone     bool
}

type service struct {
	name    string
	methods []*method
}

type method struct {
	name, in, out string
	stream, gone  bool
}

// Generate builds a pair from cfg.
func Generate(cfg Config) *Pair {
	if cfg.Messages <= 0 {
		cfg.Messages = 40
	}
	if cfg.Fields <= 0 {
		cfg.Fields = 20
	}
	if cfg.Files <= 0 {
		cfg.Files = 1
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	files := layout(r, cfg.Files)
	for i, f := range files {
		switch cfg.Editions {
		case "mix":
			f.edition = []string{"", "2023", "2024"}[i%3]
		case "2024":
			f.edition = "2024"
		}
	}
	// Fill lower tiers first: their messages are what higher ones use.
	for t := range 3 {
		for _, f := range files {
			if f.tier == t {
				fill(r, cfg, f)
			}
		}
	}
	p := &Pair{Old: make(map[string][]byte), New: make(map[string][]byte)}
	for _, f := range files {
		p.Old[f.path] = render(f)
	}
	order := r.Perm(len(files))
	for i := 0; i < cfg.Changes && i < len(files); i++ {
		f := files[order[i]]
		p.Changes = append(p.Changes, fmt.Sprintf("%s: %s", f.path, mutate(r, f, i)))
		p.Changed = append(p.Changed, f.path)
	}
	slices.Sort(p.Changed)
	for _, f := range files {
		f.touched = cfg.TouchAll
		p.New[f.path] = render(f)
	}
	return p
}

// layout names the files and packages and chooses the imports.
func layout(r *rand.Rand, n int) []*file {
	npkg := max(1, (n+9)/10)
	tier := func(pi int) int {
		switch {
		case pi < max(1, npkg/20):
			return 0
		case pi < max(2, npkg*3/4):
			return 1
		}
		return 2
	}
	byPkg := make([][]*file, npkg)
	var files []*file
	for i := range n {
		pi := i % npkg
		j := len(byPkg[pi])
		domain := domains[pi%len(domains)]
		if pi >= len(domains) {
			domain += fmt.Sprint(pi / len(domains))
		}
		stem := nouns[j%len(nouns)]
		if j >= len(nouns) {
			stem += fmt.Sprint(j / len(nouns))
		}
		f := &file{
			path: fmt.Sprintf("acme/%s/v1/%s.proto", domain, stem),
			pkg:  fmt.Sprintf("acme.%s.v1", domain),
			stem: camel(domain) + camel(stem),
			tier: tier(pi),
		}
		byPkg[pi] = append(byPkg[pi], f)
		files = append(files, f)
	}
	pkgsOf := func(t int) []int {
		var out []int
		for pi := range npkg {
			if tier(pi) == t && len(byPkg[pi]) > 0 {
				out = append(out, pi)
			}
		}
		return out
	}
	tiers := [][]int{pkgsOf(0), pkgsOf(1), pkgsOf(2)}
	pick := func(t int) *file {
		if len(tiers[t]) == 0 {
			return nil
		}
		fs := byPkg[tiers[t][r.IntN(len(tiers[t]))]]
		return fs[r.IntN(len(fs))]
	}
	for pi, fs := range byPkg {
		for j, f := range fs {
			add := func(g *file) {
				if g != nil && g != f && !slices.Contains(f.imports, g) {
					f.imports = append(f.imports, g)
				}
			}
			if j > 0 {
				add(fs[r.IntN(j)])
			}
			switch tier(pi) {
			case 1:
				add(pick(0))
			case 2:
				add(pick(0))
				add(pick(1))
				add(pick(1))
			}
			f.timestamp = j%3 == 0
		}
	}
	return files
}

// fill declares the file's enums, messages and service.
func fill(r *rand.Rand, cfg Config, f *file) {
	for _, kind := range []string{"Status", "Kind"} {
		local := f.stem + kind
		e := &enum{name: f.pkg + "." + local, local: local, prefix: snake(local), gone: map[int]bool{}}
		for k := range 5 + r.IntN(6) {
			if k == 0 {
				e.values = append(e.values, "UNSPECIFIED")
			} else {
				e.values = append(e.values, strings.ToUpper(nouns[(k*7+len(local))%len(nouns)])+fmt.Sprint(k))
			}
		}
		f.enums = append(f.enums, e)
	}
	count := 0
	for i := 0; count < cfg.Messages; i++ {
		m := newMessage(r, cfg, f, f.pkg, fmt.Sprintf("%s%s%d", f.stem, camel(nouns[i%len(nouns)]), i))
		count++
		if i%8 == 3 && count < cfg.Messages {
			n := newMessage(r, cfg, f, m.name, "Detail")
			m.nested = append(m.nested, n)
			ne := &enum{name: m.name + ".Mode", local: "Mode", prefix: "MODE", values: []string{"UNSPECIFIED", "FAST", "SAFE", "BATCH"}, gone: map[int]bool{}}
			m.enums = append(m.enums, ne)
			count++
		}
		// The last message is never used by another, so that deleting it
		// leaves both versions compilable.
		if count < cfg.Messages*3/4 {
			f.referable = append(f.referable, m)
		}
		f.msgs = append(f.msgs, m)
	}
	if len(f.path)%4 == 0 && len(f.referable) >= 2 {
		s := &service{name: f.stem + "Service"}
		for k := range 5 {
			in, out := f.referable[r.IntN(len(f.referable))], f.referable[r.IntN(len(f.referable))]
			s.methods = append(s.methods, &method{
				name: []string{"Get", "List", "Create", "Update", "Watch"}[k] + f.stem,
				in:   in.name, out: out.name, stream: k == 4,
			})
		}
		f.svc = s
	}
}

func newMessage(r *rand.Rand, cfg Config, f *file, scope, local string) *message {
	m := &message{name: scope + "." + local, local: local, oneof: r.IntN(5) == 0, reserved: r.IntN(7) == 0}
	n := max(3, cfg.Fields-3+r.IntN(7))
	num := 1
	for k := range n {
		fd := &field{name: fmt.Sprintf("%s_%d", nouns[(k*5+len(local))%len(nouns)], k), num: num}
		num++
		if m.reserved && num == 90 {
			num = 100
		}
		switch x := r.IntN(100); {
		case x < 50:
			fd.typ = scalars[r.IntN(len(scalars))]
		case x < 60:
			fd.typ = f.enums[r.IntN(len(f.enums))].name
		case x < 72:
			fd.typ = msgRef(r, f)
		case x < 77:
			fd.key, fd.typ = "string", scalars[r.IntN(len(scalars))]
		case x < 84:
			fd.label, fd.typ = "repeated", scalars[r.IntN(len(scalars))]
		case x < 88:
			fd.label, fd.typ = "repeated", msgRef(r, f)
		case x < 92 && f.timestamp:
			fd.typ = "google.protobuf.Timestamp"
		case x < 96:
			fd.label, fd.typ = "optional", scalars[r.IntN(len(scalars))]
		default:
			fd.typ = "string"
		}
		if fd.typ == "" {
			fd.typ = "int64"
		}
		fd.deprecated = r.IntN(30) == 0
		if r.IntN(50) == 0 && fd.label != "repeated" && fd.key == "" {
			fd.json = "x" + camel(fd.name)
		}
		if m.oneof && k >= n-3 && fd.label == "" && fd.key == "" {
			fd.oneof = true
		}
		m.fields = append(m.fields, fd)
	}
	return m
}

// msgRef names a message a field may use: one declared earlier in the
// file, or one of an imported file.
func msgRef(r *rand.Rand, f *file) string {
	if len(f.imports) > 0 && (len(f.referable) == 0 || r.IntN(2) == 0) {
		g := f.imports[r.IntN(len(f.imports))]
		if len(g.referable) > 0 {
			return g.referable[r.IntN(len(g.referable))].name
		}
	}
	if len(f.referable) > 0 {
		return f.referable[r.IntN(len(f.referable))].name
	}
	return "string"
}

// mutate makes the i-th breaking change in f and describes it.
func mutate(r *rand.Rand, f *file, i int) string {
	kind := i % 6
	if kind == 5 && f.svc == nil {
		kind = 1
	}
	switch kind {
	case 3:
		e := f.enums[0]
		k := 1 + r.IntN(len(e.values)-1)
		e.gone[k] = true
		return fmt.Sprintf("enum value %d %q deleted from %s", k, e.prefix+"_"+e.values[k], e.name)
	case 4:
		m := f.msgs[len(f.msgs)-1]
		m.gone = true
		return fmt.Sprintf("message %s deleted", m.name)
	case 5:
		md := f.svc.methods[r.IntN(len(f.svc.methods))]
		md.gone = true
		return fmt.Sprintf("rpc %s deleted from %s.%s", md.name, f.pkg, f.svc.name)
	}
	m := f.msgs[r.IntN(len(f.msgs))]
	var cands []*field
	for _, fd := range m.fields {
		ok := !fd.oneof && fd.key == "" && fd.label == ""
		if kind == 1 {
			ok = ok && slices.Contains(scalars[:10], fd.typ)
		}
		if ok {
			cands = append(cands, fd)
		}
	}
	if len(cands) == 0 {
		kind, cands = 0, m.fields
	}
	fd := cands[r.IntN(len(cands))]
	switch kind {
	case 1:
		old := fd.typ
		fd.typ = "string"
		return fmt.Sprintf("field %d %q on %s changed type from %s to string", fd.num, fd.name, m.name, old)
	case 2:
		old := fd.name
		fd.name += "_v2"
		return fmt.Sprintf("field %d %q on %s renamed to %q", fd.num, old, m.name, fd.name)
	}
	fd.gone = true
	return fmt.Sprintf("field %d %q deleted from %s", fd.num, fd.name, m.name)
}

func render(f *file) []byte {
	var b strings.Builder
	if f.edition == "" {
		fmt.Fprintf(&b, "// Code generated by genschema. DO NOT EDIT.\n\nsyntax = \"proto3\";\n\npackage %s;\n\n", f.pkg)
	} else {
		fmt.Fprintf(&b, "// Code generated by genschema. DO NOT EDIT.\n\nedition = %q;\n\npackage %s;\n\n", f.edition, f.pkg)
	}
	var imps []string
	for _, g := range f.imports {
		imps = append(imps, g.path)
	}
	if f.timestamp {
		imps = append(imps, "google/protobuf/timestamp.proto")
	}
	slices.Sort(imps)
	for _, p := range imps {
		fmt.Fprintf(&b, "import %q;\n", p)
	}
	if len(imps) > 0 {
		b.WriteByte('\n')
	}
	goPkg := strings.ReplaceAll(strings.TrimSuffix(f.path[:strings.LastIndex(f.path, "/")], "/"), ".", "_")
	fmt.Fprintf(&b, "option go_package = \"example.com/gen/%s\";\n", goPkg)
	fmt.Fprintf(&b, "option java_package = \"com.%s\";\n", f.pkg)
	switch f.edition {
	case "":
		b.WriteString("option java_multiple_files = true;\n\n")
	case "2023":
		b.WriteString("option java_multiple_files = true;\noption features.field_presence = IMPLICIT;\n\n")
	default:
		// Edition 2024 drops java_multiple_files for a feature whose
		// default means the same, and makes nested types local.
		b.WriteString("option features.field_presence = IMPLICIT;\noption features.default_symbol_visibility = EXPORT_ALL;\n" +
			"option features.enforce_naming_style = STYLE_LEGACY;\n\n")
	}
	for _, e := range f.enums {
		renderEnum(&b, e, "")
	}
	for _, m := range f.msgs {
		renderMessage(&b, m, "")
	}
	if f.svc != nil {
		fmt.Fprintf(&b, "// %s serves the %s API.\nservice %s {\n", f.svc.name, f.pkg, f.svc.name)
		for _, md := range f.svc.methods {
			if md.gone {
				continue
			}
			stream := ""
			if md.stream {
				stream = "stream "
			}
			fmt.Fprintf(&b, "  rpc %s(%s) returns (%s%s);\n", md.name, md.in, stream, md.out)
		}
		b.WriteString("}\n")
	}
	if f.touched {
		b.WriteString("\n// Reviewed.\n")
	}
	if f.edition != "" {
		// Editions have no optional label (presence is a feature) and
		// reserve names as identifiers.
		src := strings.ReplaceAll(b.String(), `reserved "legacy_field";`, "reserved legacy_field;")
		return explicitField.ReplaceAllFunc([]byte(src), func(m []byte) []byte {
			g := explicitField.FindSubmatch(m)
			opts := "features.field_presence = EXPLICIT"
			if len(g[4]) > 0 {
				opts += ", " + string(g[4])
			}
			return fmt.Appendf(nil, "%s%s [%s];", g[1], g[2], opts)
		})
	}
	return []byte(b.String())
}

// explicitField matches a proto3 optional field: indent, the rest of the
// field up to its options, and its options.
var explicitField = regexp.MustCompile(`(?m)^(\s*)optional ([^\[;]*?)( \[(.*)\])?;`)

func renderEnum(b *strings.Builder, e *enum, ind string) {
	fmt.Fprintf(b, "%senum %s {\n", ind, e.local)
	for k, v := range e.values {
		if e.gone[k] {
			continue
		}
		fmt.Fprintf(b, "%s  %s_%s = %d;\n", ind, e.prefix, v, k)
	}
	fmt.Fprintf(b, "%s}\n\n", ind)
}

func renderMessage(b *strings.Builder, m *message, ind string) {
	if m.gone {
		return
	}
	fmt.Fprintf(b, "%s// %s is a generated message.\n%smessage %s {\n", ind, m.local, ind, m.local)
	in := ind + "  "
	for _, e := range m.enums {
		renderEnum(b, e, in)
	}
	for _, n := range m.nested {
		renderMessage(b, n, in)
	}
	if m.reserved {
		fmt.Fprintf(b, "%sreserved 90 to 99;\n%sreserved \"legacy_field\";\n", in, in)
	}
	oneof := false
	for _, fd := range m.fields {
		if !fd.oneof {
			renderField(b, fd, in)
		} else if !fd.gone {
			oneof = true
		}
	}
	if oneof {
		fmt.Fprintf(b, "%soneof choice {\n", in)
		for _, fd := range m.fields {
			if fd.oneof {
				renderField(b, fd, in+"  ")
			}
		}
		fmt.Fprintf(b, "%s}\n", in)
	}
	fmt.Fprintf(b, "%s}\n\n", ind)
}

func renderField(b *strings.Builder, fd *field, in string) {
	if fd.gone {
		return
	}
	var opts []string
	if fd.deprecated {
		opts = append(opts, "deprecated = true")
	}
	if fd.json != "" {
		opts = append(opts, fmt.Sprintf("json_name = %q", fd.json))
	}
	o := ""
	if len(opts) > 0 {
		o = " [" + strings.Join(opts, ", ") + "]"
	}
	typ := fd.typ
	if fd.key != "" {
		typ = "map<" + fd.key + ", " + fd.typ + ">"
	}
	label := ""
	if fd.label != "" {
		label = fd.label + " "
	}
	fmt.Fprintf(b, "%s%s%s %s = %d%s;\n", in, label, typ, fd.name, fd.num, o)
}

func camel(s string) string {
	var b strings.Builder
	up := true
	for _, c := range s {
		switch {
		case c == '_':
			up = true
		case up && c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			up = false
		default:
			b.WriteRune(c)
			up = false
		}
	}
	return b.String()
}

func snake(s string) string {
	var b strings.Builder
	for i, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(c)
		case c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
