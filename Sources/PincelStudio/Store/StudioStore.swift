import Foundation
import GRDB

/// The studio's SQLite database (GRDB): jobs and uploads. Safe to share between tasks.
///
/// WAL mode (a `DatabasePool`: readers never wait for the writer) with a busy timeout, so a
/// request waits its turn rather than failing with "database is locked".
final class StudioStore: Sendable {
    let paths: StudioPaths
    private let queue: DatabasePool

    /// How long a write waits for another before it fails.
    static let busyTimeout: TimeInterval = 30

    /// Opens (or creates) the database under `paths` and brings its schema up to date.
    /// - Throws: `StudioError.storage`.
    init(paths: StudioPaths) throws {
        self.paths = paths
        try paths.create()
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(Self.busyTimeout)
            queue = try DatabasePool(path: paths.database, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch let error as StudioError {
            throw error
        } catch {
            throw StudioError.storage("cannot open the studio database \(paths.database): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("number", .integer).notNull().unique()
                t.column("state", .text).notNull().indexed()
                t.column("parameters", .text).notNull()
                t.column("seed", .text)
                t.column("iterations", .integer).notNull()
                t.column("planned", .integer).notNull()
                t.column("width", .integer)
                t.column("height", .integer)
                t.column("created", .double).notNull()
                t.column("started", .double)
                t.column("finished", .double)
                t.column("seconds", .double)
                t.column("message", .text)
                t.column("losses", .text).notNull()
                t.column("hasImage", .boolean).notNull()
            }
            try db.create(table: "upload") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("width", .integer).notNull()
                t.column("height", .integer).notNull()
                t.column("created", .double).notNull()
            }
        }
        // The iteration of the last image written (an interrupted job shows it).
        migrator.registerMigration("v2") { db in
            try db.alter(table: "job") { t in t.add(column: "imageIteration", .integer) }
        }
        return migrator
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch { throw StudioError.storage("database read failed: \(error)") }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch { throw StudioError.storage("database write failed: \(error)") }
    }

    // MARK: Jobs

    /// Adds a queued job with the next number.
    func insertJob(parameters: JobParameters, planned: Int) throws -> StudioJob {
        try write { db in
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM job") ?? 0) + 1
            let job = StudioJob(id: StudioID.make(), number: number, state: .queued, parameters: parameters,
                                seed: nil, iterations: 0, planned: planned, width: nil, height: nil,
                                created: Date().timeIntervalSince1970, started: nil, finished: nil, seconds: nil,
                                message: nil, losses: [], hasImage: false, imageIteration: nil)
            try job.insert(db)
            return job
        }
    }

    func save(_ job: StudioJob) throws { try write { db in try job.update(db) } }

    /// A running job's last image was written at `iteration`.
    func recordImage(_ id: String, iteration: Int) throws {
        try write { db in
            try db.execute(sql: "UPDATE job SET imageIteration = ?, hasImage = 1 WHERE id = ?", arguments: [iteration, id])
        }
    }

    func job(_ id: String) throws -> StudioJob? { try read { db in try StudioJob.fetchOne(db, key: id) } }

    /// Every job, newest first.
    func jobs() throws -> [StudioJob] {
        try read { db in try StudioJob.order(Column("number").desc).fetchAll(db) }
    }

    /// The queued job submitted first.
    func nextQueued() throws -> StudioJob? {
        try read { db in
            try StudioJob.filter(Column("state") == JobState.queued.rawValue).order(Column("number")).fetchOne(db)
        }
    }

    /// How many jobs wait.
    func queuedCount() throws -> Int {
        try read { db in try StudioJob.filter(Column("state") == JobState.queued.rawValue).fetchCount(db) }
    }

    /// Removes a job's row. - Returns: `false` when there was none.
    @discardableResult
    func deleteJob(_ id: String) throws -> Bool { try write { db in try StudioJob.deleteOne(db, key: id) } }

    /// Jobs left `running` by a server that stopped: marked `interrupted`; returned.
    func interruptRunning(note: String) throws -> [StudioJob] {
        try write { db in
            var found = try StudioJob.filter(Column("state") == JobState.running.rawValue).fetchAll(db)
            for i in found.indices {
                found[i].state = .interrupted
                found[i].message = note
                found[i].finished = Date().timeIntervalSince1970
                try found[i].update(db)
            }
            return found
        }
    }

    // MARK: Uploads

    func insert(_ upload: StudioUpload) throws { try write { db in try upload.insert(db) } }

    /// Removes an upload's row. - Returns: `false` when there was none.
    @discardableResult
    func deleteUpload(_ id: String) throws -> Bool { try write { db in try StudioUpload.deleteOne(db, key: id) } }

    /// The queued and running jobs that use the image `reference` (`upload:ID`).
    func waitingJobs(using reference: String) throws -> [StudioJob] {
        try read { db in
            try StudioJob.filter([JobState.queued.rawValue, JobState.running.rawValue].contains(Column("state"))).fetchAll(db)
        }.filter { $0.parameters.content == reference || $0.parameters.styles.contains(reference) }
    }

    func upload(_ id: String) throws -> StudioUpload? { try read { db in try StudioUpload.fetchOne(db, key: id) } }

    func uploads() throws -> [StudioUpload] {
        try read { db in try StudioUpload.order(Column("created").desc).fetchAll(db) }
    }
}
