import ArgumentParser
import Foundation
import Pincel

/// A batch item whose settings were parsed and checked exactly as `pincel transfer` parses and
/// checks its flags: the batch's own transfer flags, then the item's files, then its manifest
/// columns as flags (`size,48` is `--size=48`; a later flag wins), through ``TransferCommand``.
struct PreparedItem {
    var item: BatchItem
    /// The output's path (inside the output folder unless absolute).
    var output: String
    /// The transfer's flags, as `pincel transfer` would take them.
    var arguments: [String]
    /// The request (seed still unset: see ``BatchSeed``).
    var request: TransferRequest
    /// `--seed` when given (flag or column).
    var explicitSeed: UInt64?
    var saveOptions: ImageSaveOptions

    /// Manifest columns that are not the transfer's to set.
    static let refusedColumns: [String: String] = [
        "log": "a batch writes no per-iteration log", "save-every": "a batch writes no intermediate images",
        "style-mask": "style masks need their --style on one command line", "style-region": "style regions need their --style on one command line",
        "print-every": "progress is the batch's", "quiet": "progress is the batch's", "threads": "threads are the batch's (--threads)",
        "weights": "the weights are loaded once for the batch (--weights)",
    ]

    /// Parses and checks one item. - Throws: a ``BatchUsageError`` naming the item.
    init(_ item: BatchItem, baseArguments: [String], outputFolder: String) throws {
        self.item = item
        output = item.output.hasPrefix("/") ? item.output : (outputFolder as NSString).appendingPathComponent(item.output)
        var arguments = baseArguments + ["--content=" + item.content, "--style=" + item.style, "--output=" + output]
        for (name, value) in item.settings {
            if let why = Self.refusedColumns[name] { throw BatchUsageError("\(item.origin): column '\(name)' is not allowed in a batch (\(why))") }
            if name == "unbounded" {
                guard let on = Self.boolean(value) else { throw BatchUsageError("\(item.origin): column 'unbounded' must be true or false, got '\(value)'") }
                if on { arguments.append("--unbounded") }
            } else {
                arguments.append("--\(name)=\(value)")
            }
        }
        self.arguments = arguments
        do {
            let command = try TransferCommand.parse(arguments)
            request = try command.makeRequest(seed: 0)
            explicitSeed = command.settings.seed
            saveOptions = ImageSaveOptions(bitDepth: command.outputDepth, quality: command.quality)
            try ImageIO.checkSaveOptions(saveOptions, path: output)
        } catch {
            let message = TransferCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw BatchUsageError("\(item.origin): \(message)")
        }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: return nil
        }
    }

    /// The files whose bytes the fingerprint covers: the content, the styles, a start image and masks.
    var inputFiles: [String] {
        var files = [item.content, item.style]
        if case .image(.file(let path)) = request.options.initial { files.append(path) }
        if case .file(let path)? = request.spatial.mask { files.append(path) }
        return files
    }

    /// The fingerprint of this item's inputs and settings, and the seed it runs with: `--seed`
    /// when given, else the one the fingerprint derives (``TransferFingerprint/derivedSeed``).
    /// - Throws: a one-line message for an input that cannot be read.
    func fingerprint() throws -> (fingerprint: TransferFingerprint, seed: UInt64) {
        var inputs: [Data] = []
        for file in inputFiles {
            do { inputs.append(try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
                throw BatchItemError("cannot read \(file) (\(FileReadProblem.describe(file)))")
            }
        }
        var settings = TransferFingerprint.canonicalSettings(request.options, spatial: request.spatial, output: saveOptions,
                                                             outputExtension: (output as NSString).pathExtension)
        settings += explicitSeed.map { "|seed \($0)" } ?? "|seed derived"
        let fingerprint = TransferFingerprint(inputs: inputs, settings: settings)
        return (fingerprint, explicitSeed ?? fingerprint.derivedSeed)
    }

    /// The same transfer as one `pincel` command (stored in the output's metadata).
    func commandText(seed: UInt64) -> String {
        let words = arguments + ["--seed=\(seed)"]  // a later --seed wins
        return "pincel " + words.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

/// Why one item failed (one line in the report; the batch goes on).
struct BatchItemError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = OneLine.sanitize(text) }
}
