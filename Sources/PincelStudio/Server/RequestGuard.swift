import Foundation
import HTTPTypes
import Hummingbird

/// Who may use the studio, checked before any route reads a byte of the body:
///
/// 1. `Host` must be one the studio serves (``ServedAddress``), else 403: a page of another site
///    that rebinds its name to 127.0.0.1 gets nothing.
/// 2. The token, by cookie or header (``StudioAuth``), else 401; `GET /?token=T` trades a valid
///    token for the cookie.
/// 3. A request that changes something (POST, PUT, PATCH, DELETE) must say it is JSON (uploads:
///    `application/octet-stream`) and come from the page's own origin (`Origin`, else
///    `Sec-Fetch-Site: same-origin`), else 403: no form or script of another site can post.
struct RequestGuard: Sendable {
    let auth: StudioAuth
    let served: ServedAddress

    /// What a refused request gets.
    struct Refusal: Error, Equatable {
        let status: HTTPResponse.Status
        let message: String
        /// A plain-text answer (the page's address, opened without its token) rather than JSON.
        var plain = false
    }

    /// `nil` when the request may reach its route.
    func refusal(_ request: Request) -> Refusal? {
        if let refused = hostRefusal(request) { return refused }
        guard auth.proof(of: request) != nil else {
            let page = request.uri.path == "/" && request.method == .get
            return Refusal(status: .unauthorized, message: page ? Self.openThePrintedAddress
                : "this studio needs its token: open the address `pincel studio` printed (http://…/?token=…), or send the header X-Pincel-Token",
                           plain: page)
        }
        if Self.changesState(request.method) { return crossSiteRefusal(request) }
        return nil
    }

    /// 403 unless `Host` names this studio.
    func hostRefusal(_ request: Request) -> Refusal? {
        guard let host = request.head.authority, served.accepts(host: host) else {
            return Refusal(status: .forbidden, message: "this studio does not answer to the host name '\(String((request.head.authority ?? "").prefix(80)))' "
                           + "(it answers to \(served.names.sorted().joined(separator: ", ")); add names with --allow-host)")
        }
        return nil
    }

    /// 403 unless the request is the page's own: the right content type and a same-origin
    /// `Origin` (or `Sec-Fetch-Site: same-origin` when a browser sends no Origin).
    func crossSiteRefusal(_ request: Request) -> Refusal? {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let wanted = Self.isUpload(request) ? "application/octet-stream" : "application/json"
        guard type == wanted else {
            return Refusal(status: .forbidden, message: "refused: this request must have Content-Type: \(wanted) (got '\(type.prefix(60))')")
        }
        let site = HeaderName.fetchSite.flatMap { request.headers[$0] }?.lowercased()
        if let site, site != "same-origin" {
            return Refusal(status: .forbidden, message: "refused: a request from another site (Sec-Fetch-Site: \(site.prefix(20)))")
        }
        if let origin = request.headers[.origin] {
            guard let host = request.head.authority, served.isSameOrigin(origin, host: host) else {
                return Refusal(status: .forbidden, message: "refused: a request from another origin (\(origin.prefix(80)))")
            }
            return nil
        }
        guard site == "same-origin" else {
            return Refusal(status: .forbidden, message: "refused: a request that changes something must carry the page's Origin (e.g. Origin: http://127.0.0.1:\(served.port))")
        }
        return nil
    }

    /// `nil` when a WebSocket upgrade may go on: the checks of every request, and an `Origin`
    /// that is the page's own (a browser always sends one).
    func webSocketRefusal(_ request: Request) -> Refusal? {
        if let refused = refusal(request) { return refused }
        guard let origin = request.headers[.origin], let host = request.head.authority, served.isSameOrigin(origin, host: host) else {
            return Refusal(status: .forbidden, message: "WebSocket from another origin refused")
        }
        return nil
    }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    static func isUpload(_ request: Request) -> Bool { request.method == .post && request.uri.path == "/api/uploads" }

    /// The page's answer without a token.
    static let openThePrintedAddress = """
        Pincel Studio: this page needs its token.
        Open the address that `pincel studio` printed when it started (http://127.0.0.1:PORT/?token=…).
        Lost it? Stop the studio (Ctrl-C) and start it again: it prints a new one.

        """
}

/// Refuses, before any route, what ``RequestGuard`` refuses; answers the token exchange.
struct RequestGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let guardian: RequestGuard

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get, request.uri.path == "/", let given = request.uri.queryParameters["token"] {
            if let refused = guardian.hostRefusal(request) { return Reply.refusal(refused) }
            guard StudioAuth.equal(String(given), guardian.auth.token) else {
                return Reply.refusal(.init(status: .unauthorized, message: RequestGuard.openThePrintedAddress, plain: true))
            }
            var response = Response.redirect(to: "/", type: .normal)
            response.headers[.setCookie] = guardian.auth.setCookie
            response.headers[.cacheControl] = "no-store"
            if let name = HeaderName.referrerPolicy { response.headers[name] = "no-referrer" }
            return response
        }
        if let refused = guardian.refusal(request) { return Reply.refusal(refused) }
        return try await next(request, context)
    }
}
