internal import CoreMetrics
public import Prometheus

/// The Prometheus registry `/metrics` prints, with the metrics that report into it.
///
/// ``bootstrapProcessWide()`` also makes it the swift-metrics backend of the whole
/// process, so metrics of libraries (and of the engine, through ``metrics``) land in
/// the same registry; that can happen once per process, so tests use ``init()``,
/// which keeps its registry private.
public struct ServerTelemetry: Sendable {
    /// What `/metrics` prints.
    public let registry: PrometheusCollectorRegistry
    /// The engine's counters, gauges and histograms.
    public let metrics: SteplineMetrics
    /// The dispatcher's per-operation request metrics.
    public let requests: AWSRequestMetrics

    /// Telemetry with its own registry, not connected to the process-wide `MetricsSystem`.
    public init() {
        let registry = PrometheusCollectorRegistry()
        let factory = Self.factory(registry)
        self.registry = registry
        self.metrics = SteplineMetrics(factory: factory)
        self.requests = AWSRequestMetrics(factory: factory)
    }

    private init(registry: PrometheusCollectorRegistry, factory: PrometheusMetricsFactory) {
        self.registry = registry
        self.metrics = SteplineMetrics(factory: factory)
        self.requests = AWSRequestMetrics(factory: factory)
    }

    /// Telemetry whose registry is also the process-wide swift-metrics backend.
    ///
    /// - Precondition: called at most once per process (swift-metrics' `MetricsSystem.bootstrap` rule).
    public static func bootstrapProcessWide() -> ServerTelemetry {
        let registry = PrometheusCollectorRegistry()
        let factory = Self.factory(registry)
        MetricsSystem.bootstrap(factory)
        return ServerTelemetry(registry: registry, factory: factory)
    }

    /// Latency buckets from 100 µs to 10 s: loopback API calls and group commits take
    /// well under the 5 ms where swift-prometheus's defaults start.
    private static func factory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        return factory
    }
}
