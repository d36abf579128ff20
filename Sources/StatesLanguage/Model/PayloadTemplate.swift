public import JSON

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`)
/// compiled once at parse time.
///
/// Keys ending in `.$` are resolved at run time by a path (`$.a`, `$$.Map.Item.Value`,
/// `$var`) or an intrinsic call (`States.Format(...)`); the `.$` is removed from
/// the output key. Everything else is copied as written. Compiling up front means
/// a bad path is a validation error and the hot path never re-parses text.
public indirect enum PayloadTemplate: Sendable {
    /// A constant value, copied as is (no `.$` key inside it).
    case constant(JSONValue)
    /// An object with at least one dynamic member somewhere below it.
    case object([Member])
    /// An array with at least one dynamic element somewhere below it.
    case array([PayloadTemplate])

    /// One member of a template object.
    public struct Member: Sendable {
        /// The output key (without `.$`).
        public var key: String
        /// The key as written (`value.$`), used in error messages.
        public var fieldName: String
        public var value: Value
    }

    /// How a member's value is produced.
    public enum Value: Sendable {
        case template(PayloadTemplate)
        case dynamic(DynamicValue)
    }
}
