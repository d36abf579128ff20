/// The characters a markup language escapes, with their entities: the one escaper of
/// the console's HTML (``HTML/escape(_:)``) and the query protocol's XML
/// (``XMLNode/escaped(_:)``), which differ only in this table.
///
/// Escaping works on UTF-8 bytes, that is on Unicode scalars, never on `Character`s:
/// a `"` followed by a combining mark is one Swift `Character` that does not equal
/// `"`, yet a browser or an XML parser still reads a quote, so matching characters
/// would let it through and end an attribute. Every byte of a multi-byte UTF-8
/// sequence is 0x80 or above, so an ASCII byte is always that character itself.
struct MarkupEntities: Sendable {
    /// The entity of each ASCII byte that has one, indexed by the byte.
    private var entities = [[UInt8]?](repeating: nil, count: 0x80)

    /// A table of ASCII characters and their entities.
    init(_ table: KeyValuePairs<Unicode.Scalar, String>) {
        for (character, entity) in table {
            precondition(character.isASCII, "markup escapes only ASCII characters")
            entities[Int(character.value)] = Array(entity.utf8)
        }
    }

    /// `text` with each character of the table replaced by its entity.
    func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { entity(of: $0) != nil }) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            if let entity = entity(of: byte) { output += entity } else { output.append(byte) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func entity(of byte: UInt8) -> [UInt8]? {
        byte < 0x80 ? entities[Int(byte)] : nil
    }
}
