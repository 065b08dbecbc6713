import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HTTPTypes
import Testing
@testable import PincelStudio

/// Token, Host and Origin checks.
@Suite struct StudioAccessTests {
    @Test func aTokenIsRequiredOnEveryRequestWhenSet() async throws {
        let token = "s3cret-token-123"
        let fixture = try StudioFixture(runner: FakeRunner()) { $0.token = token }
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            for (uri, method) in [("/", HTTPRequest.Method.get), ("/studio.js", .get), ("/api/jobs", .get), ("/api/examples", .get),
                                  ("/api/examples/photo.png", .get), ("/api/uploads", .post), ("/api/jobs", .post)] {
                let none = try await client.execute(uri: uri, method: method)
                #expect(none.status == .unauthorized, "\(uri)")
                let wrong = try await client.execute(uri: uri + "?token=s3cret-token-124", method: method)
                #expect(wrong.status == .unauthorized, "\(uri)")
                let short = try await client.execute(uri: uri, method: method, headers: [HeaderName.token!: "s3cret"])
                #expect(short.status == .unauthorized, "\(uri)")
            }
            #expect(try await client.execute(uri: "/?token=\(token)", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/api/jobs", method: .get, headers: [HeaderName.token!: token]).status == .ok)
            #expect(try await client.execute(uri: "/api/jobs", method: .get, headers: [.authorization: "Bearer \(token)"]).status == .ok)
            let refused = try await client.execute(uri: "/api/jobs", method: .get)
            #expect((json(refused.body) as? [String: String])?["error"]?.contains("token") == true)
        }
    }

    @Test func aNonLoopbackHostNeedsAToken() throws {
        var configuration = Studio.Configuration(paths: StudioPaths(root: "/nonexistent/studio"))
        configuration.host = "0.0.0.0"
        #expect(throws: StudioError.badRequest("serving 0.0.0.0 needs a token: pass --token (or one is generated)")) {
            try configuration.validate()
        }
        configuration.token = "short"
        #expect(throws: StudioError.self) { try configuration.validate() }
        configuration.token = "long-enough-token"
        try configuration.validate()
        configuration.host = "127.0.0.1"
        configuration.token = nil
        try configuration.validate()
    }

    static func request(host: String?, origin: String? = nil, path: String = "/api/jobs") -> Request {
        var fields = HTTPFields()
        if let origin { fields[.origin] = origin }
        return Request(head: HTTPRequest(method: .get, scheme: "http", authority: host, path: path, headerFields: fields),
                       body: .init(buffer: ByteBuffer()))
    }

    @Test func aLoopbackStudioAnswersOnlyToLoopbackHostNames() {
        let access = StudioAccess(token: nil)
        for host in ["127.0.0.1:8080", "localhost:9", "localhost", "[::1]:8080", "LOCALHOST"] {
            #expect(access.refusal(Self.request(host: host)) == nil, "\(host)")
        }
        for host in ["evil.example:8080", "192.168.1.4", "localhost.evil.example", "[::2]:80"] {
            #expect(access.refusal(Self.request(host: host))?.0 == .forbidden, "\(host)")
        }
        // With a token (another host), the token decides, not the Host.
        let open = StudioAccess(token: "a-token-123")
        #expect(open.refusal(Self.request(host: "studio.lan:8080", path: "/api/jobs?token=a-token-123")) == nil)
        #expect(open.refusal(Self.request(host: "studio.lan:8080"))?.0 == .unauthorized)
    }

    @Test func webSocketOriginsMustBeThePagesOwn() {
        let access = StudioAccess(token: nil)
        #expect(access.originRefusal(Self.request(host: "127.0.0.1:8080")) == nil)  // not a browser
        #expect(access.originRefusal(Self.request(host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080")) == nil)
        for origin in ["http://evil.example", "http://127.0.0.1:8081", "null", "http://127.0.0.1:8080.evil.example"] {
            #expect(access.originRefusal(Self.request(host: "127.0.0.1:8080", origin: origin)) != nil, "\(origin)")
        }
    }

    @Test func hostNamesAndTokensCompareExactly() {
        #expect(StudioAccess.isLoopbackHost("127.0.0.1:80") && StudioAccess.isLoopbackHost("127.1.2.3"))
        #expect(!StudioAccess.isLoopbackHost("1270.0.0.1") && !StudioAccess.isLoopbackHost("localhostx"))
        #expect(!StudioAccess.isLoopbackHost("[::1"))
        #expect(StudioAccess.equal("abc", "abc") && !StudioAccess.equal("abc", "abd") && !StudioAccess.equal("abc", "abcd"))
        #expect(!StudioID.isValid("../../../../etc/passwd") && !StudioID.isValid("") && StudioID.isValid(StudioID.make()))
    }

    @Test func webSocketsFromAnotherOriginOrWithoutTheTokenAreRefused() async throws {
        let token = "live-token-0001"
        let fixture = try StudioFixture(runner: FakeRunner()) { $0.token = token; $0.port = 0 }
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let page = "http://127.0.0.1:\(port)"
            // The page's own origin with the token: upgraded, and the job list arrives first.
            let good = try RawWebSocket.handshake(port: port, path: "/api/live?token=\(token)", origin: page)
            #expect(good.hasPrefix("HTTP/1.1 101"))
            #expect(good.contains("\"type\":\"jobs\""))
            // Another origin, a wrong or no token: refused.
            for (path, origin) in [("/api/live?token=\(token)", "http://evil.example"), ("/api/live?token=\(token)", "http://127.0.0.1:1"),
                                   ("/api/live", page), ("/api/live?token=wrong-token-1", page)] {
                let reply = try RawWebSocket.handshake(port: port, path: path, origin: origin)
                #expect(!reply.hasPrefix("HTTP/1.1 101"), "\(path) from \(origin)")
            }
            // Hummingbird's own client sends Origin ws://localhost: not the page's, refused.
            await #expect(throws: (any Error).self) {
                try await client.ws("/api/live?token=\(token)") { _, _, _ in }
            }
        }
    }
}

import Synchronization
