public import JSON

/// The page size and token of a `List*` request, read and checked once for every listing.
///
/// Member names and limits differ by service, so they are parameters: Step Functions
/// pages with `maxResults` (0…1000, 0 meaning the default of 100) and `nextToken`;
/// EventBridge with `Limit` and `NextToken`; SQS with `MaxResults` and `NextToken`.
/// The token is a ``PaginationTokenCodec`` token bound to `scope`, so one listing's
/// token cannot page through another.
///
/// ```swift
/// let page = try PageRequest(input, codec: tokens, scope: "ListExecutions \(arn)")
/// let (items, last) = index.list(after: page.position, limit: page.limit + 1)
/// output["nextToken"] = items.count > page.limit ? .string(page.nextToken(after: last)) : nil
/// ```
public struct PageRequest: Sendable {
    /// How many items to return at most.
    public let limit: Int
    /// Where the previous page stopped, as the handler encoded it; `nil` on the first page.
    public let position: JSONValue?

    let codec: PaginationTokenCodec
    let scope: String

    /// Reads the page size and the token from `input`.
    ///
    /// - Parameters:
    ///   - sizeMember: the page-size member; absent or `0` means `defaultLimit`.
    ///   - tokenMember: the token member.
    ///   - maximumLimit: the largest page size the operation's model allows.
    ///   - invalidTokenCode: the modeled error for a bad token (Step Functions: `InvalidToken`).
    /// - Throws: `ValidationException` for a size out of range; `invalidTokenCode` for a bad token.
    public init(
        _ input: AWSInput,
        sizeMember: String = "maxResults",
        tokenMember: String = "nextToken",
        defaultLimit: Int = 100,
        maximumLimit: Int = 1000,
        codec: PaginationTokenCodec,
        scope: String,
        invalidTokenCode: AWSError.Code = .invalidToken
    ) throws(AWSError) {
        let size = try input.integer(sizeMember, range: 0...maximumLimit) ?? 0
        self.limit = size == 0 ? defaultLimit : size
        if let token = try input.string(tokenMember, length: 1...1024) {
            self.position = try codec.decode(token, scope: scope, code: invalidTokenCode)
        } else {
            self.position = nil
        }
        self.codec = codec
        self.scope = scope
    }

    /// The token a response returns so the next request continues after `position`.
    public func nextToken(after position: JSONValue) -> String {
        codec.encode(position, scope: scope)
    }
}
