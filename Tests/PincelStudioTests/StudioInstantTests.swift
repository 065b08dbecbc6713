import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Pincel
import PincelTestSupport
import Testing
@testable import PincelStudio

/// The instant picture of the page's selection (`/api/instant`) and the instant start of a job,
/// with the real instant models (`make weights`): the full tier only.
@Suite(.needsWeights) struct StudioInstantTests {
    /// Uploads the fixture's photo and painting; their references.
    static func uploadBoth(_ client: some TestClientProtocol, folder: String) async throws -> (photo: String, paint: String) {
        var refs: [String] = []
        for name in ["photo.png", "paint.png"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/examples/" + name))
            let reply = try await client.send(uri: "/api/uploads?name=\(name)", method: .post, body: ByteBuffer(bytes: bytes))
            #expect(reply.status == .created)
            refs.append(try #require((json(reply.body) as? [String: Any])?["ref"] as? String))
        }
        return (refs[0], refs[1])
    }

    /// Width and height from a PNG's IHDR.
    static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 24, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        func word(_ at: Int) -> Int { bytes[at ..< at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    @Test func thePreviewOfTwoUploadsIsTheNetworksPictureAtThePreviewSize() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let status = try await client.send(uri: "/api/instant", method: .get)
            #expect((json(status.body) as? [String: Any])?["available"] as? Bool == true)
            let (photo, paint) = try await Self.uploadBoth(client, folder: fixture.folder.path)
            let body = jsonBody(["content": photo, "styles": [paint], "size": 64, "colors": "none"])
            let reply = try await client.send(uri: "/api/instant", method: .post, body: body)
            #expect(reply.status == .ok && reply.headers[.contentType] == "image/png")
            let bytes = Array(reply.body.readableBytesView)
            let size = try #require(Self.pngSize(bytes))
            #expect(size.width == 64 && size.height == 48)  // the 40x30 photo, longer side 64
            #expect(Double(reply.headers[HeaderName.seconds!] ?? "") ?? -1 > 0)

            // The picture is InstantTransfer's on the same files (8-bit rounding apart), not the photo.
            let file = fixture.folder.path + "/preview.png"
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let served = try ImageIO.load(file)
            let paths = try [photo, paint].map { try fixture.studio.library.path(of: $0) }
            var options = TransferOptions()
            options.size = 64
            let request = TransferRequest(content: .file(paths[0]), styles: [.file(paths[1])], options: options)
            let reference = try InstantTransfer(request, stylizer: InstantStylizer.shared()).runBlocking().image
            #expect(served.shape == reference.shape)
            let worst = zip(served.data, reference.data).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 0.51)
            let plain = try ImageIO.load(paths[0], longerSide: 64)
            let meanChange = zip(served.data, plain.data).map { abs($0 - $1) }.reduce(0, +) / Float(plain.data.count)
            #expect(meanChange > 10)
            // Nothing of the preview is left on disk.
            let left = try FileManager.default.contentsOfDirectory(atPath: fixture.studio.store.paths.uploads)
            #expect(left.allSatisfy { !$0.contains("preview") })
        }
    }

    @Test func aJobThatStartsFromTheInstantPictureRuns() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let fixture = try StudioFixture(runner: TransferRunner(weights: randomStudioWeights(seed: 5)), folder: folder)
        try await fixture.studio.makeApplication().test(.router) { client in
            let body = jsonBody(["content": "example:photo.png", "styles": ["example:paint.png"], "size": 32,
                                 "iterations": 4, "seed": "1", "initial": "instant"])
            let reply = try await client.send(uri: "/api/jobs", method: .post, body: body)
            #expect(reply.status == .created)
            let id = try #require((json(reply.body) as? [String: Any])?["id"] as? String)
            #expect(try await eventually(seconds: 120) { try await fixture.studio.queue.job(id).state.isFinal })
            let job = try await fixture.studio.queue.job(id)
            #expect(job.state == .done && job.parameters.initial == "instant" && job.iterations >= 1, "\(job.message ?? "")")
            #expect(try ImageIO.load(fixture.studio.store.paths.result(id)).shape == [3, 24, 32])
        }
        await fixture.studio.queue.detach()
    }
}

