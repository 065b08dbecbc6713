import ArgumentParser
import Foundation
import Pincel

/// `pincel --content C --style S --output O --instant`: the instant network's picture alone.
extension TransferCommand {
    /// The `--instant` flags: a strength in 0…1 and a models folder only with `--instant`, and
    /// none of the optimisation's flags with it (exit 64).
    func checkInstantFlags() throws {
        if let instantStrength {
            guard instant else {
                throw ValidationError.oneLine("--instant-strength needs --instant (--init instant starts from the full-strength picture)")
            }
            guard instantStrength >= 0, instantStrength <= 1 else {  // false for NaN
                throw ValidationError.oneLine("--instant-strength must be between 0 and 1, got \(instantStrength)")
            }
        }
        if instantModels != nil, !instant {
            throw ValidationError.oneLine("--instant-models needs --instant (for --init instant, set $PINCEL_INSTANT_MODELS)")
        }
        guard instant else { return }
        let arguments = CommandArguments.prepared(Array(CommandLine.arguments.dropFirst()))
        if let flag = InstantFlags.firstInapplicable(in: arguments) {
            throw ValidationError.oneLine("\(flag) does not apply to --instant (one pass of a network, no optimisation); "
                                          + "drop it, or use --init instant to refine the picture")
        }
    }

    func runInstant() async throws {
        try checkCommandLineOptions()
        let request = TransferRequest(content: .file(content), styles: settings.style.map { .file($0) },
                                      options: try settings.transferOptions(seed: 0))
        try validatingSettings { try request.validate() }
        let strength = instantStrength ?? 1
        try checkInstantFiles()
        try checkInstantMemory()
        let reporter = ProgressReporter(quiet: quiet)
        let loadStart = Date()
        let models = try InstantModelLocator.resolve(explicit: instantModels)
        let stylizer = try InstantStylizer(modelsFolder: instantModels, threads: settings.threads)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        try InterruptFlag.exitIfRaised(reporter)
        let transfer = try validatingSettings { try InstantTransfer(request, strength: strength, stylizer: stylizer) }
        let result: InstantResult
        do {
            result = try await InterruptFlag.cancellingOnInterrupt { try await transfer.run() }
        } catch is CancellationError {
            reporter.note("interrupted before the picture was made; nothing was written")
            throw ExitCode(130)
        } catch let error as TransferError {
            throw ValidationError.from(error)
        }
        let save = ImageSaveOptions(bitDepth: outputDepth, quality: quality,
                                    text: try instantMetadata(strength: strength, models: models))
        try ImageIO.save(result.image, to: output, options: save)
        reporter.note(String(format: "instant picture %dx%d in %.2f s (models loaded in %.2f s)",
                             result.image.shape[2], result.image.shape[1], result.seconds, loadSeconds))
        print(output)
    }

    /// The memory check (``MemoryCheck``): the network's activations at the photo's size
    /// (``instantBytesPerPixel``, measured), the square case for an unreadable header.
    func checkInstantMemory() throws {
        let info = try? ImageIO.imageInfo(content)
        try MemoryCheck.require(size: settings.size, sizes: OptionBounds.size) { side in
            let (w, h) = info.map { ($0.width, $0.height) } ?? (side, side)
            let scale = Double(side) / Double(max(w, h, 1))
            let pixels = Int((Double(w) * scale).rounded(.up)) * Int((Double(h) * scale).rounded(.up))
            return Self.instantModelBytes + pixels * Self.instantBytesPerPixel
        }
    }

    /// Peak memory of an instant picture per pixel of the photo, and for the models and the
    /// program around them (peak resident memory at 1024 and 2048 px, `pincel --instant`).
    static let instantBytesPerPixel = 1024
    static let instantModelBytes = 256 << 20

    /// The inputs (`InputPreflight`), then the output, which may be none of the inputs nor a
    /// model file (`OutputPreflight`), before any work.
    func checkInstantFiles() throws {
        let images = [("--content", content)] + settings.style.map { ("--style", $0) }
        try InputPreflight.check(images)
        let models = (try? InstantModelLocator.resolve(explicit: instantModels)).map {
            [("the instant model", $0.predictor), ("the instant model", $0.transformer)]
        } ?? []
        try OutputPreflight(inputs: images + models, images: [("--output", output)]).check()
    }

    /// What is stored in the picture: the program and the command, as in every output (no
    /// seed: the network has no randomness), the mode, the strength and the models' SHA-256.
    func instantMetadata(strength: Float, models: (predictor: String, transformer: String)) throws -> [String: String] {
        var text = metadata(seed: 0)
        text["pincel-seed"] = nil
        text["pincel-mode"] = "instant"
        text["pincel-instant-strength"] = String(strength)
        text["pincel-instant-models"] = try [models.predictor, models.transformer].map { path in
            var hash = SHA256()
            hash.update([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            let digest = hash.hex()
            return "\((path as NSString).lastPathComponent) sha256:\(digest)"
        }.joined(separator: ", ")
        return text
    }
}
