import Memberwise

/// Where a resource lives: an account and a region, the two fields of its ARN
/// (`arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`) that AWS keeps resources apart by.
///
/// A request creates and lists resources in its scope: the region of its SigV4
/// credential scope and the account of its access key
/// (``ServiceContext/scope(accessKeyID:region:)``). A request that names a resource
/// by ARN (or an SQS queue by URL) reaches it in the scope the ARN gives, whatever its
/// own: the ARN is the resource's identity.
///
/// Services keyed by ARN (state machines, executions, activities, queues, topics,
/// subscriptions) need nothing else: two scopes give two ARNs, so two keys. Services
/// keyed by name (EventBridge's buses, rules, archives, connections…) qualify the
/// name with ``storageName(_:defaultScope:)``: the default scope keeps the key it
/// always had, so a data directory written before scopes existed reads unchanged.
///
/// ```swift
/// let scope = ResourceScope(account: "111122223333", region: "eu-west-1")
/// scope.arn("sqs", "orders")           // arn:aws:sqs:eu-west-1:111122223333:orders
/// ResourceScope(arn: "arn:aws:sns:eu-west-1:111122223333:alerts") == scope  // true
/// ```
@MemberwiseInit(.public)
public struct ResourceScope: Sendable, Hashable, CustomStringConvertible {
    /// The 12-digit account id.
    public var account: String
    /// The region (`us-east-1`).
    public var region: String

    /// The scope of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`); `nil` for text that
    /// is not an ARN or whose region or account is empty (a global or service ARN such as
    /// `arn:aws:states:::sqs:sendMessage`).
    public init?(arn: String) {
        guard arn.hasPrefix("arn:") else { return nil }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, !parts[3].isEmpty, !parts[4].isEmpty else { return nil }
        self.init(account: String(parts[4]), region: String(parts[3]))
    }

    /// The scope of a request signed with `accessKeyID` for `region`: see
    /// ``ServiceContext/scope(accessKeyID:region:)``, which passes its ``ServiceContext/defaultScope``.
    public init(accessKeyID: String?, region: String?, defaultScope: ResourceScope) {
        self.init(
            account: accessKeyID.flatMap { Self.isAccountID($0) ? $0 : nil } ?? defaultScope.account,
            region: region.flatMap { Self.isRegion($0) ? $0 : nil } ?? defaultScope.region
        )
    }

    /// `arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`.
    public func arn(_ service: String, _ resource: String) -> String { "arn:aws:\(service):\(region):\(account):\(resource)" }

    /// `arn:aws:SERVICE:REGION:ACCOUNT:`, what every ARN of `service` in this scope starts with.
    public func arnPrefix(_ service: String) -> String { arn(service, "") }

    /// Whether `arn` names a resource of this scope.
    public func owns(_ arn: String) -> Bool { ResourceScope(arn: arn) == self }

    /// `ACCOUNT/REGION`.
    public var description: String { "\(account)/\(region)" }

    /// Whether `text` is an account id as AWS writes one: exactly 12 ASCII digits.
    public static func isAccountID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Whether `text` can be a region: 1 to 32 lower-case letters, digits and `-`
    /// (`us-east-1`, `eu-central-2`, `us-gov-west-1`), so that it never breaks an ARN or a key.
    public static func isRegion(_ text: some StringProtocol) -> Bool {
        (1...32).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            }
    }

    // MARK: Keys of resources kept by name

    /// What separates the qualifier of a storage name from the name: a character no
    /// resource name may contain (EventBridge names are `[.\-_A-Za-z0-9]+`), so a qualified
    /// name can never be taken for a plain one.
    public static let qualifierSeparator: Character = ":"

    /// The name a resource named `name` is stored under: `name` itself in `defaultScope`
    /// (the key it had before scopes existed), `ACCOUNT:REGION:name` in any other.
    ///
    /// A `name` holding the separator (which no resource's name may) is qualified in the
    /// default scope too, so that a client cannot spell another scope's storage name as
    /// a name of its own: it names nothing.
    public func storageName(_ name: String, defaultScope: ResourceScope) -> String {
        guard self != defaultScope || name.contains(Self.qualifierSeparator) else { return name }
        return "\(account)\(Self.qualifierSeparator)\(region)\(Self.qualifierSeparator)\(name)"
    }

    /// The name as AWS shows it of a storage name ``storageName(_:defaultScope:)`` made: without its qualifier.
    public static func plainName(ofStorageName stored: String) -> String {
        qualified(stored)?.name ?? stored
    }

    /// The scope and plain name of a storage name ``storageName(_:defaultScope:)`` made.
    public static func parseStorageName(_ stored: String, defaultScope: ResourceScope) -> (scope: ResourceScope, name: String) {
        qualified(stored) ?? (defaultScope, stored)
    }

    /// The scope and name of a qualified storage name (`ACCOUNT:REGION:name`); `nil` for a plain one.
    private static func qualified(_ stored: String) -> (scope: ResourceScope, name: String)? {
        let parts = stored.split(separator: qualifierSeparator, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, isAccountID(parts[0]) else { return nil }
        return (ResourceScope(account: String(parts[0]), region: String(parts[1])), String(parts[2]))
    }
}

extension ServiceContext {
    /// The scope of requests that say nothing else: the configured ``region`` and ``account``,
    /// where the CLI, the console and unsigned requests work, and where every resource of
    /// a data directory written before scopes existed lives.
    public var defaultScope: ResourceScope { ResourceScope(account: account, region: region) }

    /// The scope of a request signed with `accessKeyID` for `region`.
    ///
    /// The account is LocalStack's rule: an access key id of exactly 12 digits is the
    /// account id, so tests reach several accounts by their keys; any other key (or none)
    /// is ``account``. A missing region, or one that cannot be a region
    /// (``ResourceScope/isRegion(_:)``: it would break the ARNs), is ``region``.
    public func scope(accessKeyID: String?, region: String?) -> ResourceScope {
        ResourceScope(accessKeyID: accessKeyID, region: region, defaultScope: defaultScope)
    }

    /// The scope of `arn`, or ``defaultScope`` when it is not a scoped ARN.
    public func scope(ofArn arn: String) -> ResourceScope { ResourceScope(arn: arn) ?? defaultScope }
}
