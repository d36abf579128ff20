import Crypto

/// SHA-256 and HMAC-SHA-256 (swift-crypto) as SigV4 uses them: over bytes, with
/// the digests as bytes (`hexEncoded` writes them).
enum SHA256Digest {
    /// The 32-byte digest of `message`.
    static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(message)))
    }

    /// HMAC-SHA-256 of `message` under `key`.
    static func hmac(key: some Collection<UInt8>, _ message: some Collection<UInt8>) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message), using: SymmetricKey(data: Array(key))))
    }
}
