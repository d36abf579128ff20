import Runtime
public import ServiceLifecycle
import Synchronization

extension QueueService: Service {
    /// Steps running message move tasks, one step per
    /// ``Configuration/moveTaskInterval`` while any runs, until cancelled or
    /// graceful shutdown.
    ///
    /// Everything else a queue does happens inside the operations themselves
    /// (visibility is a time compared at receive), so move tasks are the queues'
    /// only background work. Their steps wait on ``scheduler``, which this runs
    /// (or stands by for, when another service sharing it drives it): the first
    /// when a task starts (or, for tasks left running, when this starts), the
    /// next one interval after each. A step that fails (the log cannot commit)
    /// is tried again an interval later; the task's progress is what the log says.
    public func run() async throws {
        movesTasks.store(true, ordering: .relaxed)
        armMoveTasks(at: now())
        await cancelWhenGracefulShutdown { await self.scheduler.run() }
        movesTasks.store(false, ordering: .relaxed)
        scheduler.cancel(Self.moveTaskKey)
    }
}
