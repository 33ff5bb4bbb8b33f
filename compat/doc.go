// Package compat decides whether a change to a set of Protocol Buffers schemas
// breaks the programs that use them.
//
// Check compares two versions of a schema, each given as linked file
// descriptors, and returns a Finding for every change that a Rule forbids.
// Rules are values listed once, in Rules; each belongs to one or more
// categories that say how strict it is, from FILE (generated code keeps
// compiling, file by file) through PACKAGE and WIRE_JSON down to WIRE
// (encoded binary data keeps its meaning). The categories and most rule ids
// are those of buf breaking, so that a buf.yaml means the same here.
//
// Every finding also says who it breaks. Protobuf data flows both ways
// between old and new programs: Backward means a reader built from the new
// schema can no longer read data written with the old one, Forward means a
// reader built from the old schema can no longer read data written with the
// new one. A widening such as int32 to int64 breaks only Forward.
//
// Old and new elements are paired in one place (pair.go): messages, enums,
// services and files by full name or path, fields and enum values by number,
// methods by name. A rule only states what must hold for each pair.
package compat
