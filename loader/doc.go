// Package loader turns one version of a Protocol Buffers schema into linked
// file descriptors with source positions.
//
// A version comes from an Input: a directory of .proto files (Dir), a git
// revision read without a checkout (Git, or `.git#branch=main,subdir=proto`
// through ParseInput, which reads every input as buf users write it), the
// files staged for the next commit (GitIndex), or a FileDescriptorSet file
// such as `protoc -o` or `buf build -o` writes (DescriptorSet).
// Loading happens in two steps so that a caller can skip work: Open lists
// the input's files with a digest of each, reading as little as it can, and
// Tree.Compile compiles all of them or a chosen subset with what they import.
// Sources are compiled with github.com/bufbuild/protocompile's two
// compilers (editions.go says which file goes to which); proto2, proto3 and
// editions 2023, 2024 and 2026 files may be mixed in one tree.
//
// Every problem in the sources is reported at once, each with its file,
// line and column, in a source.ErrorList.
package loader
