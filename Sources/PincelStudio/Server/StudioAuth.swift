import Foundation
import HTTPTypes
import Hummingbird

/// The studio's secret: a token that every request carries, in its cookie (set once by the page's
/// token exchange, `GET /?token=T`) or in a header (`Authorization: token T`, `Authorization:
/// Bearer T`, `X-Pincel-Token: T`) for scripts. Like Jupyter's: whoever has it is the owner.
struct StudioAuth: Sendable {
    /// The token (checked by ``Studio/Configuration/validate()``).
    let token: String
    /// The port served, for the cookie's name (two studios on one host keep apart cookies).
    let served: ServedAddress

    /// The cookie's name: `pincel-studio-<port>`.
    var cookieName: String { "pincel-studio-\(served.port)" }

    /// How a request proved it holds the token, or `nil` when it did not.
    enum Proof: Equatable { case cookie, header }

    /// The proof a request carries (the token header or the cookie, compared in constant time).
    func proof(of request: Request) -> Proof? {
        if let given = Self.headerToken(of: request) { return Self.equal(given, token) ? .header : nil }
        let name = cookieName
        for field in request.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                if Self.equal(parts[1].trimmingCharacters(in: .whitespaces), token) { return .cookie }
            }
        }
        return nil
    }

    /// `Set-Cookie` of the token exchange: HttpOnly (no script reads it), SameSite=Strict (no
    /// other site's page sends it), for every path, for this browser session.
    var setCookie: String { "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict" }

    /// The token of `X-Pincel-Token`, `Authorization: token T` or `Authorization: Bearer T`.
    static func headerToken(of request: Request) -> String? {
        if let name = HeaderName.token, let header = request.headers[name] { return header }
        guard let auth = request.headers[.authorization] else { return nil }
        for scheme in ["token ", "bearer "] where auth.lowercased().hasPrefix(scheme) {
            return String(auth.dropFirst(scheme.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Compares in time that depends only on the lengths, never on where they differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<max(x.count, y.count) {
            diff |= Int((i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0))
        }
        return diff == 0
    }

    /// A new random token: 32 hex digits (128 bits from the system's generator).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// `nil` for a token fit to use: at least 8 characters, letters, digits, `-` and `_` only
    /// (it goes into a URL and a cookie unescaped); else why not.
    static func problem(with token: String) -> String? {
        guard token.count >= 8, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return "the token must be at least 8 letters, digits, '-' or '_'"
        }
        return nil
    }
}
