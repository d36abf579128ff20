import SteplineServer

extension FuzzTarget {
    /// The key the fuzzed requests may name, so verification reaches the signature check.
    static let sigV4Credentials = AWSCredentials(["AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"])

    /// A request as text: `METHOD path?query`, then `name: value` header lines, an empty
    /// line and the body. Its `Authorization` and `X-Amz-Date` headers are parsed, a date
    /// that parses must print back as it was written, and the whole request is verified
    /// at the time it claims (so the clock-skew check passes and the canonical request is built).
    static func sigV4(_ input: FuzzInput) {
        let text = String(decoding: input.bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        let requestLine = lines.popFirst() ?? ""
        let method = requestLine.prefix { $0 != " " }
        let target = requestLine.dropFirst(method.count + 1)
        let path = target.prefix { $0 != "?" }
        let query = target.dropFirst(path.count + 1)
        var headers: [SignatureV4.Header] = []
        while let line = lines.popFirst(), !line.isEmpty {
            let name = line.prefix { $0 != ":" }
            headers.append((String(name), String(line.dropFirst(name.count + 1).drop { $0 == " " })))
        }
        let body = Array(lines.joined(separator: "\n").utf8)
        var now = AMZDate(secondsSinceEpoch: 1_440_938_160)
        for header in headers {
            switch header.name.lowercased() {
            case "authorization":
                if let parsed = try? AuthorizationHeader(parsing: header.value) { _ = parsed.scope }
            case "x-amz-date":
                guard let date = AMZDate(header.value) else { continue }
                precondition(date.description == header.value, "AMZDate(\(header.value)) prints as \(date)")
                precondition(AMZDate(date.description) == date, "AMZDate does not read back \(date)")
                now = date
            default: break
            }
        }
        let request = SignatureV4Verifier.SignedRequest(
            method: String(method), path: String(path), query: String(query), headers: headers, body: body)
        _ = try? SignatureV4Verifier(credentials: sigV4Credentials).verify(request, signingName: nil, now: now)
    }
}
