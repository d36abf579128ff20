import SteplineServer
import Testing

@Suite("Credentials file")
struct AWSCredentialsTests {
    @Test("every complete section of a shared credentials file becomes a key")
    func readsSections() throws {
        let text = """
            # comment
            [default]
            aws_access_key_id = AKIDONE
            aws_secret_access_key = secret/one+

            [ci]
            ; another comment
            aws_access_key_id=AKIDTWO
            aws_secret_access_key=secret-two
            region = eu-west-1
            [empty]
            """
        let credentials = try AWSCredentials(sharedCredentialsFile: text)
        #expect(credentials.secrets == ["AKIDONE": "secret/one+", "AKIDTWO": "secret-two"])
    }

    @Test("a section with a key id but no secret is an error naming its line")
    func refusesIncompleteSection() {
        let error = #expect(throws: CredentialsFileError.self) {
            try AWSCredentials(sharedCredentialsFile: "[a]\naws_access_key_id = X\n\n[b]\naws_secret_access_key = Y\n")
        }
        #expect(error?.line == 1)
        #expect(error?.message.contains("[a]") == true)
    }

    @Test("a line that is neither a section nor name = value is an error naming it")
    func refusesGarbage() {
        let error = #expect(throws: CredentialsFileError.self) {
            try AWSCredentials(sharedCredentialsFile: "[a]\nnot a setting\n")
        }
        #expect(error?.line == 2)
    }
}
