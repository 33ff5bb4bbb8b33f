package compat

// Rules lists every rule, in the order `protocheck rules` prints them. It is
// the only list: a rule not here does not exist.
var Rules = []*Rule{
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
