// QuickStart: a style transfer through Pincel's public API only (no @testable import).
//
//     QuickStart [--seconds S] [--stop-after N] [--size PX] [--output PATH] [--images DIR]
//     QuickStart --instant 1 [--output PATH] [--images DIR]
//
// Stylises DIR/chelsea.png (default DIR: Examples, run from the repository root) in the style
// of DIR/the_scream.jpg at 128 px, prints the progress, cancels the run after S seconds
// (default 10) and saves the current image to PATH (default quickstart.png). With
// --stop-after N it iterates the run's events instead and saves the image of evaluation N.
// With --instant 1 it saves the instant network's picture (no optimisation) instead.
import Foundation
import Pincel

struct Arguments {
    var seconds = 10.0
    var stopAfter: Int?
    var size = 128
    var output = "quickstart.png"
    var images = "Examples"
    var instant = false

    init(_ words: [String]) throws {
        var rest = words[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--seconds": seconds = try Self.number(value, flag)
            case "--stop-after": stopAfter = Int(try Self.number(value, flag))
            case "--size": size = Int(try Self.number(value, flag))
            case "--output": output = value
            case "--images": images = value
            case "--instant": instant = value == "1"
            default: throw UsageError("unknown option \(flag); use --seconds, --stop-after, --size, --output, --images or --instant")
            }
        }
    }

    static func number(_ text: String, _ flag: String) throws -> Double {
        guard let value = Double(text), value.isFinite, value >= 0, value < 1e9 else {
            throw UsageError("\(flag) needs a number, got '\(text)'")
        }
        return value
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    let content = arguments.images + "/chelsea.png"
    let style = arguments.images + "/the_scream.jpg"
    if arguments.instant {
        let result = try await instantTransfer(content: content, style: style, output: arguments.output)
        print("instant picture in \(String(format: "%.2f", result.seconds)) s: saved \(arguments.output)")
    } else if let limit = arguments.stopAfter {
        let weights = try VGG19Weights.load(contentsOf: try WeightsLocator.resolve(explicit: nil))
        var options = TransferOptions()
        options.size = arguments.size
        let transfer = try StyleTransfer(TransferRequest(content: .file(content), styles: [.file(style)], options: options),
                                         weights: weights)
        guard let image = try await image(of: transfer, afterIterations: limit) else { throw UsageError("the run gave no image") }
        try ImageIO.save(image, to: arguments.output)
        print("saved the image of iteration \(limit): \(arguments.output)")
    } else {
        let result = try await quickTransfer(content: content, style: style, size: arguments.size,
                                             seconds: arguments.seconds, output: arguments.output)
        print("\(result.stop) after \(result.iterations) of \(result.plannedIterations) iterations",
              "(seed \(result.seed), \(String(format: "%.1f", result.seconds)) s): saved \(arguments.output)")
    }
} catch {
    FileHandle.standardError.write(Data("quickstart: \(explain(error))\n".utf8))
    exit(1)
}
