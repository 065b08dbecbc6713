import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Pincel

/// Pincel Studio: a local web app that runs style transfers one at a time, shows them live and
/// keeps every result in a gallery (SQLite and files under ``StudioPaths``).
///
/// ```swift
/// let studio = try Studio(configuration: .init(paths: StudioPaths(root: StudioPaths.defaultRoot())), weights: weights)
/// try await studio.run()  // serves http://127.0.0.1:8080 until SIGINT or SIGTERM
/// ```
public final class Studio: Sendable {
    /// Where and how the studio serves.
    public struct Configuration: Sendable {
        /// Address to bind: loopback by default; any other needs ``token``.
        public var host = "127.0.0.1"
        /// TCP port (0: any free port).
        public var port = 8080
        /// The token every request must carry, or `nil` (only allowed on loopback).
        public var token: String?
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

        /// Refuses a non-loopback ``host`` without a ``token``. - Throws: `StudioError.badRequest`.
        public func validate() throws {
            if token == nil, !StudioAccess.isLoopbackAddress(host) {
                throw StudioError.badRequest("serving \(host) needs a token: pass --token (or one is generated)")
            }
            if let token, token.count < 8 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                throw StudioError.badRequest("the token must be at least 8 letters, digits, '-' or '_'")
            }
            guard (0...65535).contains(port) else { throw StudioError.badRequest("the port must be 0…65535 (got \(port))") }
        }
    }

    /// The configuration it was made with.
    public let configuration: Configuration
    let store: StudioStore
    let library: ImageLibrary
    let queue: JobQueue
    let hub: LiveHub

    /// A studio whose jobs are Pincel style transfers with `weights`.
    /// - Throws: `StudioError` for a bad configuration or a database that cannot be opened.
    public convenience init(configuration: Configuration, weights: VGG19Weights) throws {
        try self.init(configuration: configuration, runner: TransferRunner(weights: weights))
    }

    init(configuration: Configuration, runner: any JobRunner) throws {
        try configuration.validate()
        self.configuration = configuration
        store = try StudioStore(paths: configuration.paths)
        library = ImageLibrary(store: store, examplesFolder: configuration.examplesFolder,
                               maxUploadBytes: configuration.maxUploadBytes, maxUploadPixels: configuration.maxUploadPixels)
        hub = LiveHub()
        queue = JobQueue(store: store, library: library, runner: runner, hub: hub, threads: configuration.threads,
                         frameInterval: configuration.frameInterval, saveInterval: configuration.saveInterval)
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
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
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
