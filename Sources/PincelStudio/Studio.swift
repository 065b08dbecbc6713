import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Pincel

/// Pincel Studio: a local web app that runs style transfers one at a time, shows them live and
/// keeps every result in a gallery (SQLite and files under ``StudioPaths``).
///
/// Only its owner gets in: every request carries the configuration's token (a cookie the page
/// gets from `/?token=…`, or a header), names a host the studio serves, and, when it changes
/// something, comes from the page's own origin. One studio per folder (``StudioLock``).
///
/// ```swift
/// let studio = try Studio(configuration: .init(paths: StudioPaths(root: StudioPaths.defaultRoot())), weights: weights)
/// try await studio.run()  // serves http://127.0.0.1:8080/?token=… until SIGINT or SIGTERM
/// ```
public final class Studio: Sendable {
    /// Where and how the studio serves.
    public struct Configuration: Sendable {
        /// Address to bind: loopback by default.
        public var host = "127.0.0.1"
        /// TCP port (0: any free port).
        public var port = 8080
        /// The token every request must carry (a cookie or a header): random unless set.
        public var token = StudioAuth.generate()
        /// More host names the studio answers to, beside `localhost`, `127.0.0.1`, `[::1]` and
        /// ``host`` (a name of this machine that other machines use).
        public var allowedHosts: [String] = []
        /// The most jobs that may wait in the queue.
        public var maxQueued = 20
        /// The most bytes the studio's files (uploads, results) may take.
        public var maxStorageBytes: Int64 = 2_000_000_000
        /// The studio's folder.
        public var paths: StudioPaths
        /// The folder of example images offered on the page, or `nil`.
        public var examplesFolder: String?
        /// Largest upload, bytes.
        public var maxUploadBytes = 25 << 20
        /// Largest upload, pixels (checked from the header before decoding).
        public var maxUploadPixels = 40_000_000
        /// Compute threads of a run (`nil`: all cores).
        public var threads: Int?
        /// Time between live frames of a running job.
        public var frameInterval: Duration = .milliseconds(500)
        /// Seconds between writes of a running job's last image and loss curve to disk.
        public var saveInterval = 3.0

        /// A configuration with the defaults.
        public init(paths: StudioPaths, examplesFolder: String? = nil) {
            self.paths = paths
            self.examplesFolder = examplesFolder
        }

        /// Refuses a malformed token, port or limit. - Throws: `StudioError.badRequest`.
        public func validate() throws {
            if let problem = StudioAuth.problem(with: token) { throw StudioError.badRequest(problem) }
            guard (0...65535).contains(port) else { throw StudioError.badRequest("the port must be 0…65535 (got \(port))") }
            guard maxQueued >= 1 else { throw StudioError.badRequest("the queue must hold at least 1 job (got \(maxQueued))") }
            guard maxStorageBytes >= 1 else { throw StudioError.badRequest("the storage limit must be positive") }
            for name in allowedHosts where ServedAddress.split(name).map({ $0.1 != nil }) ?? true {
                throw StudioError.badRequest("--allow-host takes a host name without port or path (got '\(name.prefix(60))')")
            }
        }

        /// Why `token` cannot be a studio's token, or `nil` when it can.
        public static func problem(withToken token: String) -> String? { StudioAuth.problem(with: token) }

        /// The page's address with its token, as printed for the owner to open.
        public func pageAddress(port: Int) -> String {
            let shown = host.contains(":") ? "[\(host)]" : (host == "0.0.0.0" ? "127.0.0.1" : host)
            return "http://\(shown == "[::]" ? "[::1]" : shown):\(port)/?token=\(token)"
        }
    }

    /// The configuration it was made with.
    public let configuration: Configuration
    let store: StudioStore
    let library: ImageLibrary
    let queue: JobQueue
    let hub: LiveHub
    let previews: InstantPreviews
    let served: ServedAddress
    /// This studio's hold on its folder.
    let lock: StudioLock

    /// A studio whose jobs are Pincel style transfers with `weights`. `lock` is the folder's lock
    /// when the caller took it first (``StudioLock/acquire(_:)``); else the studio takes it.
    /// - Throws: `StudioError` for a bad configuration, a folder another studio serves
    ///   (`.alreadyRunning`), or a database that cannot be opened.
    public convenience init(configuration: Configuration, weights: VGG19Weights, lock: StudioLock? = nil) throws {
        try self.init(configuration: configuration, runner: TransferRunner(weights: weights), lock: lock)
    }

    /// `instant` gives the instant network for the page's previews (tests put in a loader
    /// that fails, as on a machine without the models).
    init(configuration: Configuration, runner: any JobRunner, lock: StudioLock? = nil,
         instant: @escaping InstantPreviews.Loader = { try InstantStylizer.shared() }) throws {
        try configuration.validate()
        self.lock = try lock ?? StudioLock.acquire(configuration.paths)
        self.configuration = configuration
        store = try StudioStore(paths: configuration.paths)
        library = ImageLibrary(store: store, budget: StorageBudget(paths: configuration.paths, limit: configuration.maxStorageBytes),
                               examplesFolder: configuration.examplesFolder,
                               maxUploadBytes: configuration.maxUploadBytes, maxUploadPixels: configuration.maxUploadPixels)
        library.removeLeftovers()
        hub = LiveHub()
        previews = InstantPreviews(folder: configuration.paths.uploads, load: instant)
        served = ServedAddress(host: configuration.host, port: configuration.port, allowedHosts: configuration.allowedHosts)
        queue = JobQueue(store: store, library: library, runner: runner, hub: hub, threads: configuration.threads,
                         frameInterval: configuration.frameInterval, saveInterval: configuration.saveInterval,
                         maxQueued: configuration.maxQueued)
    }

    /// Marks jobs a stopped server left running as interrupted and starts the queued ones.
    /// Returns how many were interrupted. - Throws: `StudioError.storage`.
    @discardableResult
    public func resume() async throws -> Int { try await queue.resume().count }

    /// The web application (routes, WebSocket), not yet running. Call ``resume()`` first.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = StudioRoutes(studio: self).makeRouter()
        var logger = Logger(label: "pincel-studio")
        logger.logLevel = .warning
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 22))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pincel-studio"),
            onServerRunning: { [served = self.served, lock = self.lock, configuration = self.configuration] channel in
                let port = channel.localAddress?.port ?? configuration.port
                served.bound(port: port)
                lock.record(address: configuration.pageAddress(port: port).components(separatedBy: "?").first ?? "")
                await onServerRunning(port)
            },
            logger: logger
        )
    }

    /// Resumes the queue and serves until SIGINT or SIGTERM. `onServerRunning` gets the port.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await resume()
        do {
            try await makeApplication(onServerRunning: onServerRunning).runService()
        } catch let error as IOError {
            let address = "\(configuration.host):\(configuration.port)"
            switch error.errnoCode {
            case EADDRINUSE: throw StudioError.cannotListen("cannot listen on \(address): the port is in use (choose another with --port, or 0 for any)")
            case EADDRNOTAVAIL: throw StudioError.cannotListen("cannot listen on \(address): the address is not one of this machine's")
            case EACCES: throw StudioError.cannotListen("cannot listen on \(address): permission denied (ports below 1024 need privileges)")
            default: throw StudioError.cannotListen("cannot listen on \(address): \(error)")
            }
        }
    }
}
