import ArgumentParser
import Foundation
import Pincel

extension BatchCommand {
    /// Options only the batch has; what remains of the command line is the transfer's flags.
    static let batchOptions: [String: BatchOptionKind] = [
        "--contents": .values, "--styles": .values, "--manifest": .value, "--output-dir": .value, "--report": .value,
        "--format": .value, "--print-every": .value, "--quiet": .flag, "--plan": .flag,
    ]

    enum BatchOptionKind { case flag, value, values }

    /// The command line after `batch` without the batch's own options: the transfer flags every
    /// item starts from.
    static func transferArguments(_ commandLine: [String]) -> [String] {
        let words = CommandArguments.prepared(Array(commandLine.dropFirst()))
        guard let start = words.firstIndex(of: "batch") else { return [] }
        var kept: [String] = []
        var index = start + 1
        while index < words.count {
            let word = words[index]
            index += 1
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            guard let kind = batchOptions[name] else { kept.append(word); continue }
            if word.contains("=") || kind == .flag { continue }
            if kind == .value { index += 1; continue }
            while index < words.count, !words[index].hasPrefix("-") { index += 1 }
        }
        return kept
    }

    /// Every item, parsed and checked as `pincel transfer` checks its flags, outputs distinct
    /// and never an input. - Throws: ``BatchUsageError`` (exit 64), before any work.
    func prepareItems() throws -> [PreparedItem] {
        let listed: [BatchItem]
        if let manifest {
            listed = try BatchItems.manifest(manifest)
        } else {
            listed = BatchItems.pairs(contents: try BatchItems.files(contents, flag: "--contents"),
                                      styles: try BatchItems.files(styles, flag: "--styles"), format: format.lowercased())
        }
        guard !listed.isEmpty else { throw BatchUsageError("--manifest \(manifest ?? ""): no items (only a header)") }
        try prepareOutputFolder()
        let base = Self.transferArguments(CommandLine.arguments)
        let items = try listed.map { try PreparedItem($0, baseArguments: base, outputFolder: outputDir) }
        var seen: [String: String] = [:]
        for item in items {
            let output = Self.canonical(item.output)
            if let other = seen[output] { throw BatchUsageError("\(item.item.origin) and \(other) both write \(item.output)") }
            seen[output] = item.item.origin
            if item.inputFiles.contains(where: { Self.canonical($0) == output }) {
                throw BatchUsageError("\(item.item.origin): the output \(item.output) is one of its inputs")
            }
        }
        return items
    }

    /// Creates the output folder if missing. - Throws: ``BatchUsageError`` for a file in its place.
    func prepareOutputFolder() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: outputDir, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw BatchUsageError("--output-dir \(outputDir) is a file; give a folder") }
            return
        }
        do { try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true) } catch {
            throw BatchUsageError("--output-dir \(outputDir) cannot be created (\(error.localizedDescription))")
        }
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
