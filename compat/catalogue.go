package compat

// Rules returns every rule, in the order `protocheck rules` prints them, as
// copies: changing what it returns changes nothing else. The catalogue is
// the only list of rules; a rule not in it does not exist.
func Rules() []*Rule {
	out := make([]*Rule, len(catalogue))
	for i, r := range catalogue {
		out[i] = r.clone()
	}
	return out
}

// catalogue lists every rule, in the order of Rules. It is never handed
// out: Check and Lookup read it from any number of goroutines at once.
var catalogue = []*Rule{
	// Files and packages.
	fileNoDelete,
	fileSamePackage,
	fileSameSyntax,
	fileSameGoPackage,
	fileSameJavaPackage,
	fileSameJavaOuterClassname,
	fileSameJavaMultipleFiles,
	fileSameJavaGenericServices,
	fileSameCcGenericServices,
	fileSamePyGenericServices,
	fileSameCcEnableArenas,
	fileSameOptimizeFor,
	fileSameObjcClassPrefix,
	fileSameCsharpNamespace,
	fileSameSwiftPrefix,
	fileSamePhpClassPrefix,
	fileSamePhpNamespace,
	fileSamePhpMetadataNamespace,
	fileSameRubyPackage,
	packageNoDelete,
	packageMessageNoDelete,
	packageEnumNoDelete,
	packageServiceNoDelete,
	packageExtensionNoDelete,

	// Messages.
	messageNoDelete,
	oneofNoDelete,
	reservedMessageNoDelete,
	extensionMessageNoDelete,
	messageNoRemoveStandardDescriptorAccessor,
	messageSameMessageSetWireFormat,
	messageVisibilityNoNarrowing,

	// Fields.
	fieldNoDelete,
	fieldNoDeleteUnlessNumberReserved,
	fieldNoDeleteUnlessNameReserved,
	fieldSameType,
	fieldSameCardinality,
	fieldSameName,
	fieldSameNumber,
	fieldSameJSONName,
	fieldSameOneof,
	fieldSameDefault,
	fieldSameJSType,
	fieldSameCppStringType,
	fieldSameJavaUTF8Validation,
	fieldSameUTF8Validation,
	fieldWireCompatibleType,
	fieldWireCompatibleCardinality,
	fieldWireJSONCompatibleType,
	fieldWireJSONCompatibleCardinality,
	fieldWireSameSignedness,
	fieldWireNoNarrowing,
	fieldWireSameUTF8Validation,
	fieldWireSameNumber,
	fieldWireCompatibleOneof,
	messageSameRequiredFields,
	messageSameJSONFormat,
	messageSameGoAPILevel,

	// Enums.
	enumNoDelete,
	enumValueNoDeleteUnlessNumberReserved,
	enumValueNoDeleteUnlessNameReserved,
	reservedEnumNoDelete,
	enumValueNoDelete,
	enumValueSameName,
	enumValueSameNumber,
	enumSameType,
	enumSameJSONFormat,
	enumVisibilityNoNarrowing,

	// Extensions.
	extensionNoDelete,

	// Services.
	serviceNoDelete,
	rpcNoDelete,
	rpcSameRequestType,
	rpcSameResponseType,
	rpcSameClientStreaming,
	rpcSameServerStreaming,
	rpcSameIdempotencyLevel,

	// Shown by the round-trip prover, never by Check.
	roundtripBinaryBackward,
	roundtripBinaryForward,
	roundtripBinaryMiddleman,
	roundtripJSONBackward,
	roundtripJSONForward,
}
