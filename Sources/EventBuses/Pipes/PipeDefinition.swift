import Foundation
import JSON
public import Messaging
import Runtime

/// One EventBridge-Pipes-style pipe: records from a source, through an optional
/// filter and enrichment, to one target.
///
/// As in AWS, the filter sees each source record (for a queue, the SQS record with
/// `body` parsed when it is JSON); the enrichment and the target receive the batch,
/// a JSON array of the records that passed (or what the enrichment returned).
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
    public var filter: EventPattern?
    /// A Task resource in the handler map that receives the batch and returns the
    /// target's input (a handler returning an empty array drops the batch).
    public var enrichment: String?
    public var target: Target
    /// Applied to each record (after enrichment, to each element) before delivery;
    /// see ``PipeInputTemplate``.
    public var inputTemplate: PipeInputTemplate?
    /// The most records received and delivered together (1…10, as SQS receives).
    public var batchSize: Int
    /// Attempts at enrichment plus target for one batch before it goes to the
    /// dead-letter queue (or, without one, is left to the source queue's redrive).
    public var maximumAttempts: Int
    /// The wait before the second attempt, doubled for each attempt after it.
    public var backoff: Duration
    /// A queue name that receives batches whose attempts are exhausted.
    public var deadLetterQueue: String?

    public init(
        name: String, source: Source, filter: EventPattern? = nil, enrichment: String? = nil, target: Target,
        inputTemplate: PipeInputTemplate? = nil, batchSize: Int = 1, maximumAttempts: Int = 3,
        backoff: Duration = .seconds(1), deadLetterQueue: String? = nil
    ) {
        self.name = name
        self.source = source
        self.filter = filter
        self.enrichment = enrichment
        self.target = target
        self.inputTemplate = inputTemplate
        self.batchSize = batchSize
        self.maximumAttempts = maximumAttempts
        self.backoff = backoff
        self.deadLetterQueue = deadLetterQueue
    }
}
