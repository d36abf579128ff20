import JSON
import StatesLanguage
import Testing

/// States in `QueryLanguage: "JSONata"`: `{% … %}` fields, `$states`, variables.
@Suite struct JSONataStateTests {
    func run(_ text: String, input: JSONValue = [:]) throws -> EmbeddedRunner.Result {
        let parsed = StateMachineDefinition.parse(text)
        let machine = try #require(parsed.definition, "invalid definition: \(parsed.diagnostics)")
        return EmbeddedRunner(definition: machine).run(input: input)
    }

    @Test func outputIsEvaluatedAgainstStatesInput() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"total":"{% $sum($states.input.items.price) %}","n":"{% $count($states.input.items) %}","fixed":1},"End":true}}}"#,
            input: ["items": [["price": 2], ["price": 3.5]]]
        )
        #expect(result.status == .succeeded)
        #expect(result.output == ["total": 5.5, "n": 2, "fixed": 1])
    }

    @Test func assignIsNotVisibleInTheSameStatesOutputButInTheNext() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":"{% 41 %}"},"Output":"{% $exists($x) %}","Next":"B"},"B":{"Type":"Pass","Output":{"before":"{% $states.input %}","x":"{% $x + 1 %}"},"End":true}}}"#
        )
        #expect(result.output == ["before": false, "x": 42], "\(result.error ?? "") \(result.cause ?? "")")
    }

    @Test func anUndefinedResultFailsWithQueryEvaluationErrorNamingTheField() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Pass","Output":{"result":"{% $missing %}"},"End":true}}}"#
        )
        #expect(result.status == .failed)
        #expect(result.error == "States.QueryEvaluationError")
        #expect(
            result.cause
                == "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$missing' specified for the field 'Output/result' returned nothing (undefined)."
        )
    }

    @Test func anEvaluationErrorCarriesJSONatasCodeAndPosition() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Pass","Output":"{% 1 + 'a' %}","End":true}}}"#
        )
        #expect(result.error == "States.QueryEvaluationError")
        #expect(
            result.cause
                == "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '1 + 'a'' specified for the field 'Output' threw an error during evaluation. The right side of the \"+\" operator must evaluate to a number (JSONata error code T2002 at position 2)"
        )
    }

    @Test func aRangeBeyondTheItemBudgetFailsTheState() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Pass","Output":"{% $count([1..10000000]) %}","End":true}}}"#
        )
        #expect(result.status == .failed)
        #expect(result.error == "States.QueryEvaluationError")
        #expect(result.cause?.contains("JSONata error code D2014") == true)
    }

    @Test func choiceTakesTheFirstTrueConditionAndItsOutput() throws {
        let text = #"""
            {"QueryLanguage":"JSONata","StartAt":"C","States":{
              "C":{"Type":"Choice","Choices":[
                {"Condition":"{% $states.input.n > 10 %}","Next":"Big","Output":"{% 'big ' & $states.input.n %}"},
                {"Condition":"{% $states.input.n > 0 %}","Next":"Small"}],"Default":"Zero"},
              "Big":{"Type":"Succeed"},"Small":{"Type":"Succeed","Output":"small"},"Zero":{"Type":"Fail","Error":"{% 'Zero' %}","Cause":"{% 'n was ' & $string($states.input.n) %}"}}}
            """#
        #expect(try run(text, input: ["n": 11]).output == "big 11")
        #expect(try run(text, input: ["n": 3]).output == "small")
        let zero = try run(text, input: ["n": 0])
        #expect(zero.error == "Zero")
        #expect(zero.cause == "n was 0")
    }

    @Test func mapItemsMustBeAnArray() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.v %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
            input: ["v": 1]
        )
        #expect(result.error == "States.QueryEvaluationError")
        #expect(result.cause?.hasSuffix("Expected 'array', but was 'number' for value: 1") == true)
    }

    @Test func mapItemSelectorSeesTheItemThroughTheContext() throws {
        let result = try run(
            #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1, 2, 3] %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value * 10 %}","i":"{% $states.context.Map.Item.Index %}"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.v + $states.input.i %}","End":true}}},"Output":"{% $states.result %}","End":true}}}"#
        )
        #expect(result.output == [10, 21, 32])
    }

    @Test func aSyntaxErrorIsAValidationDiagnosticAtTheString() {
        let parsed = StateMachineDefinition.parse(
            #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":"{% 1 + %}"},"End":true}}}"#
        )
        #expect(parsed.definition == nil)
        #expect(parsed.diagnostics.contains { $0.location == "/States/A/Output/x" })
    }
}
