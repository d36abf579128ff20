public import ServiceLifecycle
import Logging
import Runtime

extension PipeService: Service {
    /// Polls every pipe in its own child task until cancelled or graceful shutdown.
    ///
    /// Each poll long-polls its source for up to a second: a send to the source wakes
    /// it at once (receivers wake after every commit), and the second bounds how late
    /// a message whose visibility timeout or delay ends is seen, as the source
    /// records no commit then. A poll that fails (the source queue does not exist
    /// yet, the log cannot commit) is logged and tried again a second later on the
    /// engine's clock: the messages are still in the source, so nothing is lost by waiting.
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
                                try await self.poll(pipe, waitSeconds: 1)
                            } catch {
                                if Task.isCancelled { return }
                                self.logger.info("pipe poll failed", metadata: ["pipe": "\(pipe.name)", "error": "\(error)"])
                                let clock = self.engine.scheduler.clock
                                try? await clock.sleep(untilMilliseconds: clock.now() + 1000)
                            }
                        }
                    }
                }
            }
        }
    }
}
