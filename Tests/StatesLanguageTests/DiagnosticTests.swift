import StatesLanguage
import Testing

@Suite struct DiagnosticTests {
    @Test func describesCodeLocationAndMessage() {
        let diagnostic = Diagnostic(code: "MISSING_TRANSITION_TARGET", message: "Missing 'Next' target: Nope", location: "/States/A/Next")
        #expect(diagnostic.description == "ERROR MISSING_TRANSITION_TARGET at /States/A/Next: Missing 'Next' target: Nope")
    }
}
