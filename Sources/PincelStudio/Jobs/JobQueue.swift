import Foundation
import Pincel

/// The studio's jobs: a FIFO queue in the database, one run at a time (the CPU is the limit).
///
/// While a job runs, a ticker (a task apart from the optimiser's thread) sends its progress and,
/// when the image changed, a JPEG frame every ``frameInterval``, and writes the last image and
/// the loss curve to disk every ``saveInterval`` so a killed server keeps them.
actor JobQueue {
    let store: StudioStore
    let library: ImageLibrary
    let runner: any JobRunner
    let hub: LiveHub
    let threads: Int?
    let frameInterval: Duration
    let saveInterval: Double
    /// The most jobs that may wait.
    let maxQueued: Int

    private var running: (job: StudioJob, live: LiveJob, task: Task<Void, Never>)?
    /// Set by ``detach()``: the queue no longer touches the database (tests: a "killed" server).
    private var detached = false

    init(store: StudioStore, library: ImageLibrary, runner: any JobRunner, hub: LiveHub, threads: Int?,
         frameInterval: Duration = .milliseconds(500), saveInterval: Double = 3, maxQueued: Int = 20) {
        self.maxQueued = maxQueued
        self.store = store
        self.library = library
        self.runner = runner
        self.hub = hub
        self.threads = threads
        self.frameInterval = frameInterval
        self.saveInterval = saveInterval
    }

    /// After a restart: jobs left running become `interrupted`, showing the iteration of the last
    /// image written (kept) or saying that none was written; then the queued ones run in order.
    /// Returns the interrupted jobs.
    @discardableResult
    func resume() throws -> [StudioJob] {
        var interrupted = try store.interruptRunning(note: "the server stopped during the run")
        for i in interrupted.indices {
            if FileManager.default.fileExists(atPath: store.paths.last(interrupted[i].id)) {
                let reached = interrupted[i].imageIteration ?? interrupted[i].iterations
                interrupted[i].iterations = reached
                interrupted[i].hasImage = true
                interrupted[i].message = "the server stopped during the run; its last image (iteration \(reached)) is kept"
            } else {
                interrupted[i].hasImage = false
                interrupted[i].message = "the server stopped during the run, before any image was written: nothing was kept"
            }
            try store.save(interrupted[i])
        }
        kick()
        return interrupted
    }

    /// Queues a job after checking its parameters and images. - Throws: `StudioError`.
    func submit(_ parameters: JobParameters) throws -> StudioJob {
        let options = try parameters.options(threads: threads)
        let waiting = try store.queuedCount()
        guard waiting < maxQueued else {
            throw StudioError.conflict("the queue is full: \(waiting) jobs wait already (at most \(maxQueued)); "
                                       + "wait for one to finish or cancel one")
        }
        // Room for its result: at most 3 bytes a pixel of the longer side squared.
        try library.budget.checkRoom(adding: Int64(parameters.size) * Int64(parameters.size) * 3)
        do {
            _ = try library.path(of: parameters.content)
            for style in parameters.styles { _ = try library.path(of: style) }
        } catch StudioError.notFound(let message) {
            throw StudioError.badRequest(message)  // the request names an image that is not there
        }
        let job = try store.insertJob(parameters: parameters, planned: options.iterations)
        broadcastJobs()
        kick()
        return try store.job(job.id) ?? job
    }

    /// Cancels a queued job, or stops the running one (it keeps the image it reached).
    /// - Throws: `StudioError.notFound`, `.badRequest` for a job already finished.
    func cancel(_ id: String) throws -> StudioJob {
        guard StudioID.isValid(id), var job = try store.job(id) else { throw StudioError.notFound("no job '\(id.prefix(60))'") }
        switch job.state {
        case .queued:
            job.state = .cancelled
            job.finished = Date().timeIntervalSince1970
            try store.save(job)
            broadcastJobs()
            return job
        case .running:
            if let running, running.job.id == id {
                running.task.cancel()
            }
            return job
        default:
            throw StudioError.badRequest("job \(job.number) has already ended (\(job.state.rawValue))")
        }
    }

    /// Deletes an ended job: its files (`result.png`, `last.jpg`, by their names), its folder
    /// when that is then empty, and its row. - Throws: `StudioError.notFound`, `.conflict` for a
    /// job that waits or runs.
    func delete(_ id: String) throws {
        guard StudioID.isValid(id), let job = try store.job(id) else { throw StudioError.notFound("no job '\(id.prefix(60))'") }
        guard job.state.isFinal else {
            throw StudioError.conflict("job \(job.number) is \(job.state.rawValue): \(job.state == .queued ? "cancel" : "stop") it first")
        }
        for file in [store.paths.result(id), store.paths.last(id)] { try StudioFiles.removeOrThrow(file) }
        StudioFiles.removeEmptyFolder(store.paths.job(id))
        try store.deleteJob(id)
        broadcastJobs()
    }

    /// Every job, newest first, with the queue's order.
    func summaries() throws -> [JobSummary] {
        let jobs = try store.jobs()
        let queued = jobs.filter { $0.state == .queued }.sorted { $0.number < $1.number }.map(\.id)
        return jobs.map { job in
            var current = job
            if let running, running.job.id == job.id {
                let snap = running.live.snapshot()
                current.iterations = snap.iteration
            }
            return JobSummary(current, position: queued.firstIndex(of: job.id).map { $0 + 1 })
        }
    }

    /// A job with its loss curve (the live one for the running job). - Throws: `StudioError.notFound`.
    func job(_ id: String) throws -> StudioJob {
        guard StudioID.isValid(id), var job = try store.job(id) else { throw StudioError.notFound("no job '\(id.prefix(60))'") }
        if let running, running.job.id == id { Self.apply(running.live.snapshot(), to: &job) }
        return job
    }

    /// The running job and what it reported last, for a page that just connected.
    func live() -> (job: StudioJob, snapshot: LiveJob.Snapshot)? {
        guard let running else { return nil }
        return (running.job, running.live.snapshot())
    }

    var isIdle: Bool { running == nil }

    // MARK: Running

    /// Stops writing to the database and starting jobs, as if the server had been killed, and
    /// ends the run in progress without recording its end. For tests of a restart.
    func detach() async {
        detached = true
        running?.task.cancel()
        await running?.task.value
    }

    private func kick() {
        guard running == nil, !detached else { return }
        let next: StudioJob?
        do { next = try store.nextQueued() } catch { return }
        guard var job = next else { return }
        job.state = .running
        job.started = Date().timeIntervalSince1970
        let options: TransferOptions
        let content: String
        let styles: [String]
        do {
            options = try job.parameters.options(threads: threads)
            content = try library.path(of: job.parameters.content)
            styles = try job.parameters.styles.map { try library.path(of: $0) }
        } catch {
            job.state = .failed
            job.message = "\(error)"
            job.finished = Date().timeIntervalSince1970
            try? store.save(job)
            broadcastJobs()
            kick()
            return
        }
        do { try store.save(job) } catch { return }
        try? FileManager.default.createDirectory(atPath: store.paths.job(job.id), withIntermediateDirectories: true)
        let live = LiveJob(id: job.id)
        let runner = self.runner
        let ticker = Ticker(queue: self, live: live, hub: hub, paths: store.paths, interval: frameInterval, saveInterval: saveInterval)
        let task = Task {
            let tick = Task { await ticker.loop() }
            let outcome = await runner.run(content: content, styles: styles, options: options, live: live)
            tick.cancel()
            _ = await tick.value
            await ticker.tick(final: true)
            self.finish(job.id, outcome: outcome)
        }
        running = (job, live, task)
        broadcastJobs()
    }

    private func finish(_ id: String, outcome: RunOutcome) {
        guard let running, running.job.id == id, !detached else { return }
        var job = running.job
        Self.apply(running.live.snapshot(), to: &job)
        job.state = outcome.state
        job.iterations = outcome.iterations
        job.planned = outcome.planned
        job.seconds = outcome.seconds
        job.message = outcome.message
        job.finished = Date().timeIntervalSince1970
        if let seed = outcome.seed { job.seed = String(seed) }
        if let image = outcome.image {
            let text = ["pincel-studio-job": job.id, "seed": job.seed ?? "",
                        "iterations": "\(outcome.iterations) of \(outcome.planned)"]
            do {
                try ImageIO.save(image, to: store.paths.result(id), options: ImageSaveOptions(text: text))
                job.hasImage = true
                if image.shape.count == 3 { job.width = image.shape[2]; job.height = image.shape[1] }
            } catch {
                job.message = (job.message.map { $0 + "; " } ?? "") + "the result could not be saved: \(error)"
            }
        }
        if !job.hasImage { job.hasImage = FileManager.default.fileExists(atPath: store.paths.last(id)) }
        try? store.save(job)
        self.running = nil
        broadcastJobs()
        kick()
    }

    /// Stores a running job's progress (the ticker calls it every few seconds).
    func persist(_ id: String, hasImage: Bool, imageIteration: Int?) {
        guard let running, running.job.id == id, !detached else { return }
        var job = running.job
        Self.apply(running.live.snapshot(), to: &job)
        if hasImage { job.hasImage = true }
        if let imageIteration { job.imageIteration = imageIteration }
        try? store.save(job)
        self.running?.job = job
    }

    /// Stores the iteration of the last image just written (the ticker calls it after each
    /// write between two ``persist(_:hasImage:imageIteration:)``): two columns, not the whole row.
    func recordImage(_ id: String, iteration: Int) {
        guard let running, running.job.id == id, !detached else { return }
        try? store.recordImage(id, iteration: iteration)
        self.running?.job.imageIteration = iteration
        self.running?.job.hasImage = true
    }

    private static func apply(_ snap: LiveJob.Snapshot, to job: inout StudioJob) {
        job.iterations = snap.iteration
        if snap.total > 0 { job.planned = snap.total }
        job.losses = snap.points
        if let seed = snap.seed { job.seed = String(seed) }
        if let w = snap.width, let h = snap.height { job.width = w; job.height = h }
    }

    func broadcastJobs() {
        guard let list = try? summaries() else { return }
        hub.broadcast(LiveMessage.Jobs(jobs: list))
    }
}

