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
    /// is logged and tried again a second later on the engine's clock: the messages
    /// are still in the source, so nothing is lost by waiting.
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
                        while !Task.isCancelled {
                            do {
                                try await self.poll(pipe, waitSeconds: 20)
                            } catch {
                                if Task.isCancelled { return }
                                self.logger.info("pipe poll failed", metadata: ["pipe": "\(pipe.name)", "error": "\(error)"])
                                let clock = self.context.scheduler.clock
                                try? await clock.sleep(untilMilliseconds: clock.now() + 1000)
                            }
                        }
                    }
                }
            }
        }
    }
}
