//go:build protolegacy

package bufplugin_test

const protoLegacy = true
