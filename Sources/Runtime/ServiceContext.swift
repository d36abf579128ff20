public import EventLog
public import Logging

/// What every service of one process shares: the log, where it answers (region and
/// account), the clock, the one scheduler, the invoker and the logger.
///
/// The composition root (`Stepline.open`) makes one and hands it to each service, so a
/// service never reaches into another for these (topics and buses used to read them off
/// the engine) and every service has the same default scope, reads the same clock and
/// fires its due work on the same scheduler. Resources themselves live per
/// ``ResourceScope`` (account and region): ``region`` and ``account`` are the default
/// scope's, and a request carries its own (``scope(accessKeyID:region:)``).
public struct ServiceContext: Sendable {
    /// The log every change goes to.
    public let log: EventLog
    /// The region of ``defaultScope``: of unsigned requests, the CLI and the console.
    public var region: String
    /// The account of ``defaultScope``: of requests whose access key is not an account id.
    public var account: String
    /// The clock for record times, due times and timers.
    public var clock: any RuntimeClock
    /// Where every service's due work waits.
    public let scheduler: Scheduler
    /// How tasks, targets, subscriptions and pipe steps reach outside code.
    public var invoker: Invoker
    /// How many outside calls run at once per service.
    public var maxConcurrentCalls: Int
    public var logger: Logger

    public init(
        log: EventLog,
        region: String = "us-east-1",
        account: String = "123456789012",
        clock: any RuntimeClock = SystemClock(),
        scheduler: Scheduler? = nil,
        invoker: Invoker = Invoker(),
        maxConcurrentCalls: Int = 256,
        logger: Logger = Logger(label: "stepline")
    ) {
        self.log = log
        self.region = region
        self.account = account
        self.clock = clock
        self.scheduler = scheduler ?? Scheduler(clock: clock)
        self.invoker = invoker
        self.maxConcurrentCalls = maxConcurrentCalls
        self.logger = logger
    }

    /// Milliseconds since the epoch on ``clock``.
    public func now() -> Int64 { clock.now() }
}
