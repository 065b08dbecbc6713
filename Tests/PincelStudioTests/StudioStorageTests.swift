import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Pincel
import Testing
@testable import PincelStudio

/// What the studio keeps: parallel uploads each with their row, limits a page cannot pass,
/// deletion of the studio's own files, one studio per folder, examples that stay in their folder.
@Suite struct StudioStorageTests {
    @Test func twoHundredParallelUploadsEachKeepTheirRowAndNoneFails() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        let photo = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.path + "/examples/photo.png"))
        try await fixture.studio.makeApplication().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        try await client.send(uri: "/api/uploads?name=p\(i).png", method: .post, body: ByteBuffer(bytes: photo)).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 200 && statuses.allSatisfy { $0 == .created }, "\(Set(statuses.map(\.code)))")
        }
        let rows = Set(try fixture.studio.store.uploads().map { $0.id + ".png" })
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.studio.store.paths.uploads))
        #expect(rows.count == 200 && files == rows)  // every file has its row, no temporary file is left
    }

    @Test func theQueueHoldsAtMostItsLimit() async throws {
        let runner = FakeRunner(holdAt: 1)
        let fixture = try StudioFixture(runner: runner) { $0.maxQueued = 3 }
        defer { fixture.folder.remove() }
        try await fixture.studio.resume()
        try await fixture.studio.makeApplication().test(.router) { client in
            let body = jsonBody(["content": "example:photo.png", "styles": ["example:paint.png"], "size": 64, "iterations": 5])
            #expect(try await client.send(uri: "/api/jobs", method: .post, body: body).status == .created)  // runs
            #expect(try await eventually { try fixture.studio.store.queuedCount() == 0 })
            for _ in 0..<3 { #expect(try await client.send(uri: "/api/jobs", method: .post, body: body).status == .created) }
            let full = try await client.send(uri: "/api/jobs", method: .post, body: body)
            #expect(full.status == .conflict)
            #expect((json(full.body) as? [String: String])?["error"]
                    == "the queue is full: 3 jobs wait already (at most 3); wait for one to finish or cancel one")
            #expect(try fixture.studio.store.queuedCount() == 3)
        }
        runner.release()
        await fixture.studio.queue.detach()
    }

    @Test func uploadsStopAtTheStorageLimit() async throws {
        let fixture = try StudioFixture(runner: FakeRunner()) { $0.maxStorageBytes = 10_000 }
        defer { fixture.folder.remove() }
        let photo = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.path + "/examples/photo.png"))
        try await fixture.studio.makeApplication().test(.router) { client in
            var created = 0
            var refusal: TestResponse?
            for _ in 0..<50 {
                let reply = try await client.send(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: photo))
                if reply.status == .created { created += 1 } else { refusal = reply; break }
            }
            let refused = try #require(refusal)
            #expect(created >= 1 && refused.status == .contentTooLarge)
            let message = (json(refused.body) as? [String: String])?["error"] ?? ""
            #expect(message.hasPrefix("the studio's storage is full (") && message.contains("of 10 kB used): delete some uploads or results"))
            #expect(fixture.studio.library.budget.used() <= 10_000)
            // Jobs too, when their result (at most 64 × 64 × 3 bytes) would not fit.
            let job = try await client.send(uri: "/api/jobs", method: .post,
                                            body: jsonBody(["content": "example:photo.png", "styles": ["example:paint.png"], "size": 64]))
            #expect(job.status == .contentTooLarge)
            // Deleting makes room again.
            let first = try #require(try fixture.studio.store.uploads().first)
            #expect(try await client.send(uri: "/api/uploads/\(first.id)", method: .delete).status == .ok)
            #expect(try await client.send(uri: "/api/uploads", method: .post, body: ByteBuffer(bytes: photo)).status == .created)
        }
        #expect(StorageSize.parse("500MB") == 500_000_000 && StorageSize.parse("2GB") == 2_000_000_000)
        #expect(StorageSize.parse("2 GiB") == 2_147_483_648 && StorageSize.parse("1.5g") == 1_500_000_000 && StorageSize.parse("123") == 123)
        #expect(StorageSize.parse("-1GB") == nil && StorageSize.parse("GB") == nil && StorageSize.parse("2 parsecs") == nil)
        #expect(StorageSize.format(2_000_000_000) == "2 GB" && StorageSize.format(1_500_000) == "1.5 MB")
    }

    @Test func deletingAnUploadOrAResultRemovesItsFilesOnly() async throws {
        let runner = FakeRunner(holdAt: 2)
        let fixture = try StudioFixture(runner: runner)
        defer { fixture.folder.remove() }
        try await fixture.studio.resume()
        let paths = fixture.studio.store.paths
        let photo = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.path + "/examples/photo.png"))
        try await fixture.studio.makeApplication().test(.router) { client in
            let made = try await client.send(uri: "/api/uploads?name=me.png", method: .post, body: ByteBuffer(bytes: photo))
            let id = try #require(((json(made.body) as? [String: Any])?["ref"] as? String)?.dropFirst(7)).description
            let job = try await client.send(uri: "/api/jobs", method: .post,
                                            body: jsonBody(["content": "upload:" + id, "styles": ["example:paint.png"], "size": 64, "iterations": 4]))
            let jobID = try #require((json(job.body) as? [String: Any])?["id"] as? String)
            #expect(try await eventually { try await fixture.studio.queue.job(jobID).state == .running })
            // A running job's image and the job itself cannot go.
            let busy = try await client.send(uri: "/api/uploads/\(id)", method: .delete)
            #expect(busy.status == .conflict && (json(busy.body) as? [String: String])?["error"] == "job 1 (running) uses this image: cancel or stop it first")
            #expect(try await client.send(uri: "/api/jobs/\(jobID)", method: .delete).status == .conflict)
            runner.release()
            #expect(try await eventually { try await fixture.studio.queue.job(jobID).state == .done })
            // A file of the user's beside the studio's, in the job's folder: kept.
            let mine = paths.job(jobID) + "/notes.txt"
            try Data("mine".utf8).write(to: URL(fileURLWithPath: mine))
            #expect(FileManager.default.fileExists(atPath: paths.result(jobID)))
            #expect(try await client.send(uri: "/api/jobs/\(jobID)", method: .delete).status == .ok)
            #expect(!FileManager.default.fileExists(atPath: paths.result(jobID)) && !FileManager.default.fileExists(atPath: paths.last(jobID)))
            #expect(FileManager.default.fileExists(atPath: mine))
            #expect(try await client.send(uri: "/api/jobs/\(jobID)", method: .get).status == .notFound)
            // The upload, now unused.
            #expect(try await client.send(uri: "/api/uploads/\(id)", method: .delete).status == .ok)
            #expect(!FileManager.default.fileExists(atPath: paths.upload(id)))
            #expect(try await client.send(uri: "/api/uploads/\(id)", method: .get).status == .notFound)
            #expect(try await client.send(uri: "/api/uploads/\(id)", method: .delete).status == .notFound)
            for bad in ["../studio.sqlite", "x", String(repeating: "a", count: 36)] {
                #expect(try await client.send(uri: "/api/uploads/\(bad)", method: .delete).status == .notFound)
                #expect(try await client.send(uri: "/api/jobs/\(bad)", method: .delete).status == .notFound)
            }
            #expect(FileManager.default.fileExists(atPath: paths.database))
        }
    }

    @Test func aSecondStudioOnTheSameFolderStopsAndLeavesTheFirstsJobAlone() async throws {
        let runner = FakeRunner(holdAt: 3)
        let first = try StudioFixture(runner: runner)
        defer { first.folder.remove() }
        try await first.studio.resume()
        first.studio.lock.record(address: "http://127.0.0.1:8123/")
        let job = try await first.studio.queue.submit(JobParameters(content: "example:photo.png", styles: ["example:paint.png"], size: 64,
                                                                   iterations: 10))
        #expect(try await eventually { try await first.studio.queue.job(job.id).iterations == 3 })
        do {
            _ = try StudioFixture(runner: FakeRunner(), folder: first.folder)
            Issue.record("a second studio opened the folder")
        } catch StudioError.alreadyRunning(let message) {
            #expect(message.contains("(pid \(getpid()), http://127.0.0.1:8123/)") && !message.contains("\n"), "\(message)")
        }
        let still = try #require(try first.studio.store.job(job.id))
        #expect(still.state == .running && still.message == nil)
        let idle = await first.studio.queue.isIdle
        #expect(!idle)
        runner.release()
        #expect(try await eventually { try await first.studio.queue.job(job.id).state == .done })
    }

    @Test func examplesAreRegularFilesDirectlyInTheirFolder() async throws {
        let fixture = try StudioFixture(runner: FakeRunner())
        defer { fixture.folder.remove() }
        let examples = fixture.folder.path + "/examples"
        let secret = fixture.folder.path + "/secret.png"
        try Data("the owner's secret".utf8).write(to: URL(fileURLWithPath: secret))
        try FileManager.default.createSymbolicLink(atPath: examples + "/x.png", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: examples + "/y.png", withDestinationPath: secret)
        try FileManager.default.createSymbolicLink(atPath: examples + "/z.png", withDestinationPath: "photo.png")  // even inside
        try Data("hidden".utf8).write(to: URL(fileURLWithPath: examples + "/.hidden.png"))
        try FileManager.default.createDirectory(atPath: examples + "/folder.png", withIntermediateDirectories: true)
        try await fixture.studio.makeApplication().test(.router) { client in
            let list = json(try await client.send(uri: "/api/examples", method: .get).body) as? [[String: Any]]
            #expect(list?.compactMap { $0["name"] as? String } == ["paint.png", "photo.png"])
            for name in ["x.png", "y.png", "z.png", ".hidden.png", "folder.png"] {
                let reply = try await client.send(uri: "/api/examples/" + name, method: .get)
                #expect(reply.status == .notFound, "\(name)")
                #expect(!String(buffer: reply.body).contains("root:") && !String(buffer: reply.body).contains("secret"))
                let job = try await client.send(uri: "/api/jobs", method: .post,
                                                body: jsonBody(["content": "example:" + name, "styles": ["example:paint.png"]]))
                #expect(job.status == .badRequest, "\(name)")
            }
        }
    }
}
