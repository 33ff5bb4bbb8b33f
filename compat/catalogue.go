package compat

// Rules lists every rule, in the order `protocheck rules` prints them. It is
// the only list: a rule not here does not exist.
var Rules = []*Rule{
	// Files and packages.
	fileSamePackage,

	// Messages.
	messageNoDelete,

	// Fields.
	fieldNoDelete,
	fieldNoDeleteUnlessNumberReserved,
	fieldSameType,
	fieldWireCompatibleType,
	fieldSameName,
	fieldSameJSONName,

	// Enums.
	enumValueNoDelete,
	enumValueSameName,

	// Services.
	rpcNoDelete,
}
