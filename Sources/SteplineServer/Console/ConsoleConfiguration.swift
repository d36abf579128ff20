public import EventBuses
public import Topics
public import Workflows

/// What the web console under `/console/` works on.
///
/// The console reads the Engine's views (waiting tasks, executions, dead letters,
/// manual review) and acts through the same Engine calls as the API, so a decision
/// made on a page is exactly a `SendTaskSuccess` or `SendTaskFailure`. Who may use it
/// follows the server's credentials (see ``ServerConfiguration/credentials``): with
/// none, only a server bound to loopback serves it; with some, it asks for one of them.
public struct ConsoleConfiguration: Sendable {
    /// The engine whose views the pages show and whose calls the buttons make.
    public var engine: Engine
    /// The event buses, for the buses page and bus-delivery dead letters (`nil`: none).
    public var buses: EventBuses?
    /// The topics, for topic-delivery dead letters and review items (`nil`: none).
    public var topics: TopicService?
    /// The data directory: images under it that payloads name are shown as thumbnails.
    public var dataDirectory: String

    /// The console of `engine` (and `buses`, `topics`), showing images under `dataDirectory`.
    public init(engine: Engine, buses: EventBuses? = nil, topics: TopicService? = nil, dataDirectory: String) {
        self.engine = engine
        self.buses = buses
        self.topics = topics
        self.dataDirectory = dataDirectory
    }
}
