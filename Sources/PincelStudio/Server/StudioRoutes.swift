import Foundation
import Hummingbird
import HummingbirdWebSocket
import Pincel

/// The studio's HTTP routes and its WebSocket (`/api/live`), behind ``RequestGuard``.
///
/// Every id in a path is checked (``StudioID/isValid(_:)``, or an example's listed name) before
/// it names a row or a file; errors are `{"error": "…"}` with a 4xx/5xx status.
struct StudioRoutes: Sendable {
    let studio: Studio

    typealias Context = BasicWebSocketRequestContext

    func makeRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        let guardian = RequestGuard(auth: StudioAuth(token: studio.configuration.token, served: studio.served), served: studio.served)
        router.add(middleware: RequestGuardMiddleware<Context>(guardian: guardian))
        let queue = studio.queue
        let library = studio.library
        let store = studio.store
        let maxBytes = studio.configuration.maxUploadBytes

        // The page.
        router.get("/") { _, _ in Reply.asset(StudioPage.html, type: "text/html; charset=utf-8") }
        router.get("/studio.css") { _, _ in Reply.asset(StudioPage.css, type: "text/css; charset=utf-8") }
        router.get("/studio.js") { _, _ in Reply.asset(StudioPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/api/health") { _, _ in Reply.json(["status": "ok"]) }

        // Examples (read-only, by listed name).
        router.get("/api/examples") { _, _ in
            Reply.json(library.examples().map { ImageEntry(ref: "example:" + $0, name: $0, url: "/api/examples/" + $0) })
        }
        router.get("/api/examples/{name}") { _, context in
            Self.guarded {
                let path = try library.examplePath(context.parameters.get("name") ?? "")
                return Reply.file(path, type: Reply.imageType(path))
            }
        }

        // Uploads: the raw bytes of one image as the body; `?name=` the file's name (shown only).
        router.post("/api/uploads") { request, _ in
            await Self.guardedAsync {
                let buffer: ByteBuffer
                do {
                    buffer = try await request.body.collect(upTo: maxBytes)
                } catch {
                    throw StudioError.tooLarge("the file is larger than \(maxBytes) bytes, the most this studio accepts")
                }
                let name = request.uri.queryParameters["name"].map(String.init) ?? "the image"
                let upload = try library.ingest(Data(buffer.readableBytesView), name: name)
                return Reply.json(ImageEntry(upload), status: .created)
            }
        }
        router.get("/api/uploads") { _, _ in
            Self.guarded { Reply.json(try store.uploads().map(ImageEntry.init)) }
        }
        router.get("/api/uploads/{id}") { _, context in
            Self.guarded { Reply.file(try library.uploadPath(context.parameters.get("id") ?? ""), type: "image/png") }
        }
        router.delete("/api/uploads/{id}") { _, context in
            Self.guarded {
                try library.delete(upload: context.parameters.get("id") ?? "")
                return Reply.json(["deleted": true])
            }
        }

        // Jobs.
        router.get("/api/jobs") { _, _ in
            await Self.guardedAsync { Reply.json(try await queue.summaries()) }
        }
        router.post("/api/jobs") { request, context in
            await Self.guardedAsync {
                let parameters = try await request.decode(as: JobParameters.self, context: context)
                return Reply.json(JobSummary(try await queue.submit(parameters)), status: .created)
            }
        }
        router.get("/api/jobs/{id}") { _, context in
            await Self.guardedAsync { Reply.json(try await queue.job(context.parameters.get("id") ?? "")) }
        }
        router.post("/api/jobs/{id}/cancel") { _, context in
            await Self.guardedAsync { Reply.json(JobSummary(try await queue.cancel(context.parameters.get("id") ?? ""))) }
        }
        router.delete("/api/jobs/{id}") { _, context in
            await Self.guardedAsync {
                try await queue.delete(context.parameters.get("id") ?? "")
                return Reply.json(["deleted": true])
            }
        }
        // The job's image: the result, else the last image written; `?download=1` as an attachment.
        router.get("/api/jobs/{id}/image") { request, context in
            await Self.guardedAsync {
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

        // Live updates: the job list on every change, ticks (loss points, frames) of the running job.
        router.ws("/api/live") { request, _ in
            if guardian.webSocketRefusal(request) != nil { return .dontUpgrade }
            return .upgrade()
        } onUpgrade: { inbound, outbound, _ in
            let hub = studio.hub
            let (id, messages) = hub.subscribe()
            defer { hub.unsubscribe(id) }
            if let list = try? await queue.summaries(), let text = LiveMessage.encode(LiveMessage.Jobs(jobs: list)) {
                try await outbound.write(.text(text))
            }
            if let (job, snap) = await queue.live() {
                let frame = StudioFiles.read(store.paths.last(job.id))
                    .map { "data:image/jpeg;base64," + $0.base64EncodedString() }
                if let text = LiveMessage.encode(Ticker.message(job: job.id, snap: snap, points: snap.points, frame: frame)) {
                    try await outbound.write(.text(text))
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await _ in inbound {}  // the page sends nothing; this ends when it closes
                }
                group.addTask {
                    for await text in messages { try await outbound.write(.text(text)) }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
        return router
    }

    /// Runs a handler, turning what it throws into an error reply.
    static func guarded(_ body: () throws -> Response) -> Response {
        do { return try body() } catch { return Reply.error(error) }
    }

    static func guardedAsync(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch { return Reply.error(error) }
    }
}

/// An image the page can choose: its reference for a job, its name and where to fetch it.
struct ImageEntry: Codable, Sendable {
    let ref: String
    let name: String
    let url: String
    var width: Int?
    var height: Int?

    init(ref: String, name: String, url: String) {
        self.ref = ref
        self.name = name
        self.url = url
    }

    init(_ upload: StudioUpload) {
        self.init(ref: "upload:" + upload.id, name: upload.name, url: "/api/uploads/" + upload.id)
        width = upload.width
        height = upload.height
    }
}
