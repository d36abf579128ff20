/// The intrinsic functions of the States Language, as AWS lists them.
///
/// Arity is part of each function's contract, but Step Functions checks it
/// when the call runs, not when the definition is created: a call with the
/// wrong number of arguments fails the state with `States.Runtime`
/// ("Invalid arguments in States.Hash"). ``IntrinsicExpression`` does the same,
/// so a definition that AWS accepts is accepted here.
public enum IntrinsicFunction: String, Sendable, Hashable, CaseIterable {
    case format = "Format"
    case stringToJson = "StringToJson"
    case jsonToString = "JsonToString"
    case array = "Array"
    case arrayPartition = "ArrayPartition"
    case arrayContains = "ArrayContains"
    case arrayRange = "ArrayRange"
    case arrayGetItem = "ArrayGetItem"
    case arrayLength = "ArrayLength"
    case arrayUnique = "ArrayUnique"
    case base64Encode = "Base64Encode"
    case base64Decode = "Base64Decode"
    case hash = "Hash"
    case jsonMerge = "JsonMerge"
    case mathRandom = "MathRandom"
    case mathAdd = "MathAdd"
    case stringSplit = "StringSplit"
    case uuid = "UUID"

    /// The name as written in a definition, for example `States.Format`.
    public var name: String { "States.\(rawValue)" }

    /// How many arguments the function takes.
    public var arity: ClosedRange<Int> {
        switch self {
        case .format: 1...Int.max
        case .array: 0...Int.max
        case .stringToJson, .jsonToString, .arrayLength, .arrayUnique, .base64Encode, .base64Decode: 1...1
        case .arrayPartition, .arrayContains, .arrayGetItem, .hash, .mathAdd, .stringSplit: 2...2
        case .arrayRange, .jsonMerge: 3...3
        case .mathRandom: 2...3
        case .uuid: 0...0
        }
    }
}
