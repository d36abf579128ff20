public import ServiceLifecycle

extension QueueService: Service {
    /// Advances running message move tasks once per
    /// ``Configuration/moveTaskInterval`` until cancelled or graceful shutdown.
    ///
    /// Everything else a queue does happens inside the operations themselves
    /// (visibility is a time compared at receive), so this loop is the queues'
    /// only background work. A step that fails (the log cannot commit) is tried
    /// again on the next tick; the task's progress is what the log says.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await self.advanceMoveTasks()
                try? await Task.sleep(for: self.configuration.moveTaskInterval)
            }
        }
    }
}
