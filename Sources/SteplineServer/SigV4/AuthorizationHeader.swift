/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
public struct AuthorizationHeader: Sendable, Equatable {
    /// The access key id, the first part of `Credential`.
    public var accessKeyID: String
    /// `yyyyMMdd` of the credential scope.
    public var day: String
    /// The region of the credential scope (`us-east-1`).
    public var region: String
    /// The service of the credential scope (`states`).
    public var service: String
    /// The lower-case header names the client signed, in its order.
    public var signedHeaders: [String]
    /// The hex signature.
    public var signature: String

    /// `day/region/service/aws4_request`.
    public var scope: String { "\(day)/\(region)/\(service)/aws4_request" }

    /// Parses the header, or throws `IncompleteSignatureException` naming what is missing,
    /// in the words AWS uses.
    public init(parsing header: String) throws(AWSError) {
        let trimmed = header.drop(while: { $0 == " " })
        guard trimmed.hasPrefix(SignatureV4.algorithm + " ") else {
            let algorithm = trimmed.prefix(while: { $0 != " " })
            throw AWSError(
                .incompleteSignature,
                "Unsupported AWS 'algorithm': '\(algorithm)'; Stepline verifies \(SignatureV4.algorithm) only"
            )
        }
        var parameters: [Substring: Substring] = [:]
        for part in trimmed.dropFirst(SignatureV4.algorithm.count + 1).split(separator: ",") {
            let part = part.drop(while: { $0 == " " })
            guard let equals = part.firstIndex(of: "=") else { continue }
            parameters[part[..<equals]] = part[part.index(after: equals)...].prefix(while: { $0 != " " })
        }
        let missing = ["Credential", "Signature", "SignedHeaders"].filter { parameters[Substring($0)] == nil }
        guard missing.isEmpty else {
            throw AWSError(
                .incompleteSignature,
                missing.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " ")
                    + " Authorization=\(header)"
            )
        }
        // The checks above prove all three parameters are present.
        let credential = parameters["Credential"]!.split(separator: "/", omittingEmptySubsequences: false)
        guard credential.count == 5, credential[4] == "aws4_request", !credential[0].isEmpty else {
            throw AWSError(
                .incompleteSignature,
                "Credential must have the form <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request, got '\(parameters["Credential"]!)'"
            )
        }
        self.accessKeyID = String(credential[0])
        self.day = String(credential[1])
        self.region = String(credential[2])
        self.service = String(credential[3])
        self.signedHeaders = parameters["SignedHeaders"]!.split(separator: ";").map { $0.lowercased() }
        self.signature = String(parameters["Signature"]!)
    }
}
