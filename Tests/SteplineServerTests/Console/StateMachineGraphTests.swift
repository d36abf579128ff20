import JSON
import Testing

@testable import SteplineServer

@Suite("State machine graph")
struct StateMachineGraphTests {
    static let definition: JSONValue = try! JSONParser.parse(  // Force-try proven: a literal, valid document.
        """
        {"StartAt": "Probe", "States": {
          "Probe": {"Type": "Task", "Resource": "arn:aws:states:::x", "Next": "Check",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]},
          "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Publish"}],
                    "Default": "Probe"},
          "Publish": {"Type": "Pass", "End": true},
          "Failed": {"Type": "Fail", "Error": "X"},
          "Orphan": {"Type": "Succeed"}
        }}
        """
    )

    @Test("states are layered by their distance from StartAt; unreachable ones go last")
    func layersFollowDistanceFromStart() {
        let graph = StateMachineGraph(definition: Self.definition)
        let layers = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, $0.layer) })
        #expect(layers == ["Probe": 0, "Check": 1, "Failed": 1, "Publish": 2, "Orphan": 3])
        #expect(graph.nodes.first { $0.name == "Check" }?.type == "Choice")
    }

    @Test("Next, Choices, Default and Catch each become an edge of their kind")
    func everyTransitionIsAnEdge() {
        let edges = Set(StateMachineGraph(definition: Self.definition).edges)
        #expect(
            edges == [
                .init(from: "Probe", to: "Check", kind: .next), .init(from: "Probe", to: "Failed", kind: .error),
                .init(from: "Check", to: "Publish", kind: .choice), .init(from: "Check", to: "Probe", kind: .otherwise),
            ]
        )
    }

    @Test("the SVG marks visited, current and failed states and escapes names")
    func svgMarksThePath() {
        let svg = StateMachineGraph(definition: Self.definition).svg(visited: ["Probe", "Check"], current: "Check", failed: nil)
        #expect(svg.contains(#"<g class="node visited current" data-state="Check">"#))
        #expect(svg.contains(#"<g class="node visited" data-state="Probe">"#))
        #expect(svg.contains(#"<g class="node" data-state="Publish">"#))
        #expect(svg.contains(#"class="edge next taken""#))
        let failed = StateMachineGraph(definition: Self.definition).svg(visited: ["Probe"], current: nil, failed: "Probe")
        #expect(failed.contains(#"<g class="node visited failed" data-state="Probe">"#))
        let hostile = StateMachineGraph(definition: ["StartAt": "<b>", "States": ["<b>": ["Type": "Pass", "End": true]]])
        #expect(hostile.svg(visited: [], current: nil, failed: nil).contains("&lt;b&gt;"))
        #expect(!hostile.svg(visited: [], current: nil, failed: nil).contains("<b>"))
    }

    @Test("Parallel and Map nodes say how many branches or inner states they hold")
    func containerLabels() {
        let graph = StateMachineGraph(
            definition: [
                "StartAt": "Fan",
                "States": [
                    "Fan": ["Type": "Parallel", "Branches": [[:], [:]], "Next": "Each"],
                    "Each": ["Type": "Map", "ItemProcessor": ["StartAt": "A", "States": ["A": [:], "B": [:], "C": [:]]], "End": true],
                ],
            ]
        )
        #expect(graph.nodes.map(\.type) == ["Parallel · 2 branches", "Map · 3 states"])
    }

    @Test("Parallel branches and Map item processors are found depth first, titled by their state")
    func innerScopesAreFound() {
        let definition: JSONValue = [
            "StartAt": "Fan",
            "States": [
                "Fan": [
                    "Type": "Parallel", "End": true,
                    "Branches": [
                        ["StartAt": "A", "States": ["A": ["Type": "Pass", "End": true]]],
                        [
                            "StartAt": "Each",
                            "States": [
                                "Each": [
                                    "Type": "Map", "End": true,
                                    "ItemProcessor": ["StartAt": "B", "States": ["B": ["Type": "Pass", "End": true]]],
                                ]
                            ],
                        ],
                    ],
                ]
            ],
        ]
        let scopes = StateMachineGraph.innerScopes(of: definition)
        #expect(scopes.map(\.title) == ["Fan, branch 1 of 2", "Fan, branch 2 of 2", "Each, each item"])
        #expect(StateMachineGraph(definition: scopes[2].definition).nodes.map(\.name) == ["B"])
    }

    @Test("a definition without States draws an empty graph")
    func emptyDefinition() {
        #expect(StateMachineGraph(definition: ["StartAt": "A"]).nodes.isEmpty)
    }
}
