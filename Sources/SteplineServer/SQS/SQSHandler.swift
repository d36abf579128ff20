import HTTPTypes
import JSON
import Messaging
public import Queues
import Runtime
import Workflows

/// The `AmazonSQS` service (awsJson 1.0, as boto3 ≥ 1.34 speaks it) over a ``QueueService``.
///
/// Queue URLs are `BASE/ACCOUNT/NAME` in the default region and
/// `BASE/queue/REGION/ACCOUNT/NAME` in the others (``QueueAddress``), where `BASE` is
/// how clients reach this server (`http://HOST:PORT`); a request may name a queue by
/// any URL whose last path component is the name, in the region and account the URL
/// gives or else the request's own. Queues are kept per account and region: a request
/// creates and lists those of its scope (``AWSRequestContext/scope(in:)``). Errors carry the query-protocol code in
/// ``AWSError/queryErrorCode`` so botocore raises the modeled exception
/// (`sqs.exceptions.QueueDoesNotExist`).
public enum SQSHandler {
    /// The operation table for `queues`; `baseURL` is read per request, so a
    /// server bound to port 0 can supply its real address once listening. `tokens`
    /// signs `ListQueues` page tokens (one kept in the data directory outlives a restart).
    public static func make(
        queues: QueueService,
        baseURL: @escaping @Sendable () -> String,
        tokens: PaginationTokenCodec = PaginationTokenCodec()
    ) -> AWSOperationTable {
        let operations = SQSOperations(queues: queues, baseURL: baseURL, tokens: tokens, scope: queues.context.defaultScope)
        var table = AWSOperationTable(service: .sqs)
        let all: [(String, @Sendable (SQSOperations, AWSInput) async throws -> JSONValue)] = [
            ("CreateQueue", { try await $0.createQueue($1) }),
            ("GetQueueUrl", { try await $0.getQueueUrl($1) }),
            ("ListQueues", { try await $0.listQueues($1) }),
            ("GetQueueAttributes", { try await $0.getQueueAttributes($1) }),
            ("SetQueueAttributes", { try await $0.setQueueAttributes($1) }),
            ("DeleteQueue", { try await $0.deleteQueue($1) }),
            ("PurgeQueue", { try await $0.purgeQueue($1) }),
            ("SendMessage", { try await $0.sendMessage($1) }),
            ("SendMessageBatch", { try await $0.sendMessageBatch($1) }),
            ("ReceiveMessage", { try await $0.receiveMessage($1) }),
            ("DeleteMessage", { try await $0.deleteMessage($1) }),
            ("DeleteMessageBatch", { try await $0.deleteMessageBatch($1) }),
            ("ChangeMessageVisibility", { try await $0.changeMessageVisibility($1) }),
            ("ChangeMessageVisibilityBatch", { try await $0.changeMessageVisibilityBatch($1) }),
            ("ListDeadLetterSourceQueues", { try await $0.listDeadLetterSourceQueues($1) }),
            ("StartMessageMoveTask", { try await $0.startMessageMoveTask($1) }),
            ("ListMessageMoveTasks", { try await $0.listMessageMoveTasks($1) }),
            ("CancelMessageMoveTask", { try await $0.cancelMessageMoveTask($1) }),
            ("TagQueue", { try await $0.tagQueue($1) }),
            ("UntagQueue", { try await $0.untagQueue($1) }),
            ("ListQueueTags", { try await $0.listQueueTags($1) }),
            ("AddPermission", { try await $0.addPermission($1) }),
            ("RemovePermission", { try await $0.removePermission($1) }),
        ]
        for (name, body) in all {
            table.register(name) { input, context async throws(AWSError) -> JSONValue in
                var operations = operations
                operations.scope = context.scope(in: queues.context)
                return try await AWSService.sqs.call { try await body(operations, input) }
            }
        }
        return table
    }
}
