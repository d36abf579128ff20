internal import HTTPTypes
public import JSON
public import Messaging
import Runtime
public import Topics
import Workflows

/// The SNS service (AWS's query protocol, `2010-03-31`) over a ``TopicService``.
///
/// Each action is one function of ``SNSOperations``; this type routes `Action` to it
/// and turns ``TopicError`` into the ``AWSError`` the dispatcher renders as
/// `<ErrorResponse>` with SNS's code and status (`NotFound`, 404), so boto3 raises
/// `sns.exceptions.NotFoundException`. Topics are kept per account and region: a request
/// creates and lists those of its scope (``AWSRequestContext/scope(in:)``) and reaches
/// any other by its ARN.
public struct SNSHandler: AWSQueryServiceHandler {
    public typealias Action = @Sendable (SNSOperations, QueryParameters) async throws -> [XMLNode]?

    public let service = AWSService.sns
    public let apiVersion = "2010-03-31"
    public let xmlNamespace = "http://sns.amazonaws.com/doc/2010-03-31/"
    let operations: SNSOperations
    let actions: [String: Action]

    /// The handler for `topics`, signing list tokens with `tokens`.
    ///
    /// Pass ``PaginationTokenCodec/stored(inDirectory:)`` for tokens that survive a
    /// restart; the default key is made per process.
    public init(topics: TopicService, tokens: PaginationTokenCodec = PaginationTokenCodec()) {
        operations = SNSOperations(topics: topics, tokens: tokens, scope: topics.context.defaultScope)
        actions = [
            "CreateTopic": { try await $0.createTopic($1) },
            "DeleteTopic": { try await $0.deleteTopic($1) },
            "ListTopics": { try $0.listTopics($1) },
            "GetTopicAttributes": { try $0.getTopicAttributes($1) },
            "SetTopicAttributes": { try await $0.setTopicAttributes($1) },
            "Subscribe": { try await $0.subscribe($1) },
            "ConfirmSubscription": { try await $0.confirmSubscription($1) },
            "Unsubscribe": { try await $0.unsubscribe($1) },
            "ListSubscriptions": { try $0.listSubscriptions($1, byTopic: false) },
            "ListSubscriptionsByTopic": { try $0.listSubscriptions($1, byTopic: true) },
            "GetSubscriptionAttributes": { try $0.getSubscriptionAttributes($1) },
            "SetSubscriptionAttributes": { try await $0.setSubscriptionAttributes($1) },
            "Publish": { try await $0.publish($1) },
            "PublishBatch": { try await $0.publishBatch($1) },
            "TagResource": { try await $0.tagResource($1) },
            "UntagResource": { try await $0.untagResource($1) },
            "ListTagsForResource": { try $0.listTagsForResource($1) },
        ]
    }

    public func provides(operation: String) -> Bool { actions[operation] != nil }

    /// SNS has no JSON protocol: a request naming it in `X-Amz-Target` is unknown.
    public func handle(operation: String, input: JSONValue, context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        throw context.unknownOperation()
    }

    public func allowsUnsigned(action: String) -> Bool { action == "ConfirmSubscription" || action == "Unsubscribe" }

    public func handle(action: String, parameters: QueryParameters, context: AWSRequestContext) async throws(AWSError) -> [XMLNode]? {
        guard let body = actions[action] else {
            throw AWSError(.invalidAction, "The action \(action) is not valid for this endpoint.")
        }
        var operations = operations
        operations.scope = context.scope(in: operations.topics.context)
        return try await service.call { [operations] in try await body(operations, parameters) }
    }
}

extension AWSService {
    /// SNS: the query protocol, signed as `sns`; a message is at most 256 KiB, form-encoding
    /// can triple it, so the raw body limit is 1 MiB and the handler checks message sizes.
    public static let sns = AWSService(
        targetPrefix: "AmazonSimpleNotificationService", jsonVersion: "1.0", signingName: "sns", maximumRequestBodySize: 1 << 20)
}

extension AWSError.Code {
    /// SNS (and other query services): the server failed.
    public static let internalError: Self = "InternalError"
}
