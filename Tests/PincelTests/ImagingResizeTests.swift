import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite struct ImagingResizeTests {
    /// A smooth [3, h, w] test pattern with values inside 0…255.
    static func pattern(height: Int, width: Int) -> Tensor {
        var t = Tensor(zeros: [3, height, width])
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    let u = Float(x) / Float(width), v = Float(y) / Float(height)
                    t.data[(c * height + y) * width + x] = 127.5 + 100 * sin(2 * u + 3 * v + Float(c))
                }
            }
        }
        return t
    }

    @Test func longerSideAndAspectAreKept() throws {
        let image = Self.pattern(height: 30, width: 40)
        let down = try ImageIO.resize(image, longerSide: 20)
        #expect(down.shape == [3, 15, 20])
        let up = try ImageIO.resize(image, longerSide: 100)
        #expect(up.shape == [3, 75, 100])
        let tall = try ImageIO.resize(Self.pattern(height: 50, width: 7), longerSide: 10)
        #expect(tall.shape == [3, 10, 1])
    }

    @Test func exactSizeAndSmoothContentSurvive() throws {
        let image = Self.pattern(height: 64, width: 48)
        let resized = try ImageIO.resize(image, width: 24, height: 32)
        #expect(resized.shape == [3, 32, 24])
        // Compare against the analytic pattern sampled at the output pixel centres.
        var reference = Tensor(zeros: [3, 32, 24])
        for c in 0..<3 {
            for y in 0..<32 {
                for x in 0..<24 {
                    let u = (Float(x) + 0.5) * 2 / 48 - 0.5 / 48, v = (Float(y) + 0.5) * 2 / 64 - 0.5 / 64
                    reference.data[(c * 32 + y) * 24 + x] = 127.5 + 100 * sin(2 * u + 3 * v + Float(c))
                }
            }
        }
        let error = ImagingFixtures.meanAbsoluteDifference(resized, reference)
        #expect(error < 1.0, "mean abs error \(error)")
    }

    @Test func resizeKeepsFractionalValues() throws {
        // A constant 100.25 image must stay 100.25 (no 8-bit rounding on the way).
        let image = Tensor(shape: [3, 10, 10], data: [Float](repeating: 100.25, count: 300))
        let resized = try ImageIO.resize(image, width: 7, height: 13)
        #expect(resized.data.allSatisfy { abs($0 - 100.25) < 0.001 })
    }

    @Test func loadWithLongerSideResizesTheFile() throws {
        let path = try ImagingFixtures.path("gradient.webp")
        let image = try ImageIO.load(path, longerSide: 80)
        #expect(image.shape == [3, 60, 80])
        let down = try ImageIO.load(path, longerSide: 20)
        #expect(down.shape == [3, 15, 20])
        #expect(down.data.allSatisfy { $0 >= 0 && $0 <= 255 })
        let viaTensor = try ImageIO.resize(try ImageIO.load(path), longerSide: 20)
        #expect(ImagingFixtures.maxAbsoluteDifference(down, viaTensor) < 0.01)
    }

    @Test func invalidSizesThrow() throws {
        let image = Self.pattern(height: 4, width: 4)
        expectImageError({ if case .invalidSize = $0 { true } else { false } }) {
            _ = try ImageIO.resize(image, longerSide: 0)
        }
        expectImageError({ if case .invalidSize = $0 { true } else { false } }) {
            _ = try ImageIO.resize(image, width: 3, height: -1)
        }
        expectImageError({ if case .invalidImageShape = $0 { true } else { false } }) {
            _ = try ImageIO.resize(Tensor(zeros: [4, 2, 2]), longerSide: 3)
        }
    }
}
