import Foundation
import HTTPTypes
import Hummingbird

/// Who may use the studio: the token (when set) on every request, the Host header on a
/// loopback studio without a token (against DNS rebinding), and the Origin of WebSockets.
struct StudioAccess: Sendable {
    /// The token every request must carry (`X-Pincel-Token`, `Authorization: Bearer`, or `?token=`).
    let token: String?

    /// Why a request is refused (status and message), or `nil` when it may pass.
    func refusal(_ request: Request) -> (HTTPResponse.Status, String)? {
        if let token {
            guard let given = Self.token(of: request), Self.equal(given, token) else {
                return (.unauthorized, "this studio needs its token: open the address `pincel studio` printed (with ?token=…)")
            }
            return nil
        }
        if let host = request.head.authority, !Self.isLoopbackHost(host) {
            return (.forbidden, "this studio answers only to localhost (127.0.0.1); start it with --host and --token to serve others")
        }
        return nil
    }

    /// `nil` when a WebSocket upgrade may go on: no Origin (not a browser), or the page's own
    /// origin (`http://` + the Host header).
    func originRefusal(_ request: Request) -> String? {
        guard let origin = request.headers[.origin] else { return nil }
        guard let host = request.head.authority, origin == "http://" + host || origin == "https://" + host else {
            return "WebSocket from another origin refused"
        }
        return nil
    }

    static func token(of request: Request) -> String? {
        if let name = HeaderName.token, let header = request.headers[name] { return header }
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") { return String(auth.dropFirst(7)) }
        return request.uri.queryParameters["token"].map(String.init)
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = x.count == y.count ? 0 : 1
        for i in 0..<min(x.count, y.count) { diff |= Int(x[i] ^ y[i]) }
        return diff == 0
    }

    /// `localhost`, `127.x.x.x` or `[::1]`, with or without a port.
    static func isLoopbackHost(_ host: String) -> Bool {
        var name = Substring(host.lowercased())
        if name.hasPrefix("[") {
            guard let end = name.firstIndex(of: "]") else { return false }
            return name[name.index(after: name.startIndex)..<end] == "::1"
        }
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        return name == "localhost" || name.hasPrefix("127.")
    }

    /// A random token: 32 hex digits.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// `true` for an address only this machine reaches: `localhost`, 127.0.0.0/8, `::1`.
    static func isLoopbackAddress(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// Refuses, before any route, the requests ``StudioAccess`` refuses.
struct StudioAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: StudioAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = access.refusal(request) { return Reply.error(refusal.0, refusal.1) }
        return try await next(request, context)
    }
}
