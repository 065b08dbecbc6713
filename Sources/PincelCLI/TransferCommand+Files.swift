import ArgumentParser
import Foundation
import Pincel

extension TransferCommand {
    /// Checks every file the run reads and writes before any work: the input images
    /// (`InputPreflight`), then the output, log and intermediate images (`OutputPreflight`).
    func checkFiles(iterations: Int) throws {
        var images = [("--content", content)] + settings.style.map { ("--style", $0) }
        if case .image(.file(let path)) = settings.initialImage { images.append(("--init", path)) }
        images += spatial.spatialFiles
        try InputPreflight.check(images)
        var preflight = OutputPreflight(inputs: images + OutputPreflight.weightsFile(settings.weights),
                                        images: [("--output", output)], log: log)
        if saveEvery > 0 { preflight.intermediates = (output, saveEvery, iterations) }
        try preflight.check()
        try spatial.checkMaskImages(maxPixels: settings.maxPixels)
    }
}
