internal import Hummingbird
internal import NIOCore

/// The request context of every route: Hummingbird's basic one plus the client's address,
/// which the console's sign-in throttle keys failures by.
struct ServerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address as text (`127.0.0.1`, `::1`); `nil` when the channel has none
    /// (a Unix socket, the router test framework).
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
