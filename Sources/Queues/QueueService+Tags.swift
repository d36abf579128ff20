package import EventLog
import JSON
import Messaging
import Runtime

extension QueueService {
    /// Sets `tags` on the queue (an existing key's value is replaced).
    /// - Throws: ``QueueError`` `QueueDoesNotExist`; `InvalidParameterValue` as ``QueueTags`` refuses.
    public func tagQueue(arn: String, tags: [String: String]) async throws {
        let time = now()
        try await transact { append in
            let queue = try self.requireQueue(arn, in: append.transaction)
            _ = try QueueTags.merging(tags, into: queue.tags, queueName: queue.name)
            try self.appendTags(arn: arn, set: tags, remove: [], time: time, in: append)
        }
    }

    /// Removes the tags `keys` from the queue; a key it does not have is no error, as in SQS.
    /// - Throws: ``QueueError`` `QueueDoesNotExist`; `InvalidParameterValue` for no keys.
    public func untagQueue(arn: String, keys: [String]) async throws {
        guard !keys.isEmpty else { throw QueueError(.invalidParameterValue, "Tag keys must be between 1 and 128 characters in length.") }
        let time = now()
        try await transact { append in
            _ = try self.requireQueue(arn, in: append.transaction)
            try self.appendTags(arn: arn, set: [:], remove: keys, time: time, in: append)
        }
    }

    /// Grants `actions` on the queue to `accounts` under `label`, editing its `Policy`
    /// attribute as ``QueuePolicy`` describes (an `attributesSet` record, as `SetQueueAttributes`).
    public func addPermission(arn: String, label: String, accounts: [String], actions: [String]) async throws {
        try await editPolicy(arn: arn) { policy throws(QueueError) in
            try QueuePolicy.adding(label: label, accounts: accounts, actions: actions, to: policy, queueArn: arn)
        }
    }

    /// Drops the statement `label` from the queue's `Policy`, and the policy once it has none.
    public func removePermission(arn: String, label: String) async throws {
        try await editPolicy(arn: arn) { policy throws(QueueError) in try QueuePolicy.removing(label: label, from: policy) ?? "" }
    }

    private func editPolicy(arn: String, _ edit: @escaping @Sendable (String?) throws(QueueError) -> String) async throws {
        let time = now()
        try await transact { append in
            let queue = try self.requireQueue(arn, in: append.transaction)
            let policy = try edit(queue.attributes.values["Policy"])
            try self.appendRecord(
                QueueRecordKind.attributesSet,
                ["arn": .string(arn), "attributes": ["Policy": .string(policy)], "time": .integer(Int(time))],
                time: time,
                in: append
            )
        }
    }

    package func appendTags(arn: String, set tags: [String: String], remove keys: [String], time: Int64, in append: AppendTransaction) throws {
        var object = JSONObject()
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
        try appendRecord(
            QueueRecordKind.tagged,
            ["arn": .string(arn), "time": .integer(Int(time)), "tags": .object(object), "untagged": .array(keys.map { .string($0) })],
            time: time,
            in: append
        )
    }
}
