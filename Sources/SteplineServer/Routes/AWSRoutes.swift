internal import Hummingbird

/// The AWS JSON protocols: every service on `POST /`, told apart by `X-Amz-Target`.
///
/// Step Functions, EventBridge and SQS share one endpoint as AWS's SDKs expect when
/// given one `--endpoint-url`; the per-service grouping lives in the handlers the
/// ``AWSDispatcher`` holds, one per target prefix.
struct AWSRoutes: Sendable {
    let dispatcher: AWSDispatcher

    func add(to router: Router<BasicRequestContext>) {
        router.post("/") { request, context in
            await dispatcher.respond(to: request, logger: context.logger)
        }
        // SNS's SubscribeURL and UnsubscribeURL are plain GETs of `/?Action=…`.
        router.get("/") { request, context in
            await dispatcher.respondQuery(to: request, logger: context.logger)
        }
    }
}
