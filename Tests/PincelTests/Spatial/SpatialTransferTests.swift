import Foundation
import Synchronization
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Spatial control through the public API with random weights: validation, the change mask's
/// exactness (in memory and after saving), and that masks leave the unmasked path alone.
@Suite("Spatial control", .scratchFolder)
struct SpatialTransferTests {
    static let weights = randomVGG19Weights(seed: 21)

    static func request(width: Int = 40, height: Int = 32, iterations: Int = 4) -> TransferRequest {
        var options = TransferOptions()
        options.size = max(width, height)
        options.iterations = iterations
        options.scales = 1
        options.seed = 3
        options.convergenceTolerance = 0
        return TransferRequest(content: .pixels(StyleTransferAPITests.picture(width: width, height: height, phase: 0)),
                               styles: [.pixels(StyleTransferAPITests.picture(width: 36, height: 36, phase: 1.5)),
                                        .pixels(StyleTransferAPITests.picture(width: 30, height: 36, phase: 2.5))],
                               options: options)
    }

    /// A grey mask as RGB pixels: `value(x, y)` in 0…255.
    static func mask(width: Int, height: Int, _ value: (Int, Int) -> Float) -> ImageSource {
        var data = [Float](repeating: 0, count: 3 * width * height)
        for c in 0..<3 { for y in 0..<height { for x in 0..<width { data[(c * height + y) * width + x] = value(x, y) } } }
        return .pixels(Tensor(shape: [3, height, width], data: data))
    }

    static func setting(of error: any Error) -> TransferSetting? {
        if case .invalidSetting(let s, _) = error as? TransferError { return s }
        return nil
    }

    @Test func validationRefusesInconsistentMasks() throws {
        let left = Self.mask(width: 8, height: 8) { x, _ in x < 4 ? 255 : 0 }
        var r = Self.request()
        r.spatial.styleMasks = [left]  // two styles, one entry
        #expect(Self.setting(of: try #require(throws: TransferError.self) { try r.validate() }) == .styleMasks)
        r.spatial.styleMasks = [left, nil]  // the second style has none
        #expect(Self.setting(of: try #require(throws: TransferError.self) { try r.validate() }) == .styleMasks)
        r.spatial.styleMasks = [left, left]
        try r.validate()
        r.options.styleBlend = [1, 1]
        #expect(Self.setting(of: try #require(throws: TransferError.self) { try r.validate() }) == .styleBlend)
        r.options.styleBlend = nil
        r.spatial.styleRegions = [nil]
        #expect(Self.setting(of: try #require(throws: TransferError.self) { try r.validate() }) == .styleRegions)
    }

    @Test func anAllBlackMaskIsRefusedBeforeTheFirstEvaluation() async throws {
        var r = Self.request()
        r.spatial.mask = Self.mask(width: 10, height: 10) { _, _ in 0 }
        let iterations = ProgressCounter()
        let error = await #expect(throws: TransferError.self) {
            _ = try await StyleTransfer(r, weights: Self.weights).run { if $0.progress != nil { iterations.add() } }
        }
        #expect(error.map { Self.setting(of: $0) } == .mask)
        #expect(iterations.count == 0)
    }

    /// Outside the mask the result is the content exactly, in memory and after an 8-bit save.
    @Test func theChangeMaskKeepsThePhotoExactlyOutside() async throws {
        var r = Self.request(iterations: 5)
        let (w, h) = (40, 32)
        r.spatial.mask = Self.mask(width: w, height: h) { x, y in x >= 12 && x < 30 && y >= 6 && y < 26 ? 255 : 0 }
        r.spatial.styleMasks = [Self.mask(width: w, height: h) { x, _ in x < 20 ? 255 : 0 },
                                Self.mask(width: w, height: h) { x, _ in x >= 20 ? 255 : 0 }]
        let result = try await StyleTransfer(r, weights: Self.weights).run()
        guard case .pixels(let content) = r.content else { return }
        var inside = 0.0
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let i = (c * h + y) * w + x
                    let outside = !(x >= 12 && x < 30 && y >= 6 && y < 26)
                    if outside { #expect(result.image.data[i] == content.data[i], "pixel \(x),\(y) changed") }
                    else { inside = max(inside, Double(abs(result.image.data[i] - content.data[i]))) }
                }
            }
        }
        #expect(inside > 1, "nothing changed inside the mask")
        let path = try ScratchFolder.make().appendingPathComponent("out.png").path
        try ImageIO.save(result.image, to: path)
        let saved = try ImageIO.load(path)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w where !(x >= 12 && x < 30 && y >= 6 && y < 26) {
                    let i = (c * h + y) * w + x
                    #expect(saved.data[i] == min(max(content.data[i].rounded(), 0), 255))
                }
            }
        }
    }

    /// Two scales and luminance-only optimisation (one channel): still exact outside the mask.
    @Test func theChangeMaskIsExactWithScalesAndLuminance() async throws {
        var r = Self.request(width: 64, height: 48, iterations: 6)
        r.options.scales = 2
        r.options.colors = .luminance
        r.spatial.mask = Self.mask(width: 64, height: 48) { x, _ in x >= 32 ? 255 : 0 }
        let result = try await StyleTransfer(r, weights: Self.weights).run()
        guard case .pixels(let content) = r.content else { return }
        var changed = false
        for c in 0..<3 {
            for y in 0..<48 {
                for x in 0..<64 {
                    let i = (c * 48 + y) * 64 + x
                    if x < 32 { #expect(result.image.data[i] == content.data[i], "pixel \(x),\(y) changed") }
                    else if abs(result.image.data[i] - content.data[i]) > 1 { changed = true }
                }
            }
        }
        #expect(changed)
    }

    /// One all-white mask is the unmasked style term (same targets, same loss to float precision).
    @Test func anAllWhiteMaskIsThePlainObjective() throws {
        let content = StyleTransferAPITests.picture(width: 40, height: 32, phase: 0)
        let style = StyleTransferAPITests.picture(width: 36, height: 36, phase: 1.5)
        var options = TransferOptions()
        options.contentWeight = 0  // the style term alone
        var networkOptions = options.network
        networkOptions.tapLayout = .channelsLast
        let spec = ObjectiveSpec(options)
        let network = try VGG19Network(weights: Self.weights, taps: spec.taps, options: networkOptions)
        let plain = try GatysObjective(network: network, content: content, styles: [style], spec: spec)
        let guides = StyleGuides(masks: [[Float](repeating: 1, count: 40 * 32)], height: 32, width: 40, regions: [], mode: .downsampled)
        let guided = try GatysObjective(network: network, content: content, styles: [style], spec: spec, guides: guides)
        let x = StyleTransferAPITests.picture(width: 40, height: 32, phase: 0.7).data
        var g1 = [Float](repeating: 0, count: x.count), g2 = g1
        let v1 = try plain.evaluate(x, gradient: &g1)
        let v2 = try guided.evaluate(x, gradient: &g2)
        #expect(abs(v1 - v2) <= 1e-4 * abs(v1), "\(v1) vs \(v2)")
        let scale = g1.map { abs($0) }.max() ?? 1
        #expect((zip(g1, g2).map { abs($0 - $1) }.max() ?? 0) <= 1e-3 * scale)
    }
}

/// Counts events from the transfer's thread.
final class ProgressCounter: Sendable {
    private let value = Mutex<Int>(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
