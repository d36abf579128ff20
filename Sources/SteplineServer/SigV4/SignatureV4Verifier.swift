/// Checks that a request carries a valid AWS Signature Version 4 by a configured key.
///
/// Header-signed requests only (`Authorization: AWS4-HMAC-SHA256 …` with `X-Amz-Date`),
/// which is how every SDK calls the JSON protocols. The body hash is always computed
/// from the bytes received, never taken from an `X-Amz-Content-SHA256` header, so a
/// changed body cannot pass.
///
/// Failures are the errors AWS gives, in its words: no header →
/// `MissingAuthenticationTokenException`; unknown key → `UnrecognizedClientException`;
/// a date more than ``maximumClockSkewSeconds`` away → `InvalidSignatureException`
/// ("Signature expired: …"); a wrong signature → `InvalidSignatureException`.
public struct SignatureV4Verifier: Sendable {
    /// What a verified request proves: who signed it and for which region.
    public struct Principal: Sendable, Equatable {
        /// The access key id that signed the request.
        public var accessKeyID: String
        /// The region of its credential scope.
        public var region: String
    }

    /// The request parts a signature covers.
    public struct SignedRequest: Sendable {
        public var method: String
        /// The path as sent, still percent-encoded.
        public var path: String
        /// The query as sent, without `?`.
        public var query: String
        /// Every header, `host` included (HTTP/2's `:authority` given as `host`).
        public var headers: [SignatureV4.Header]
        /// The body as received.
        public var body: [UInt8]

        public init(method: String, path: String, query: String, headers: [SignatureV4.Header], body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }

        func header(_ name: String) -> String? {
            headers.first(where: { $0.name.lowercased() == name })?.value
        }
    }

    /// The keys accepted.
    public var credentials: AWSCredentials
    /// How far `X-Amz-Date` may be from the server's clock, either way: AWS allows 15 minutes.
    public var maximumClockSkewSeconds: Int64

    public init(credentials: AWSCredentials, maximumClockSkewSeconds: Int64 = 15 * 60) {
        self.credentials = credentials
        self.maximumClockSkewSeconds = maximumClockSkewSeconds
    }

    /// Verifies `request` at time `now`.
    ///
    /// - Parameter signingName: the service the credential scope must name (`states`),
    ///   or `nil` to accept any, for targets of services Stepline does not know.
    /// - Throws: the ``AWSError`` AWS would answer with.
    public func verify(_ request: SignedRequest, signingName: String?, now: AMZDate) throws(AWSError) -> Principal {
        guard let authorization = request.header("authorization") else {
            throw AWSError(.missingAuthenticationToken, "Missing Authentication Token")
        }
        let header = try AuthorizationHeader(parsing: authorization)
        guard let dateText = request.header("x-amz-date") else {
            throw AWSError(
                .incompleteSignature,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header; Stepline reads 'X-Amz-Date'."
            )
        }
        guard let date = AMZDate(dateText) else {
            throw AWSError(.incompleteSignature, "X-Amz-Date '\(dateText)' is not of the form yyyyMMdd'T'HHmmss'Z'.")
        }
        try Self.requireSigned(request, signedHeaders: header.signedHeaders)
        guard let secret = credentials.secret(for: header.accessKeyID) else {
            throw AWSError(.unrecognizedClient, "The security token included in the request is invalid.")
        }
        guard header.day == date.day else {
            throw AWSError(
                .invalidSignature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(header.day)' != '\(date.day)', from '\(date)'."
            )
        }
        if let signingName, header.service != signingName {
            throw AWSError(.invalidSignature, "Credential should be scoped to correct service: '\(signingName)'.")
        }
        let earliest = AMZDate(secondsSinceEpoch: now.secondsSinceEpoch - maximumClockSkewSeconds)
        let latest = AMZDate(secondsSinceEpoch: now.secondsSinceEpoch + maximumClockSkewSeconds)
        let minutes = maximumClockSkewSeconds / 60
        if date < earliest {
            throw AWSError(
                .invalidSignature,
                "Signature expired: \(date) is now earlier than \(earliest) (\(now) - \(minutes) min.)"
            )
        }
        if date > latest {
            throw AWSError(
                .invalidSignature,
                "Signature not yet current: \(date) is still later than \(latest) (\(now) + \(minutes) min.)"
            )
        }
        let canonicalRequest = SignatureV4.canonicalRequest(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            signedHeaders: header.signedHeaders,
            payloadHash: SignatureV4.sha256Hex(request.body)
        )
        let stringToSign = SignatureV4.stringToSign(date: date, scope: header.scope, canonicalRequest: canonicalRequest)
        let key = SignatureV4.signingKey(
            secretAccessKey: secret,
            day: header.day,
            region: header.region,
            service: header.service
        )
        let expected = SignatureV4.signature(stringToSign: stringToSign, key: key)
        guard Self.constantTimeEqual(expected, header.signature.lowercased()) else {
            throw AWSError(
                .invalidSignature,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            )
        }
        return Principal(accessKeyID: header.accessKeyID, region: header.region)
    }

    /// Headers whose value changes what a request does, so a signature that leaves one out
    /// could be replayed with another value: `X-Amz-Target` picks the operation (a signed
    /// `DescribeStateMachine` must not become a `DeleteStateMachine`), `Content-Type` the
    /// protocol (JSON or query) and so how the body is read. botocore and the aws
    /// CLI sign every header except a short list of hop-by-hop ones, `User-Agent` and
    /// `X-Amzn-Trace-Id` (`SIGNED_HEADERS_BLACKLIST` in `botocore/auth.py`), so they pass.
    static let headersThatMustBeSignedWhenPresent = ["content-type", "x-amz-target"]

    /// Refuses a signature that does not cover `host` and every header that selects what the
    /// request does, in AWS's words for the missing `host`.
    static func requireSigned(_ request: SignedRequest, signedHeaders: [String]) throws(AWSError) {
        let signed = Set(signedHeaders)
        guard signed.contains("host") else {
            throw AWSError(.invalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let present = Set(request.headers.map { $0.name.lowercased() })
        let unsigned = headersThatMustBeSignedWhenPresent.filter { present.contains($0) && !signed.contains($0) }
        guard unsigned.isEmpty else {
            throw AWSError(
                .invalidSignature,
                "There were headers present in the request which were not signed: \(unsigned.joined(separator: ", ")). "
                    + "'X-Amz-Target' and 'Content-Type' must be a 'SignedHeader' in the AWS Authorization."
            )
        }
    }

    /// Compares without stopping at the first difference, so timing does not reveal
    /// how much of a forged signature is right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
