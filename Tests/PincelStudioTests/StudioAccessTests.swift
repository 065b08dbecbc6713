import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HTTPTypes
import Testing
@testable import PincelStudio

/// Who gets in: the token (cookie or header) on every request, the Host names served, and
/// requests that change something only from the page's own origin with its content type.
@Suite struct StudioAccessTests {
    static let routes: [(String, HTTPRequest.Method)] = [
        ("/", .get), ("/studio.js", .get), ("/studio.css", .get), ("/api/health", .get), ("/api/jobs", .get), ("/api/examples", .get),
        ("/api/examples/photo.png", .get), ("/api/uploads", .get), ("/api/uploads", .post), ("/api/jobs", .post),
        ("/api/jobs/00000000-0000-0000-0000-000000000000", .delete), ("/api/uploads/00000000-0000-0000-0000-000000000000", .delete),
        ("/api/instant", .get), ("/api/instant", .post),
    ]

    @Test func everyRequestWithoutTheTokenIsRefused() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            for (uri, method) in Self.routes {
                let origin: HTTPFields = [.origin: "http://localhost:8080", .contentType: "application/json"]
                #expect(try await client.execute(uri: uri, method: method, headers: origin).status == .unauthorized, "\(uri)")
                for wrong in ["test-token-0123456788", "test-token-012345678", "test-token-01234567890", ""] {
                    var headers = origin
                    headers[HeaderName.token!] = wrong
                    #expect(try await client.execute(uri: uri, method: method, headers: headers).status == .unauthorized, "\(uri) \(wrong)")
                    headers = origin
                    headers[.cookie] = "pincel-studio-8080=\(wrong)"
                    #expect(try await client.execute(uri: uri, method: method, headers: headers).status == .unauthorized, "\(uri) \(wrong)")
                }
                // ?token= is the page's exchange only, never a way into the API.
                if uri != "/" {
                    #expect(try await client.execute(uri: uri + "?token=\(testToken)", method: method, headers: origin).status == .unauthorized)
                }
            }
            // The page without its token: a short plain message on how to get the address.
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .unauthorized && page.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(String(buffer: page.body).contains("Open the address that `pincel studio` printed"))
            let api = try await client.execute(uri: "/api/jobs", method: .get)
            #expect((json(api.body) as? [String: String])?["error"]?.contains("token") == true)
            // The header forms scripts use.
            for header: HTTPFields in [[HeaderName.token!: testToken], [.authorization: "token \(testToken)"],
                                       [.authorization: "Bearer \(testToken)"]] {
                #expect(try await client.execute(uri: "/api/jobs", method: .get, headers: header).status == .ok)
            }
        }
    }

    @Test func theTokenExchangeSetsAStrictHttpOnlyCookieThatThenWorks() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let exchange = try await client.execute(uri: "/?token=\(testToken)", method: .get)
            #expect(exchange.status == .seeOther && exchange.headers[.location] == "/")
            let cookie = try #require(exchange.headers[.setCookie])
            let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes.first == "pincel-studio-8080=\(testToken)")
            #expect(attributes.contains("HttpOnly") && attributes.contains("SameSite=Strict") && attributes.contains("Path=/"))
            #expect(try await client.execute(uri: "/?token=wrong-token-000", method: .get).status == .unauthorized)
            // With the cookie: the page, its assets and the API, with no token in any URL.
            let jar: HTTPFields = [.cookie: "other=1; pincel-studio-8080=\(testToken)"]
            let page = try await client.execute(uri: "/", method: .get, headers: jar)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("href=\"/studio.css\"") && html.contains("src=\"/studio.js\"") && !html.contains("token="))
            for uri in ["/studio.css", "/studio.js", "/api/jobs", "/api/uploads", "/api/examples"] {
                #expect(try await client.execute(uri: uri, method: .get, headers: jar).status == .ok, "\(uri)")
            }
            var post = jar
            post[.origin] = "http://localhost:8080"
            post[.contentType] = "application/json"
            let job = try await client.execute(uri: "/api/jobs", method: .post, headers: post,
                                               body: jsonBody(["content": "example:photo.png", "styles": ["example:paint.png"], "size": 64]))
            #expect(job.status == .created)
            // Another port's cookie is another studio's.
            #expect(try await client.execute(uri: "/api/jobs", method: .get, headers: [.cookie: "pincel-studio-8081=\(testToken)"]).status == .unauthorized)
        }
    }

    static func request(method: HTTPRequest.Method = .get, host: String?, path: String = "/api/jobs", _ fields: [HTTPField.Name: String] = [:]) -> Request {
        var headers = HTTPFields()
        headers[HeaderName.token!] = testToken
        for (name, value) in fields { headers[name] = value }
        return Request(head: HTTPRequest(method: method, scheme: "http", authority: host, path: path, headerFields: headers),
                       body: .init(buffer: ByteBuffer()))
    }

    static func guardian(allowing: [String] = [], host: String = "127.0.0.1") -> RequestGuard {
        let served = ServedAddress(host: host, port: 8080, allowedHosts: allowing)
        return RequestGuard(auth: StudioAuth(token: testToken, served: served), served: served)
    }

    @Test func onlyTheHostNamesServedAreAnswered() {
        let guardian = Self.guardian(allowing: ["studio.lan"])
        for host in ["127.0.0.1:8080", "127.0.0.1", "localhost:8080", "LOCALHOST", "[::1]:8080", "studio.lan:8080", "Studio.LAN"] {
            #expect(guardian.refusal(Self.request(host: host)) == nil, "\(host)")
        }
        for host in ["127.evil.example", "127.evil.example:8080", "evil.example", "localhost.evil", "localhost.evil:8080", "127.0.0.2:8080",
                     "localhost:8081", "127.0.0.1:80", "[::2]:8080", "[::1", "localhost:", "localhost:+8080", "user@localhost:8080",
                     "1270.0.0.1", "localhostx", "studio.lan.evil", ""] {
            #expect(guardian.refusal(Self.request(host: host))?.status == .forbidden, "\(host)")
        }
        #expect(guardian.refusal(Self.request(host: nil))?.status == .forbidden)
        // The bound address is served too (an IPv6 one in brackets).
        #expect(Self.guardian(host: "192.168.1.4").refusal(Self.request(host: "192.168.1.4:8080")) == nil)
        #expect(Self.guardian(host: "::1").refusal(Self.request(host: "[::1]:8080")) == nil)
        #expect(Self.guardian(host: "0.0.0.0").refusal(Self.request(host: "0.0.0.0:8080"))?.status == .forbidden)
    }

    @Test func aRequestThatChangesSomethingMustBeThePagesOwn() {
        let guardian = Self.guardian()
        let page = "http://127.0.0.1:8080"
        func check(_ fields: [HTTPField.Name: String], method: HTTPRequest.Method = .post, path: String = "/api/jobs") -> HTTPResponse.Status? {
            guardian.refusal(Self.request(method: method, host: "127.0.0.1:8080", path: path, fields))?.status
        }
        #expect(check([.origin: page, .contentType: "application/json"]) == nil)
        #expect(check([.origin: page, .contentType: "application/json; charset=utf-8"]) == nil)
        #expect(check([.origin: page, .contentType: "application/json"], method: .delete, path: "/api/jobs/x") == nil)
        #expect(check([.origin: page, .contentType: "application/octet-stream"], path: "/api/uploads") == nil)
        #expect(check([HeaderName.fetchSite!: "same-origin", .contentType: "application/json"]) == nil)
        // Foreign origins, however they are spelt.
        for origin in ["http://evil.example", "http://127.0.0.1:8081", "http://127.0.0.1", "https://127.0.0.1:8080", "null",
                       "http://127.0.0.1:8080.evil.example", "http://localhost:8080", "http://127.evil.example:8080", ""] {
            #expect(check([.origin: origin, .contentType: "application/json"]) == .forbidden, "\(origin)")
        }
        // No origin at all, or another site by Sec-Fetch-Site.
        #expect(check([.contentType: "application/json"]) == .forbidden)
        for site in ["cross-site", "same-site", "none"] {
            #expect(check([.origin: page, HeaderName.fetchSite!: site, .contentType: "application/json"]) == .forbidden, "\(site)")
        }
        // The content types a form or a simple request of another page can send.
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/jsonx"] {
            #expect(check([.origin: page, .contentType: type]) == .forbidden, "\(type)")
            #expect(check([.origin: page, .contentType: type], path: "/api/uploads") == .forbidden, "\(type)")
        }
        #expect(check([.origin: page, .contentType: "application/json"], path: "/api/uploads") == .forbidden)
        #expect(check([.origin: "http://evil.example", .contentType: "application/json"], method: .delete, path: "/api/uploads/x") == .forbidden)
        // A read needs neither.
        #expect(guardian.refusal(Self.request(host: "127.0.0.1:8080", [.origin: "http://evil.example"])) == nil)
    }

    @Test func crossSitePostsAreRefusedBeforeTheyDoAnything() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        let job = jsonBody(["content": "example:photo.png", "styles": ["example:paint.png"], "size": 64])
        let photo = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.path + "/examples/photo.png"))
        try await fixture.studio.makeApplication().test(.router) { client in
            let cases: [(String, HTTPFields, ByteBuffer)] = [
                ("/api/jobs", [.origin: "http://evil.example", .contentType: "text/plain"], job),
                ("/api/jobs", [.origin: "http://evil.example", .contentType: "application/json"], job),
                ("/api/jobs", [.origin: "http://localhost:8080", .contentType: "text/plain"], job),
                ("/api/jobs", [.origin: "http://localhost:8080", .contentType: "application/x-www-form-urlencoded"], job),
                ("/api/jobs", [.origin: "", .contentType: "application/json"], job),
                ("/api/instant", [.origin: "http://evil.example", .contentType: "application/json"], job),
                ("/api/instant", [.origin: "http://localhost:8080", .contentType: "text/plain"], job),
                ("/api/instant", [.origin: "http://localhost:8080", .contentType: "application/x-www-form-urlencoded"], job),
                ("/api/uploads", [.origin: "http://evil.example", .contentType: "application/octet-stream"], ByteBuffer(bytes: photo)),
                ("/api/uploads", [.origin: "http://localhost:8080", .contentType: "text/plain"], ByteBuffer(bytes: photo)),
                ("/api/uploads", [.origin: "http://localhost:8080", .contentType: "multipart/form-data; boundary=b"], ByteBuffer(bytes: photo)),
            ]
            for (uri, headers, body) in cases {
                let reply = try await client.send(uri: uri, method: .post, headers: headers, body: body)
                #expect(reply.status == .forbidden, "\(uri) \(headers)")
                #expect((json(reply.body) as? [String: String])?["error"]?.hasPrefix("refused") == true)
            }
            #expect(try fixture.studio.store.jobs().isEmpty && fixture.studio.store.uploads().isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path + "/studio/uploads").isEmpty)
        }
    }

    @Test func theTokenAndPortsCompareExactly() {
        #expect(StudioAuth.equal("abc", "abc") && !StudioAuth.equal("abc", "abd") && !StudioAuth.equal("abc", "abcd"))
        #expect(!StudioAuth.equal("", "a") && StudioAuth.equal("", ""))
        #expect(StudioAuth.generate().count == 32 && StudioAuth.generate() != StudioAuth.generate())
        #expect(StudioAuth.problem(with: "short") != nil && StudioAuth.problem(with: "has space in it") != nil)
        #expect(StudioAuth.problem(with: "long-enough_token") == nil)
        #expect(ServedAddress.split("[::1]:8080")! == ("[::1]", 8080) && ServedAddress.split("a:99999") == nil)
        #expect(!StudioID.isValid("../../../../etc/passwd") && !StudioID.isValid("") && StudioID.isValid(StudioID.make()))
    }

    @Test func aConfigurationAlwaysHasAToken() throws {
        let configuration = Studio.Configuration(paths: StudioPaths(root: "/nonexistent/studio"))
        #expect(configuration.token.count == 32)
        #expect(Studio.Configuration(paths: StudioPaths(root: "/x")).token != configuration.token)
        try configuration.validate()
        var bad = configuration
        bad.token = "short"
        #expect(throws: StudioError.self) { try bad.validate() }
        bad = configuration
        bad.allowedHosts = ["studio.lan:8080"]
        #expect(throws: StudioError.self) { try bad.validate() }
        #expect(configuration.pageAddress(port: 9) == "http://127.0.0.1:9/?token=\(configuration.token)")
    }

    @Test func webSocketsNeedTheTokenAndThePagesOrigin() async throws {
        let fixture = try StudioFixture(runner: FakeRunner()) { $0.port = 0 }
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let page = "http://127.0.0.1:\(port)"
            let cookie = "pincel-studio-\(port)=\(testToken)"
            // The page's own origin with the cookie (or the header): upgraded, the job list first.
            for headers in [["Cookie: \(cookie)"], ["X-Pincel-Token: \(testToken)"]] {
                let good = try await RawWebSocket.handshake(port: port, path: "/api/live", origin: page, headers: headers)
                #expect(good.hasPrefix("HTTP/1.1 101"))
                #expect(good.contains("\"type\":\"jobs\""))
            }
            // Another origin, no origin, a wrong or no token, the token in the URL, a foreign Host: refused.
            let cases: [(String, String?, [String])] = [
                ("/api/live", "http://evil.example", ["Cookie: \(cookie)"]), ("/api/live", "http://127.0.0.1:1", ["Cookie: \(cookie)"]),
                ("/api/live", nil, ["Cookie: \(cookie)"]), ("/api/live", page, []), ("/api/live", page, ["Cookie: pincel-studio-\(port)=wrong-token-1"]),
                ("/api/live?token=\(testToken)", page, []), ("/api/live", page, ["Cookie: \(cookie)", "Host: 127.evil.example:\(port)"]),
            ]
            for (path, origin, headers) in cases {
                let reply = try await RawWebSocket.handshake(port: port, path: path, origin: origin, headers: headers)
                #expect(!reply.hasPrefix("HTTP/1.1 101"), "\(path) from \(origin ?? "-") \(headers)")
            }
        }
    }

    @Test func foreignHostNamesGetNothingFromARealServer() async throws {
        let fixture = try StudioFixture(runner: FakeRunner()) { $0.port = 0 }
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            for host in ["127.evil.example", "127.evil.example:\(port)", "evil.example", "localhost.evil", "localhost.evil:\(port)"] {
                let reply = try await RawHTTP.request(port: port, "GET /api/uploads HTTP/1.1\r\nHost: \(host)\r\nX-Pincel-Token: \(testToken)\r\n\r\n")
                #expect(reply.status == 403, "\(host)")
                #expect(!reply.text.contains("\"ref\""))
            }
            let good = try await RawHTTP.request(port: port, "GET /api/uploads HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Pincel-Token: \(testToken)\r\n\r\n")
            #expect(good.status == 200)
            let noToken = try await RawHTTP.request(port: port, "GET /api/uploads HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
            #expect(noToken.status == 401)
            let textPlain = try await RawHTTP.request(port: port, "POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://evil.example\r\n"
                                             + "Cookie: pincel-studio-\(port)=\(testToken)\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}")
            #expect(textPlain.status == 403)
        }
    }
}
