public import Runtime

/// The Engine's clock is the runtime's: this name stays so code written before
/// the `Runtime` module compiles unchanged. New code says ``Runtime/RuntimeClock``.
public typealias EngineClock = RuntimeClock
