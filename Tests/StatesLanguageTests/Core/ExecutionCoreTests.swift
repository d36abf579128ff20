import JSON
import StatesLanguage
import Synchronization
import Testing

@Suite struct ExecutionCoreTests {
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func definition(_ text: String) throws -> StateMachineDefinition {
        let result = StateMachineDefinition.parse(text)
        return try #require(result.definition, "invalid definition: \(result.diagnostics)")
    }

    func start(_ input: JSONValue) -> ExecutionCommand {
        ExecutionCommand(
            now: Self.t0,
            entropy: 1,
            .start(
                ExecutionStart(
                    input: input,
                    executionArn: "arn:aws:states:us-east-1:1:execution:sm:e",
                    executionName: "e",
                    stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:sm",
                    stateMachineName: "sm",
                    roleArn: "role"
                )
            )
        )
    }

    @Test func aTaskIsScheduledWithResolvedParametersAndWaitsForItsResult() throws {
        let machine = try definition(
            #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"id.$":"$.id","fixed":1},"ResultPath":"$.result","TimeoutSeconds":30,"End":true}}}
            """#
        )
        var state = ExecutionState(definition: machine)
        let events = try state.handle(start(["id": "a1"]))
        #expect(events.filter { $0.id > 0 }.map(\.type) == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled"])
        let task = try #require(state.openTasks.values.first)
        #expect(task.parameters == ["id": "a1", "fixed": 1])
        #expect(task.timeoutSeconds == 30)
        #expect(state.timers.values.contains { $0.reason == .taskTimeout(taskId: task.taskId) })

        let later = Self.t0.adding(seconds: 2)
        try state.handle(ExecutionCommand(now: later, entropy: 2, .taskSucceeded(taskId: task.taskId, output: ["ok": true])))
        #expect(state.status == .succeeded)
        #expect(state.output == ["id": "a1", "result": ["ok": true]])
        #expect(state.timers.isEmpty)
    }

    @Test func aSecondResultForTheSameTaskIsRejected() throws {
        let machine = try definition(#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}}"#)
        var state = ExecutionState(definition: machine)
        try state.handle(start([:]))
        let taskId = try #require(state.openTasks.keys.first)
        try state.handle(ExecutionCommand(now: Self.t0, entropy: 2, .taskSucceeded(taskId: taskId, output: 1)))
        #expect(throws: CommandRejection.self) {
            try state.handle(ExecutionCommand(now: Self.t0, entropy: 3, .taskSucceeded(taskId: taskId, output: 2)))
        }
    }

    @Test func retriesBackOffByIntervalAndRateThenTheCatcherTakesOver() throws {
        let machine = try definition(
            #"""
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"r","End":true,
                   "Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":2}],
                   "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Handled"}]},
              "Handled":{"Type":"Pass","End":true}}}
            """#
        )
        var state = ExecutionState(definition: machine)
        try state.handle(start(["n": 1]))
        var now = Self.t0
        var dues: [Int64] = []
        for attempt in 0..<3 {
            let task = try #require(state.openTasks.values.first)
            #expect(task.attempt == attempt)
            try state.handle(
                ExecutionCommand(now: now, entropy: 7, .taskFailed(taskId: task.taskId, error: "Boom", cause: "bad"))
            )
            guard let timer = state.timers.values.first else { break }
            dues.append((timer.due.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / 1000)
            now = timer.due
            try state.handle(ExecutionCommand(now: now, entropy: 8, .timerFired(timerId: timer.timerId)))
        }
        #expect(dues == [2, 6])
        #expect(state.status == .succeeded)
        #expect(state.output == ["n": 1, "error": ["Error": "Boom", "Cause": "bad"]])
    }

    @Test func fullJitterIsDrawnFromTheCommandEntropyAndRecorded() throws {
        let machine = try definition(
            #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
              "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"JitterStrategy":"FULL"}]}}}
            """#
        )
        func firstRetryDue(entropy: UInt64) throws -> Timestamp {
            var state = ExecutionState(definition: machine)
            try state.handle(start([:]))
            let taskId = try #require(state.openTasks.keys.first)
            let events = try state.handle(
                ExecutionCommand(now: Self.t0, entropy: entropy, .taskFailed(taskId: taskId, error: "E", cause: ""))
            )
            let dues = events.compactMap { event -> Timestamp? in
                if case .timerScheduled(_, let due, .retry) = event.details { return due }
                return nil
            }
            return try #require(dues.first)
        }
        let first = try firstRetryDue(entropy: 42)
        #expect(try firstRetryDue(entropy: 42) == first)
        #expect(first >= Self.t0 && first <= Self.t0.adding(seconds: 10))
    }

    @Test func theExecutionTimeoutFiresBeforeALongWait() throws {
        let machine = try definition(
            #"{"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}"#
        )
        let result = EmbeddedRunner(definition: machine).run(input: [:])
        #expect(result.status == .timedOut)
        #expect(result.endTime == EmbeddedRunner(definition: machine).startTime.adding(seconds: 5))
        #expect(result.history.last?.type == "ExecutionTimedOut")
    }

    @Test func aTaskTimeoutFailsTheStateWithStatesTimeout() throws {
        let machine = try definition(
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","TimeoutSeconds":3,"End":true}}}"#
        )
        let result = EmbeddedRunner(definition: machine) { _ in .noResponse }.run(input: [:])
        #expect(result.status == .failed)
        #expect(result.error == "States.Timeout")
        #expect(result.history.map(\.type).contains("TaskTimedOut"))
    }

    @Test func stopAbortsARunningExecution() throws {
        let machine = try definition(#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}"#)
        var state = ExecutionState(definition: machine)
        try state.handle(start([:]))
        try state.handle(ExecutionCommand(now: Self.t0, entropy: 2, .stop(error: "Halt", cause: "by test")))
        #expect(state.status == .aborted)
        #expect(state.timers.isEmpty)
        #expect(throws: CommandRejection.self) {
            try state.handle(ExecutionCommand(now: Self.t0, entropy: 3, .stop(error: nil, cause: nil)))
        }
    }

    @Test func parallelBranchResultsKeepBranchOrderWhateverOrderTasksFinishIn() throws {
        let machine = try definition(
            #"""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"a","End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"b","End":true}}}]}}}
            """#
        )
        var state = ExecutionState(definition: machine)
        try state.handle(start([:]))
        let tasks = state.openTasks.values.sorted { $0.taskId < $1.taskId }
        #expect(tasks.map(\.resource) == ["a", "b"])
        try state.handle(ExecutionCommand(now: Self.t0, entropy: 2, .taskSucceeded(taskId: tasks[1].taskId, output: "B")))
        #expect(state.status == .running)
        try state.handle(ExecutionCommand(now: Self.t0, entropy: 3, .taskSucceeded(taskId: tasks[0].taskId, output: "A")))
        #expect(state.output == ["A", "B"])
    }

    @Test func mapMaxConcurrencyBoundsHowManyIterationsRunAtOnce() throws {
        let machine = try definition(
            #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
              "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}}}}}
            """#
        )
        var state = ExecutionState(definition: machine)
        try state.handle(start([1, 2, 3, 4, 5]))
        var answered = 0
        while let task = state.openTasks.values.min(by: { $0.taskId < $1.taskId }) {
            #expect(state.openTasks.count <= 2)
            try state.handle(
                ExecutionCommand(now: Self.t0, entropy: 9, .taskSucceeded(taskId: task.taskId, output: task.parameters))
            )
            answered += 1
        }
        #expect(answered == 5)
        #expect(state.output == [1, 2, 3, 4, 5])
    }

    @Test func replayingTheEventsThroughApplyRebuildsTheSameState() throws {
        let machine = try definition(
            #"""
            {"StartAt":"Init","States":{
              "Init":{"Type":"Pass","Assign":{"seen":0},"Next":"Fan"},
              "Fan":{"Type":"Map","ItemsPath":"$.items","Next":"Both",
                "ItemProcessor":{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"w","End":true,
                  "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":1}]}}}},
              "Both":{"Type":"Parallel","Next":"Nap","Branches":[
                {"StartAt":"X","States":{"X":{"Type":"Pass","Result":"x","End":true}}},
                {"StartAt":"Y","States":{"Y":{"Type":"Pass","Parameters":{"id.$":"States.UUID()"},"End":true}}}]},
              "Nap":{"Type":"Wait","Seconds":30,"End":true}}}
            """#
        )
        let flaky = Mutex(Set<Int>())
        let runner = EmbeddedRunner(definition: machine) { task in
            let first = flaky.withLock { $0.insert(task.enteredEventId).inserted }
            return first ? .failed(error: "Flaky", cause: "once") : .succeeded(task.parameters)
        }
        let result = runner.run(input: ["items": [1, 2, 3]])
        #expect(result.status == .succeeded)

        var replayed = ExecutionState(definition: machine)
        for event in result.events {
            let decoded = try HistoryEvent(json: try JSONParser.parse(event.json.serialized))
            #expect(decoded == event)
            replayed.apply(decoded)
        }
        #expect(replayed.status == result.state.status)
        #expect(replayed.output == result.state.output)
        #expect(replayed.lastEventId == result.state.lastEventId)
        #expect(result.history.allSatisfy { $0.stepFunctionsJSON() != nil })
    }

    @Test func aMachineThatLoopsWithoutWaitingStopsAtTheHistoryLimit() throws {
        let machine = try definition(#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A"}}}"#)
        let result = EmbeddedRunner(definition: machine).run(input: [:])
        #expect(result.status == .failed)
        #expect(result.state.lastEventId <= 25_001)
    }
}

@Suite struct CallbackTaskTests {
    @Test func aCallbackTaskPassesItsRecordedTokenThroughTheContextObject() throws {
        let machine = try #require(
            StateMachineDefinition.parse(
                #"""
                {"StartAt":"Review","States":{"Review":{"Type":"Task",
                  "Resource":"arn:aws:states:::events:putEvents.waitForTaskToken",
                  "Parameters":{"token.$":"$$.Task.Token","item.$":"$.id"},"End":true}}}
                """#
            ).definition
        )
        let runner = EmbeddedRunner(definition: machine) { task in
            task.parameters["token"] == task.taskToken.map(JSONValue.string) && task.taskToken?.count == 32
                ? .succeeded(["approved": true]) : .failed(error: "Mismatch", cause: "\(task)")
        }
        let result = runner.run(input: ["id": 7])
        #expect(result.status == .succeeded)
        let scheduled = result.events.compactMap { event -> ScheduledTask? in
            if case .taskScheduled(let task) = event.details { return task }
            return nil
        }
        let decoded = try HistoryEvent(json: try #require(result.events.first { $0.type == "TaskScheduled" }).json)
        guard case .taskScheduled(let task) = decoded.details else {
            Issue.record("decoded event is not TaskScheduled")
            return
        }
        #expect(task.taskToken == scheduled.first?.taskToken)
    }
}

@Suite struct MapBatchingTests {
    @Test func anItemBatcherGivesEachIterationABatchWithItsBatchInput() throws {
        let machine = try #require(
            StateMachineDefinition.parse(
                #"""
                {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPath":"$.items",
                  "ItemSelector":{"v.$":"$$.Map.Item.Value"},
                  "ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"job.$":"$.job"}},
                  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
                    "StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}
                """#
            ).definition
        )
        let result = EmbeddedRunner(definition: machine).run(input: ["job": "j1", "items": [1, 2, 3]])
        #expect(result.status == .succeeded)
        #expect(
            result.output == [
                ["BatchInput": ["job": "j1"], "Items": [["v": 1], ["v": 2]]],
                ["BatchInput": ["job": "j1"], "Items": [["v": 3]]],
            ]
        )
    }

    @Test func aMapWithAnItemReaderFailsAtRunTimeSayingItIsUnsupported() throws {
        let machine = try #require(
            StateMachineDefinition.parse(
                #"""
                {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
                  "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"}},
                  "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}
                """#
            ).definition
        )
        let result = EmbeddedRunner(definition: machine).run(input: [])
        #expect(result.status == .failed)
        #expect(result.cause?.contains("ItemReader") == true)
    }
}
