import CoreMetrics
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
import SteplineServer
import Testing

@Suite("Health and metrics")
struct HealthAndMetricsTests {
    @Test("/health answers 200 with the services that have a handler")
    func health() async throws {
        try await AWSDispatcherTests.app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json = try JSONParser.parse(String(buffer: response.body))
                #expect(json == ["status": "ok", "services": ["AWSStepFunctions"]])
            }
        }
    }

    @Test("/metrics prints request counts per operation and the engine's metrics in Prometheus text")
    func metrics() async throws {
        let telemetry = ServerTelemetry()
        telemetry.metrics.executionsStarted.increment(by: 3)
        telemetry.metrics.openTaskTokens.record(2)
        telemetry.metrics.logAppendDuration.recordMicroseconds(300)
        try await AWSDispatcherTests.app(telemetry: telemetry).test(.router) { client in
            _ = try await AWSDispatcherTests.post(client, target: "AWSStepFunctions.Echo", body: "{}")
            _ = try await AWSDispatcherTests.post(client, target: "AWSStepFunctions.Invented", body: "{}")
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("stepline_executions_started_total 3"))
                #expect(text.contains("stepline_open_task_tokens 2"))
                #expect(text.contains("stepline_log_append_duration_seconds_count 1"))
                #expect(text.contains(#"stepline_aws_requests_total{service="AWSStepFunctions",operation="Echo",outcome="ok"} 1"#))
                #expect(
                    text.contains(
                        #"stepline_aws_requests_total{service="AWSStepFunctions",operation="unknown",outcome="UnknownOperationException"} 1"#
                    )
                )
                #expect(text.contains("stepline_aws_request_duration_seconds_bucket"))
                #expect(!text.contains("Invented"))
            }
        }
    }
}
