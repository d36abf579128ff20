/// The Step Functions API (`AWSStepFunctions.*`, awsJson 1.0) as an ``AWSOperationTable``.
///
/// Each operation reads its input with ``AWSInput`` and answers the output structure of
/// botocore's `stepfunctions` model; an operation that is not registered answers
/// `UnknownOperationException` naming it (the table's rule), never an empty success.
public enum StepFunctionsOperations {
    /// The operations that need no runtime: `ValidateStateMachineDefinition`.
    public static func table() -> AWSOperationTable {
        var table = AWSOperationTable(service: .stepFunctions)
        table.register("ValidateStateMachineDefinition") { input, _ throws(AWSError) in
            try StepFunctionsValidation.validate(input)
        }
        return table
    }
}
