import ArgumentParser
import Foundation
import Pincel

/// `pincel evaluate --content C --style S --image I --size N`: the objective of an existing image,
/// the number a transfer prints as "as saved (8-bit)".
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Print the style-transfer objective of an image (content, style, tv, total), as a transfer measures its saved result.",
        discussion: "The image must have the size the content photo gets at --size. Use the same objective options "
            + "as the transfer being compared with. " + PincelCommand.exitCodes
    )

    @Option(help: "The content photo.") var content: String
    @Option(help: "A style painting (repeat for several).") var style: [String] = []
    @Option(help: "The image to score (for example a transfer's output).") var image: String
    @Option(help: "Longer side in pixels, as given to the transfer.") var size = 512
    @Option(help: "Weight of the content loss.") var contentWeight: Float = 5
    @Option(help: "Weight of the style loss.") var styleWeight: Float = 100
    @Option(help: "Weight of the total-variation smoothing.") var tvWeight: Float = 1e-3
    @Option(help: "Total-variation norm.") var tvNorm: TVNormChoice = .l2
    @Option(help: "Style image size relative to --size.") var styleScale: Float = 1
    @Option(help: "Content layers, e.g. relu4_2.") var contentLayers = "relu4_2"
    @Option(help: "Style layers with optional weights.") var styleLayers = "relu1_1,relu2_1,relu3_1,relu4_1,relu5_1"
    @Option(help: "Pooling.") var pooling: PoolingMode = .max
    @Option(help: "VGG19 weights file (default: $PINCEL_WEIGHTS, then the cache filled by `make weights`).")
    var weights: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?

    func validate() throws {
        let options = try makeOptions()
        guard !style.isEmpty else { throw ValidationError.oneLine("give at least one --style image") }
        // The same checks as the transfer: each input a readable regular file, and the memory
        // of the network at --size (one forward and backward pass) within what is available.
        try InputPreflight.check([("--content", content), ("--image", image)] + style.map { ("--style", $0) })
        guard let contentFile = try? ImageIO.imageInfo(content),
              let styleFiles = try? style.map({ try ImageIO.imageInfo($0) }) else { return }
        try MemoryCheck.require(size: size, sizes: OptionBounds.size) { side in
            var o = options
            (o.size, o.scales, o.scaleIterations, o.optimizer) = (side, 1, nil, .adam)
            return try MemoryEstimate.transfer(contentFile: contentFile, styleFiles: styleFiles, options: o).total
        }
    }

    func makeOptions() throws -> TransferOptions {
        var o = TransferOptions()
        try bounded(size, OptionBounds.size, flag: "--size")
        if let threads { try bounded(threads, OptionBounds.threads, flag: "--threads") }
        o.size = size
        try ObjectiveFlags(contentWeight: contentWeight, styleWeight: styleWeight, tvWeight: tvWeight, tvNorm: tvNorm,
                           styleScale: styleScale, contentLayers: contentLayers, styleLayers: styleLayers).apply(to: &o)
        o.network = NetworkOptions(pooling: pooling, threads: threads)
        (o.scales, o.iterations) = (1, 1)
        try validatingSettings { try o.validate(styleCount: max(1, style.count)) }
        return o
    }

    func run() throws {
        let options = try makeOptions()
        let vgg = try CommandLineWeights.load(weights)
        let contentImage = try ImageIO.load(content, longerSide: size)
        let styleSide = max(32, Int((Float(size) * styleScale).rounded()))
        let styles = try style.map { try ImageIO.load($0, longerSide: styleSide) }
        let (h, w) = (contentImage.shape[1], contentImage.shape[2])
        // Loaded at the content's size at most (a huge file is never decoded in full); a
        // different size is then refused below.
        guard let info = try? ImageIO.imageInfo(image), info.width == w, info.height == h else {
            let found = (try? ImageIO.imageInfo(image)).map { "\($0.width)x\($0.height)" } ?? "unreadable"
            throw ValidationError.oneLine("--image is \(found) but the content at --size \(size) is \(w)x\(h)")
        }
        let picture = try ImageIO.load(image, width: w, height: h)
        let t = try StyleTransfer.evaluate(image: picture, content: contentImage, styles: styles, weights: vgg, options: options)
        print(String(format: "content %.6g style %.6g tv %.6g total %.6g", Double(t.content), Double(t.style),
                     Double(t.tv), Double(t.total)))
    }
}
