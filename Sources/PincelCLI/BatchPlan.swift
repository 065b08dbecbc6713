import Foundation
import Pincel

/// `pincel batch … --plan` (not in the help): one JSON object per item on stdout, without
/// loading the weights or running anything, for drivers such as `pincel-ray` that run the
/// items elsewhere but keep one definition of the fingerprint and of the output paths:
/// `{"content", "style", "output", "settings": {column: value}, "fingerprint", "seed",
/// "status": "todo" | "skip" | "failed", "error"}`.
enum BatchPlan {
    struct Line: Encodable {
        var content: String
        var style: String
        var output: String
        var settings: [String: String]
        var fingerprint: String
        var seed: UInt64?
        var status: String
        var error: String
    }

    static func print(_ items: [PreparedItem]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for item in items {
            var line = Line(content: BatchCommand.canonical(item.item.content), style: BatchCommand.canonical(item.item.style),
                            output: BatchCommand.canonical(item.output),
                            settings: Dictionary(item.item.settings.map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b }),
                            fingerprint: "", seed: nil, status: "todo", error: "")
            do {
                let (fingerprint, seed) = try item.fingerprint()
                (line.fingerprint, line.seed) = (fingerprint.hex, seed)
                if try BatchRunner.storedFingerprint(item.output)?.fingerprint == fingerprint.hex { line.status = "skip" }
            } catch {
                (line.status, line.error) = ("failed", OneLine.sanitize("\(error)"))
            }
            if let data = try? encoder.encode(line), let text = String(data: data, encoding: .utf8) {
                StandardOutput.write(text + "\n")
            }
        }
    }
}
