package compat

import (
	"fmt"
	"slices"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

var fileNoDelete = &Rule{
	ID:         "FILE_NO_DELETE",
	Categories: []Category{CSR, File},
	Direction:  Both,
	Doc: `files are not deleted

Other files import a file by its path, and generated code is emitted per
file: deleting the file breaks every import of it and removes everything it
declared at once.

  before: acme/v1/user.proto
  after:  (gone)

Keep the file, perhaps empty of definitions but for a comment pointing to
their new home, until nothing imports it; or delete it in a major version.`,
	run: func(p *pass) {
		p.forEachDeletedFile(func(path string, _ protoreflect.FileDescriptor) {
			p.report(Span{}, Span{Path: path, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1},
				"file %q was deleted", path)
		})
	},
}

var fileSamePackage = &Rule{
	ID:         "FILE_SAME_PACKAGE",
	Categories: []Category{CSR, File, Package, WireJSON, Wire},
	Direction:  Both,
	Doc: `files keep their package

The package is part of every full name the file declares: moving a file to
another package renames all its messages, enums and services, which breaks
generated code, google.protobuf.Any type URLs and gRPC method paths.

  before: package acme.v1;
  after:  package acme.v2;

Copy the definitions to a new file in the new package instead, and migrate.`,
	run: func(p *pass) {
		p.forEachFilePair(func(of, nf protoreflect.FileDescriptor) {
			if of.Package() != nf.Package() {
				p.report(tokenSpan(nf, filePackageTag), tokenSpan(of, filePackageTag),
					"file %q changed package from %q to %q", nf.Path(), of.Package(), nf.Package())
			}
		})
	},
}

var fileSameSyntax = &Rule{
	ID:         "FILE_SAME_SYNTAX",
	Categories: []Category{CSR, File, Package},
	Direction:  Both,
	Doc: `files keep their syntax

The syntax decides field presence, whether enums are open or closed, how
repeated scalars are packed and what code generators emit. Changing it
changes the meaning of fields that did not change.

  before: syntax = "proto2";
  after:  syntax = "proto3";

Leave the syntax alone; to use another one, declare new messages in a new
file and migrate. Moving to editions with features that reproduce the old
behaviour is possible, but this rule still reports it: check it with care.`,
	run: func(p *pass) {
		p.forEachFilePair(func(of, nf protoreflect.FileDescriptor) {
			if os, ns := syntaxName(of), syntaxName(nf); os != ns {
				p.report(tokenSpan(nf, fileSyntaxTag), tokenSpan(of, fileSyntaxTag),
					"file %q changed syntax from %q to %q", nf.Path(), os, ns)
			}
		})
	},
}

// syntaxName names a file's syntax as its syntax statement does; a file
// without one is proto2.
func syntaxName(f protoreflect.FileDescriptor) string {
	if f.Syntax() == protoreflect.Editions {
		return "editions"
	}
	if f.Syntax() == protoreflect.Proto3 {
		return "proto3"
	}
	return "proto2"
}

// tokenSpan locates the token at sub below d, or, when the source does not
// write it (an option left at its default, say), the file as a whole: line
// 1, column 1, as buf does.
func tokenSpan(d protoreflect.Descriptor, sub ...int32) Span {
	f := d.ParentFile()
	locs := f.SourceLocations()
	var path protoreflect.SourcePath
	if d != protoreflect.Descriptor(f) {
		path = locs.ByDescriptor(d).Path
		if path == nil {
			return fileSpan(f)
		}
	}
	if loc := locs.ByPath(append(slices.Clip(path), sub...)); loc.Path != nil {
		return toSpan(f.Path(), loc)
	}
	return fileSpan(f)
}

// fileOptionRule builds the rule that keeps the file option with the given
// number and name at its value; value reads the option, default included.
func fileOptionRule(id, option string, number int32, value func(*descriptorpb.FileOptions) string, doc string) *Rule {
	return &Rule{
		ID:         id,
		Categories: []Category{File, Package},
		Direction:  Both,
		Doc:        doc,
		run: func(p *pass) {
			p.forEachFilePair(func(of, nf protoreflect.FileDescriptor) {
				ov, nv := value(fileOptions(of)), value(fileOptions(nf))
				if ov != nv {
					p.report(tokenSpan(nf, fileOptionsTag, number), tokenSpan(of, fileOptionsTag, number),
						"file %q changed option %s from %s to %s", nf.Path(), option, ov, nv)
				}
			})
		},
	}
}

// fileOptions returns the file's options; the getters of a nil result
// return the defaults.
func fileOptions(f protoreflect.FileDescriptor) *descriptorpb.FileOptions {
	opts, _ := f.Options().(*descriptorpb.FileOptions)
	return opts
}

func quoted(s string) string { return strconv.Quote(s) }

func boolString(b bool) string { return strconv.FormatBool(b) }

// languageOptionDoc writes the Doc of a rule that keeps a file option of
// code generation for one language.
func languageOptionDoc(option, lang, effect, before, after string) string {
	return fmt.Sprintf(`files keep their %[1]s option

The %[1]s option %[3]s in the code generated for %[2]s. Changing it
moves or renames generated code, and every %[2]s program that imports
it stops compiling.

  before: option %[1]s = %[4]s;
  after:  option %[1]s = %[5]s;

Leave the option alone once code is generated with it; to change it,
publish the definitions again in a new file or package and migrate.`, option, lang, effect, before, after)
}

var (
	fileSameGoPackage = fileOptionRule("FILE_SAME_GO_PACKAGE", "go_package", 11,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetGoPackage()) },
		languageOptionDoc("go_package", "Go", "sets the import path and package name", `"example.com/acme/v1;acmev1"`, `"example.com/acme/api/v1;acmev1"`))
	fileSameJavaPackage = fileOptionRule("FILE_SAME_JAVA_PACKAGE", "java_package", 1,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetJavaPackage()) },
		languageOptionDoc("java_package", "Java", "sets the package of the classes", `"com.acme.v1"`, `"com.acme.api.v1"`))
	fileSameJavaOuterClassname = fileOptionRule("FILE_SAME_JAVA_OUTER_CLASSNAME", "java_outer_classname", 8,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetJavaOuterClassname()) },
		languageOptionDoc("java_outer_classname", "Java", "names the outer class that holds the file's types", `"UserProto"`, `"UserProtos"`))
	fileSameJavaGenericServices = fileOptionRule("FILE_SAME_JAVA_GENERIC_SERVICES", "java_generic_services", 17,
		func(o *descriptorpb.FileOptions) string { return boolString(o.GetJavaGenericServices()) },
		languageOptionDoc("java_generic_services", "Java", "decides whether generic service classes are emitted", "true", "false"))
	fileSameCcGenericServices = fileOptionRule("FILE_SAME_CC_GENERIC_SERVICES", "cc_generic_services", 16,
		func(o *descriptorpb.FileOptions) string { return boolString(o.GetCcGenericServices()) },
		languageOptionDoc("cc_generic_services", "C++", "decides whether generic service classes are emitted", "true", "false"))
	fileSamePyGenericServices = fileOptionRule("FILE_SAME_PY_GENERIC_SERVICES", "py_generic_services", 18,
		func(o *descriptorpb.FileOptions) string { return boolString(o.GetPyGenericServices()) },
		languageOptionDoc("py_generic_services", "Python", "decides whether generic service classes are emitted", "true", "false"))
	fileSameCcEnableArenas = fileOptionRule("FILE_SAME_CC_ENABLE_ARENAS", "cc_enable_arenas", 31,
		func(o *descriptorpb.FileOptions) string { return boolString(o.GetCcEnableArenas()) },
		languageOptionDoc("cc_enable_arenas", "C++", "decides whether messages can be allocated on arenas", "true", "false"))
	fileSameOptimizeFor = fileOptionRule("FILE_SAME_OPTIMIZE_FOR", "optimize_for", 9,
		func(o *descriptorpb.FileOptions) string { return o.GetOptimizeFor().String() },
		languageOptionDoc("optimize_for", "C++ and Java", "chooses full, size-optimized or lite runtime classes", "SPEED", "LITE_RUNTIME"))
	fileSameObjcClassPrefix = fileOptionRule("FILE_SAME_OBJC_CLASS_PREFIX", "objc_class_prefix", 36,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetObjcClassPrefix()) },
		languageOptionDoc("objc_class_prefix", "Objective-C", "prefixes every class name", `"ACM"`, `"ACME"`))
	fileSameCsharpNamespace = fileOptionRule("FILE_SAME_CSHARP_NAMESPACE", "csharp_namespace", 37,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetCsharpNamespace()) },
		languageOptionDoc("csharp_namespace", "C#", "sets the namespace of the classes", `"Acme.V1"`, `"Acme.Api.V1"`))
	fileSameSwiftPrefix = fileOptionRule("FILE_SAME_SWIFT_PREFIX", "swift_prefix", 39,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetSwiftPrefix()) },
		languageOptionDoc("swift_prefix", "Swift", "prefixes every type name", `"Acme_"`, `"AcmeV1_"`))
	fileSamePhpClassPrefix = fileOptionRule("FILE_SAME_PHP_CLASS_PREFIX", "php_class_prefix", 40,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetPhpClassPrefix()) },
		languageOptionDoc("php_class_prefix", "PHP", "prefixes every class name", `"Acme"`, `"AcmeV1"`))
	fileSamePhpNamespace = fileOptionRule("FILE_SAME_PHP_NAMESPACE", "php_namespace", 41,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetPhpNamespace()) },
		languageOptionDoc("php_namespace", "PHP", "sets the namespace of the classes", `"Acme\\V1"`, `"Acme\\Api\\V1"`))
	fileSamePhpMetadataNamespace = fileOptionRule("FILE_SAME_PHP_METADATA_NAMESPACE", "php_metadata_namespace", 44,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetPhpMetadataNamespace()) },
		languageOptionDoc("php_metadata_namespace", "PHP", "sets the namespace of the metadata classes", `"Acme\\V1\\Meta"`, `"Acme\\Meta"`))
	fileSameRubyPackage = fileOptionRule("FILE_SAME_RUBY_PACKAGE", "ruby_package", 45,
		func(o *descriptorpb.FileOptions) string { return quoted(o.GetRubyPackage()) },
		languageOptionDoc("ruby_package", "Ruby", "sets the module of the classes", `"Acme::V1"`, `"Acme::Api::V1"`))
)

