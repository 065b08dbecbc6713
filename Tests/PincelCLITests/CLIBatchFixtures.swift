import Foundation
import Testing

/// Photos, manifests and report reading for the `pincel batch` tests.
enum CLIBatchFixtures {
    /// Six 64 px photos in `folder`: two crops each of three example photos (made by ffmpeg).
    static func makePhotos(in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var k = 0
        for name in ["astronaut", "chelsea", "coffee"] {
            for offset in [0, 60] {
                k += 1
                let source = CLIPaths.repoRoot.appendingPathComponent("Examples/\(name).png").path
                try CLIVideoFixtures.run("ffmpeg", ["-nostdin", "-y", "-v", "error", "-i", source, "-vf",
                                                    "crop=200:200:\(offset):\(offset),scale=64:64",
                                                    folder.appendingPathComponent("p\(k).png").path])
            }
        }
    }

    /// The report CSV's rows as dictionaries by column (no field of these tests holds a comma).
    static func report(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        #expect(header == ["content", "style", "output", "status", "seconds", "objective", "seed", "fingerprint", "error"])
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    /// Each file's modification time and inode, by name (a rewritten file changes both).
    static func stamps(_ folder: URL, names: [String]) throws -> [String: String] {
        var stamps: [String: String] = [:]
        for name in names {
            let a = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            let date = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            stamps[name] = "\(date)/\(a[.systemFileNumber] ?? "?")"
        }
        return stamps
    }

    static let outputs = (1...6).map { "p\($0)-starry_night.png" }
}
