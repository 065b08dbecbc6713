import Hummingbird
import HummingbirdWebSocket

/// The live updates, a WebSocket (at `/api/live`): the job list on every change, and the ticks
/// (loss points, frames) of the running job. The upgrade is refused unless ``RequestGuard``
/// lets it through.
struct LiveRoute: Sendable {
    let studio: Studio
    let guardian: RequestGuard

    var collection: RouteCollection<StudioRoutes.Context> {
        let routes = RouteCollection(context: StudioRoutes.Context.self)
        let (studio, guardian) = (studio, guardian)
        let queue = studio.queue
        let store = studio.store
        routes.ws { request, _ in
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
        return routes
    }
}
