import Foundation
import JSON
import Memberwise
public import Messaging
import Runtime

/// One EventBridge-Pipes-style pipe: records from a source, through an optional
/// filter and enrichment, to one target.
///
/// As in AWS, the filter sees each source record (for a queue, the SQS record with
/// `body` parsed when it is JSON); the enrichment and the target receive the batch,
/// a JSON array of the records that passed (or what the enrichment returned).
@MemberwiseInit(.public)
public struct PipeDefinition: Sendable, Hashable {
    /// Where a pipe's records come from.
    public enum Source: Sendable, Hashable {
        /// A Stepline SQS queue, by name; its visibility timeout, receive counts and
        /// `RedrivePolicy` apply to the pipe's receives.
        case queue(String)
        /// An event bus, by name, and the EventBridge pattern (JSON text) that selects
        /// its events. ``PipeService/deploySources(source:)`` gives it a rule whose one
        /// target is an internal queue (``PipeDefinition/sourceQueue``), so an event is
        /// enqueued in the transaction that accepted it and the pipe then runs exactly
        /// as a queue-sourced one; filters, enrichments and targets see the event.
        case bus(String, eventPattern: String)
    }

    /// The queue the pipe receives from: the source queue, or for a bus source the
    /// internal `pipe-NAME-source` queue its rule fills.
    public var sourceQueue: String {
        switch source {
        case .queue(let name): name
        case .bus: "pipe-\(name)-source"
        }
    }

    /// What a pipe delivers to.
    public enum Target: Sendable, Hashable {
        /// A state machine by name; each batch starts one execution named after its
        /// message ids, so a batch delivered again starts nothing new.
        case stateMachine(String)
        /// A queue by name; the send commits with the source delete, so it happens once.
        case queue(String)
        /// A Task resource mapped by `workflows/handlers.yaml` (at least once, with an
        /// idempotency key naming the batch).
        case handler(String)
        /// An event bus by name: each record becomes one event (`source` and
        /// `detailType` default to `stepline.pipes` and the pipe's name), put in the
        /// transaction that deletes the batch from the source, so it happens once.
        case bus(String, source: String?, detailType: String?)
        /// A topic by name: each record is published in the transaction that deletes
        /// the batch from the source (a FIFO topic gets the pipe's name as group).
        case topic(String)
    }

    public var name: String
    public var source: Source
    /// Records that do not match are deleted from the source without delivery.
    public var filter: EventPattern? = nil
    /// A Task resource in the handler map that receives the batch and returns the
    /// target's input (a handler returning an empty array drops the batch).
    public var enrichment: String? = nil
    public var target: Target
    /// Applied to each record (after enrichment, to each element) before delivery;
    /// see ``PipeInputTemplate``.
    public var inputTemplate: PipeInputTemplate? = nil
    /// The most records received and delivered together (1…10, as SQS receives).
    public var batchSize: Int = 1
    /// Attempts at enrichment plus target for one batch before it goes to the
    /// dead-letter queue (or, without one, is left to the source queue's redrive).
    public var maximumAttempts: Int = 3
    /// The wait before the second attempt, doubled for each attempt after it.
    public var backoff: Duration = .seconds(1)
    /// A queue name that receives batches whose attempts are exhausted.
    public var deadLetterQueue: String? = nil
}
