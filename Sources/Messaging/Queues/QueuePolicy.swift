import JSON

/// The queue policy `AddPermission` and `RemovePermission` edit, as SQS writes it.
///
/// SQS keeps a queue's access policy in its `Policy` attribute. `AddPermission`
/// appends one statement whose `Sid` is the label, `Principal` the accounts' root
/// ARNs and `Action` the actions prefixed `SQS:` (a single principal or action is a
/// string, several an array); the first one creates the document
/// `{"Version": "2012-10-17", "Id": "QUEUE_ARN/SQSDefaultPolicy", "Statement": [...]}`.
/// `RemovePermission` drops the statement with that `Sid`; once none is left the
/// queue has no policy again. A policy set by `SetQueueAttributes` is edited the same way.
public enum QueuePolicy {
    /// The actions `AddPermission` may grant (`*` is all of them).
    public static let grantableActions: Set<String> = [
        "*", "ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues",
        "PurgeQueue", "ReceiveMessage", "SendMessage",
    ]

    /// `policy` (the queue's `Policy` attribute, `nil` or empty when it has none) with a
    /// statement `label` granting `actions` to `accounts` on `queueArn`.
    /// - Throws: ``QueueError`` `InvalidParameterValue` for a malformed label, no
    ///   account, an action that cannot be granted or a label already in the policy;
    ///   `MissingParameter` without actions.
    public static func adding(
        label: String,
        accounts: [String],
        actions: [String],
        to policy: String?,
        queueArn: String
    ) throws(QueueError) -> String {
        try validateLabel(label)
        guard !actions.isEmpty else { throw QueueError(.missingParameter, "The request must contain the parameter Actions.") }
        guard !accounts.isEmpty else {
            throw QueueError(.invalidParameterValue, "Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.")
        }
        for action in actions where !grantableActions.contains(action) {
            throw QueueError(
                .invalidParameterValue,
                "Value SQS:\(action) for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action."
            )
        }
        var document = try parse(policy) ?? ["Version": "2012-10-17", "Id": .string("\(queueArn)/SQSDefaultPolicy"), "Statement": []]
        var statements = document["Statement"]?.arrayValue ?? []
        guard !statements.contains(where: { $0["Sid"]?.stringValue == label }) else {
            throw QueueError(.invalidParameterValue, "Value \(label) for parameter Label is invalid. Reason: Already exists.")
        }
        let principals = accounts.map { JSONValue.string("arn:aws:iam::\($0):root") }
        let granted = actions.map { JSONValue.string("SQS:\($0)") }
        statements.append([
            "Sid": .string(label), "Effect": "Allow",
            "Principal": ["AWS": principals.count == 1 ? principals[0] : .array(principals)],
            "Action": granted.count == 1 ? granted[0] : .array(granted), "Resource": .string(queueArn),
        ])
        document["Statement"] = .array(statements)
        return JSONValue.object(document).serialized
    }

    /// `policy` without the statement `label`: `nil` when no statement is left.
    /// - Throws: ``QueueError`` `InvalidParameterValue` when no statement has that `Sid`.
    public static func removing(label: String, from policy: String?) throws(QueueError) -> String? {
        guard var document = try parse(policy), let statements = document["Statement"]?.arrayValue,
            statements.contains(where: { $0["Sid"]?.stringValue == label })
        else {
            throw QueueError(.invalidParameterValue, "Value \(label) for parameter Label is invalid. Reason: can't find label on existing policy.")
        }
        let left = statements.filter { $0["Sid"]?.stringValue != label }
        guard !left.isEmpty else { return nil }
        document["Statement"] = .array(left)
        return JSONValue.object(document).serialized
    }

    /// 1 to 80 letters, digits, `-` and `_`.
    static func validateLabel(_ label: String) throws(QueueError) {
        let allowed = label.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
        guard allowed, (1...80).contains(label.utf8.count) else {
            throw QueueError(
                .invalidParameterValue,
                "Value \(label.prefix(100)) for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length."
            )
        }
    }

    private static func parse(_ policy: String?) throws(QueueError) -> JSONObject? {
        guard let policy, !policy.isEmpty else { return nil }
        guard let parsed = try? JSONParser.parse(policy), let object = parsed.objectValue else {
            throw QueueError(.invalidAttributeValue, "Invalid value for the parameter Policy.")
        }
        return object
    }
}
