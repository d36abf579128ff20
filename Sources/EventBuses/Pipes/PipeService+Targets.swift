import EventLog
package import JSON
import LMDB
import Messaging
import Queues
import Runtime
import Topics

extension PipeService {
    /// Puts `entries` on their bus and deletes the batch from the source in one
    /// transaction: the events' records and their queue, topic and state machine targets
    /// commit with the delete, so a redelivered batch puts nothing twice; the commit
    /// schedules the other targets' deliveries (HTTP, handlers), as for `PutEvents`.
    package func putAndDelete(_ entries: [EventEntry], sourceArn: String, handles: [String]) async throws {
        guard let buses else { throw PipeDeliveryError("PutEvents: this pipe service runs without the event buses") }
        let time = queues.now()
        let accepted = await buses.accept(entries, at: time)
        if let refused = accepted.results.first(where: { $0.eventId == nil }) {
            throw PipeDeliveryError("PutEvents to \(entries.first?.eventBusName ?? "default"): \(refused.errorCode ?? ""): \(refused.errorMessage ?? "")")
        }
        let records = accepted.records.map { EventBuses.record($0.0, $0.1, time: time) }
        let deliveries = accepted.deliveries
        try await queues.transact { append in
            try self.deleteCurrent(in: append, sourceArn: sourceArn, handles: handles, time: time)
            try buses.appendAccepted(records, deliveries, in: append, time: time)
        }
    }

    /// Publishes each record to topic `name` and deletes the batch from the source in
    /// one transaction, so the topic's queue subscribers get each record once.
    package func publishAndDelete(
        _ records: [JSONValue], topic name: String, batchId: String, pipe: PipeDefinition, sourceArn: String, handles: [String]
    ) async throws {
        guard let topics else { throw PipeDeliveryError("Publish: this pipe service runs without the topics") }
        let topicArn = topics.arn(ofTopic: name)
        let fifo = name.hasSuffix(".fifo")
        let entries = records.enumerated().map { index, record in
            PublishEntry(
                message: record.stringValue ?? record.serialized, groupId: fifo ? pipe.name : nil,
                deduplicationId: fifo ? "\(batchId)-\(index)" : nil)
        }
        let time = queues.now()
        do {
            // The log's own transact, not the queues': theirs would hide a TopicError as a storage failure.
            try await queues.log.transact { append in
                try self.deleteCurrent(in: append, sourceArn: sourceArn, handles: handles, time: time)
                for result in try topics.publish(in: append, topicArn: topicArn, entries: entries, time: time) {
                    if case .failure(let error) = result { throw error }
                }
            }
        } catch let error as TopicError {
            throw PipeDeliveryError("Publish to \(name): \(error.message)")
        }
    }

    /// Starts an execution of state machine `name` with `input` (the batch, named
    /// `batchId`) and deletes the batch from the source in one transaction: the start is
    /// a command the workflow engine applies once from the log (``Runtime/ExecutionStarting``),
    /// so a crash before the commit starts nothing and redelivers the batch, and one after
    /// it starts the execution once and redelivers nothing. What the engine would refuse
    /// (a state machine that does not exist) fails the attempt, writing nothing.
    package func startAndDelete(_ input: JSONValue, stateMachine name: String, batchId: String, sourceArn: String, handles: [String]) async throws {
        // Pipes are configuration of the default scope: their names are its resources.
        let arn = context.defaultScope.arn("states", "stateMachine:\(name)")
        let input = input.serialized
        let time = queues.now()
        do {
            // The log's own transact, not the queues': theirs would hide the engine's refusal as a storage failure.
            try await queues.log.transact { append in
                try self.executions.checkStart(of: arn, named: batchId, input: input, in: append.transaction)
                try self.deleteCurrent(in: append, sourceArn: sourceArn, handles: handles, time: time)
                try append.append(self.executions.startCommand(of: arn, named: batchId, input: input, at: time))
            }
        } catch let error as EngineError {
            throw PipeDeliveryError("StartExecution of \(name): \(error)")
        } catch let error as QueueError {
            throw PipeDeliveryError("StartExecution of \(name): \(error)")
        }
    }
}
