import MemberwiseMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// `@MemberwiseInit` writes the init a person would: every stored property in order,
/// defaults only from initial values.
@Suite struct MemberwiseInitMacroTests {
    static let macros: [String: MacroSpec] = [
        "MemberwiseInit": MacroSpec(type: MemberwiseInitMacro.self),
        "MemberwiseDefault": MacroSpec(type: MemberwiseDefaultMacro.self),
    ]

    static func expect(_ source: String, expands expanded: String, diagnostics: [DiagnosticSpec] = []) {
        assertMacroExpansion(
            source,
            expandedSource: expanded,
            diagnostics: diagnostics,
            macroSpecs: macros,
            failureHandler: { Issue.record(Comment(rawValue: $0.message)) }
        )
    }

    @Test("every stored property is a parameter in declaration order, an initial value its default")
    func storedPropertiesInOrder() {
        Self.expect(
            """
            @MemberwiseInit(.package)
            public struct Delivery {
                public var id: String
                @OmittedWhenEmpty public var attributes: [String: String] = [:]
                public var groupId: String?
                public var lastError: String? = nil
                public var attempt: Int = 0
            }
            """,
            expands: """
                public struct Delivery {
                    public var id: String
                    @OmittedWhenEmpty public var attributes: [String: String] = [:]
                    public var groupId: String?
                    public var lastError: String? = nil
                    public var attempt: Int = 0

                    package init(
                        id: String,
                        attributes: [String: String] = [:],
                        groupId: String?,
                        lastError: String? = nil,
                        attempt: Int = 0
                    ) {
                        self.id = id
                        self.attributes = attributes
                        self.groupId = groupId
                        self.lastError = lastError
                        self.attempt = attempt
                    }
                }
                """
        )
    }

    @Test("static, computed and lazy properties and a let with a value are left out; a closure is @escaping")
    func onlyAssignablePropertiesAreParameters() {
        Self.expect(
            """
            @MemberwiseInit(.public)
            struct Options {
                static let shared = 1
                let kind = "fixed"
                let handler: (Int) -> Void
                var count: Int { 1 }
                lazy var cache: [Int] = []
                var observed: Int { didSet {} }
            }
            """,
            expands: """
                struct Options {
                    static let shared = 1
                    let kind = "fixed"
                    let handler: (Int) -> Void
                    var count: Int { 1 }
                    lazy var cache: [Int] = []
                    var observed: Int { didSet {} }

                    public init(
                        handler: @escaping (Int) -> Void,
                        observed: Int
                    ) {
                        self.handler = handler
                        self.observed = observed
                    }
                }
                """
        )
    }

    @Test("@MemberwiseDefault gives a let its parameter's default; a private property with a value is no parameter")
    func letDefaultsAndPrivateState() {
        Self.expect(
            """
            @MemberwiseInit(.public)
            final class Service {
                let name: String
                @MemberwiseDefault(nil) let topics: Topics?
                private var cache: [String: Int] = [:]
                private(set) var count: Int = 0
            }
            """,
            expands: """
                final class Service {
                    let name: String
                    let topics: Topics?
                    private var cache: [String: Int] = [:]
                    private(set) var count: Int = 0

                    public init(
                        name: String,
                        topics: Topics? = nil,
                        count: Int = 0
                    ) {
                        self.name = name
                        self.topics = topics
                        self.count = count
                    }
                }
                """
        )
    }

    @Test("internal writes no access keyword, and one parameter stays on one line")
    func internalSingleParameter() {
        Self.expect(
            """
            @MemberwiseInit(.internal)
            struct Tag {
                var key: String
            }
            """,
            expands: """
                struct Tag {
                    var key: String

                    init(key: String) {
                        self.key = key
                    }
                }
                """
        )
    }

    @Test("a property without a written type is refused at the attribute")
    func untypedPropertyIsRefused() {
        Self.expect(
            """
            @MemberwiseInit(.public)
            struct Untyped {
                var count = 0
            }
            """,
            expands: """
                struct Untyped {
                    var count = 0
                }
                """,
            diagnostics: [DiagnosticSpec(message: "@MemberwiseInit needs the type of `count` written out", line: 1, column: 1)]
        )
    }
}
