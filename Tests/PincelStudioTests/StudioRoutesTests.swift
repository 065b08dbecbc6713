import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Pincel
import Testing
@testable import PincelStudio

/// Every HTTP route of the studio through Hummingbird's test client, with a stand-in runner.
@Suite struct StudioRoutesTests {
    @Test func pageAndAssetsAreServedWithALockedDownPolicy() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let page = try await client.send(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: page.body).contains("<title>Pincel Studio</title>"))
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
            let script = try await client.send(uri: "/studio.js", method: .get)
            #expect(script.status == .ok && String(buffer: script.body).contains("new WebSocket"))
            let css = try await client.send(uri: "/studio.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(try await client.send(uri: "/api/health", method: .get).status == .ok)
            #expect(try await client.send(uri: "/nothing-here", method: .get).status == .notFound)
        }
    }

    @Test func examplesAreListedAndServedByNameOnly() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let list = try await client.send(uri: "/api/examples", method: .get)
            let names = (json(list.body) as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["paint.png", "photo.png"])  // notes.txt is not an image, paint_mask.png a mask
            let photo = try await client.send(uri: "/api/examples/photo.png", method: .get)
            #expect(photo.status == .ok && photo.headers[.contentType] == "image/png")
            #expect(Array(photo.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            for bad in ["notes.txt", "paint_mask.png", "..%2Fstudio%2Fstudio.sqlite", "%2E%2E", "missing.png"] {
                let reply = try await client.send(uri: "/api/examples/" + bad, method: .get)
                #expect(reply.status == .notFound, "\(bad)")
            }
        }
    }

    @Test func uploadsAreDecodedCheckedAndStoredUnderGeneratedNames() async throws {
        let fixture = try StudioFixture(runner: FakeRunner()) { $0.maxUploadBytes = 20_000; $0.maxUploadPixels = 2_000 }
        defer { fixture.folder.remove() }
        let photo = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.path + "/examples/photo.png"))
        try await fixture.studio.makeApplication().test(.router) { client in
            let ok = try await client.send(uri: "/api/uploads?name=../../etc/My%20photo.png", method: .post,
                                              body: ByteBuffer(bytes: photo))
            #expect(ok.status == .created)
            let entry = try #require(json(ok.body) as? [String: Any])
            let ref = try #require(entry["ref"] as? String)
            #expect(ref.hasPrefix("upload:") && StudioID.isValid(ref.dropFirst(7)))
            #expect(entry["name"] as? String == "My photo.png")  // the last component, shown only
            #expect(entry["width"] as? Int == 40 && entry["height"] as? Int == 30)
            let id = String(ref.dropFirst(7))
            #expect(FileManager.default.fileExists(atPath: fixture.folder.path + "/studio/uploads/\(id).png"))
            let back = try await client.send(uri: "/api/uploads/\(id)", method: .get)
            #expect(back.status == .ok && back.headers[.contentType] == "image/png")
            let list = try await client.send(uri: "/api/uploads", method: .get)
            #expect((json(list.body) as? [Any])?.count == 1)

            // Too many bytes, too many pixels, not an image, an empty body, SVG: refused, one line each.
            let big = try await client.send(uri: "/api/uploads", method: .post, body: ByteBuffer(repeating: 7, count: 20_001))
            #expect(big.status == .contentTooLarge)
            #expect((json(big.body) as? [String: String])?["error"]?.contains("20000 bytes") == true)
            let wide = try ImageIO.encodedPNGForTests(width: 100, height: 30, folder: fixture.folder.path)
            let tooManyPixels = try await client.send(uri: "/api/uploads?name=wide.png", method: .post, body: ByteBuffer(bytes: wide))
            #expect(tooManyPixels.status == .contentTooLarge)
            #expect((json(tooManyPixels.body) as? [String: String])?["error"] == "wide.png is 100x30 pixels; uploads may have at most 2000 pixels")
            let text = try await client.send(uri: "/api/uploads?name=notes.txt", method: .post, body: ByteBuffer(string: "hello, not a picture"))
            #expect(text.status == .badRequest)
            let message = (json(text.body) as? [String: String])?["error"] ?? ""
            #expect(message.hasPrefix("notes.txt is ") && !message.contains("\n"))
            let svg = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"
            let vector = try await client.send(uri: "/api/uploads?name=a.svg", method: .post, body: ByteBuffer(string: svg))
            #expect(vector.status == .badRequest)
            let empty = try await client.send(uri: "/api/uploads", method: .post, body: ByteBuffer())
            #expect(empty.status == .badRequest)
            // Truncated PNG.
            let cut = try await client.send(uri: "/api/uploads?name=cut.png", method: .post, body: ByteBuffer(bytes: photo.prefix(60)))
            #expect(cut.status == .badRequest)
            // Still serving, and nothing but the one good upload stored.
            #expect(try await client.send(uri: "/api/health", method: .get).status == .ok)
            let files = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path + "/studio/uploads")
            #expect(files == ["\(id).png"])
            for bad in ["x", "../studio", String(repeating: "a", count: 36), id.uppercased()] {
                let reply = try await client.send(uri: "/api/uploads/" + bad, method: .get)
                #expect(reply.status == .notFound, "\(bad)")
            }
        }
    }

    @Test func jobParametersAreCheckedBeforeQueueing() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let cases: [([String: Any], String)] = [
                (["content": "example:photo.png", "styles": ["example:paint.png"], "size": 5], "size must be 32…1024 pixels (got 5)"),
                (["content": "example:photo.png", "styles": [], "size": 64], "choose 1 to 4 paintings (got 0)"),
                (["content": "example:../Package.swift", "styles": ["example:paint.png"]], "no example named '../Package.swift'"),
                (["content": "/etc/passwd", "styles": ["example:paint.png"]], "an image must be example:NAME or upload:ID (got '/etc/passwd')"),
                (["content": "upload:../../x", "styles": ["example:paint.png"]], "no upload '../../x'"),
                (["content": "example:photo.png", "styles": ["example:paint.png"], "colors": "sepia"], "colour mode must be none, luminance, match or yuv (got 'sepia')"),
                (["content": "example:photo.png", "styles": ["example:paint.png"], "seed": "-3"], "seed must be a whole number 0…18446744073709551615 (got '-3')"),
                (["content": "example:photo.png", "styles": ["example:paint.png"], "initial": "photo"], "init must be noise, content, style or instant (got 'photo')"),
                (["content": "example:photo.png", "styles": ["example:paint.png", "example:photo.png"], "blend": [1]], "give one blend weight per painting (2, got 1)"),
                (["content": "example:photo.png", "styles": ["example:paint.png"], "styleWeight": -1], ""),
            ]
            for (body, message) in cases {
                let reply = try await client.send(uri: "/api/jobs", method: .post, body: jsonBody(body))
                #expect(reply.status == .badRequest, "\(body)")
                let error = (json(reply.body) as? [String: String])?["error"] ?? ""
                if message.isEmpty { #expect(!error.isEmpty && !error.contains("\n")) } else { #expect(error == message) }
            }
            let notJSON = try await client.send(uri: "/api/jobs", method: .post, body: ByteBuffer(string: "{size: 3"))
            #expect(notJSON.status == .badRequest)
            let list = try await client.send(uri: "/api/jobs", method: .get)
            #expect((json(list.body) as? [Any])?.isEmpty == true)
            for bad in ["nope", "../../studio.sqlite", "00000000-0000-0000-0000-000000000000"] {
                #expect(try await client.send(uri: "/api/jobs/\(bad)", method: .get).status == .notFound)
                #expect(try await client.send(uri: "/api/jobs/\(bad)/image", method: .get).status == .notFound)
                #expect(try await client.send(uri: "/api/jobs/\(bad)/cancel", method: .post).status == .notFound)
            }
        }
    }

    @Test func jobsRunOneAtATimeInOrderAndCanBeCancelledOrStopped() async throws {
        let runner = FakeRunner(holdAt: 3)
        let fixture = try StudioFixture(runner: runner)
        defer { fixture.folder.remove() }
        try await fixture.studio.resume()
        try await fixture.studio.makeApplication().test(.router) { client in
            var ids: [String] = []
            for (content, iterations) in [("photo.png", 10), ("paint.png", 10), ("photo.png", 7)] {
                let body: [String: Any] = ["content": "example:" + content, "styles": ["example:paint.png"], "size": 64,
                                           "iterations": iterations, "seed": "5"]
                let reply = try await client.send(uri: "/api/jobs", method: .post, body: jsonBody(body))
                #expect(reply.status == .created)
                ids.append(try #require((json(reply.body) as? [String: Any])?["id"] as? String))
            }
            func states() async throws -> [String: String] {
                let list = try await client.send(uri: "/api/jobs", method: .get)
                let jobs = json(list.body) as? [[String: Any]] ?? []
                return Dictionary(uniqueKeysWithValues: jobs.compactMap { j in (j["id"] as? String).map { ($0, j["state"] as? String ?? "") } })
            }
            #expect(try await eventually { try await states()[ids[0]] == "running" })
            var now = try await states()
            #expect(now[ids[1]] == "queued" && now[ids[2]] == "queued")
            // The queue's order shows on the list: job 2 is next, then job 3.
            let list = json(try await client.send(uri: "/api/jobs", method: .get).body) as? [[String: Any]] ?? []
            #expect(list.map { $0["number"] as? Int } == [3, 2, 1])
            #expect(list.map { $0["position"] as? Int } == [2, 1, nil])

            // Cancel the queued job 2: it never runs.
            let cancelled = try await client.send(uri: "/api/jobs/\(ids[1])/cancel", method: .post)
            #expect(cancelled.status == .ok)
            #expect((json(cancelled.body) as? [String: Any])?["state"] as? String == "cancelled")
            // Stop the running job 1: it keeps the image it reached.
            #expect(try await eventually { try await fixture.studio.queue.job(ids[0]).iterations >= 3 })
            #expect(try await client.send(uri: "/api/jobs/\(ids[0])/cancel", method: .post).status == .ok)
            #expect(try await eventually { try await states()[ids[2]] == "done" })
            now = try await states()
            #expect(now == [ids[0]: "stopped", ids[1]: "cancelled", ids[2]: "done"])
            #expect(runner.order == ["photo.png", "photo.png"])  // job 2 never ran
            let stopped = try #require(json(try await client.send(uri: "/api/jobs/\(ids[0])", method: .get).body) as? [String: Any])
            #expect(stopped["iterations"] as? Int == 3 && stopped["seed"] as? String == "42")
            #expect((stopped["losses"] as? [Any])?.count == 3)
            let image = try await client.send(uri: "/api/jobs/\(ids[0])/image?download=1", method: .get)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            #expect(image.headers[.contentDisposition] == "attachment; filename=\"pincel-1.png\"")
            let decoded = try ImageIO.decodePNGForTests(image.body, folder: fixture.folder.path)
            #expect(decoded.shape == [3, 8, 12])
            // Job 3 ran to its cap.
            let done = try #require(json(try await client.send(uri: "/api/jobs/\(ids[2])", method: .get).body) as? [String: Any])
            #expect(done["iterations"] as? Int == 7 && (done["losses"] as? [Any])?.count == 7)
            // A job that ended cannot be cancelled again.
            #expect(try await client.send(uri: "/api/jobs/\(ids[2])/cancel", method: .post).status == .badRequest)
            // The cancelled job has no image.
            #expect(try await client.send(uri: "/api/jobs/\(ids[1])/image", method: .get).status == .notFound)
        }
    }
}

extension ImageIO {
    /// PNG bytes of a grey image, made through the library's saver.
    static func encodedPNGForTests(width: Int, height: Int, folder: String) throws -> Data {
        let path = folder + "/made-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try save(Tensor(shape: [3, height, width], data: [Float](repeating: 128, count: 3 * width * height)), to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Decodes PNG bytes with the library's loader.
    static func decodePNGForTests(_ buffer: ByteBuffer, folder: String) throws -> Tensor {
        let path = folder + "/got-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(buffer.readableBytesView).write(to: URL(fileURLWithPath: path))
        return try load(path)
    }
}
