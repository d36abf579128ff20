public import Runtime

/// What a queue URL names: a queue's name and the scope (account and region) it lives in.
///
/// Stepline hands out `BASE/ACCOUNT/NAME` for queues of the default region, the URLs it
/// always gave, and LocalStack's path form `BASE/queue/REGION/ACCOUNT/NAME` for the
/// others, so a URL names one queue whoever uses it. Reading a URL, the region comes
/// from a `queue/REGION/ACCOUNT/NAME` path or an AWS-style host (`sqs.REGION.…`), the
/// account from the path segment before the name when it is 12 digits; what the URL
/// does not say is the caller's (`fallback`), as LocalStack reads URLs it did not make
/// (`http://localhost:4566/000000000000/orders` from an `eu-west-1` client is that
/// client's `orders`).
public struct QueueAddress: Sendable, Hashable {
    /// The queue's name, the URL's last path segment.
    public var name: String
    /// The account and region of the queue.
    public var scope: ResourceScope

    public init(name: String, scope: ResourceScope) {
        self.name = name
        self.scope = scope
    }

    /// The address a queue URL names; `nil` when it has no last path segment. The name is
    /// not checked: callers that make keys of it check it first.
    public init?(url: String, fallback: ResourceScope) {
        let segments = url.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = segments.last, !last.isEmpty, segments.count > 1 else { return nil }
        var scope = fallback
        let count = segments.count
        if count >= 2, ResourceScope.isAccountID(segments[count - 2]) { scope.account = String(segments[count - 2]) }
        if count >= 4, segments[count - 4] == "queue", !segments[count - 3].isEmpty {
            scope.region = String(segments[count - 3])
        } else if count >= 3, segments[0].hasSuffix(":"), segments[1].isEmpty {
            // `scheme://host[:port]/…`: an AWS-style host names the region.
            let host = segments[2].split(separator: ":").first ?? ""
            let labels = host.split(separator: ".")
            if labels.count >= 3, labels[0] == "sqs", labels[1].contains("-") { scope.region = String(labels[1]) }
        }
        self.init(name: String(last), scope: scope)
    }

    /// The queue's URL on a server reached at `base` (`http://127.0.0.1:8423`): the region
    /// is left out in `defaultRegion`, so the URLs of queues made before regions stay theirs.
    public func url(base: String, defaultRegion: String) -> String {
        scope.region == defaultRegion ? "\(base)/\(scope.account)/\(name)" : "\(base)/queue/\(scope.region)/\(scope.account)/\(name)"
    }

    /// `arn:aws:sqs:REGION:ACCOUNT:NAME`.
    public var arn: String { scope.arn("sqs", name) }

    /// The address of a queue ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`); `nil` for another text.
    public init?(arn: String) {
        guard let scope = ResourceScope(arn: arn), let name = arn.split(separator: ":").last, !name.isEmpty else { return nil }
        self.init(name: String(name), scope: scope)
    }
}
