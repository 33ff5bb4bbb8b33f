// Command buf-plugin-protocheck is a buf check plugin: it serves
// protocheck's breaking rules that buf lacks or judges differently to
// buf breaking, as rules named PROTOCHECK_*. List it in buf.yaml:
//
//	version: v2
//	breaking:
//	  use:
//	    - FILE
//	    - PROTOCHECK_FILE
//	plugins:
//	  - plugin: buf-plugin-protocheck
//
// docs/buf-plugin.md describes its rules and options. Built with
// GOOS=wasip1 GOARCH=wasm, it is a WebAssembly module that buf runs with
// plugin: path/to/buf-plugin-protocheck.wasm.
package main

import "github.com/protocheck/protocheck/internal/bufplugin"

func main() { bufplugin.Main() }
