package import JSON
package import LMDB

/// The views of every service store JSON values; these read them back parsed, so a
/// service names only the key and the database.
extension ReadTransaction {
    /// The JSON value stored under `key` in `database`, or `nil` when there is none.
    /// - Throws: ``LMDBError`` from the read, ``JSONParseError`` when the stored bytes are not JSON.
    package func jsonValue(forKey key: [UInt8], in database: Database) throws -> JSONValue? {
        guard let bytes = try value(forKey: key, in: database) else { return nil }
        return try JSONParser.parse(bytes: bytes)
    }

    /// The JSON values of `database` whose keys start with `prefix`, in key order.
    /// - Throws: ``LMDBError`` from the read, ``JSONParseError`` when stored bytes are not JSON.
    package func jsonValues(withPrefix prefix: [UInt8], in database: Database) throws -> [JSONValue] {
        try values(withPrefix: prefix, in: database).map { try JSONParser.parse(bytes: $0) }
    }
}
