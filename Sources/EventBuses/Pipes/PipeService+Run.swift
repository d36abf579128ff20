import Logging
import Runtime
public import ServiceLifecycle

extension PipeService: Service {
    /// Polls every pipe in its own child task until cancelled or graceful shutdown.
    ///
    /// Each poll long-polls its source for up to 20 seconds (SQS's longest wait): a
    /// commit that may make a message receivable wakes it at once, and so does the
    /// clock reaching the time a delayed or in-flight message becomes visible, so an
    /// idle pipe costs one read per 20 seconds and nothing waits on a poll interval.
    /// A poll that fails (the source queue does not exist yet, the log cannot commit)
    /// is tried again a second later on the engine's clock: the messages are still in
    /// the source, so nothing is lost by waiting. The failure is logged with the
    /// source queue's name when it first happens or changes, and once a minute while
    /// it repeats, not every second.
    /// Without pipes it still waits for shutdown: a service that returns early would
    /// end the whole `ServiceGroup`, the server included.
    public func run() async throws {
        guard !pipes.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for pipe in self.pipes {
                    group.addTask {
                        let clock = self.context.scheduler.clock
                        var lastLogged: (error: String, at: Int64)?
                        while !Task.isCancelled {
                            do {
                                try await self.poll(pipe, waitSeconds: 20)
                                lastLogged = nil
                            } catch {
                                if Task.isCancelled { return }
                                let text = "\(error)"
                                let now = clock.now()
                                if lastLogged.map({ $0.error != text || now - $0.at >= 60_000 }) ?? true {
                                    self.logger.warning(
                                        "pipe poll failed; retrying every second",
                                        metadata: ["pipe": "\(pipe.name)", "source": "\(pipe.sourceQueue)", "error": "\(text)"]
                                    )
                                    lastLogged = (text, now)
                                }
                                try? await clock.sleep(untilMilliseconds: now + 1000)
                            }
                        }
                    }
                }
            }
        }
    }
}