/// The instant picture's refusals and the studio without the instant models: no models needed.
@Suite struct StudioInstantRefusalTests {
    @Test func badPreviewRequestsGetAOneLineError() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let photo = "example:photo.png", paint = "example:paint.png"
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["content": "upload:00000000-0000-0000-0000-000000000000", "styles": [paint]], .notFound, "no upload"),
                (["content": "upload:../../studio.sqlite", "styles": [paint]], .notFound, "no upload"),
                (["content": photo, "styles": ["file:/etc/passwd"]], .badRequest, "example:NAME or upload:ID"),
                (["content": photo, "styles": ["example:missing.png"]], .notFound, "no example"),
                (["content": photo, "styles": []], .badRequest, "choose 1 to 4 paintings"),
                (["content": photo, "styles": [paint], "size": 1024], .badRequest, "32…512"),
                (["content": photo, "styles": [paint], "colors": "sepia"], .badRequest, "colour mode"),
                (["content": photo, "styles": [paint, paint], "blend": [1]], .badRequest, "one blend weight per painting"),
                (["content": photo, "styles": [paint, paint], "blend": [0, 0]], .badRequest, "not all 0"),
                (["styles": [paint]], .badRequest, "not valid"),
            ]
            for (body, status, words) in cases {
                let reply = try await client.send(uri: "/api/instant", method: .post, body: jsonBody(body))
                #expect(reply.status == status, "\(body)")
                let message = (json(reply.body) as? [String: String])?["error"] ?? ""
                #expect(message.contains(words) && !message.contains("\n"), "\(body): \(message)")
            }
        }
    }

    @Test func withoutTheModelsThePageIsToldWhyAndOtherStartsStillRun() async throws {
        let empty = try TempFolder()
        defer { empty.remove() }
        let fixture = try StudioFixture(runner: FakeRunner(), instant: { try InstantStylizer(modelsFolder: empty.path) })
        defer { fixture.folder.remove() }
        try await fixture.studio.makeApplication().test(.router) { client in
            let status = try await client.send(uri: "/api/instant", method: .get)
            let answer = try #require(json(status.body) as? [String: Any])
            let reason = try #require(answer["reason"] as? String)
            #expect(answer["available"] as? Bool == false && reason.contains("make weights") && !reason.contains("\n"))
            let preview = try await client.send(uri: "/api/instant", method: .post,
                                                body: jsonBody(["content": "example:photo.png", "styles": ["example:paint.png"]]))
            #expect(preview.status == .serviceUnavailable)
            #expect((json(preview.body) as? [String: String])?["error"]?.hasPrefix("no instant picture: cannot read the instant model") == true)
            let job = ["content": "example:photo.png", "styles": ["example:paint.png"], "iterations": 3] as [String: Any]
            let instant = try await client.send(uri: "/api/jobs", method: .post, body: jsonBody(job.merging(["initial": "instant"]) { $1 }))
            #expect(instant.status == .badRequest)
            #expect((json(instant.body) as? [String: String])?["error"]?.hasPrefix("the instant start needs the instant models") == true)
            let noise = try await client.send(uri: "/api/jobs", method: .post, body: jsonBody(job))
            #expect(noise.status == .created)
        }
        await fixture.studio.queue.detach()
    }

    @Test func theInstantStartMapsToTheLibrarysStart() throws {
        let parameters = JobParameters(content: "example:photo.png", styles: ["example:paint.png"], initial: "instant")
        #expect(try parameters.options().initial == .instant)
        var wrong = parameters
        wrong.initial = "instantly"
        #expect(throws: StudioError.badRequest("init must be noise, content, style or instant (got 'instantly')")) { try wrong.options() }
    }

    /// One picture at a time; a waiting request is dropped when a newer one arrives.
    @Test func aNewerPreviewSupersedesTheWaitingOne() async throws {
        let gate = PreviewGate()
        #expect(await gate.enter())
        let second = Task { await gate.enter() }
        #expect(try await eventually { await gate.hasWaiting })
        let third = Task { await gate.enter() }
        #expect(await second.value == false)
        await gate.leave()
        #expect(await third.value == true)
        await gate.leave()
        #expect(await gate.enter())  // free again
    }
}
