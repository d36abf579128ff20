package import EventLog
import JSON
package import Messaging
package import Runtime

/// `arn:aws:states:::sqs:sendMessage`: a Task state sends `MessageBody` to `QueueUrl` in
/// the log transaction of the step that opens it and answers
/// `{"MessageId": …, "MD5OfMessageBody": …}`; a queue that does not exist fails the task
/// with `SQS.QueueDoesNotExistException`, as on AWS.
extension QueueService: TaskIntegration {
    package var integratedResources: [String] { ["arn:aws:states:::sqs:sendMessage"] }

    /// Sends the message the task's parameters give (`QueueUrl` or a queue ARN,
    /// `MessageBody` as a string or any JSON, `MessageAttributes`, `DelaySeconds`,
    /// `MessageGroupId`, `MessageDeduplicationId`), or refuses the task when they give none.
    package func prepare(_ task: IntegrationTask) async -> IntegrationEffect {
        let parameters = task.parameters
        // A URL that does not say its region or account names a queue of the execution's.
        let executionScope = context.scope(ofArn: task.executionArn)
        guard let url = parameters["QueueUrl"]?.stringValue,
            let address = url.hasPrefix("arn:") ? QueueAddress(arn: url) : QueueAddress(url: url, fallback: executionScope)
        else {
            return .refused(Self.sqsFailure(QueueError(.missingParameter, "The request must contain the parameter QueueUrl.")))
        }
        guard let body = parameters["MessageBody"].map({ $0.stringValue ?? $0.serialized }) else {
            return .refused(Self.sqsFailure(QueueError(.missingParameter, "The request must contain the parameter MessageBody.")))
        }
        let message = OutgoingMessage(
            body: body,
            attributes: parameters["MessageAttributes"]?.objectValue ?? JSONObject(),
            delaySeconds: parameters["DelaySeconds"]?.integerValue,
            groupId: parameters["MessageGroupId"]?.stringValue,
            deduplicationId: parameters["MessageDeduplicationId"]?.stringValue
        )
        let queueArn = url.hasPrefix("arn:") ? url : address.arn
        // Receivers are woken by the commit itself (``receivableChanges``).
        return .perform({ append in try self.sendForTask(message, to: queueArn, append, at: task.time) })
    }

    /// Sends one message in the step's transaction and returns the task's outcome.
    package func sendForTask(
        _ message: OutgoingMessage,
        to queueArn: String,
        _ append: AppendTransaction,
        at time: Int64
    ) throws -> TaskOutcome {
        let results: [Result<SentMessage, QueueError>]
        do { results = try send(in: append, queueArn: queueArn, messages: [message], time: time) } catch let error as QueueError {
            return Self.sqsFailure(error)
        }
        switch results.first {
        case .success(let sent)?:
            var answer: JSONObject = ["MessageId": .string(sent.messageId), "MD5OfMessageBody": .string(sent.md5OfBody)]
            if let md5 = sent.md5OfAttributes { answer["MD5OfMessageAttributes"] = .string(md5) }
            if let sequence = sent.sequenceNumber { answer["SequenceNumber"] = .string(sequence) }
            return .succeeded(.object(answer))
        case .failure(let error)?:
            return Self.sqsFailure(error)
        case nil:
            return .failed(error: TaskRunner.taskFailed, cause: "The queue \(queueArn) answered nothing for one message.")
        }
    }

    /// AWS's task error for an SQS failure: `SQS.<exception>` and the SDK's message.
    package static func sqsFailure(_ error: QueueError) -> TaskOutcome {
        let exception = error.code == .queueDoesNotExist ? "QueueDoesNotExistException" : "AmazonSQSException"
        return .failed(
            error: "SQS.\(exception)",
            cause: "\(error.message) (Service: AmazonSQS; Status Code: 400; Error Code: \(error.code.queryCode))"
        )
    }
}
