package import EventLog
import JSON
import Runtime

/// Rules target state machines: the execution is a start command written in the
/// transaction that records the delivery's success (that accepts the event, or that
/// records a retry's success), which the workflow engine applies exactly once from the
/// log, so a crash anywhere starts it once or, before the commit, not at all.
extension EventBuses {
    /// Appends the start command of `delivery`'s execution and the delivery's success
    /// record in `append`, once ``Runtime/ExecutionStarting/checkStart(of:named:input:in:)``
    /// found nothing the engine would refuse. A state machine that does not exist is
    /// `RESOURCE_NOT_FOUND` (dead-lettered at once, as AWS does); any other refusal
    /// `SDK_CLIENT_ERROR`. Returns the failure, having written nothing.
    ///
    /// The body is the execution's input: as it is when it is JSON, else as a JSON string.
    package nonisolated func deliverToStateMachine(_ delivery: EventDelivery, in append: AppendTransaction, time: Int64) throws -> DeliveryFailure? {
        let arn = delivery.targetArn
        let input = (try? JSONParser.parse(delivery.body)) != nil ? delivery.body : JSONValue.string(delivery.body).serialized
        let name = Self.executionName(delivery)
        do {
            try executions.checkStart(of: arn, named: name, input: input, in: append.transaction)
        } catch let error as EngineError {
            let code = error.code == .stateMachineDoesNotExist ? "RESOURCE_NOT_FOUND" : "SDK_CLIENT_ERROR"
            return DeliveryFailure(code: code, message: error.message)
        }
        try append.append(executions.startCommand(of: arn, named: name, input: input, at: time))
        try Self.appendSucceeded(delivery, in: append, time: time)
        return nil
    }

    /// The execution name of a state machine delivery: the event id and a hash of the
    /// delivery, so each (event, bus, rule, target) names its own execution.
    package static func executionName(_ delivery: EventDelivery) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in delivery.deliveryId.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\(delivery.eventId)-\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }
}
