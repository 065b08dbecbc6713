import Foundation
import GRDB

/// Where a job is in its life.
public enum JobState: String, Codable, Sendable, CaseIterable {
    /// Waiting its turn in the queue.
    case queued
    /// Being optimised now (one job at a time).
    case running
    /// Ran to its cap or converged; the result is kept.
    case done
    /// Stopped from the page while running; the image it had reached is kept.
    case stopped
    /// Cancelled while queued; it never ran.
    case cancelled
    /// The server stopped while it ran; the last image written, if any, is kept.
    case interrupted
    /// The run failed (an unreadable image, a non-finite loss); see the message.
    case failed

    /// `true` once the job will not change any more.
    public var isFinal: Bool { self != .queued && self != .running }
}

/// One point of a job's loss curve: the evaluation and its weighted loss terms.
public struct LossPoint: Codable, Sendable, Equatable {
    /// Evaluation number, 1-based over all scales.
    public var iteration: Int
    /// Content term, weighted.
    public var content: Double
    /// Style term, weighted.
    public var style: Double
    /// Total-variation term, weighted.
    public var tv: Double
    /// The objective: the sum of the three terms.
    public var total: Double { content + style + tv }

    /// A point.
    public init(iteration: Int, content: Double, style: Double, tv: Double) {
        self.iteration = iteration
        self.content = content
        self.style = style
        self.tv = tv
    }
}

/// A job of the studio as stored: its parameters, state, seed, progress and loss curve.
public struct StudioJob: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The database table.
    public static let databaseTableName = "job"

    /// Lower-case UUID.
    public var id: String
    /// Order of submission, 1-based: the queue runs the lowest queued number first.
    public var number: Int
    /// Where the job is.
    public var state: JobState
    /// What the user asked for.
    public var parameters: JobParameters
    /// The seed of the run's noise start, decimal (known once the run starts).
    public var seed: String?
    /// Evaluations done.
    public var iterations: Int
    /// Evaluations planned (the cap).
    public var planned: Int
    /// Result width and height, pixels (known once the run starts).
    public var width: Int?
    /// See ``width``.
    public var height: Int?
    /// Seconds since 1970 when submitted, started and finished.
    public var created: Double
    /// See ``created``.
    public var started: Double?
    /// See ``created``.
    public var finished: Double?
    /// Seconds the optimisation ran.
    public var seconds: Double?
    /// Why it failed, or a note (one line).
    public var message: String?
    /// The loss curve (every evaluation).
    public var losses: [LossPoint]
    /// Whether an image of the job is on disk (its result, or its last image).
    public var hasImage: Bool
    /// The iteration of the last image written while it ran (`nil`: none yet).
    public var imageIteration: Int?
}

/// An uploaded image as stored.
public struct StudioUpload: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The database table.
    public static let databaseTableName = "upload"
    /// Lower-case UUID; the file is `uploads/<id>.png`.
    public var id: String
    /// The name the browser gave (shown only; never a path).
    public var name: String
    /// Decoded width and height, pixels.
    public var width: Int
    /// See ``width``.
    public var height: Int
    /// Seconds since 1970.
    public var created: Double
}
