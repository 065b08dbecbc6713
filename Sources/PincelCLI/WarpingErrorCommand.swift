import ArgumentParser
import Foundation
import Pincel
import PincelVideo

/// `pincel warping-error --input clip.mp4 --styled out.mp4`: the warping error of every pair of
/// consecutive frames of a stylised video against its source, as CSV on stdout.
struct WarpingErrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warping-error",
        abstract: "Measure a stylised video's temporal consistency: the warping error of each pair of consecutive frames.",
        discussion: "Prints CSV on stdout: frame,error, one row per frame t >= 1 (the pair t-1, t), then the mean on stderr. "
            + "The error is Ruder et al.'s: frame t-1 warped by the source's optical flow, the mean squared difference "
            + "on reliable pixels (0-255 units), as pincel video reports its mean. Exit codes: 0 success; 1 a video cannot be read."
    )

    @Option(help: "The source video.") var input: String
    @Option(help: "The stylised video, frame for frame (the same frame count).") var styled: String

    func run() throws {
        let errors: [Double]
        do { errors = try WarpingErrors.perPair(input: input, styled: styled) } catch let error as VideoError {
            throw VideoCommandError(error.commandLineText)
        }
        var text = "frame,error\n"
        for (k, error) in errors.enumerated() { text += String(format: "%d,%.4f\n", k + 1, error) }
        StandardOutput.write(text)
        let mean = errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count)
        StandardError.write(String(format: "mean warping error %.2f over %d pairs\n", mean, errors.count))
    }
}
