package import EventLog
import JSON
package import Messaging
import Queues
package import Runtime

/// `arn:aws:states:::sns:publish`: a Task state publishes to a Stepline topic in the
/// log transaction of the step that schedules it, like `sqs:sendMessage`, so the
/// topic's queue subscribers get the message exactly once and the task's answer
/// (`{"MessageId": …, "SequenceNumber"?: …}`) is recorded with the open task.
extension TopicService: TaskIntegration {
    package var integratedResources: [String] { ["arn:aws:states:::sns:publish"] }

    /// Publishes the entry the task's parameters give (`TopicArn` or `TargetArn`, `Message`
    /// as a string or any JSON, `Subject`, `MessageAttributes`, `MessageGroupId`,
    /// `MessageDeduplicationId`, `MessageStructure`), or refuses the task when they give none.
    package func prepare(_ task: IntegrationTask) async -> IntegrationEffect {
        let parameters = task.parameters
        guard let topicArn = (parameters["TopicArn"] ?? parameters["TargetArn"])?.stringValue else {
            return .refused(Self.snsFailure(TopicError.invalidParameter(nil, "TopicArn or TargetArn Reason: no value for required parameter")))
        }
        guard let message = parameters["Message"].map({ $0.stringValue ?? $0.serialized }) else {
            return .refused(Self.snsFailure(TopicError.invalidParameter(nil, "Empty message")))
        }
        var attributes: [(name: String, value: MessageAttribute)] = []
        for (name, value) in parameters["MessageAttributes"]?.objectValue?.entries ?? JSONObject().entries {
            attributes.append((name, MessageAttribute(stored: value)))
        }
        let entry = PublishEntry(
            message: message, subject: parameters["Subject"]?.stringValue, messageStructure: parameters["MessageStructure"]?.stringValue,
            attributes: attributes, groupId: parameters["MessageGroupId"]?.stringValue,
            deduplicationId: parameters["MessageDeduplicationId"]?.stringValue)
        // Its deliveries are scheduled by the commit itself (``scheduleDeliveries(recordedIn:)``).
        return .perform({ append in try self.publishForTask(entry, to: topicArn, append, at: task.time) })
    }

    /// Publishes one entry in the step's transaction and returns the task's outcome.
    package func publishForTask(_ entry: PublishEntry, to topicArn: String, _ append: AppendTransaction, at time: Int64) throws -> TaskOutcome {
        let results: [Result<PublishedMessage, TopicError>]
        do { results = try publish(in: append, topicArn: topicArn, entries: [entry], time: time) } catch let error as TopicError {
            return Self.snsFailure(error)
        }
        switch results.first {
        case .success(let published)?:
            var answer: JSONObject = ["MessageId": .string(published.messageId)]
            if let sequence = published.sequenceNumber { answer["SequenceNumber"] = .string(sequence) }
            return .succeeded(.object(answer))
        case .failure(let error)?:
            return Self.snsFailure(error)
        case nil:
            return .failed(error: TaskRunner.taskFailed, cause: "The topic \(topicArn) answered nothing for one message.")
        }
    }

    /// AWS's task error for an SNS failure: `SNS.<Code>Exception` and the SDK's message.
    package static func snsFailure(_ error: TopicError) -> TaskOutcome {
        let exception = error.code == .invalidParameterValue ? "InvalidParameterValueException" : "\(error.code.rawValue)Exception"
        return .failed(
            error: "SNS.\(exception)",
            cause: "\(error.message) (Service: AmazonSNS; Status Code: \(error.code.status); Error Code: \(error.code.rawValue))"
        )
    }
}
