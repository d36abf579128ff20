/// What the dispatcher must know about an AWS service before any handler runs.
///
/// The request body limit and the media type depend on the service, and both are
/// needed before the body is read: the limit to refuse an oversized body while it
/// streams, the media type to answer even when no handler is registered yet.
public struct AWSService: Sendable, Hashable {
    /// The part of `X-Amz-Target` before the dot (`AWSStepFunctions`).
    public var targetPrefix: String
    /// The awsJson protocol version, `"1.0"` or `"1.1"`, as botocore's model gives it.
    public var jsonVersion: String
    /// The service name in a SigV4 credential scope (`states`).
    public var signingName: String
    /// The largest request body accepted, in bytes; larger bodies are refused while streaming.
    public var maximumRequestBodySize: Int

    public init(targetPrefix: String, jsonVersion: String, signingName: String, maximumRequestBodySize: Int) {
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
        self.signingName = signingName
        self.maximumRequestBodySize = maximumRequestBodySize
    }

    /// The media type of requests and responses: `application/x-amz-json-<version>`.
    public var contentType: String { "application/x-amz-json-\(jsonVersion)" }
}

extension AWSService {
    /// Step Functions: awsJson 1.0; AWS refuses requests over 1 MB ("Maximum request size"
    /// in the Step Functions quotas), so the limit is 1 MiB.
    public static let stepFunctions = AWSService(
        targetPrefix: "AWSStepFunctions",
        jsonVersion: "1.0",
        signingName: "states",
        maximumRequestBodySize: 1 << 20
    )

    /// EventBridge: awsJson 1.1. `PutEvents` takes at most 256 KiB of entries, but AWS
    /// counts an entry's `Detail` unescaped while it travels as an escaped JSON string,
    /// which can nearly double it; the raw body limit is therefore 512 KiB, and the
    /// 256 KiB entry rule belongs to the handler, on decoded entries.
    public static let events = AWSService(
        targetPrefix: "AWSEvents",
        jsonVersion: "1.1",
        signingName: "events",
        maximumRequestBodySize: 512 << 10
    )

    /// SQS: awsJson 1.0 (boto3 ≥ 1.34 speaks JSON to SQS, with `awsQueryCompatible`).
    /// A message or a whole batch is at most 1 MiB (AWS's limit since 2025); as for
    /// EventBridge the body is escaped JSON, so the raw limit is 2 MiB and the handler
    /// checks message sizes.
    public static let sqs = AWSService(
        targetPrefix: "AmazonSQS",
        jsonVersion: "1.0",
        signingName: "sqs",
        maximumRequestBodySize: 2 << 20
    )

    /// The three services Stepline speaks, whether or not a handler is registered for them.
    public static let builtIn: [AWSService] = [.stepFunctions, .events, .sqs]

    // SNS query protocol: SNS speaks `Action=Publish&…` form bodies (awsQuery, XML
    // responses), not `X-Amz-Target`. When it is added it gets its own route on `POST /`
    // keyed by `Content-Type: application/x-www-form-urlencoded`, not an entry here.
}
