import Foundation
import Hummingbird

/// The instant picture of the page's selection (under `/api/instant`): `GET` says whether the
/// instant models are there (`{"available": true}`, or `false` with a one-line `reason`);
/// `POST` with ``PreviewParameters`` (JSON) answers the picture as PNG, with the seconds it took
/// in `X-Pincel-Seconds`. Made by ``InstantPreviews``: a newer request supersedes a waiting one
/// (409).
struct InstantRoutes: Sendable {
    let library: ImageLibrary
    let previews: InstantPreviews

    /// `GET`'s answer.
    struct Availability: Codable, Sendable {
        var available: Bool
        var reason: String?
    }

    var collection: RouteCollection<StudioRoutes.Context> {
        let routes = RouteCollection(context: StudioRoutes.Context.self)
        let (library, previews) = (library, previews)
        routes.get { _, _ in
            let reason = await previews.unavailable()
            return Reply.json(Availability(available: reason == nil, reason: reason))
        }
        routes.post { request, context in
            await StudioRoutes.guardedAsync {
                let parameters = try await request.decode(as: PreviewParameters.self, context: context)
                let options = try parameters.options()
                let content = try library.path(of: parameters.content)
                let styles = try parameters.styles.map { try library.path(of: $0) }
                let picture = try await previews.picture(content: content, styles: styles, options: options)
                var response = Reply.bytes(picture.png, type: "image/png")
                if let name = HeaderName.seconds { response.headers[name] = String(format: "%.3f", picture.seconds) }
                return response
            }
        }
        return routes
    }
}
