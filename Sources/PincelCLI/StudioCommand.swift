import ArgumentParser
import Foundation
import Pincel
import PincelStudio

/// `pincel studio`: serves Pincel Studio, the local web app (library `PincelStudio`).
struct StudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Serve Pincel Studio: make, watch and keep style transfers in the browser.",
        discussion: "Jobs, uploads and results are kept under $PINCEL_HOME/studio (default ~/.cache/pincel/studio). "
            + "Binds to 127.0.0.1; any other --host needs --token (one is generated and printed when omitted), "
            + "and every request must then carry it. Ctrl-C stops the server; a running job is marked interrupted "
            + "on the next start (its last image kept) and queued jobs resume."
    )

    @Option(help: "Address to bind (loopback by default).")
    var host = "127.0.0.1"

    @Option(help: "TCP port (0: any free port).")
    var port = 8080

    @Flag(help: "Open the page in the default browser (xdg-open).")
    var open = false

    @Option(help: "Token every request must carry (?token= or the X-Pincel-Token header); required off loopback.")
    var token: String?

    @Option(help: "Folder of example images offered on the page (default: the repository's Examples/).")
    var examples: String?

    @Option(help: "Path to the VGG19 weights file.")
    var weights: String?

    @Option(help: "oneDNN threads of a run (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError.oneLine("--port must be 0…65535, got \(port)") }
        try bounded(threads, OptionBounds.threads, flag: "--threads")
        if let token, token.count < 8 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw ValidationError.oneLine("--token must be at least 8 letters, digits, '-' or '_'")
        }
        if let examples {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: examples, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError.oneLine("--examples: '\(examples)' is not a folder")
            }
        }
    }

    func run() async throws {
        let generated = token == nil && !["127.0.0.1", "localhost", "::1"].contains(host) && !host.hasPrefix("127.")
        let tokenToUse = generated ? Self.generateToken() : token
        let vgg = try CommandLineWeights.load(weights)
        var configuration = Studio.Configuration(paths: StudioPaths(root: StudioPaths.defaultRoot()),
                                                 examplesFolder: examples ?? Self.findExamples())
        configuration.host = host
        configuration.port = port
        configuration.token = tokenToUse
        configuration.threads = threads
        let studio = try Studio(configuration: configuration, weights: vgg)
        let host = self.host, open = self.open, root = configuration.paths.root
        try await studio.run { port in
            let shownHost = host.contains(":") ? "[\(host)]" : host
            var url = "http://\(shownHost):\(port)/"
            if let tokenToUse { url += "?token=\(tokenToUse)" }
            if generated { StandardOutput.write("Generated a token for \(host): every request must carry it.\n") }
            StandardOutput.write("Pincel Studio: \(url)\n(Ctrl-C stops; jobs and pictures are kept in \(root))\n")
            if open { Self.openBrowser(url) }
        }
    }

    /// A random token: 32 hex digits.
    static func generateToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
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

    static func openBrowser(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) == nil { StandardError.write("--open: could not start xdg-open; open \(url) by hand\n") }
    }
}