// fileJavaMultipleFilesTag is the number of FileOptions.java_multiple_files.
const fileJavaMultipleFilesTag = 10

var fileSameJavaMultipleFiles = &Rule{
	ID:         "FILE_SAME_JAVA_MULTIPLE_FILES",
	Categories: []Category{File, Package},
	Direction:  Both,
	Doc: `files keep their java_multiple_files option

The java_multiple_files option decides whether Java code gets a class file
of its own for each top-level message, enum and service, or nests them all
in the file's outer class. Changing it moves the generated classes, and
every Java program that imports them stops compiling.

  before: option java_multiple_files = false;
  after:  option java_multiple_files = true;

Edition 2024 drops the option: each type gets a file of its own unless it
sets features.(pb.java).nest_in_file_class = YES. So moving a file that
sets java_multiple_files = true to 2024 keeps its layout (buf reports it
nonetheless), and moving one that does not changes it (buf misses it)
unless each of its top-level types sets nest_in_file_class = YES. Leave
the layout alone once code is generated with it.`,
	run: func(p *pass) {
		p.forEachFilePair(func(of, nf protoreflect.FileDescriptor) {
			at, was := tokenSpan(nf, fileOptionsTag, fileJavaMultipleFilesTag), tokenSpan(of, fileOptionsTag, fileJavaMultipleFilesTag)
			const ed2024 = descriptorpb.Edition_EDITION_2024
			if edition(of) < ed2024 && edition(nf) < ed2024 {
				if ov, nv := fileOptions(of).GetJavaMultipleFiles(), fileOptions(nf).GetJavaMultipleFiles(); ov != nv {
					p.report(at, was, "file %q changed option java_multiple_files from %t to %t", nf.Path(), ov, nv)
				}
				return
			}
			// From edition 2024 the layout is decided type by type, so it
			// is compared type by type: a file moved to 2024 with
			// nest_in_file_class = YES on each type keeps its layout
			// although the file-level values differ. The finding stays
			// one per file and way of change, in the words of the option,
			// where buf reports it.
			reported := map[bool]bool{}
			forEachTopLevelTypePair(of, nf, func(ot, nt protoreflect.Descriptor) {
				if ov, nv := javaOwnFile(ot), javaOwnFile(nt); ov != nv && !reported[nv] {
					reported[nv] = true
					p.report(at, was, "file %q changed option java_multiple_files from %t to %t", nf.Path(), ov, nv)
				}
			})
		})
	},
}

// forEachTopLevelTypePair calls fn for every top-level message, enum and
// service of nf whose name of has too, for the same kind of element, in
// nf's order.
func forEachTopLevelTypePair(of, nf protoreflect.FileDescriptor, fn func(old, new protoreflect.Descriptor)) {
	oms, oes, oss := byName(of.Messages()), byName(of.Enums()), byName(of.Services())
	for i, ms := 0, nf.Messages(); i < ms.Len(); i++ {
		if om := oms(ms.Get(i).Name()); om != nil {
			fn(om, ms.Get(i))
		}
	}
	for i, es := 0, nf.Enums(); i < es.Len(); i++ {
		if oe := oes(es.Get(i).Name()); oe != nil {
			fn(oe, es.Get(i))
		}
	}
	for i, ss := 0, nf.Services(); i < ss.Len(); i++ {
		if os := oss(ss.Get(i).Name()); os != nil {
			fn(os, ss.Get(i))
		}
	}
}
