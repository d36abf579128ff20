public import JSON

/// The outcome of validating a definition, shaped like the response of
/// `ValidateStateMachineDefinition`: `OK` with no errors, `FAIL` otherwise.
public struct ValidationResult: Sendable {
    public enum Result: String, Sendable {
        case ok = "OK"
        case fail = "FAIL"
    }

    public var result: Result
    /// Every problem found, errors and warnings, in document order.
    public var diagnostics: [Diagnostic]
    /// The parsed definition when `result` is `.ok`.
    public var definition: StateMachineDefinition?

    /// The response body of `ValidateStateMachineDefinition`.
    public var json: JSONValue {
        var object = JSONObject()
        object["result"] = .string(result.rawValue)
        object["diagnostics"] = .array(
            diagnostics.map { diagnostic in
                [
                    "severity": .string(diagnostic.severity.rawValue), "code": .string(diagnostic.code),
                    "message": .string(diagnostic.message), "location": .string(diagnostic.location),
                ]
            }
        )
        object["truncated"] = false
        return .object(object)
    }
}

extension StateMachineDefinition {
    /// Parses and validates a definition given as JSON text.
    ///
    /// Never throws: a document that is not JSON gives one
    /// `INVALID_JSON_DESCRIPTION` diagnostic; every other problem is reported
    /// with its location, all in one pass.
    public static func parse(_ text: String) -> ValidationResult {
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            let diagnostic = Diagnostic(
                code: DiagnosticCode.invalidJSON,
                message: "The definition is not valid JSON: \(error)",
                location: ""
            )
            return ValidationResult(result: .fail, diagnostics: [diagnostic], definition: nil)
        }
        return parse(json: json)
    }

    /// Parses and validates a definition already decoded into a ``JSONValue``
    /// (for example a YAML workflow the Engine converted).
    public static func parse(json: JSONValue) -> ValidationResult {
        // The parser recurses along the document (scopes, choice rules, templates); text
        // went through JSONParser's depth limit, a document built elsewhere (YAML) did not.
        guard !json.nestsDeeper(than: JSONParser.maximumDepth) else {
            let diagnostic = Diagnostic(
                code: DiagnosticCode.schemaValidationFailed,
                message: "The definition nests deeper than \(JSONParser.maximumDepth) levels of objects and arrays.",
                location: ""
            )
            return ValidationResult(result: .fail, diagnostics: [diagnostic], definition: nil)
        }
        var parser = DefinitionParser()
        let definition = parser.parseDefinition(json)
        let failed = parser.diagnostics.contains { $0.severity == .error }
        return ValidationResult(
            result: failed ? .fail : .ok,
            diagnostics: parser.diagnostics,
            definition: failed ? nil : definition
        )
    }

    /// `(definition?, diagnostics)` for callers that only want the pair.
    public static func validate(_ text: String) -> (StateMachineDefinition?, [Diagnostic]) {
        let result = parse(text)
        return (result.definition, result.diagnostics)
    }
}

/// The diagnostic codes of `ValidateStateMachineDefinition` that Stepline reports.
///
/// As in AWS, bad paths, intrinsic calls and error names are
/// `SCHEMA_VALIDATION_FAILED` with a message that names the field.
public enum DiagnosticCode {
    public static let invalidJSON = "INVALID_JSON_DESCRIPTION"
    public static let schemaValidationFailed = "SCHEMA_VALIDATION_FAILED"
    public static let missingTransitionTarget = "MISSING_TRANSITION_TARGET"
    public static let unreachableState = "UNREACHABLE_STATE"
    public static let duplicateStateName = "DUPLICATE_STATE_NAME"
}

/// One pass over a definition document that builds the model and collects
/// every diagnostic on the way.
struct DefinitionParser {
    var diagnostics: [Diagnostic] = []
    private var seenStateNames: [String: String] = [:]
    private var defaultLanguage: QueryLanguage = .jsonPath

    static let predefinedErrors: Set<String> = [
        "States.ALL", "States.Runtime", "States.Timeout", "States.HeartbeatTimeout", "States.TaskFailed",
        "States.Permissions", "States.ResultPathMatchFailure", "States.ParameterPathFailure",
        "States.QueryEvaluationError", "States.BranchFailed", "States.NoChoiceMatched", "States.IntrinsicFailure",
        "States.ExceedToleratedFailureThreshold", "States.ItemReaderFailed", "States.ResultWriterFailed",
        "States.DataLimitExceeded", "States.Http.Socket",
    ]

    mutating func error(code: String = DiagnosticCode.schemaValidationFailed, _ message: String, at location: String) {
        diagnostics.append(Diagnostic(code: code, message: message, location: location))
    }

    // MARK: Document and scopes