/// Sends a running job's progress and frames, and writes its last image, off the optimiser's
/// thread. Frames are made only when the image changed, and the optimiser never waits for it.
actor Ticker {
    let queue: JobQueue
    let live: LiveJob
    let hub: LiveHub
    let paths: StudioPaths
    let interval: Duration
    let saveInterval: Double

    private var sentPoints = 0
    private var framedIteration = 0
    private var lastSave = Date()

    init(queue: JobQueue, live: LiveJob, hub: LiveHub, paths: StudioPaths, interval: Duration, saveInterval: Double) {
        self.queue = queue
        self.live = live
        self.hub = hub
        self.paths = paths
        self.interval = interval
        self.saveInterval = saveInterval
    }

    func loop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await tick(final: false)
        }
    }

    /// One tick: new loss points, and a frame when the image changed and a page watches (or the
    /// last image is due to be written).
    func tick(final: Bool) async {
        let snap = live.snapshot()
        let due = final || Date().timeIntervalSince(lastSave) >= saveInterval
        let watched = hub.count > 0
        var frame: String?
        var wrote = false
        if snap.iteration != framedIteration, watched || due, let make = snap.image, let image = make() {
            let path = paths.last(live.id)
            if (try? ImageIO.save(image, to: path, options: ImageSaveOptions(quality: 85, embedSRGBProfile: false))) != nil {
                wrote = true
                framedIteration = snap.iteration
                if watched, let data = FileManager.default.contents(atPath: path) {
                    frame = "data:image/jpeg;base64," + data.base64EncodedString()
                }
            }
        }
        if due {
            lastSave = Date()
            await queue.persist(live.id, hasImage: wrote || FileManager.default.fileExists(atPath: paths.last(live.id)),
                                imageIteration: wrote ? framedIteration : nil)
        } else if wrote {
            await queue.recordImage(live.id, iteration: framedIteration)
        }
        let points = snap.points.count > sentPoints ? Array(snap.points[sentPoints...]) : []
        sentPoints = snap.points.count
        guard watched, !points.isEmpty || frame != nil else { return }
        hub.broadcast(Self.message(job: live.id, snap: snap, points: points, frame: frame))
    }

    static func message(job: String, snap: LiveJob.Snapshot, points: [LossPoint], frame: String?) -> LiveMessage.Tick {
        let eta: Double? = snap.iteration > 0 && snap.total >= snap.iteration
            ? snap.elapsed / Double(snap.iteration) * Double(snap.total - snap.iteration) : nil
        return LiveMessage.Tick(job: job, iteration: snap.iteration, total: snap.total, elapsed: snap.elapsed, eta: eta,
                                points: points.map { [Double($0.iteration), $0.content, $0.style, $0.tv] }, frame: frame)
    }
}
