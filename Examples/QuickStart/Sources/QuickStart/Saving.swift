import Pincel

/// Saves `result` as a 16-bit PNG carrying its seed (GettingStarted.md, "Saving the result").
func saveForPrint(_ result: TransferResult, to path: String) throws {
    let text = ["seed": String(result.seed), "iterations": "\(result.iterations) of \(result.plannedIterations)"]
    try ImageIO.save(result.image, to: path, options: ImageSaveOptions(bitDepth: 16, text: text))
}
