// Package fix writes the edits that make a reported change safe, where an
// edit can: a field or enum value deleted from the new version gets its
// number and name reserved in the message or enum that lost it, so that no
// later change can reuse them for something else and corrupt the data old
// programs still write.
//
// Fixing happens in two steps, so that findings against several baselines
// make one edit. Plan reads the findings of one check (compat.Check of an
// old and a new version) and says what each deletion needs reserved; Apply
// takes what the plans of every baseline say and turns it into new source
// text for the new version's files, formatted like the code around it: it
// adds to a reserved statement the message or enum already has, or writes
// one with the indentation, quoting and line endings of its neighbours.
// Apply writes nothing: its caller decides whether to write the files or
// show a diff.
//
// Reserving is idempotent: Apply leaves out what the new version already
// reserves, so applying the same plan to fixed sources changes nothing.
package fix
