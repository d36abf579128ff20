import JSON

/// AWS credentials for signing requests to a Stepline (or AWS) endpoint.
public struct AWSCredentials: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Temporary credentials carry a session token; it is sent as
    /// `X-Amz-Security-Token` and signed with the other headers.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// Signs an HTTP request with AWS Signature Version 4, the way botocore does.
///
/// A worker signs when the server requires it (`stepline serve` with
/// credentials configured, or AWS itself). The signer is pure: the caller passes
/// the time as an `X-Amz-Date` string, so signing is reproducible and the
/// tests compare it byte for byte with requests botocore signed
/// (`Tests/ActivityWorkerTests/Fixtures/make_sigv4_vectors.py`).
///
/// Every header given is signed except those botocore leaves out
/// (`user-agent`, `expect`, `x-amzn-trace-id`); include `host`. The path is
/// percent-encoded as sent and not normalized (the AWS JSON protocols always use `/`).
public struct SignatureV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// The signing name of the service: `states` for Step Functions.
    public var service: String

    static let unsignedHeaders: Set<String> = ["user-agent", "expect", "x-amzn-trace-id", "authorization"]

    public init(credentials: AWSCredentials, region: String, service: String = "states") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to the request: `X-Amz-Date`, `X-Amz-Security-Token`
    /// (with temporary credentials) and `Authorization`.
    ///
    /// - Parameters:
    ///   - amzDate: the request time as `YYYYMMDD'T'HHMMSS'Z'` in UTC (see ``AMZDate``).
    ///   - headers: the request's headers, `host` included, without the ones this returns.
    public func signatureHeaders(
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)],
        body: [UInt8],
        amzDate: String
    ) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers + added, body: body)
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, SHA256Digest.hash(Array(canonical.request.utf8)).hexEncoded,
        ].joined(separator: "\n")
        var key = SHA256Digest.hmac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = SHA256Digest.hmac(key: key, Array(part.utf8)) }
        let signature = SHA256Digest.hmac(key: key, Array(stringToSign.utf8)).hexEncoded
        added.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
                    + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
            )
        )
        return added
    }

    /// The canonical request of SigV4 and its signed-headers list.
    func canonicalRequest(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        body: [UInt8]
    ) -> (request: String, signedHeaders: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard !Self.unsignedHeaders.contains(lower) else { continue }
            merged[lower, default: []].append(value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()  // names come from merged
        let signedHeaders = names.joined(separator: ";")
        let request = [
            method.uppercased(),
            Self.percentEncoded(path.isEmpty ? "/" : path, keepingSlash: true),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            SHA256Digest.hash(body).hexEncoded,
        ].joined(separator: "\n")
        return (request, signedHeaders)
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentEncoded(percentDecoded(String(parts[0])), keepingSlash: false)
            let value = parts.count > 1 ? percentEncoded(percentDecoded(String(parts[1])), keepingSlash: false) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (and `/` in paths).
    /// A path is encoded as sent, so `%20` in it becomes `%2520`: SigV4 encodes the
    /// path twice for every service but S3, and botocore does.
    static func percentEncoded(_ text: String, keepingSlash: Bool) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            let unreserved =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved || (keepingSlash && byte == 0x2F) {
                output.append(byte)
            } else {
                output += [0x25, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func percentDecoded(_ text: String) -> String {
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = Hex.value(of: bytes[index + 1]),
                let low = Hex.value(of: bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
