package import LMDB

extension WriteTransaction {
    /// Deletes every entry of `database` whose key starts with `prefix`.
    ///
    /// Keys are collected first and deleted after the cursor is closed: deleting under an
    /// open cursor would move it, and a prefix is one contiguous range in LMDB's key order.
    package func deleteAll(withPrefix prefix: [UInt8], in database: Database) throws {
        var keys: [[UInt8]] = []
        try withCursor(on: database) { cursor in
            var more = try cursor.seek(atLeast: prefix)
            while more {
                let key = try cursor.key()
                guard key.starts(with: prefix) else { break }
                keys.append(key)
                more = try cursor.next()
            }
        }
        for key in keys { try delete(key: key, in: database) }
    }
}
