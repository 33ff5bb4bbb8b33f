// Package protocheck is the driver: one call, Check, does what the
// `protocheck check` command does, from a Request value and a context.
//
// The command line is a thin layer over this package: it parses flags,
// builds a Request, calls Check (or Prove, or Snapshot), prints the Result
// and maps it to an exit status. A program that imports this package gets
// the command's answer, on any layout the command reads, without
// reproducing its steps:
//
//  1. Inputs: buf's input strings (Request.Input, Request.Against) or
//     loader inputs (Request.Plan); archives and remote repositories are
//     brought to a temporary directory first (loader.Fetch).
//  2. Configuration: --config's file or contents (Request.Config), else
//     the file found in or above the input (config.Discover): a
//     protocheck.yaml, buf.yaml v1beta1, v1 or v2, or buf.work.yaml. What
//     the request sets wins over the file.
//  3. Modules: a check runs once per module of the configuration, each
//     version importing across its own modules; a baseline with its own
//     configuration file keeps its own layout (Request.AgainstConfig
//     replaces it). buf.lock's deps come from buf's cache or the registry
//     (package registry), with the environment given as values
//     (Request.Registry): this package never reads the process's.
//  4. Selection: Request.Paths, ExcludePaths, LimitToInputFiles and
//     ExcludeImports, as buf breaking's flags.
//  5. Loading (package loader, which returns each version as a
//     schema.Schema), checking (package compat) or checking and proving
//     (package roundtrip), per module and per baseline; findings that
//     several baselines share are merged.
//  6. Display: every finding's paths are as buf prints them, from the
//     working directory as the input was written, a file of the old
//     version (compat.Span.Old) under the baseline. Reports (package
//     report) print them as they are.
//
// A Request whose configuration selects no rule is an error: passing
// would say "compatible" of a check that checked nothing.
//
// Check writes nothing and reads no flag and no environment variable.
// What it would tell a user (configuration warnings, what it left out, with
// Request.Verbose what it compared) comes back as Notes, and each is also
// given to Request.Log as it happens, so that a command line prints them in
// order with its progress line.
package protocheck