    mutating func parseDefinition(_ json: JSONValue) -> StateMachineDefinition? {
        guard let object = json.objectValue else {
            error("The definition must be a JSON object, not \(json.typeName).", at: "")
            return nil
        }
        checkFields(
            object,
            allowed: ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"],
            at: ""
        )
        let comment = optionalString(object, "Comment", at: "")
        _ = optionalString(object, "Version", at: "")
        if let language = parseQueryLanguage(object, at: "") { defaultLanguage = language }
        var timeout: Int?
        if let value = object["TimeoutSeconds"] {
            if let seconds = value.integerValue, seconds > 0, case .integer = value {
                timeout = seconds
            } else {
                error("The field 'TimeoutSeconds' must be a positive integer.", at: "/TimeoutSeconds")
            }
        }
        guard let scope = parseScope(object, at: "", language: defaultLanguage, extraFields: nil) else { return nil }
        return StateMachineDefinition(
            comment: comment,
            scope: scope,
            timeoutSeconds: timeout,
            queryLanguage: defaultLanguage,
            source: json
        )
    }

    /// Parses `StartAt` + `States` of a scope; checks targets and reachability in it.
    /// `extraFields` nil means the caller has already checked the object's fields.
    mutating func parseScope(
        _ object: JSONObject,
        at location: String,
        language: QueryLanguage,
        extraFields: Set<String>?
    ) -> StateScope? {
        if let extraFields {
            checkFields(object, allowed: extraFields.union(["StartAt", "States", "Comment"]), at: location)
        }
        let startAt = required(object, "StartAt", at: location, invalid: "The field 'StartAt' must be a string.", \.stringValue)
        let nonEmptyObject: (JSONValue) -> JSONObject? = { $0.objectValue.flatMap { $0.isEmpty ? nil : $0 } }
        guard
            let statesObject = required(
                object,
                "States",
                at: location,
                invalid: "The field 'States' must be a non-empty object.",
                nonEmptyObject
            )
        else { return nil }
        var states: [State] = []
        var edges: [String: [(target: String, location: String)]] = [:]
        for (name, value) in statesObject.entries {
            let stateLocation = "\(location)/States/\(name)"
            if name.isEmpty || name.count > 80 {
                error("State names must be 1 to 80 characters long.", at: stateLocation)
            }
            if let other = seenStateNames[name] {
                error(
                    code: DiagnosticCode.duplicateStateName,
                    "State names must be unique in the whole state machine; '\(name)' is also at \(other).",
                    at: stateLocation
                )
            } else {
                seenStateNames[name] = stateLocation
            }
            var stateEdges: [(target: String, location: String)] = []
            if let state = parseState(name: name, value, at: stateLocation, language: language, edges: &stateEdges) {
                states.append(state)
            }
            edges[name] = stateEdges
        }
        // Targets and reachability.
        for (name, stateEdges) in edges {
            for edge in stateEdges where statesObject[edge.target] == nil {
                error(
                    code: DiagnosticCode.missingTransitionTarget,
                    "Missing 'Next' target: \(edge.target) (from state '\(name)').",
                    at: edge.location
                )
            }
        }
        if let startAt {
            if statesObject[startAt] == nil {
                error(
                    code: DiagnosticCode.missingTransitionTarget,
                    "Missing 'StartAt' target: \(startAt) is not a state in this scope.",
                    at: "\(location)/StartAt"
                )
            } else {
                var reached: Set<String> = [startAt]
                var stack = [startAt]
                while let current = stack.popLast() {
                    for edge in edges[current] ?? [] where !reached.contains(edge.target) {
                        reached.insert(edge.target)
                        stack.append(edge.target)
                    }
                }
                for name in statesObject.keys where !reached.contains(name) {
                    error(
                        code: DiagnosticCode.unreachableState,
                        "State \"\(name)\" is not reachable.",
                        at: "\(location)/States/\(name)"
                    )
                }
            }
        }
        return StateScope(startAt: startAt ?? "", states: states, location: location)
    }

    // MARK: States

