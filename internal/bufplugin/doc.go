// Package bufplugin serves protocheck's breaking rules to buf breaking as a
// check plugin of the Bufplugin framework (buf.build/go/bufplugin), so that
// a team that keeps buf in CI gets what only protocheck finds with a line of
// buf.yaml.
//
// The plugin serves the rules that buf v1.75 lacks (fields and enum values
// renumbered, swapped or moved aside; sign changes and narrowing; UTF-8
// validation; edition 2024 visibility and Go API level; the round-trip
// prover's) and those buf has but judges differently (a number reused with
// a new name and type, open and closed enums under WIRE, LEGACY_REQUIRED
// fields, the edition 2024 Java layout). Each keeps its compat id behind
// Prefix, so that none clashes with buf's, and its categories are buf's,
// behind the same prefix.
//
// The pipeline of one request, in the order the files implement it:
//
//	reduce.go  Main: before the SDK decodes and links buf's request, the
//	           files that no finding can concern (the same in both
//	           versions, apart from source info, and imported by no file
//	           that differs) leave it, named only
//	rules.go   Spec: the served rules and their categories, as data
//	check.go   Before: buf's two images become schema.Schemas; one
//	           compat.Check (roundtrip.Check with prove) for every rule
//	           buf asked for; each rule's handler writes its findings
//	locate.go  a finding's span becomes the source path whose location
//	           buf prints, in the new file and in the old one
//
// buf, not the plugin, applies buf.yaml's use, except, ignore and
// ignore_only to the annotations; the plugin's options (prove, direction)
// come from the plugin's entry in buf.yaml.
package bufplugin
