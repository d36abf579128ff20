public import CoreMetrics

/// Counts AWS API requests and their latency, by service, operation and outcome.
///
/// `stepline_aws_requests_total{service,operation,outcome}` (outcome `ok` or the error
/// code) and the histogram `stepline_aws_request_duration_seconds{service,operation}`.
/// The dispatcher labels with `unknown` any service or operation no handler provides,
/// so a client cannot create time series by inventing targets.
public struct AWSRequestMetrics: Sendable {
    let factory: any MetricsFactory

    /// Metrics on `factory` (the process-wide one unless given).
    public init(factory: any MetricsFactory = MetricsSystem.factory) { self.factory = factory }

    /// Records one answered request.
    public func record(service: String, operation: String, errorCode: String?, duration: Duration) {
        let dimensions = [("service", service), ("operation", operation), ("outcome", errorCode ?? "ok")]
        Counter(label: "stepline_aws_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(
            label: "stepline_aws_request_duration_seconds",
            dimensions: [("service", service), ("operation", operation)],
            factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }
}
