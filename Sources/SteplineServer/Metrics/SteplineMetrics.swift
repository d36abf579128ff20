public import CoreMetrics

/// The engine's metrics, created once per process and incremented by the engine.
///
/// This file imports only CoreMetrics so that it can move into the `Engine` module
/// unchanged once that module exists (Engine sits below SteplineServer and cannot
/// import it); the server only creates it and prints it.
///
/// Built on swift-metrics, so the backend is whatever factory is given: the server
/// passes swift-prometheus's, and `/metrics` prints its registry; tests pass their own
/// factory instead of bootstrapping the process-wide `MetricsSystem`, which can be done
/// only once per process. Names follow Prometheus conventions (`_total`, `_seconds`).
///
/// ## Topics
/// - ``executionsStarted``
/// - ``stateTransitions``
/// - ``logAppendDuration``
/// - ``openTaskTokens``
public struct SteplineMetrics: Sendable {
    /// `stepline_executions_started_total`: executions accepted (StartExecution, StartSyncExecution, children, event targets).
    public let executionsStarted: Counter
    /// `stepline_executions_succeeded_total`.
    public let executionsSucceeded: Counter
    /// `stepline_executions_failed_total`.
    public let executionsFailed: Counter
    /// `stepline_executions_timed_out_total`.
    public let executionsTimedOut: Counter
    /// `stepline_executions_aborted_total`: stopped by StopExecution.
    public let executionsAborted: Counter
    /// `stepline_executions_redriven_total`: RedriveExecution and DLQ redrives of executions.
    public let executionsRedriven: Counter
    /// `stepline_state_transitions_total`: state entries, as Step Functions bills them.
    public let stateTransitions: Counter
    /// `stepline_log_append_duration_seconds`: enqueue to durable commit of one append (histogram).
    public let logAppendDuration: Timer
    /// `stepline_open_task_tokens`: task tokens issued and not yet answered or timed out.
    public let openTaskTokens: Gauge
    /// `stepline_rule_matches_total`: events matched by an EventBridge rule (CloudWatch's `MatchedEvents`).
    public let ruleMatches: Counter
    /// `stepline_target_invocations_total`: rule targets invoked (CloudWatch's `Invocations`).
    public let targetInvocations: Counter
    /// `stepline_target_invocations_failed_total`: target invocations that failed for good (`FailedInvocations`).
    public let failedTargetInvocations: Counter

    /// Creates every metric on `factory` (the process-wide one unless given).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        executionsStarted = Counter(label: "stepline_executions_started_total", factory: factory)
        executionsSucceeded = Counter(label: "stepline_executions_succeeded_total", factory: factory)
        executionsFailed = Counter(label: "stepline_executions_failed_total", factory: factory)
        executionsTimedOut = Counter(label: "stepline_executions_timed_out_total", factory: factory)
        executionsAborted = Counter(label: "stepline_executions_aborted_total", factory: factory)
        executionsRedriven = Counter(label: "stepline_executions_redriven_total", factory: factory)
        stateTransitions = Counter(label: "stepline_state_transitions_total", factory: factory)
        logAppendDuration = Timer(label: "stepline_log_append_duration_seconds", factory: factory)
        openTaskTokens = Gauge(label: "stepline_open_task_tokens", factory: factory)
        ruleMatches = Counter(label: "stepline_rule_matches_total", factory: factory)
        targetInvocations = Counter(label: "stepline_target_invocations_total", factory: factory)
        failedTargetInvocations = Counter(label: "stepline_target_invocations_failed_total", factory: factory)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, as swift-metrics' `Timer` records it.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
