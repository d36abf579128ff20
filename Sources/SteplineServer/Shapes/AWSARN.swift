/// An Amazon Resource Name: `arn:<partition>:<service>:<region>:<account>:<resource>`.
///
/// Handlers build ARNs for what they create (state machines, executions, activities,
/// event buses, rules, queues) and read them back from inputs; both must agree with
/// AWS's layout exactly, because clients parse and compare them.
///
/// ```swift
/// let arn = AWSARN(service: "states", region: context.region, accountID: account, resource: "stateMachine:\(name)")
/// arn.description   // "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
/// arn.resourceParts // ["stateMachine", "orders"]
/// ```
public struct AWSARN: Sendable, Hashable, CustomStringConvertible {
    /// `aws` (or `aws-cn`, `aws-us-gov`).
    public var partition: String
    /// The service namespace (`states`, `events`, `sqs`).
    public var service: String
    /// The region; empty for global resources.
    public var region: String
    /// The 12-digit account id.
    public var accountID: String
    /// Everything after the account (`execution:orders:run-1`, `event-bus/default`).
    public var resource: String

    public init(partition: String = "aws", service: String, region: String, accountID: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountID = accountID
        self.resource = resource
    }

    /// Parses an ARN; `nil` unless it has the `arn:` prefix, six parts, a partition,
    /// a service and a resource. The resource keeps its own `:` and `/`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty else {
            return nil
        }
        self.init(
            partition: String(parts[1]),
            service: String(parts[2]),
            region: String(parts[3]),
            accountID: String(parts[4]),
            resource: String(parts[5])
        )
    }

    /// The resource split at `:` (Step Functions: `["execution", "machine", "name"]`).
    public var resourceParts: [Substring] { resource.split(separator: ":", omittingEmptySubsequences: false) }

    public var description: String { "arn:\(partition):\(service):\(region):\(accountID):\(resource)" }
}

extension AWSARN {
    /// Step Functions' error for a malformed or foreign ARN.
    public static let invalidARNCode = AWSError.Code("InvalidArn")
}

extension AWSInput {
    /// A required ARN member of `service`, whose resource starts with one of `resourceTypes`
    /// (`["stateMachine"]`); anything else is an error with `code` naming the member and value.
    ///
    /// - Parameter code: the operation's modeled error (Step Functions: `InvalidArn`;
    ///   EventBridge and SQS: `ValidationException`).
    public func requiredARN(
        _ member: String,
        service: String,
        resourceTypes: Set<String>,
        code: AWSError.Code = AWSARN.invalidARNCode
    ) throws(AWSError) -> AWSARN {
        // The models bound ARNs to 256 characters, version and map-run ARNs to 2000; checked
        // before anything else so that no longer string reaches a storage key.
        let maximum = member.hasSuffix("VersionArn") || member == "mapRunArn" ? 2000 : 256
        let text = try requiredString(member, length: 1...maximum)
        guard let arn = AWSARN(text) else {
            throw AWSError(code, "Invalid Arn: '\(text)' at '\(path(of: member))' is not of the form arn:partition:service:region:account:resource")
        }
        guard arn.service == service else {
            throw AWSError(code, "Invalid Arn: '\(text)' at '\(path(of: member))' is an ARN of service '\(arn.service)', not '\(service)'")
        }
        let type = String(arn.resource.prefix(while: { $0 != ":" && $0 != "/" }))
        guard resourceTypes.contains(type) else {
            throw AWSError(
                code,
                "Invalid Arn: 'Resource type not valid in this context: \(type)' in '\(text)' at '\(path(of: member))'; expected \(resourceTypes.sorted().joined(separator: " or "))"
            )
        }
        return arn
    }
}
