package import EventLog
package import JSON
package import Messaging
package import Runtime

/// `arn:aws:states:::sqs:sendMessage`: a Task state sends `MessageBody` to `QueueUrl` in
/// the log transaction of the step that opens it and answers
/// `{"MessageId": …, "MD5OfMessageBody": …}`; a queue that does not exist fails the task
/// with `SQS.QueueDoesNotExistException`, as on AWS.
extension QueueService: TaskIntegration {
    package var integratedResources: [String] { ["arn:aws:states:::sqs:sendMessage"] }

    package func prepare(_ task: IntegrationTask) async -> IntegrationEffect {
        switch sendMessageRequest(task.parameters) {
        case .refused(let failure): return .refused(failure)
        case .send(let queueArn, let message):
            // Receivers are woken by the commit itself (``receivableChanges``).
            return .perform({ append in try self.sendForTask(message, to: queueArn, append, at: task.time) })
        }
    }

    /// What an `sqs:sendMessage` task's parameters ask for.
    package enum SendRequest {
        case send(queueArn: String, OutgoingMessage)
        /// It cannot be sent: the task's failure.
        case refused(TaskOutcome)
    }

    /// The queue and message an `sqs:sendMessage` task asks for, or why it cannot be sent.
    package func sendMessageRequest(_ parameters: JSONValue) -> SendRequest {
        guard let url = parameters["QueueUrl"]?.stringValue, let name = Self.queueName(url) else {
            return .refused(Self.sqsFailure(QueueError(.missingParameter, "The request must contain the parameter QueueUrl.")))
        }
        let body: String
        switch parameters["MessageBody"] {
        case .string(let text)?: body = text
        case let value?: body = value.serialized
        case nil: return .refused(Self.sqsFailure(QueueError(.missingParameter, "The request must contain the parameter MessageBody.")))
        }
        let message = OutgoingMessage(
            body: body,
            attributes: parameters["MessageAttributes"]?.objectValue ?? JSONObject(),
            delaySeconds: parameters["DelaySeconds"]?.integerValue,
            groupId: parameters["MessageGroupId"]?.stringValue,
            deduplicationId: parameters["MessageDeduplicationId"]?.stringValue
        )
        return .send(queueArn: url.hasPrefix("arn:") ? url : arn(ofQueue: name), message)
    }

    /// The queue name of a queue URL (`http://HOST/ACCOUNT/NAME`, AWS's or Stepline's) or ARN.
    package static func queueName(_ urlOrArn: String) -> String? {
        let separator: Character = urlOrArn.hasPrefix("arn:") ? ":" : "/"
        guard let name = urlOrArn.split(separator: separator).last, !name.isEmpty, name != urlOrArn[...] else { return nil }
        return String(name)
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
            cause: "\(error.message) (Service: AmazonSQS; Status Code: 400; Error Code: \(error.code.queryCode ?? error.code.rawValue))"
        )
    }
}