    static let commonFields: Set<String> = ["Type", "Comment", "QueryLanguage"]
    static let jsonPathFields: [StateType: Set<String>] = [
        .pass: ["InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Next", "End", "Assign"],
        .task: [
            "Resource", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Next", "End",
            "Retry", "Catch", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
            "Credentials", "Assign",
        ],
        .choice: ["InputPath", "OutputPath", "Choices", "Default", "Assign"],
        .wait: ["InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Next", "End", "Assign"],
        .succeed: ["InputPath", "OutputPath"],
        .fail: ["Error", "Cause", "ErrorPath", "CausePath"],
        .parallel: [
            "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Next", "End", "Retry", "Catch",
            "Branches", "Assign",
        ],
        .map: [
            "InputPath", "OutputPath", "ItemsPath", "ItemSelector", "Parameters", "ItemProcessor", "Iterator",
            "MaxConcurrency", "MaxConcurrencyPath", "ResultSelector", "ResultPath", "Next", "End", "Retry", "Catch",
            "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount",
            "ToleratedFailureCountPath", "Label", "ItemReader", "ItemBatcher", "ResultWriter", "Assign",
        ],
    ]
    static let jsonataFields: [StateType: Set<String>] = [
        .pass: ["Output", "Next", "End", "Assign"],
        .task: [
            "Resource", "Arguments", "Output", "Next", "End", "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds",
            "Credentials", "Assign",
        ],
        .choice: ["Choices", "Default", "Assign", "Output"],
        .wait: ["Seconds", "Timestamp", "Next", "End", "Assign", "Output"],
        .succeed: ["Output"],
        .fail: ["Error", "Cause"],
        .parallel: ["Arguments", "Output", "Next", "End", "Retry", "Catch", "Branches", "Assign"],
        .map: [
            "Items", "ItemSelector", "ItemProcessor", "MaxConcurrency", "Output", "Next", "End", "Retry", "Catch",
            "ToleratedFailurePercentage", "ToleratedFailureCount", "Label", "ItemReader", "ItemBatcher",
            "ResultWriter", "Assign", "Arguments",
        ],
    ]

    mutating func parseState(
        name: String,
        _ value: JSONValue,
        at location: String,
        language inherited: QueryLanguage,
        edges: inout [(target: String, location: String)]
    ) -> State? {
        guard let object = value.objectValue else {
            error("A state must be a JSON object.", at: location)
            return nil
        }
        guard let typeValue = object["Type"] else {
            error("These fields are required: [Type]", at: location)
            return nil
        }
        guard let typeName = typeValue.stringValue, let type = StateType(rawValue: typeName) else {
            error("The field 'Type' must be one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map.", at: "\(location)/Type")
            return nil
        }
        let language = parseQueryLanguage(object, at: location) ?? inherited
        if language == .jsonPath && defaultLanguage == .jsonata && object["QueryLanguage"] != nil {
            // Allowed: a JSONPath state inside a JSONata machine.
        } else if language == .jsonPath && inherited == .jsonata {
            error("A state cannot use JSONPath when its state machine uses JSONata.", at: "\(location)/QueryLanguage")
        }
        let allowed =
            Self.commonFields.union(language == .jsonPath ? Self.jsonPathFields[type]! : Self.jsonataFields[type]!)
        checkFields(object, allowed: allowed, at: location)

        let state = State(
            name: name,
            type: type,
            comment: optionalString(object, "Comment", at: location),
            queryLanguage: language,
            location: location
        )

        // Next / End
        if type != .choice && type != .succeed && type != .fail {
            let next = object["Next"]
            let end = object["End"]
            switch (next, end) {
            case (nil, nil):
                error("These fields are required: [Next] or [End]", at: location)
            case (.some(let nextValue), nil):
                if let target = nextValue.stringValue {
                    state.transition = .next(target)
                    edges.append((target, "\(location)/Next"))
                } else {
                    error("The field 'Next' must be a state name.", at: "\(location)/Next")
                }
            case (nil, .some(let endValue)):
                if endValue == .bool(true) {
                    state.transition = .end
                } else {
                    error("The field 'End' must be true when present.", at: "\(location)/End")
                }
            case (.some, .some):
                error("A state cannot have both 'Next' and 'End'.", at: location)
            }
        }

        if language == .jsonPath {
            state.inputPath = pathSelection(object, "InputPath", at: location)
            state.outputPath = pathSelection(object, "OutputPath", at: location)
            // A Map's `Parameters` is the legacy name of `ItemSelector`; MapState keeps it.
            if type != .map, let value = object["Parameters"] {
                state.parameters = template(value, at: "\(location)/Parameters")
            }
            if let value = object["ResultSelector"] { state.resultSelector = template(value, at: "\(location)/ResultSelector") }
            if let value = object["ResultPath"] {
                state.resultPath = resultPath(value, at: "\(location)/ResultPath")
            }
        }
        if language == .jsonata {
            state.jsonata = jsonataFields(object, type: type, at: location)
        }
        if let value = object["Assign"] {
            if language == .jsonPath {
                state.assign = assignTemplate(value, at: "\(location)/Assign")
            }
        }
        if let value = object["Retry"] { state.retry = retriers(value, at: "\(location)/Retry") }
        if let value = object["Catch"] {
            state.catchers = catchers(value, at: "\(location)/Catch", language: language, edges: &edges)
        }

        switch type {
        case .pass:
            state.kind = .pass(result: object["Result"])
        case .succeed:
            state.kind = .succeed
        case .task:
            state.kind = .task(taskState(object, at: location))
        case .choice:
            state.kind = .choice(choiceState(object, at: location, language: language, edges: &edges))
        case .wait:
            state.kind = .wait(waitState(object, at: location, language: language))
        case .fail:
            state.kind = .fail(failState(object, at: location, language: language))
        case .parallel:
            var branches: [StateScope] = []
            let array = required(object, "Branches", at: location, invalid: "The field 'Branches' must be a non-empty array.", Self.nonEmptyArray)
            for (index, branch) in (array ?? []).enumerated() {
                let branchLocation = "\(location)/Branches/\(index)"
                guard let branchObject = branch.objectValue else {
                    error("A branch must be an object with StartAt and States.", at: branchLocation)
                    continue
                }
                if let scope = parseScope(branchObject, at: branchLocation, language: language, extraFields: ["QueryLanguage"]) {
                    branches.append(scope)
                }
            }
            state.kind = .parallel(ParallelState(branches: branches))
        case .map:
            guard let map = mapState(object, at: location, language: language) else { return nil }
            state.kind = .map(map)
        }
        return state
    }

