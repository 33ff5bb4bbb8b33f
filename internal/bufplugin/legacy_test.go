//go:build !protolegacy

package bufplugin_test

// protoLegacy reports whether the test runs with -tags protolegacy, with
// which protobuf-go links descriptors of message sets.
const protoLegacy = false
