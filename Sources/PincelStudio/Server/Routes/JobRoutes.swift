import Foundation
import Hummingbird

/// The jobs (under `/api/jobs`): list, submit, show, cancel, delete, and each job's image.
struct JobRoutes: Sendable {
    let queue: JobQueue
    let store: StudioStore
    /// Asked whether the instant models are there before a job that starts from their picture.
    let previews: InstantPreviews

    var collection: RouteCollection<StudioRoutes.Context> {
        let routes = RouteCollection(context: StudioRoutes.Context.self)
        let (queue, store, previews) = (queue, store, previews)
        routes.get { _, _ in
            await StudioRoutes.guardedAsync { Reply.json(try await queue.summaries()) }
        }
        routes.post { request, context in
            await StudioRoutes.guardedAsync {
                let parameters = try await request.decode(as: JobParameters.self, context: context)
                if parameters.initial == JobParameters.instantStart, let reason = await previews.unavailable() {
                    throw StudioError.badRequest("the instant start needs the instant models: \(reason); choose another start")
                }
                return Reply.json(JobSummary(try await queue.submit(parameters)), status: .created)
            }
        }
        routes.get("{id}") { _, context in
            await StudioRoutes.guardedAsync { Reply.json(try await queue.job(context.parameters.get("id") ?? "")) }
        }
        routes.post("{id}/cancel") { _, context in
            await StudioRoutes.guardedAsync { Reply.json(JobSummary(try await queue.cancel(context.parameters.get("id") ?? ""))) }
        }
        routes.delete("{id}") { _, context in
            await StudioRoutes.guardedAsync {
                try await queue.delete(context.parameters.get("id") ?? "")
                return Reply.json(["deleted": true])
            }
        }
        // The job's image: the result, else the last image written; `?download=1` as an attachment.
        routes.get("{id}/image") { request, context in
            await StudioRoutes.guardedAsync {
                let job = try await queue.job(context.parameters.get("id") ?? "")
                let download = request.uri.queryParameters["download"] != nil
                let result = store.paths.result(job.id)
                if FileManager.default.fileExists(atPath: result) {
                    return Reply.file(result, type: "image/png", download: download ? "pincel-\(job.number).png" : nil)
                }
                let last = store.paths.last(job.id)
                guard FileManager.default.fileExists(atPath: last) else { throw StudioError.notFound("job \(job.number) has no image yet") }
                return Reply.file(last, type: "image/jpeg", download: download ? "pincel-\(job.number).jpg" : nil)
            }
        }
        return routes
    }
}
