internal import Hummingbird
internal import Prometheus

/// `GET /metrics`: the registry in Prometheus text exposition format 0.0.4.
///
/// Unauthenticated, as Prometheus scrapes it; it holds counts and latencies, not data.
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry

    func add(to router: Router<ServerRequestContext>) {
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }
}
