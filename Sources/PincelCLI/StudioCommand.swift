import ArgumentParser
import Foundation
import Pincel
import PincelStudio

/// `pincel studio`: serves Pincel Studio, the local web app (library `PincelStudio`).
struct StudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Serve Pincel Studio: make, watch and keep style transfers in the browser.",
        discussion: "Only its owner gets in, as with Jupyter: every start makes a secret token (or takes yours from "
            + "--token-file or $PINCEL_STUDIO_TOKEN) and prints the address to open once, http://127.0.0.1:8080/?token=…; "
            + "the page trades it for an HttpOnly, SameSite=Strict cookie. Every request without that cookie or the "
            + "token header (X-Pincel-Token: T, or Authorization: token T) gets 401, on loopback too, so other "
            + "accounts of this machine get nothing. The studio answers only to localhost, 127.0.0.1, [::1], the bound "
            + "address and each --allow-host NAME (other Host names: 403), and a request that changes something must "
            + "be JSON from the page's own origin. "
            + "Jobs, uploads and results are kept under $PINCEL_HOME/studio (default ~/.cache/pincel/studio), at most "
            + "--max-storage of files and --max-queued waiting jobs; one studio per folder (a second one exits, "
            + "naming the first's address). Ctrl-C stops the server; a running job is marked interrupted on the next "
            + "start (with the iteration of its last image, which is kept) and queued jobs resume."
    )

    @Option(help: "Address to bind (loopback by default).")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: any free port).")
    var port = 8080

    @Flag(help: "Open the page (with its token) in the default browser (xdg-open, through a private file).")
    var open = false

    @Option(help: ArgumentHelp("Read the token from this file (first line) instead of making one.", valueName: "file"))
    var tokenFile: String?

    @Option(help: "The token itself. Visible to every local user in the process list: prefer --token-file or $PINCEL_STUDIO_TOKEN.")
    var token: String?

    @Option(help: ArgumentHelp("Another host name the studio answers to (repeatable), e.g. this machine's name when bound to 0.0.0.0.",
                               valueName: "name"))
    var allowHost: [String] = []

    @Option(help: "The most jobs that may wait in the queue.")
    var maxQueued = 20

    @Option(help: ArgumentHelp("The most disk the studio's uploads and results may take (e.g. 500MB, 2GB).", valueName: "size"))
    var maxStorage = "2GB"

    @Option(help: "Folder of example images offered on the page (default: the repository's Examples/).")
    var examples: String?

    @Option(help: "Path to the VGG19 weights file.")
    var weights: String?

    @Option(help: "oneDNN threads of a run (default: all cores).")
    var threads: Int?

    /// The environment variable a token may come from.
    static let tokenVariable = "PINCEL_STUDIO_TOKEN"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError.oneLine("--port must be 0…65535, got \(port)") }
        try bounded(threads, OptionBounds.threads, flag: "--threads")
        try bounded(maxQueued, 1...100_000, flag: "--max-queued")
        guard StorageSize.parse(maxStorage) != nil else {
            throw ValidationError.oneLine("--max-storage must be a size such as 500MB or 2GB, got '\(maxStorage.prefix(40))'")
        }
        if token != nil, tokenFile != nil { throw ValidationError.oneLine("give --token or --token-file, not both") }
        if let token, let problem = Studio.Configuration.problem(withToken: token) { throw ValidationError.oneLine("--token: \(problem)") }
        for name in allowHost where name.isEmpty || name.contains("/") || name.contains(" ") || name.contains("@")
            || (name.hasPrefix("[") ? !name.hasSuffix("]") : name.contains(":")) {
            throw ValidationError.oneLine("--allow-host takes a host name without port or path, got '\(name.prefix(60))'")
        }
        if let examples {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: examples, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError.oneLine("--examples: '\(examples)' is not a folder")
            }
        }
    }

    func run() async throws {
        let paths = StudioPaths(root: StudioPaths.defaultRoot())
        var configuration = Studio.Configuration(paths: paths, examplesFolder: examples ?? Self.findExamples())
        if let chosen = try chosenToken() { configuration.token = chosen }
        configuration.host = host
        configuration.port = port
        configuration.threads = threads
        configuration.allowedHosts = allowHost
        configuration.maxQueued = maxQueued
        configuration.maxStorageBytes = StorageSize.parse(maxStorage) ?? configuration.maxStorageBytes
        try configuration.validate()
        let settings = configuration
        // The folder's lock first: a second studio stops here, before loading the weights.
        let lock = try StudioLock.acquire(paths)
        let vgg = try CommandLineWeights.load(weights)
        let studio = try Studio(configuration: settings, weights: vgg, lock: lock)
        let open = self.open
        try await studio.run { port in
            let url = settings.pageAddress(port: port)
            StandardOutput.write("Pincel Studio: open \(url)\n(only this address gets in; Ctrl-C stops; jobs and pictures are kept in \(paths.root))\n")
            if open { Self.openBrowser(url, folder: paths.root) }
        }
    }

    /// The token from --token-file, --token (with a warning) or $PINCEL_STUDIO_TOKEN; `nil`: make one.
    func chosenToken() throws -> String? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw ValidationError.oneLine("--token-file: cannot read '\(tokenFile)'")
            }
            let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if let problem = Studio.Configuration.problem(withToken: first) { throw ValidationError.oneLine("--token-file: \(problem)") }
            return first
        }
        if let token {
            StandardError.write("warning: --token is visible to every local user in the process list; use --token-file or $\(Self.tokenVariable)\n")
            return token
        }
        if let variable = ProcessInfo.processInfo.environment[Self.tokenVariable], !variable.isEmpty {
            if let problem = Studio.Configuration.problem(withToken: variable) { throw ValidationError.oneLine("$\(Self.tokenVariable): \(problem)") }
            return variable
        }
        return nil
    }

    /// `./Examples`, else an `Examples` folder above the executable (the repository's, for a
    /// binary under `.build`), else none.
    static func findExamples() -> String? {
        let manager = FileManager.default
        func holdsExamples(_ folder: String) -> Bool { manager.fileExists(atPath: folder + "/SOURCES.md") }
        let here = manager.currentDirectoryPath + "/Examples"
        if holdsExamples(here) { return here }
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appendingPathComponent("Examples").path
            if holdsExamples(candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// Opens the page without putting the token on a command line (xdg-open's arguments are in
    /// the process list): through `open.html` in the studio's folder, readable by its owner only,
    /// which sends the browser on to the address.
    static func openBrowser(_ url: String, folder: String) {
        let file = folder + "/open.html"
        let page = "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url=\(url)\"><title>Pincel Studio</title>"
            + "<p><a href=\"\(url)\">Open Pincel Studio</a></p>\n"
        unlink(file)
        let fd = createPrivateFile(file)
        guard fd >= 0 else {
            StandardError.write("--open: could not write \(file); open the address above by hand\n")
            return
        }
        StandardStream.write(page, to: fd)
        close(fd)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) == nil { StandardError.write("--open: could not start xdg-open; open the address above by hand\n") }
    }
}

/// Creates `path` for writing, readable by its owner only; -1 when it exists or cannot be made.
private func createPrivateFile(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
}
