import Foundation
import PincelCore

/// Finds the instant style networks (`make weights` fetches them).
public enum InstantModelLocator {
    /// The style predictor's file name.
    public static let predictorFileName = "arbitrary_predict.onnx"
    /// The transformer's file name.
    public static let transformerFileName = "arbitrary_transform.onnx"

    /// The folder holding both files, in order of precedence: `explicit` (a folder the user
    /// gave), then `$PINCEL_INSTANT_MODELS`, then `$PINCEL_HOME` (default `~/.cache/pincel`).
    ///
    /// - Returns: the paths of the predictor and the transformer, both existing files.
    /// - Throws: ``ONNXError/unreadable(path:reason:)`` naming the first file missing.
    public static func resolve(explicit: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (predictor: String, transformer: String) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func expand(_ p: String) -> String {
            if p == "~" { return home }
            if p.hasPrefix("~/") { return home + p.dropFirst() }
            return p
        }
        let folder: String
        if let explicit, !explicit.isEmpty {
            folder = expand(explicit)
        } else if let env = environment["PINCEL_INSTANT_MODELS"], !env.isEmpty {
            folder = expand(env)
        } else {
            folder = environment["PINCEL_HOME"].flatMap { $0.isEmpty ? nil : expand($0) } ?? home + "/.cache/pincel"
        }
        let predictor = folder + "/" + predictorFileName, transformer = folder + "/" + transformerFileName
        for path in [predictor, transformer] where !FileManager.default.fileExists(atPath: path) {
            throw ONNXError.unreadable(path: path, reason: "no such file")
        }
        return (predictor, transformer)
    }
}
