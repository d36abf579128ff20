/// The access keys a server accepts: access key id → secret access key.
///
/// Empty means "accept any request unsigned", the loopback default; with at least
/// one key, every AWS request must carry a valid SigV4 signature by one of them.
public struct AWSCredentials: Sendable, Equatable {
    /// Secret access keys by access key id.
    public private(set) var secrets: [String: String]

    public init(_ secrets: [String: String] = [:]) { self.secrets = secrets }

    /// Whether requests must be signed.
    public var isEmpty: Bool { secrets.isEmpty }

    /// The secret of an access key id, or `nil` if it is not configured.
    public func secret(for accessKeyID: String) -> String? { secrets[accessKeyID] }

    /// Reads the AWS shared credentials file format (`~/.aws/credentials`), so the file a
    /// client uses can be handed to the server as is: every `[section]` with both
    /// `aws_access_key_id` and `aws_secret_access_key` adds one key. `#` and `;` start comments.
    ///
    /// - Throws: ``CredentialsFileError`` naming the line of a section that lacks one of the two.
    public init(sharedCredentialsFile text: String) throws(CredentialsFileError) {
        var secrets: [String: String] = [:]
        var section: (name: String, line: Int, keyID: String?, secret: String?)?
        func close() throws(CredentialsFileError) {
            guard let current = section else { return }
            switch (current.keyID, current.secret) {
            case (let keyID?, let secret?): secrets[keyID] = secret
            case (nil, nil): break
            default:
                throw CredentialsFileError(
                    line: current.line,
                    message: "section [\(current.name)] needs both aws_access_key_id and aws_secret_access_key"
                )
            }
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                try close()
                section = (String(line.dropFirst().dropLast()).trimmingWhitespace, index + 1, nil, nil)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw CredentialsFileError(line: index + 1, message: "expected 'name = value' or '[section]'")
            }
            let name = line[..<equals].trimmingWhitespace.lowercased()
            let value = line[line.index(after: equals)...].trimmingWhitespace
            if section == nil { section = ("default", index + 1, nil, nil) }
            switch name {
            case "aws_access_key_id": section?.keyID = value
            case "aws_secret_access_key": section?.secret = value
            default: continue
            }
        }
        try close()
        self.secrets = secrets
    }
}

/// A credentials file that cannot be read as the AWS shared credentials format.
public struct CredentialsFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending section or line.
    public var line: Int
    /// What is wrong there.
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