    mutating func taskState(_ object: JSONObject, at location: String) -> TaskState {
        var task = TaskState(resource: "")
        let nonEmptyString: (JSONValue) -> String? = { $0.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        if let text = required(object, "Resource", at: location, invalid: "The field 'Resource' must be a non-empty string.", nonEmptyString) {
            task.resource = text
        }
        task.timeoutSeconds = positiveInteger(object, "TimeoutSeconds", at: location)
        task.heartbeatSeconds = positiveInteger(object, "HeartbeatSeconds", at: location)
        task.timeoutSecondsPath = referencePathField(object, "TimeoutSecondsPath", at: location)
        task.heartbeatSecondsPath = referencePathField(object, "HeartbeatSecondsPath", at: location)
        if task.timeoutSeconds != nil && task.timeoutSecondsPath != nil {
            error("Only one of TimeoutSeconds and TimeoutSecondsPath may be set.", at: location)
        }
        if task.heartbeatSeconds != nil && task.heartbeatSecondsPath != nil {
            error("Only one of HeartbeatSeconds and HeartbeatSecondsPath may be set.", at: location)
        }
        if let timeout = task.timeoutSeconds, let heartbeat = task.heartbeatSeconds, heartbeat >= timeout {
            error("HeartbeatSeconds must be smaller than TimeoutSeconds.", at: "\(location)/HeartbeatSeconds")
        }
        task.credentials = object["Credentials"]
        return task
    }

    mutating func choiceState(
        _ object: JSONObject,
        at location: String,
        language: QueryLanguage,
        edges: inout [(target: String, location: String)]
    ) -> ChoiceState {
        var choice = ChoiceState(choices: [], defaultNext: nil)
        if let value = object["Default"] {
            if let target = value.stringValue {
                choice.defaultNext = target
                edges.append((target, "\(location)/Default"))
            } else {
                error("The field 'Default' must be a state name.", at: "\(location)/Default")
            }
        }
        guard
            let rules = required(
                object,
                "Choices",
                at: location,
                invalid: "The field 'Choices' must be a non-empty array of choice rules.",
                Self.nonEmptyArray
            )
        else { return choice }
        for (index, rule) in rules.enumerated() {
            let ruleLocation = "\(location)/Choices/\(index)"
            if language == .jsonata {
                // JSONata rules (`Condition`) are not interpreted yet; keep their targets for validation.
                if let target = rule["Next"]?.stringValue { edges.append((target, "\(ruleLocation)/Next")) }
                continue
            }
            guard let parsed = ChoiceRule.parse(rule, at: ruleLocation, diagnostics: &diagnostics) else { continue }
            if let target = parsed.next {
                edges.append((target, "\(ruleLocation)/Next"))
            } else {
                error("A top-level choice rule must have a 'Next' field.", at: ruleLocation)
            }
            choice.choices.append(parsed)
            choice.ruleAssigns.append(parsed.assign.flatMap { assignTemplate($0, at: "\(ruleLocation)/Assign") })
        }
        return choice
    }

    mutating func waitState(_ object: JSONObject, at location: String, language: QueryLanguage) -> WaitState {
        let present = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter { object[$0] != nil }
        guard present.count == 1 else {
            error("A Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath.", at: location)
            return .seconds(0)
        }
        if language == .jsonata { return .seconds(0) }
        switch present[0] {
        case "Seconds":
            if case .integer(let seconds)? = object["Seconds"], seconds >= 0 {
                return .seconds(seconds)
            }
            error("The field 'Seconds' must be a non-negative integer.", at: "\(location)/Seconds")
        case "Timestamp":
            if let text = object["Timestamp"]?.stringValue, let time = Timestamp(iso8601: text) {
                return .timestamp(time, text: text)
            }
            error("The field 'Timestamp' must be an ISO-8601 date-time with a zone.", at: "\(location)/Timestamp")
        case "SecondsPath":
            if let path = referencePathField(object, "SecondsPath", at: location) { return .secondsPath(path) }
        default:
            if let path = referencePathField(object, "TimestampPath", at: location) { return .timestampPath(path) }
        }
        return .seconds(0)
    }

    mutating func failState(_ object: JSONObject, at location: String, language: QueryLanguage) -> FailState {
        var fail = FailState()
        if language == .jsonPath {
            fail.error = optionalString(object, "Error", at: location)
            fail.cause = optionalString(object, "Cause", at: location)
            if object["Error"] != nil && object["ErrorPath"] != nil {
                error("Only one of Error and ErrorPath may be set.", at: location)
            }
            if object["Cause"] != nil && object["CausePath"] != nil {
                error("Only one of Cause and CausePath may be set.", at: location)
            }
            if let text = object["ErrorPath"] {
                fail.errorPath = dynamicValue(text, field: "ErrorPath", at: "\(location)/ErrorPath")
            }
            if let text = object["CausePath"] {
                fail.causePath = dynamicValue(text, field: "CausePath", at: "\(location)/CausePath")
            }
        }
        return fail
    }

    mutating func mapState(_ object: JSONObject, at location: String, language: QueryLanguage) -> MapState? {
        let processorValue: JSONValue
        let processorLocation: String
        let legacy: Bool
        if let value = object["ItemProcessor"] {
            processorValue = value
            processorLocation = "\(location)/ItemProcessor"
            legacy = false
            if object["Iterator"] != nil { error("Only one of ItemProcessor and Iterator may be set.", at: location) }
        } else if let value = object["Iterator"] {
            processorValue = value
            processorLocation = "\(location)/Iterator"
            legacy = true
        } else {
            error("These fields are required: [ItemProcessor]", at: location)
            return nil
        }
        guard let processorObject = processorValue.objectValue else {
            error("The item processor must be an object with StartAt and States.", at: processorLocation)
            return nil
        }
        var mode = MapState.Mode.inline
        if let config = processorObject["ProcessorConfig"] {
            if let configObject = config.objectValue {
                checkFields(configObject, allowed: ["Mode", "ExecutionType"], at: "\(processorLocation)/ProcessorConfig")
                if let modeValue = configObject["Mode"] {
                    if let text = modeValue.stringValue, let parsed = MapState.Mode(rawValue: text) {
                        mode = parsed
                    } else {
                        error("Mode must be INLINE or DISTRIBUTED.", at: "\(processorLocation)/ProcessorConfig/Mode")
                    }
                }
                if let type = configObject["ExecutionType"], type != "STANDARD", type != "EXPRESS" {
                    error(
                        "ExecutionType must be STANDARD or EXPRESS.",
                        at: "\(processorLocation)/ProcessorConfig/ExecutionType"
                    )
                }
            } else {
                error("ProcessorConfig must be an object.", at: "\(processorLocation)/ProcessorConfig")
            }
        }
        let processor = parseScope(
            processorObject,
            at: processorLocation,
            language: language,
            extraFields: legacy ? ["ProcessorConfig", "QueryLanguage"] : ["ProcessorConfig", "QueryLanguage"]
        )
        var map = MapState(
            processor: processor ?? StateScope(startAt: "", states: [], location: processorLocation),
            mode: mode,
            itemsPath: .whole,
            itemSelector: nil,
            maxConcurrency: 0,
            label: optionalString(object, "Label", at: location),
            itemBatcher: nil
        )
        map.usesS3IO = object["ItemReader"] != nil || object["ResultWriter"] != nil
        if let value = object["ItemBatcher"], language == .jsonPath {
            map.itemBatcher = itemBatcher(value, at: "\(location)/ItemBatcher")
        }
        if language == .jsonPath {
            map.itemsPath = pathSelection(object, "ItemsPath", at: location)
            if let value = object["ItemSelector"] {
                map.itemSelector = template(value, at: "\(location)/ItemSelector")
                if object["Parameters"] != nil { error("Only one of ItemSelector and Parameters may be set.", at: location) }
            } else if let value = object["Parameters"] {
                map.itemSelector = template(value, at: "\(location)/Parameters")
            }
            map.maxConcurrencyPath = referencePathField(object, "MaxConcurrencyPath", at: location)
            map.toleratedFailureCountPath = referencePathField(object, "ToleratedFailureCountPath", at: location)
            map.toleratedFailurePercentagePath = referencePathField(
                object,
                "ToleratedFailurePercentagePath",
                at: location
            )
        }
        // In JSONata the counts may be expressions, checked when the state runs.
        let report = language == .jsonPath
        let count = Self.integer(in: 0...Int.max)
        let percentage: (JSONValue) -> Double? = { $0.doubleValue.flatMap { (0...100).contains($0) ? $0 : nil } }
        if let count = field(object, "MaxConcurrency", at: location, must: "a non-negative integer", report: report, count) {
            map.maxConcurrency = count
        }
        if let count = field(object, "ToleratedFailureCount", at: location, must: "a non-negative integer", report: report, count) {
            map.toleratedFailureCount = count
        }
        if let percentage = field(object, "ToleratedFailurePercentage", at: location, must: "a number from 0 to 100", report: report, percentage) {
            map.toleratedFailurePercentage = percentage
        }
        return map
    }

    mutating func itemBatcher(_ value: JSONValue, at location: String) -> ItemBatcher? {
        guard let object = value.objectValue else {
            error("ItemBatcher must be an object.", at: location)
            return nil
        }
        checkFields(
            object,
            allowed: [
                "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath",
                "BatchInput",
            ],
            at: location
        )
        var batcher = ItemBatcher()
        batcher.maxItemsPerBatch = positiveInteger(object, "MaxItemsPerBatch", at: location)
        batcher.maxItemsPerBatchPath = referencePathField(object, "MaxItemsPerBatchPath", at: location)
        batcher.maxInputBytesPerBatch = positiveInteger(object, "MaxInputBytesPerBatch", at: location)
        if let input = object["BatchInput"] { batcher.batchInput = template(input, at: "\(location)/BatchInput") }
        if batcher.maxItemsPerBatch == nil && batcher.maxItemsPerBatchPath == nil && batcher.maxInputBytesPerBatch == nil {
            error("ItemBatcher needs MaxItemsPerBatch, MaxItemsPerBatchPath or MaxInputBytesPerBatch.", at: location)
        }
        return batcher
    }

    // MARK: Retry and Catch

    mutating func errorEquals(_ object: JSONObject, at location: String) -> [String] {
        guard
            let array = required(
                object,
                "ErrorEquals",
                at: location,
                invalid: "ErrorEquals must be a non-empty array of error names.",
                Self.nonEmptyArray
            )
        else { return [] }
        var names: [String] = []
        for (index, element) in array.enumerated() {
            guard let name = element.stringValue else {
                error("An error name must be a string.", at: "\(location)/ErrorEquals/\(index)")
                continue
            }
            if name.hasPrefix("States.") && !Self.predefinedErrors.contains(name) {
                error(
                    "'\(name)' is not a predefined error; custom error names must not begin with 'States.'.",
                    at: "\(location)/ErrorEquals/\(index)"
                )
            }
            names.append(name)
        }
        if names.contains(StatesError.Name.all) && names.count > 1 {
            error("States.ALL must appear alone in ErrorEquals.", at: "\(location)/ErrorEquals")
        }
        return names
    }

    mutating func retriers(_ value: JSONValue, at location: String) -> [Retrier] {
        objects(value, at: location, named: "Retry", of: "retrier") { parser, object, here, isLast in
            parser.checkFields(
                object,
                allowed: [
                    "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
                    "JitterStrategy", "Comment",
                ],
                at: here
            )
            var retrier = Retrier(
                errorEquals: parser.errorEquals(object, at: here),
                intervalSeconds: 1,
                maxAttempts: 3,
                backoffRate: 2.0,
                maxDelaySeconds: nil,
                jitter: .none
            )
            if retrier.errorEquals.contains(StatesError.Name.all) && !isLast {
                parser.error("A retrier with States.ALL must be the last one.", at: "\(here)/ErrorEquals")
            }
            let integer = Self.integer(in:)
            if let seconds = parser.field(object, "IntervalSeconds", at: here, must: "a positive integer", integer(1...99_999_999)) {
                retrier.intervalSeconds = seconds
            }
            if let attempts = parser.field(object, "MaxAttempts", at: here, must: "a non-negative integer", integer(0...99_999_999)) {
                retrier.maxAttempts = attempts
            }
            let rate: (JSONValue) -> Double? = { $0.doubleValue.flatMap { $0 >= 1 ? $0 : nil } }
            if let rate = parser.field(object, "BackoffRate", at: here, must: "a number not less than 1.0", rate) {
                retrier.backoffRate = rate
            }
            if let seconds = parser.field(object, "MaxDelaySeconds", at: here, must: "a positive integer", integer(1...31_622_400)) {
                retrier.maxDelaySeconds = seconds
            }
            let jitter: (JSONValue) -> Retrier.Jitter? = { $0.stringValue.flatMap(Retrier.Jitter.init) }
            if let jitter = parser.field(object, "JitterStrategy", at: here, must: "FULL or NONE", jitter) {
                retrier.jitter = jitter
            }
            return retrier
        }
    }

    mutating func catchers(
        _ value: JSONValue,
        at location: String,
        language: QueryLanguage,
        edges: inout [(target: String, location: String)]
    ) -> [Catcher] {
        objects(value, at: location, named: "Catch", of: "catcher") { parser, object, here, isLast in
            let allowed: Set<String> =
                language == .jsonPath
                ? ["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"]
                : ["ErrorEquals", "Next", "Output", "Assign", "Comment"]
            parser.checkFields(object, allowed: allowed, at: here)
            let names = parser.errorEquals(object, at: here)
            if names.contains(StatesError.Name.all) && !isLast {
                parser.error("A catcher with States.ALL must be the last one.", at: "\(here)/ErrorEquals")
            }
            var next = ""
            if let target = object["Next"]?.stringValue {
                next = target
                edges.append((target, "\(here)/Next"))
            } else {
                parser.error("These fields are required: [Next]", at: here)
            }
            var catcher = Catcher(errorEquals: names, next: next, resultPath: .replace, assign: nil)
            if language == .jsonPath {
                if let value = object["ResultPath"] { catcher.resultPath = parser.resultPath(value, at: "\(here)/ResultPath") }
                if let value = object["Assign"] { catcher.assign = parser.assignTemplate(value, at: "\(here)/Assign") }
            }
            return catcher
        }
    }

    /// Reads `value`, a list of objects named `name` (`Retry`, `Catch`): `read`
    /// turns each object, with its location and whether it is the list's last
    /// element, into an element. Reports "`name` must be an array of `element`s."
    /// for a value that is not an array and "A `element` must be an object." at
    /// each element that is not one, in the order of the document.
    private mutating func objects<Element>(
        _ value: JSONValue,
        at location: String,
        named name: String,
        of element: String,
        _ read: (inout Self, _ object: JSONObject, _ location: String, _ isLast: Bool) -> Element
    ) -> [Element] {
        guard let array = value.arrayValue else {
            error("\(name) must be an array of \(element)s.", at: location)
            return []
        }
        var result: [Element] = []
        for (index, item) in array.enumerated() {
            let here = "\(location)/\(index)"
            guard let object = item.objectValue else {
                error("A \(element) must be an object.", at: here)
                continue
            }
            result.append(read(&self, object, here, index == array.count - 1))
        }
        return result
    }

    // MARK: Fields

    mutating func checkFields(_ object: JSONObject, allowed: Set<String>, at location: String) {
        for key in object.keys where !allowed.contains(key) {
            error("Field '\(key)' is not supported here.", at: location.isEmpty ? "/\(key)" : "\(location)/\(key)")
        }
    }

    /// The field `key` of `object` as `read` takes it; `nil` when it is absent, or
    /// when `read` refuses it, which reports "`key` must be `rule`." at the field
    /// unless `report` is false.
    mutating func field<Value>(
        _ object: JSONObject,
        _ key: String,
        at location: String,
        must rule: String,
        report: Bool = true,
        _ read: (JSONValue) -> Value?
    ) -> Value? {
        guard let value = object[key] else { return nil }
        guard let result = read(value) else {
            if report { error("\(key) must be \(rule).", at: "\(location)/\(key)") }
            return nil
        }
        return result
    }

    /// The required field `key` of `object` as `read` takes it; `nil` after
    /// reporting "These fields are required: [`key`]" at `location` when it is
    /// absent, or `invalid` at the field when `read` refuses it.
    mutating func required<Value>(
        _ object: JSONObject,
        _ key: String,
        at location: String,
        invalid: String,
        _ read: (JSONValue) -> Value?
    ) -> Value? {
        guard let value = object[key] else {
            error("These fields are required: [\(key)]", at: location)
            return nil
        }
        guard let result = read(value) else {
            error(invalid, at: "\(location)/\(key)")
            return nil
        }
        return result
    }

    /// A non-empty array (`Branches`, `Choices`, `ErrorEquals`).
    static func nonEmptyArray(_ value: JSONValue) -> [JSONValue]? { value.arrayValue.flatMap { $0.isEmpty ? nil : $0 } }

    /// Reads a JSON integer (not a number with a fraction) within `range`.
    static func integer(in range: ClosedRange<Int>) -> (JSONValue) -> Int? {
        { value in
            guard case .integer(let number) = value, range.contains(number) else { return nil }
            return number
        }
    }

    mutating func optionalString(_ object: JSONObject, _ key: String, at location: String) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue else {
            error("The field '\(key)' must be a string.", at: "\(location)/\(key)")
            return nil
        }
        return text
    }

