import Foundation
import Hummingbird
import HummingbirdTesting
import Pincel
import Testing
@testable import PincelStudio

/// The gallery survives a restart; a server stopped mid-run marks that job interrupted and keeps
/// its last image; queued jobs resume.
@Suite struct StudioPersistenceTests {
    func submit(_ studio: Studio, content: String, iterations: Int) async throws -> String {
        try await studio.queue.submit(JobParameters(content: "example:" + content, styles: ["example:paint.png"], size: 64,
                                                    iterations: iterations)).id
    }

    @Test func aRestartInterruptsTheRunningJobKeepsItsImageAndResumesTheQueue() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let first = FakeRunner(holdAt: 4, holdingRun: 2)
        let before = try StudioFixture(runner: first, folder: folder)
        try await before.studio.resume()
        let done = try await submit(before.studio, content: "paint.png", iterations: 2)
        #expect(try await eventually { try await before.studio.queue.job(done).state == .done })
        let running = try await submit(before.studio, content: "photo.png", iterations: 50)
        let queued = try await submit(before.studio, content: "paint.png", iterations: 3)
        let last = before.studio.store.paths.last(running)
        #expect(try await eventually {
            let job = try await before.studio.queue.job(running)
            let stored = try before.studio.store.job(running)
            return job.iterations == 4 && FileManager.default.fileExists(atPath: last) && stored?.losses.count == 4
                && stored?.imageIteration == 4
        })

        // "Kill" the server: it stops touching its folder and lets go of its lock, and a new
        // studio opens the same folder.
        await before.studio.queue.detach()
        before.studio.lock.release()
        let second = FakeRunner()
        let after = try await StudioFixture.reopen(runner: second, folder: folder)
        #expect(try await after.studio.resume() == 1)
        let interrupted = try await after.studio.queue.job(running)
        #expect(interrupted.state == .interrupted && interrupted.hasImage)
        #expect(interrupted.losses.count == 4 && interrupted.seed == "42")
        // It shows the iteration of its last image, and says so.
        #expect(interrupted.iterations == 4 && interrupted.imageIteration == 4)
        #expect(interrupted.message == "the server stopped during the run; its last image (iteration 4) is kept")
        #expect(try await eventually { try await after.studio.queue.job(queued).state == .done })
        #expect(second.order == ["paint.png"])
        try await after.studio.makeApplication().test(.router) { client in
            let list = json(try await client.send(uri: "/api/jobs", method: .get).body) as? [[String: Any]] ?? []
            #expect(list.map { $0["state"] as? String } == ["done", "interrupted", "done"])
            let image = try await client.send(uri: "/api/jobs/\(running)/image", method: .get)
            #expect(image.status == .ok && image.headers[.contentType] == "image/jpeg")
            let kept = try await client.send(uri: "/api/jobs/\(done)/image", method: .get)
            #expect(kept.status == .ok && kept.headers[.contentType] == "image/png")
            let detail = json(try await client.send(uri: "/api/jobs/\(done)", method: .get).body) as? [String: Any]
            #expect((detail?["losses"] as? [Any])?.count == 2)
            #expect((detail?["parameters"] as? [String: Any])?["size"] as? Int == 64)
        }
    }

    @Test func uploadsSurviveARestart() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let photo = try Data(contentsOf: URL(fileURLWithPath: try StudioFixture.examples(in: folder.path) + "/photo.png"))
        let before = try StudioFixture(runner: FakeRunner(), folder: folder)
        let upload = try before.studio.library.ingest(photo, name: "mine.png")
        before.studio.lock.release()
        let after = try await StudioFixture.reopen(runner: FakeRunner(), folder: folder)
        #expect(try after.studio.store.uploads() == [upload])
        #expect(try after.studio.library.path(of: "upload:" + upload.id) == folder.path + "/studio/uploads/\(upload.id).png")
    }
}

/// What an interrupted job shows: the iteration of its last image, or that nothing was written.
@Suite struct StudioInterruptionTests {
    /// A runner that reports iterations without ever giving an image, then holds until cancelled.
    struct ImagelessRunner: JobRunner {
        func run(content: String, styles: [String], options: TransferOptions, live: LiveJob) async -> RunOutcome {
            live.started(seed: 1, width: 12, height: 8, total: options.iterations)
            for i in 1...3 { live.record(iteration: i, total: options.iterations, elapsed: 0, point: nil, image: nil) }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            return RunOutcome(state: .stopped, image: nil, seed: 1, iterations: 3, planned: options.iterations, seconds: 0, message: nil)
        }
    }

