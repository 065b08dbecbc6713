import ArgumentParser
import Foundation
import Pincel

/// Runs a batch's items one after another on one set of weights and one kept network
/// (``ReusableNetwork``: the VGG plan of a size is built once for all items of that size).
///
/// Each item: its fingerprint (``TransferFingerprint``) from its inputs' bytes and settings; an
/// existing output with the same fingerprint in its metadata is skipped, anything else is made
/// and saved atomically with the fingerprint. A failure is recorded and the batch goes on;
/// Ctrl-C stops the current item without writing it (finished outputs stay) and exits 130.
struct BatchRunner {
    let items: [PreparedItem]
    let weights: VGG19Weights
    let report: BatchReport
    let console: BatchConsole
    let network = ReusableNetwork()

    /// Every item's row, the report written after each. - Throws: `ExitCode(130)` when interrupted.
    func run() async throws -> [BatchRow] {
        var rows: [BatchRow] = []
        for (k, item) in items.enumerated() {
            if InterruptFlag.isRaised { try stop(rows, done: k) }
            console.begin(k, name: (item.item.content as NSString).lastPathComponent)
            var row = BatchRow(content: item.item.content, style: item.item.style, output: item.output, status: .failed)
            var ranTransfer = false
            do {
                ranTransfer = try await runItem(item, into: &row)
            } catch is BatchInterruption {
                row.status = .interrupted
                rows.append(row)
                try? report.write(rows)
                try stop(rows, done: k)
            } catch {
                row.status = .failed
                row.error = OneLine.sanitize(Self.describe(error))
            }
            rows.append(row)
            console.finish(row, ranTransfer: ranTransfer)
            try report.write(rows)
        }
        return rows
    }

    /// Ends the batch after an interruption: exit 130 with what is kept.
    private func stop(_ rows: [BatchRow], done: Int) throws -> Never {
        try? report.write(rows)
        console.note("")
        StandardError.write("Interrupted: \(rows.filter { $0.status == .done || $0.status == .skipped }.count) of "
                            + "\(items.count) items are finished in \(report.path); rerun the same command to continue.\n")
        throw ExitCode(130)
    }

    /// One item into `row`; returns whether a transfer ran.
    private func runItem(_ item: PreparedItem, into row: inout BatchRow) async throws -> Bool {
        let (fingerprint, seed) = try item.fingerprint()
        (row.fingerprint, row.seed) = (fingerprint.hex, seed)
        if let stored = try Self.storedFingerprint(item.output) {
            if stored.fingerprint == fingerprint.hex {
                row.status = .skipped
                row.objective = stored.objective
                return false
            }
        }
        var request = item.request
        request.options.seed = seed
        let transfer = try validatingSettings { try StyleTransfer(request, weights: weights) }
        let result: TransferResult
        do {
            result = try await InterruptFlag.cancellingOnInterrupt { [network, console] in
                try await transfer.run(reusing: network, onEvent: console.handle)
            }
        } catch is CancellationError {
            throw BatchInterruption()
        } catch let failure as TransferFailure {
            throw BatchItemError("\(failure.error) (nothing written)")
        }
        if result.interrupted { throw BatchInterruption() }
        let objective = Double(result.quantizedTerms.total)
        var save = item.saveOptions
        save.text = ["Software": "Pincel \(PincelInfo.version)", "pincel-seed": String(seed),
                     "pincel-command": item.commandText(seed: seed), TransferFingerprint.metadataKey: fingerprint.hex,
                     "pincel-objective": String(format: "%.9g", objective)]
        try ImageIO.save(result.image, to: item.output, options: save)
        (row.status, row.seconds, row.objective) = (.done, result.seconds, objective)
        return true
    }

    /// The fingerprint and objective an existing output stores; `nil` when there is no file.
    /// - Throws: ``BatchItemError`` for a file there that no batch wrote (it is never overwritten).
    static func storedFingerprint(_ path: String) throws -> (fingerprint: String, objective: Double?)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? ImageIO.textMetadata(path), let stored = text[TransferFingerprint.metadataKey] else {
            throw BatchItemError("\(path) exists and was not written by pincel batch; move it away or choose another output")
        }
        return (stored, text["pincel-objective"].flatMap(Double.init))
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? ValidationError { return error.message }
        return "\(error)"
    }
}

/// The batch was interrupted during an item.
struct BatchInterruption: Error {}