    mutating func positiveInteger(_ object: JSONObject, _ key: String, at location: String) -> Int? {
        guard let value = object[key] else { return nil }
        guard case .integer(let number) = value, number > 0 else {
            error("The field '\(key)' must be a positive integer.", at: "\(location)/\(key)")
            return nil
        }
        return number
    }

    mutating func parseQueryLanguage(_ object: JSONObject, at location: String) -> QueryLanguage? {
        guard let value = object["QueryLanguage"] else { return nil }
        guard let text = value.stringValue, let language = QueryLanguage(rawValue: text) else {
            error("QueryLanguage must be JSONPath or JSONata.", at: "\(location)/QueryLanguage")
            return nil
        }
        return language
    }

    mutating func compilePath(_ text: String, at location: String, reference: Bool) -> StatesPath? {
        let field = location.split(separator: "/").last.map(String.init) ?? ""
        do {
            let path = try StatesPath(text)
            if reference && !path.jsonPath.isReferencePath {
                error("The value for the field '\(field)' must be a valid ReferencePath: '\(text)'", at: location)
                return nil
            }
            return path
        } catch {
            self.error("The value for the field '\(field)' must be a valid JSONPath: '\(text)' (\(error))", at: location)
            return nil
        }
    }

    mutating func pathSelection(_ object: JSONObject, _ key: String, at location: String) -> PathSelection {
        guard let value = object[key] else { return .whole }
        if value.isNull { return .empty }
        guard let text = value.stringValue else {
            error("The field '\(key)' must be a path string or null.", at: "\(location)/\(key)")
            return .whole
        }
        if text == "$" { return .whole }
        guard let path = compilePath(text, at: "\(location)/\(key)", reference: false) else { return .whole }
        return .path(path)
    }

