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

	// Fields.
	fieldNoDelete,
	fieldNoDeleteUnlessNumberReserved,
	fieldNoDeleteUnlessNameReserved,
	fieldSameType,
	fieldWireCompatibleType,
	fieldSameName,
	fieldSameJSONName,

	// Enums.
	enumNoDelete,
	enumValueNoDeleteUnlessNumberReserved,
	enumValueNoDeleteUnlessNameReserved,
	reservedEnumNoDelete,
	enumValueNoDelete,
	enumValueSameName,

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
}
