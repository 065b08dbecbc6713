import PincelCore
import PincelWeights
internal import CDNNL

/// A network's convolution weights and biases in the layouts its plans' primitives chose,
/// reordered once per (convolution, layout) and shared by every plan of the network.
///
/// A forward and a backward convolution usually want different layouts, and a layout may
/// change with the image size (Winograd above ``VGGPrimitives/winogradSizeLimit``, say), so a
/// convolution holds a few. Plans keep what they use alive; ``keepOnly(_:)`` drops the rest
/// when the plans that used them are gone.
final class WeightStore {
    private let weights: VGG19Weights
    private let engine: DNNLEngine
    private let stream: DNNLStream
    /// Reordered weights of each convolution, one per layout.
    private var reordered: [Int: [DNNLMemory]] = [:]
    /// Plain f32 biases, one per convolution (their layout never changes).
    private var biases: [Int: DNNLMemory] = [:]
    /// Weight reorders run so far (for tests and measurements).
    private(set) var reorders = 0

    init(weights: VGG19Weights, engine: DNNLEngine, stream: DNNLStream) {
        self.weights = weights
        self.engine = engine
        self.stream = stream
    }

    /// Convolution `conv`'s weights in `layout`, reordered now unless another plan already did.
    func weights(conv: Int, layout: MemoryDesc) throws -> DNNLMemory {
        if let hit = reordered[conv, default: []].first(where: { $0.desc == layout }) { return hit }
        let spec = VGG19Architecture.convs[conv]
        let plain = try DNNLMemory(MemoryDesc(dims: VGGPrimitives.weightDims(inChannels: spec.inChannels, outChannels: spec.outChannels),
                                              type: dnnl_f32, tag: dnnl_abcd), engine: engine)
        Self.copy(weights.convs[conv].weights.data, into: plain)
        let out = try VGGPrimitives.reorderNow(plain, to: layout, engine: engine, stream: stream)
        reorders += 1
        reordered[conv, default: []].append(out)
        return out
    }

    /// Convolution `conv`'s bias, `[outChannels]` f32.
    func bias(conv: Int) throws -> DNNLMemory {
        if let hit = biases[conv] { return hit }
        let spec = VGG19Architecture.convs[conv]
        let bias = try DNNLMemory(MemoryDesc(dims: [spec.outChannels], type: dnnl_f32, tag: dnnl_a), engine: engine)
        Self.copy(weights.convs[conv].bias, into: bias)
        biases[conv] = bias
        return bias
    }

    /// Forgets every reordered weight and bias that `plans` do not use (they stay alive as long
    /// as some plan holds them).
    func keepOnly(_ plans: [NetworkPlan]) {
        let used = Set(plans.flatMap(\.sharedMemory).map(ObjectIdentifier.init))
        for (conv, list) in reordered { reordered[conv] = list.filter { used.contains(ObjectIdentifier($0)) } }
        biases = biases.filter { used.contains(ObjectIdentifier($0.value)) }
    }

    private static func copy(_ values: [Float], into memory: DNNLMemory) {
        let dst = memory.floats
        values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress, let d = dst.baseAddress else { return }
            d.update(from: base, count: min(src.count, dst.count))
        }
    }
}