    mutating func referencePathField(_ object: JSONObject, _ key: String, at location: String) -> StatesPath? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue else {
            error("The field '\(key)' must be a reference path string.", at: "\(location)/\(key)")
            return nil
        }
        return compilePath(text, at: "\(location)/\(key)", reference: true)
    }

    mutating func resultPath(_ value: JSONValue, at location: String) -> ResultPathSelection {
        if value.isNull { return .discard }
        guard let text = value.stringValue else {
            error("ResultPath must be a reference path or null.", at: location)
            return .replace
        }
        if text == "$" { return .replace }
        guard let path = compilePath(text, at: location, reference: true) else { return .replace }
        if case .input = path.jsonPath.root {
            return .path(path)
        }
        error("The value for the field 'ResultPath' must be a valid ReferencePath starting with '$': '\(text)'", at: location)
        return .replace
    }

    mutating func dynamicValue(_ value: JSONValue, field: String, at location: String) -> DynamicValue? {
        guard let text = value.stringValue else {
            error("The field '\(field)' must be a path or an intrinsic function call.", at: location)
            return nil
        }
        if IntrinsicExpression.looksLikeIntrinsic(text) {
            do {
                return .intrinsic(try IntrinsicExpression.parse(text), text: text)
            } catch {
                self.error(
                    "The value for the field '\(field)' must be a valid JSONPath or a valid intrinsic function call: \(error)",
                    at: location
                )
                return nil
            }
        }
        guard let path = compilePath(text, at: location, reference: false) else { return nil }
        return .path(path)
    }

    mutating func template(_ value: JSONValue, at location: String) -> PayloadTemplate? {
        compileTemplate(value, at: location)
    }

    mutating func assignTemplate(_ value: JSONValue, at location: String) -> PayloadTemplate? {
        guard let object = value.objectValue else {
            error("Assign must be an object of variable names.", at: location)
            return nil
        }
        for key in object.keys {
            let name = key.hasSuffix(".$") ? String(key.dropLast(2)) : key
            if !Self.isValidVariableName(name) {
                error("'\(name)' is not a valid variable name.", at: "\(location)/\(key)")
            }
        }
        return compileTemplate(value, at: location)
    }

    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.isEmpty, name.count <= 80 else { return false }
        if first.properties.numericType != nil { return false }
        for scalar in name.unicodeScalars {
            if scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil { continue }
            return false
        }
        return true
    }

    mutating func compileTemplate(_ value: JSONValue, at location: String) -> PayloadTemplate {
        switch value {
        case .object(let object):
            var members: [PayloadTemplate.Member] = []
            var dynamic = false
            for (key, element) in object.entries {
                let here = "\(location)/\(key)"
                if key.hasSuffix(".$") {
                    dynamic = true
                    let outputKey = String(key.dropLast(2))
                    if let expression = dynamicValue(element, field: key, at: here) {
                        members.append(.init(key: outputKey, fieldName: key, value: .dynamic(expression)))
                    }
                } else {
                    let compiled = compileTemplate(element, at: here)
                    if case .constant = compiled {} else { dynamic = true }
                    members.append(.init(key: key, fieldName: key, value: .template(compiled)))
                }
            }
            return dynamic ? .object(members) : .constant(value)
        case .array(let elements):
            var compiled: [PayloadTemplate] = []
            var dynamic = false
            for (index, element) in elements.enumerated() {
                let template = compileTemplate(element, at: "\(location)/\(index)")
                if case .constant = template {} else { dynamic = true }
                compiled.append(template)
            }
            return dynamic ? .array(compiled) : .constant(value)
        default:
            return .constant(value)
        }
    }
}
