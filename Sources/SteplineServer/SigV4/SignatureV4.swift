public import Crypto
import JSON

/// The AWS Signature Version 4 computation: canonical request, string to sign, signing key.
///
/// Pure functions of their inputs, shared by ``SignatureV4Verifier`` and the tests that
/// check them against signatures botocore computed. The steps follow AWS's "Create a
/// signed AWS API request" guide as botocore's `SigV4Auth` implements it (botocore is
/// what boto3 and the aws CLI sign with, so agreeing with it is what matters).
public enum SignatureV4 {
    /// The only algorithm verified: `AWS4-HMAC-SHA256`.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// One header as received: its name in any case and its raw value.
    public typealias Header = (name: String, value: String)

    /// The canonical request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method (`POST`).
    ///   - path: the path as sent on the request line, still percent-encoded.
    ///   - query: the query string as sent, without `?`; empty if none.
    ///   - headers: every header of the request, `host` included.
    ///   - signedHeaders: the lower-case names the client signed, as its `SignedHeaders` lists them.
    ///   - payloadHash: the lower-case hex SHA-256 of the body.
    public static func canonicalRequest(
        method: String,
        path: String,
        query: String,
        headers: [Header],
        signedHeaders: [String],
        payloadHash: String
    ) -> String {
        var canonicalHeaders = ""
        for name in signedHeaders {
            let values = headers.filter { $0.name.lowercased() == name }.map { trimAll($0.value) }
            canonicalHeaders += "\(name):\(values.joined(separator: ","))\n"
        }
        return [
            method.uppercased(),
            canonicalPath(path),
            canonicalQuery(query),
            canonicalHeaders,
            signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The string to sign: algorithm, timestamp, scope and the hash of the canonical request.
    public static func stringToSign(date: AMZDate, scope: String, canonicalRequest: String) -> String {
        [algorithm, date.description, scope, sha256Hex(canonicalRequest.utf8)].joined(separator: "\n")
    }

    /// The signing key: HMAC-SHA256 chained over day, region, service and `aws4_request`,
    /// starting from `"AWS4" + secret`.
    public static func signingKey(secretAccessKey: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// The hex signature of `stringToSign` under `key`.
    public static func signature(stringToSign: String, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).hexEncoded
    }

    /// The lower-case hex SHA-256 of some bytes, as SigV4 hashes payloads and canonical requests.
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().hexEncoded
    }

    /// Trimall: leading and trailing white space removed, inner runs folded to one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The path with dot segments removed, then percent-encoded again except for `/`
    /// and unreserved characters: services other than S3 sign the path encoded twice.
    static func canonicalPath(_ path: String) -> String {
        var segments: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for part in parts {
            switch part {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(part)
            }
        }
        if path.hasSuffix("/.") || path.hasSuffix("/..") { segments.append("") }
        let normalized = "/" + segments.joined(separator: "/")
        return percentEncode(normalized, keeping: UInt8(ascii: "/"))
    }

    /// The query's `key=value` pairs sorted, as botocore signs a query already encoded.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> (Substring, Substring) in
            guard let equals = pair.firstIndex(of: "=") else { return (pair, "") }
            return (pair[..<equals], pair[pair.index(after: equals)...])
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func percentEncode(_ text: String, keeping extra: UInt8) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"), extra:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + [byte].hexEncoded.uppercased()
            }
        }
        return out
    }
}
