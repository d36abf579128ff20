/// Bus deliveries or topic deliveries as the console shows them: the words of
/// their sections and notices, and the paths their forms post to. The dead-letter
/// page's sections and the routes' actions are written once, over this and
/// ``DeliveryReviewing``.
struct ConsoleDeliveryKind: Sendable {
    /// `Bus deliveries`: the heading of the dead letters (and, with "in manual
    /// review", of the review items).
    var heading: String
    /// `Delivery`: how a notice names one.
    var singular: String
    /// `deliveries`: how labels and notices name several.
    var plural: String
    /// What the dead-letter section says when there is none.
    var empty: String
    /// `delivery`: the start of the tables' ids (`delivery-dead-letters`, `delivery-review`).
    var tableId: String
    /// `/console/deliveries`: `…/redrive` and `…/redrive-all` act on dead letters.
    var deadLetterPath: String
    /// `/console/delivery-reviews`: `…/retry` and `…/resolve` act on review items.
    var reviewPath: String

    static let buses = ConsoleDeliveryKind(
        heading: "Bus deliveries",
        singular: "Delivery",
        plural: "deliveries",
        empty: "No event delivery is dead-lettered.",
        tableId: "delivery",
        deadLetterPath: "/console/deliveries",
        reviewPath: "/console/delivery-reviews"
    )

    static let topics = ConsoleDeliveryKind(
        heading: "Topic deliveries",
        singular: "Topic delivery",
        plural: "topic deliveries",
        empty: "No topic delivery is dead-lettered.",
        tableId: "topic",
        deadLetterPath: "/console/topic-deliveries",
        reviewPath: "/console/topic-reviews"
    )
}
