import Foundation
import Hummingbird
import HummingbirdWebSocket
import Pincel

/// The studio's HTTP routes and its WebSocket (`/api/live`), behind ``RequestGuard``; the
/// routes are grouped in `Routes/` (``PageRoutes``, ``ExampleRoutes``, ``UploadRoutes``,
/// ``JobRoutes``, ``InstantRoutes``, ``LiveRoute``).
///
/// Every id in a path is checked (``StudioID/isValid(_:)``, or an example's listed name) before
/// it names a row or a file; errors are `{"error": "…"}` with a 4xx/5xx status.
struct StudioRoutes: Sendable {
    let studio: Studio

    typealias Context = BasicWebSocketRequestContext

    /// The router: ``RequestGuardMiddleware`` in front of everything (every route, and a path
    /// no route matches), then the route groups of `Routes/`.
    func makeRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        let guardian = RequestGuard(auth: StudioAuth(token: studio.configuration.token, served: studio.served), served: studio.served)
        router.add(middleware: RequestGuardMiddleware<Context>(guardian: guardian))
        router.addRoutes(PageRoutes().collection)
        router.addRoutes(ExampleRoutes(library: studio.library).collection, atPath: "/api/examples")
        router.addRoutes(UploadRoutes(library: studio.library, store: studio.store,
                                      maxBytes: studio.configuration.maxUploadBytes).collection, atPath: "/api/uploads")
        router.addRoutes(JobRoutes(queue: studio.queue, store: studio.store, previews: studio.previews).collection, atPath: "/api/jobs")
        router.addRoutes(InstantRoutes(library: studio.library, previews: studio.previews).collection, atPath: "/api/instant")
        router.addRoutes(LiveRoute(studio: studio, guardian: guardian).collection, atPath: "/api/live")
        return router
    }

    /// Runs a handler, turning what it throws into an error reply.
    static func guarded(_ body: () throws -> Response) -> Response {
        do { return try body() } catch { return Reply.error(error) }
    }

    /// Runs an async handler, turning what it throws into an error reply.
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
