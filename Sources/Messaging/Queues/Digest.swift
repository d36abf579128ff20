import Crypto
import JSON

/// MD5 and SHA-256 over bytes (swift-crypto), as SQS and SNS need them.
///
/// SQS answers every send with `MD5OfMessageBody` and `MD5OfMessageAttributes`,
/// and botocore refuses a response whose digests differ from its own; FIFO
/// content-based deduplication uses the SHA-256 of the body.
public enum Digest {
    /// The MD5 digest of `bytes` as 32 lowercase hex digits (RFC 1321).
    public static func md5Hex(_ bytes: [UInt8]) -> String { md5(bytes).hexEncoded }

    /// The SHA-256 digest of `bytes` as 64 lowercase hex digits (FIPS 180-4).
    public static func sha256Hex(_ bytes: [UInt8]) -> String { sha256(bytes).hexEncoded }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}
