import Hummingbird

/// The page (`/`, `/studio.css`, `/studio.js`, compiled into the binary) and `/api/health`.
struct PageRoutes: Sendable {
    var collection: RouteCollection<StudioRoutes.Context> {
        let routes = RouteCollection(context: StudioRoutes.Context.self)
        routes.get("/") { _, _ in Reply.asset(StudioPage.html, type: "text/html; charset=utf-8") }
        routes.get("/studio.css") { _, _ in Reply.asset(StudioPage.css, type: "text/css; charset=utf-8") }
        routes.get("/studio.js") { _, _ in Reply.asset(StudioPage.script, type: "text/javascript; charset=utf-8") }
        routes.get("/api/health") { _, _ in Reply.json(["status": "ok"]) }
        return routes
    }
}
