import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// The oneDNN network on the real weights against an independent numpy (float64) VGG19.
///
/// Reference numbers come from `python3 scripts/vgg_golden.py` (numpy only; it parses the
/// weights with scripts/weights_golden.py). Re-run it and paste its output into `golden`
/// if the image formula, the layers or the weights file change.
@Suite("Golden activations vs numpy", .needsWeights)
struct GoldenActivationTests {
    /// (layer, pooling, shape [C, h, w], Σa, Σa², [(flat index, value)]); the last pair is the argmax.
    static let golden: [(String, PoolingMode, [Int], Double, Double, [(Int, Double)])] = [
        ("relu1_1", .max, [64, 32, 40], 3186892.7885622033, 417423848.3700562, [(0, 92.08659864670038), (12345, 0.0), (23405, 0.0), (40960, 0.0), (58517, 0.0), (81919, 91.05391838219715), (15536, 367.20351157173525)]),
        ("relu2_1", .max, [128, 16, 20], 9620192.444429308, 9316537502.13008, [(0, 0.0), (12345, 567.2348434106598), (11702, 515.8875500223962), (20480, 0.0), (29260, 0.0), (40959, 0.0), (17969, 4267.918066882428)]),
        ("relu3_1", .max, [256, 8, 10], 9814480.045078758, 17947240169.407234, [(0, 937.4305761146134), (12345, 0.0), (5851, 0.0), (10240, 0.0), (14631, 866.448060092893), (20479, 11.29831494859809), (17637, 8200.673880282957)]),
        ("relu4_2", .max, [512, 4, 5], 9975803.762259949, 46408666258.34588, [(0, 666.7096270666918), (2105, 5671.8156322311315), (2925, 0.0), (5120, 0.0), (7317, 0.0), (10239, 1749.0290510114196), (4364, 26385.940914902367)]),
        ("relu5_1", .max, [512, 2, 2], 391761.17469328706, 374958487.79297376, [(0, 208.6185103951189), (57, 0.0), (585, 0.0), (1024, 1455.5010809889), (1465, 0.0), (2047, 0.0), (1104, 2893.362069527262)]),
        ("relu3_1", .avg, [256, 8, 10], 5036933.694839007, 4894642512.385677, [(0, 605.6983726548717), (12345, 193.31654695609038), (5851, 0.0), (10240, 0.0), (14631, 285.0329286040194), (20479, 0.0), (17637, 5020.95978408389)]),
        ("relu5_1", .avg, [512, 2, 2], 66224.0461839874, 11243066.558087932, [(0, 47.18624534744238), (57, 0.0), (585, 0.0), (1024, 307.45294388343586), (1465, 0.0), (2047, 0.0), (1133, 569.2783830607219)]),
    ]

    /// The fixed image both sides build: RGB planar, value (c*71 + y*13 + x*7) mod 256.
    static func image(height: Int = 32, width: Int = 40) -> Tensor {
        var data = [Float](repeating: 0, count: 3 * height * width)
        for c in 0..<3 { for y in 0..<height { for x in 0..<width {
            data[(c * height + y) * width + x] = Float((c * 71 + y * 13 + x * 7) % 256)
        } } }
        return Tensor(shape: [3, height, width], data: data)
    }

    /// Largest relative error of one activation against its golden row: of Σa, of Σa², and of
    /// each listed value measured against the layer's RMS (so zeros are checked too).
    static func worstError(_ a: Tensor, _ row: (String, PoolingMode, [Int], Double, Double, [(Int, Double)])) -> Double {
        let (_, _, _, sum, sumSq, values) = row
        var s = 0.0, ss = 0.0
        for v in a.data { s += Double(v); ss += Double(v) * Double(v) }
        let rms = (sumSq / Double(a.count)).squareRoot()
        var worst = max(abs(s - sum) / abs(sum), abs(ss - sumSq) / sumSq)
        for (i, v) in values { worst = max(worst, abs(Double(a.data[i]) - v) / rms) }
        return worst
    }

    /// Tolerances on the largest error over all rows above, from measurements on the real
    /// weights: direct f32 ≤ 2e-5 (measured ≤ 1.7e-6), Winograd f32 ≤ 1e-4 (measured ≤ 1e-5),
    /// direct bf16 ≤ 5e-2 (measured ≤ 2.5e-2; bf16 keeps 8 mantissa bits).
    @Test(arguments: [
        (ConvolutionAlgorithm.direct, ComputePrecision.f32, 2e-5),
        (ConvolutionAlgorithm.winograd, ComputePrecision.f32, 1e-4),
        (ConvolutionAlgorithm.direct, ComputePrecision.bf16, 5e-2),
    ])
    func activationsMatchNumpy(algorithm: ConvolutionAlgorithm, precision: ComputePrecision, tolerance: Double) throws {
        let weights = try WeightsTestSupport.realWeights().weights
        for pooling in [PoolingMode.max, .avg] {
            let rows = Self.golden.filter { $0.1 == pooling }
            let net = try VGG19Network(weights: weights, taps: rows.map(\.0),
                                       options: NetworkOptions(pooling: pooling, algorithm: algorithm, precision: precision))
            let out = try net.forward(Self.image())
            for row in rows {
                let a = try #require(out[row.0])
                #expect(a.shape == row.2, "\(row.0) shape")
                guard a.shape == row.2 else { continue }
                let err = Self.worstError(a, row)
                print("golden \(algorithm.rawValue)/\(precision.rawValue) \(pooling.rawValue) \(row.0): worst relative error \(err)")
                #expect(err < tolerance, "\(algorithm)/\(precision) \(pooling) \(row.0): error \(err) ≥ \(tolerance)")
            }
        }
    }

    /// The check can fail: a one-pixel change of the image moves relu1_1 far outside tolerance.
    @Test func perturbedImageIsDetected() throws {
        let weights = try WeightsTestSupport.realWeights().weights
        let net = try VGG19Network(weights: weights, taps: ["relu1_1"],
                                   options: NetworkOptions(pooling: .max, algorithm: .direct))
        var image = Self.image()
        image.data[0] += 40
        let a = try #require(try net.forward(image)["relu1_1"])
        let err = Self.worstError(a, Self.golden[0])
        print("golden perturbed image relu1_1: worst relative error \(err)")
        #expect(err > 1e-2)
    }
}
