// Package gitfs reads the files of a git revision by running the git
// program, without checking anything out.
//
// protocheck compares the schemas at two revisions, and a checkout would
// disturb the user's work tree (and fail when it is dirty), so gitfs asks
// git for the tree of a commit, or of the staged index, and then for the
// blobs it needs:
//
//   - [Open] finds the repository that holds a directory.
//   - [Repo.Resolve] and [Repo.ResolveRef] turn a revision into a commit id.
//   - [Repo.Tree] and [Repo.StagedTree] list the regular files under a
//     directory, in a commit or in the index.
//   - [Repo.ReadBlobs] reads the contents of many files through a single
//     git process.
//   - [Repo.Tags] and [Repo.History] pick revisions for history checks.
//
// Every git invocation runs with an argument list, never a shell, and
// inherits the process environment, so that GIT_DIR and GIT_INDEX_FILE,
// which git sets for its hooks, are respected. The package holds no
// global state.
package gitfs
