import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Two flat-colour "paintings" (red, blue) with left/right masks on the astronaut photo, real
/// weights: the left half ends red, the right half blue, and the change happens within a few
/// pixels of the masks' edge.
///
/// Only relu1_1…relu3_1: a flat painting has no texture, and its deep Gram matrices are those
/// of the network's zero padding (at 80 px a relu5_1 unit sees the whole image), so they
/// would pull both halves towards the same padding statistics, not towards a colour.
@Suite("Spatial control, real weights", .needsWeights)
struct SpatialRedBlueTests {
    static func flat(_ r: Float, _ g: Float, _ b: Float) -> ImageSource {
        .pixels(Tensor(shape: [3, 48, 48], data: [Float](repeating: r, count: 2304) + [Float](repeating: g, count: 2304)
                       + [Float](repeating: b, count: 2304)))
    }

    static func half(left: Bool, size: Int) -> ImageSource {
        var data = [Float](repeating: 0, count: 3 * size * size)
        for c in 0..<3 { for y in 0..<size { for x in 0..<size where (x < size / 2) == left { data[(c * size + y) * size + x] = 255 } } }
        return .pixels(Tensor(shape: [3, size, size], data: data))
    }

    /// A painting whose left half is red and right half blue: `--style-region` picks the half
    /// whose colour the whole result takes.
    @Test(arguments: [true, false])
    func aRegionPicksThePartOfThePainting(leftHalf: Bool) async throws {
        let weights = try VGG19Weights.load(contentsOf: WeightsLocator.resolve(explicit: nil))
        let astronaut = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/astronaut.png").path
        let side = 64
        var painting = [Float](repeating: 0, count: 3 * side * side)
        for y in 0..<side {
            for x in 0..<side {
                let (r, b): (Float, Float) = x < side / 2 ? (220, 30) : (30, 220)
                painting[y * side + x] = r
                painting[side * side + y * side + x] = 30
                painting[2 * side * side + y * side + x] = b
            }
        }
        var options = TransferOptions()
        options.size = 64
        options.iterations = 25
        options.scales = 1
        options.seed = 1
        options.initial = .content
        options.convergenceTolerance = 0
        options.styleLayers = ["relu1_1", "relu2_1", "relu3_1"].map { WeightedLayer(name: $0) }
        var request = TransferRequest(content: .file(astronaut), styles: [.pixels(Tensor(shape: [3, side, side], data: painting))],
                                      options: options)
        request.spatial = SpatialControl(styleRegions: [Self.half(left: leftHalf, size: side)])
        let image = try await StyleTransfer(request, weights: weights).run().image
        let hw = image.shape[1] * image.shape[2]
        let red = image.data[0..<hw].reduce(0, +) / Float(hw), blue = image.data[(2 * hw)...].reduce(0, +) / Float(hw)
        if leftHalf { #expect(red - blue > 60, "region = red half: R \(red) B \(blue)") }
        else { #expect(blue - red > 60, "region = blue half: R \(red) B \(blue)") }
    }

    @Test func leftRedRightBlue() async throws {
        let weights = try VGG19Weights.load(contentsOf: WeightsLocator.resolve(explicit: nil))
        let astronaut = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/astronaut.png").path
        let size = 80, edge = 40
        var options = TransferOptions()
        options.size = size
        options.iterations = 30
        options.scales = 1
        options.seed = 1
        options.initial = .content
        options.convergenceTolerance = 0
        options.styleLayers = ["relu1_1", "relu2_1", "relu3_1"].map { WeightedLayer(name: $0) }
        var request = TransferRequest(content: .file(astronaut), styles: [Self.flat(220, 30, 30), Self.flat(30, 30, 220)],
                                      options: options)
        request.spatial = SpatialControl(styleMasks: [Self.half(left: true, size: size), Self.half(left: false, size: size)])
        let image = try await StyleTransfer(request, weights: weights).run().image
        let hw = size * size
        // Mean red minus blue of each column.
        let column: [Float] = (0..<size).map { x in
            var s: Float = 0
            for y in 0..<size { s += image.data[y * size + x] - image.data[2 * hw + y * size + x] }
            return s / Float(size)
        }
        func mean(_ xs: Range<Int>, channel c: Int) -> Float {
            var s: Float = 0
            for y in 0..<size { for x in xs { s += image.data[c * hw + y * size + x] } }
            return s / Float(size * xs.count)
        }
        let band = 5
        let (leftR, leftB) = (mean(0..<(edge - band), channel: 0), mean(0..<(edge - band), channel: 2))
        let (rightR, rightB) = (mean((edge + band)..<size, channel: 0), mean((edge + band)..<size, channel: 2))
        #expect(leftR > 150 && leftR - leftB > 80, "left half R \(leftR) B \(leftB)")
        #expect(rightB > 150 && rightB - rightR > 80, "right half R \(rightR) B \(rightB)")
        // The change happens within `band` pixels of the edge: red beyond it on the left, blue on the right.
        let profile = column.enumerated().map { "\($0):\(Int($1))" }.joined(separator: " ")
        #expect(column[..<(edge - band)].allSatisfy { $0 > 0 }, "red minus blue by column: \(profile)")
        #expect(column[(edge + band)...].allSatisfy { $0 < 0 }, "red minus blue by column: \(profile)")
    }
}
