import EventLog
package import JSON
import Messaging
import Queues
import Runtime
import Topics

extension PipeService {
    /// Puts `entries` on their bus and deletes the batch from the source in one
    /// transaction: the events' records and their queue and topic targets commit with
    /// the delete, so a redelivered batch puts nothing twice; other targets (HTTP,
    /// state machines) are queued to the buses after the commit, as `PutEvents` does.
    package func putAndDelete(_ entries: [EventEntry], sourceArn: String, handles: [String]) async throws {
        guard let buses else { throw PipeDeliveryError("PutEvents: this pipe service runs without the event buses") }
        let time = queues.now()
        let accepted = await buses.accept(entries, at: time)
        if let refused = accepted.results.first(where: { $0.eventId == nil }) {
            throw PipeDeliveryError("PutEvents to \(entries.first?.eventBusName ?? "default"): \(refused.errorCode ?? ""): \(refused.errorMessage ?? "")")
        }
        let records = accepted.records.map { EventBuses.record($0.0, $0.1, time: time) }
        let queueDeliveries = accepted.deliveries.filter(\.isQueueDelivery)
        let delivered = try await queues.transact { append in
            try self.deleteCurrent(in: append, sourceArn: sourceArn, handles: handles, time: time)
            for record in records { try append.append(record) }
            return try queueDeliveries.filter { try buses.deliverToQueue($0, in: append, time: time) == nil }.map(\.deliveryId)
        }
        let done = Set(delivered)
        for delivery in accepted.deliveries where !done.contains(delivery.deliveryId) { await buses.queue(delivery) }
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
}
