import Foundation
import Hummingbird

/// Uploaded images (under `/api/uploads`): a POST's body is the raw bytes of one image and
/// `?name=` the file's name (shown only); list, fetch and delete by id.
struct UploadRoutes: Sendable {
    let library: ImageLibrary
    let store: StudioStore
    /// The largest body a POST may send.
    let maxBytes: Int

    var collection: RouteCollection<StudioRoutes.Context> {
        let routes = RouteCollection(context: StudioRoutes.Context.self)
        let (library, store, maxBytes) = (library, store, maxBytes)
        routes.post { request, _ in
            await StudioRoutes.guardedAsync {
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
        routes.get { _, _ in
            StudioRoutes.guarded { Reply.json(try store.uploads().map(ImageEntry.init)) }
        }
        routes.get("{id}") { _, context in
            StudioRoutes.guarded { Reply.file(try library.uploadPath(context.parameters.get("id") ?? ""), type: "image/png") }
        }
        routes.delete("{id}") { _, context in
            StudioRoutes.guarded {
                try library.delete(upload: context.parameters.get("id") ?? "")
                return Reply.json(["deleted": true])
            }
        }
        return routes
    }
}
