import JSON
import StatesLanguage
import Testing

@Suite struct DefinitionParserTests {
    func diagnostics(_ text: String) -> [Diagnostic] {
        StateMachineDefinition.parse(text).diagnostics
    }

    func has(_ diagnostics: [Diagnostic], _ code: String, at location: String) -> Bool {
        diagnostics.contains { $0.code == code && $0.location == location }
    }

    @Test func aValidDefinitionIsOKWithNoDiagnostics() {
        let result = StateMachineDefinition.parse(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#
        )
        #expect(result.result == .ok)
        #expect(result.diagnostics.isEmpty)
        #expect(result.definition?.scope["A"]?.transition == .next("B"))
        #expect(result.json["result"] == "OK")
    }

    @Test func textThatIsNotJSONIsOneInvalidJSONDiagnostic() {
        let result = StateMachineDefinition.parse("{")
        #expect(result.result == .fail)
        #expect(result.diagnostics.map(\.code) == ["INVALID_JSON_DESCRIPTION"])
    }

    @Test func everyProblemIsReportedAtOnceWithItsLocation() {
        let found = diagnostics(
            #"""
            {"StartAt":"A","Bogus":1,"States":{
              "A":{"Type":"Pass","Next":"Missing","Extra":true},
              "Lonely":{"Type":"Succeed"},
              "C":{"Type":"Choice","Choices":[]},
              "M":{"Type":"Map","End":true},
              "P":{"Type":"Parallel","End":true}
            }}
            """#
        )
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/Bogus"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/A/Extra"))
        #expect(has(found, "MISSING_TRANSITION_TARGET", at: "/States/A/Next"))
        #expect(has(found, "UNREACHABLE_STATE", at: "/States/Lonely"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/C/Choices"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/M"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/P"))
    }

    @Test func stateNamesMustBeUniqueAcrossNestedScopes() {
        let found = diagnostics(
            #"""
            {"StartAt":"A","States":{"A":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}}}
            """#
        )
        #expect(has(found, "DUPLICATE_STATE_NAME", at: "/States/A/Branches/0/States/A"))
    }

    @Test func badPathsAndErrorNamesAreReported() {
        let found = diagnostics(
            #"""
            {"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"nope","ResultPath":"$.a[*]","Next":"T"},
             "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
                  "Retry":[{"ErrorEquals":["States.Made.Up"],"BackoffRate":0.5}],
                  "Catch":[{"ErrorEquals":["States.ALL","Other"],"Next":"A"}]}}}
            """#
        )
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/A/InputPath"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/A/ResultPath"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/T/Retry/0/ErrorEquals/0"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/T/Retry/0/BackoffRate"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/T/Catch/0/ErrorEquals"))
    }

    @Test func nextAndEndAreMutuallyExclusiveAndOneIsRequired() {
        let found = diagnostics(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B","End":true},"B":{"Type":"Wait","Seconds":1}}}"#
        )
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/A"))
        #expect(has(found, "SCHEMA_VALIDATION_FAILED", at: "/States/B"))
    }

    @Test func jsonataStatesParseAndKeepTheirLanguage() {
        let result = StateMachineDefinition.parse(
            #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 %}","End":true}}}"#
        )
        #expect(result.result == .ok)
        #expect(result.definition?.scope["A"]?.queryLanguage == .jsonata)
    }
}