    @Test func anInterruptionBeforeAnyImageSaysNothingWasKept() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let before = try StudioFixture(runner: ImagelessRunner(), folder: folder)
        try await before.studio.resume()
        let job = try await before.studio.queue.submit(JobParameters(content: "example:photo.png", styles: ["example:paint.png"], size: 64,
                                                                     iterations: 50))
        #expect(try await eventually { try before.studio.store.job(job.id)?.state == .running })
        try await Task.sleep(for: .milliseconds(100))
        await before.studio.queue.detach()
        before.studio.lock.release()
        let after = try await StudioFixture.reopen(runner: FakeRunner(), folder: folder)
        try await after.studio.resume()
        let interrupted = try await after.studio.queue.job(job.id)
        #expect(interrupted.state == .interrupted && !interrupted.hasImage && interrupted.imageIteration == nil)
        #expect(interrupted.message == "the server stopped during the run, before any image was written: nothing was kept")
    }

    @Test func theIterationOfTheLastImageIsStoredWithIt() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        // Frames every 20 ms while a page watches; the progress only every 100 s: the image's
        // iteration must still reach the database each time an image is written.
        let fixture = try StudioFixture(runner: FakeRunner(holdAt: 6), folder: folder) { $0.saveInterval = 100 }
        try await fixture.studio.resume()
        let watcher = fixture.studio.hub.subscribe()
        defer { fixture.studio.hub.unsubscribe(watcher.id) }
        let job = try await fixture.studio.queue.submit(JobParameters(content: "example:photo.png", styles: ["example:paint.png"], size: 64,
                                                                      iterations: 50))
        #expect(try await eventually {
            let stored = try fixture.studio.store.job(job.id)
            return stored?.imageIteration == 6 && FileManager.default.fileExists(atPath: fixture.studio.store.paths.last(job.id))
        })
        await fixture.studio.queue.detach()
    }
}

/// A real transfer (random VGG19 weights, 32 px) through the studio, and the live feed.
@Suite struct StudioTransferTests {
    @Test func aRealTransferRunsStreamsFramesAndKeepsItsResult() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let fixture = try StudioFixture(runner: TransferRunner(weights: randomStudioWeights(seed: 7)), folder: folder)
        try await fixture.studio.resume()
        let watcher = fixture.studio.hub.subscribe()
        let collected = Task {
            var ticks: [LiveMessageProbe] = []
            for await text in watcher.messages {
                if let probe = try? JSONDecoder().decode(LiveMessageProbe.self, from: Data(text.utf8)), probe.type == "tick" { ticks.append(probe) }
                if text.contains("\"state\":\"done\"") { break }
            }
            return ticks
        }
        let job = try await fixture.studio.queue.submit(JobParameters(content: "example:photo.png", styles: ["example:paint.png"],
                                                                      size: 32, iterations: 12, seed: "3"))
        #expect(try await eventually(seconds: 120) { try await fixture.studio.queue.job(job.id).state == .done })
        fixture.studio.hub.unsubscribe(watcher.id)
        let ticks = await collected.value
        let finished = try await fixture.studio.queue.job(job.id)
        #expect(finished.seed == "3" && finished.iterations >= 1 && finished.iterations <= 12)
        #expect(finished.width == 32 && finished.height == 24)
        #expect(!finished.losses.isEmpty && finished.losses.allSatisfy { $0.total.isFinite })
        #expect(ticks.contains { $0.frame?.hasPrefix("data:image/jpeg;base64,") == true })
        // Every loss point reached a page once, in order.
        let sent = ticks.flatMap { $0.points ?? [] }.map { Int($0[0]) }
        #expect(sent == finished.losses.map(\.iteration))
        let result = try ImageIO.load(fixture.studio.store.paths.result(job.id))
        #expect(result.shape == [3, 24, 32])
        #expect(try ImageIO.textMetadata(fixture.studio.store.paths.result(job.id))["seed"] == "3")
    }
}

struct LiveMessageProbe: Decodable {
    let type: String
    let points: [[Double]]?
    let frame: String?
}
