import Hummingbird

/// The example paintings, read-only, by listed name (under `/api/examples`).
struct ExampleRoutes: Sendable {
    let library: ImageLibrary

    var collection: RouteCollection<StudioRoutes.Context> {
        let routes = RouteCollection(context: StudioRoutes.Context.self)
        let library = library
        routes.get { _, _ in
            Reply.json(library.examples().map { ImageEntry(ref: "example:" + $0, name: $0, url: "/api/examples/" + $0) })
        }
        routes.get("{name}") { _, context in
            StudioRoutes.guarded {
                let path = try library.examplePath(context.parameters.get("name") ?? "")
                return Reply.file(path, type: Reply.imageType(path))
            }
        }
        return routes
    }
}
