import Foundation
import HTTPTypes
import Hummingbird

/// Responses of the studio: JSON, errors as `{"error": "…"}`, files.
enum Reply {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return error(.internalServerError, "could not encode the reply") }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable { let error: String }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(ErrorBody(error: message), status: status)
    }

    /// Maps a thrown error to a status and a one-line message.
    static func error(_ thrown: any Error) -> Response {
        switch thrown {
        case let studio as StudioError:
            switch studio {
            case .badRequest(let m): return error(.badRequest, m)
            case .notFound(let m): return error(.notFound, m)
            case .tooLarge(let m): return error(.contentTooLarge, m)
            case .conflict(let m): return error(.conflict, m)
            case .unavailable(let m): return error(.serviceUnavailable, m)
            case .storage(let m), .cannotListen(let m), .alreadyRunning(let m): return error(.internalServerError, m)
            }
        case is DecodingError:
            return error(.badRequest, "the request is not valid JSON for this route")
        case let http as HTTPResponseError where http.status == .contentTooLarge:
            return error(.contentTooLarge, "the upload is larger than this studio accepts")
        case let http as HTTPResponseError where (400..<500).contains(http.status.code):
            return error(http.status, "the request is not valid for this route (\(http.status.code))")
        default:
            return error(.internalServerError, "internal error: \(String(describing: thrown).prefix(200))")
        }
    }

    /// A refused request: JSON `{"error": …}`, or plain text for the page opened without its token.
    static func refusal(_ refused: RequestGuard.Refusal) -> Response {
        guard refused.plain else { return error(refused.status, refused.message) }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: refused.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: refused.message)))
    }

    static func bytes(_ data: Data, type: String, download: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        if let name = HeaderName.noSniff { headers[name] = "nosniff" }
        if let download { headers[.contentDisposition] = "attachment; filename=\"\(download)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func file(_ path: String, type: String, download: String? = nil) -> Response {
        guard let data = StudioFiles.read(path) else { return error(.notFound, "no such image") }
        return bytes(data, type: type, download: download)
    }

    /// The page's own files, with a content security policy that allows nothing from elsewhere.
    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        if let name = HeaderName.noSniff { headers[name] = "nosniff" }
        if let name = HeaderName.securityPolicy { headers[name] = Self.policy }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let policy =
            "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"

    /// The MIME type of an image file by its extension.
    static func imageType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        default: return "image/png"
        }
    }
}

/// Header names the studio sets or reads beyond the standard ones.
enum HeaderName {
    static let noSniff = HTTPField.Name("X-Content-Type-Options")
    static let securityPolicy = HTTPField.Name("Content-Security-Policy")
    static let token = HTTPField.Name("X-Pincel-Token")
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")
    /// Seconds an instant picture took (``InstantRoutes``).
    static let seconds = HTTPField.Name("X-Pincel-Seconds")
}
