/// The one rule by which every caller of the ``Invoker`` names its effect.
///
/// A key names one effect: *what* is delivered and *who* receives it. It is the same
/// for every delivery of that effect — a re-delivery after a crash, a retry of the
/// same delivery, a redrive of its dead letter, an answer from manual review — so a
/// handler that sees a key twice can answer from what it did the first time; and two
/// effects never share a key, so a handler that deduplicates never drops one.
///
/// Where a service treats a retry as a new effect, the attempt is part of *what*:
/// a Step Functions `Retry` runs the task again on purpose, so each attempt (and each
/// redrive of an execution) has its own key. EventBridge, SNS and Pipes retry to get
/// the *same* delivery through, so their retries keep the key.
///
/// Keys are built from identifiers in the log (never from time or a random source),
/// so recovery after a crash rebuilds the same key.
public enum IdempotencyKey {
    /// A Task state's attempt: `<execution ARN>/<state-entered event id>/<attempt>`,
    /// plus `/redrive-<n>` after the execution's n-th redrive.
    public static func taskAttempt(executionArn: String, enteredEventId: Int, attempt: Int, redriveCount: Int) -> String {
        let key = "\(executionArn)/\(enteredEventId)/\(attempt)"
        return redriveCount == 0 ? key : "\(key)/redrive-\(redriveCount)"
    }

    /// One bus event to one target of one rule: `<event id>/<rule ARN>/<target id>`
    /// (the same event matched by two rules, or sent to two targets, is two effects).
    public static func eventDelivery(eventId: String, ruleArn: String, targetId: String) -> String {
        "\(eventId)/\(ruleArn)/\(targetId)"
    }

    /// One topic message to one subscription: `<message id>/<subscription ARN>`.
    public static func topicDelivery(messageId: String, subscriptionArn: String) -> String {
        "\(messageId)/\(subscriptionArn)"
    }

    /// One step (`enrichment`, `target`) of one pipe batch: `pipe/<name>/<batch id>/<step>`.
    public static func pipeStep(pipe: String, batchId: String, step: String) -> String {
        "pipe/\(pipe)/\(batchId)/\(step)"
    }
}
