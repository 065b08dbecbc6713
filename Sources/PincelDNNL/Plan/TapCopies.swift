import PincelCore
import PincelWeights
internal import CDNNL

/// The taps of a plan: a plain f32 copy of each tapped activation (`[C, h, w]` or `[h, w, C]`
/// as ``NetworkOptions/tapLayout`` says), made by a reorder step right after its layer (before
/// a recomputed block's region is overwritten by the next block).
struct TapCopies {
    let taps: [VGG19Layer]
    let layout: FeatureLayout
    /// The plain copy of each tap, same order as `taps`; `nil` until its layer is built.
    private var outputs: [DNNLMemory?]
    /// Shapes `[C, h, w]` of the taps (whatever their layout).
    private(set) var shapes: [[Int]]

    init(taps: [VGG19Layer], layout: FeatureLayout) {
        self.taps = taps
        self.layout = layout
        outputs = Array(repeating: nil, count: taps.count)
        shapes = Array(repeating: [], count: taps.count)
    }

    /// Adds the copy steps of the taps at operation `opIndex` (whose output is `activation`).
    mutating func copy(operation opIndex: Int, activation: DNNLMemory, into steps: inout [DNNLPrimitive],
                       memory: PlanMemory) throws {
        for (t, tap) in taps.enumerated() where tap.operationIndex == opIndex {
            let dims = PlanMemory.dims(of: activation.desc)
            let plain = try MemoryDesc(dims: dims, type: dnnl_f32, tag: layout == .channelsLast ? dnnl_acdb : dnnl_abcd)
            let out = try memory.buffer(plain)
            steps.append(try VGGPrimitives.reorder(activation, into: out, engine: memory.engine))
            outputs[t] = out
            shapes[t] = Array(dims.dropFirst())
        }
    }

    /// Every tap's copy, once all were built.
    func allOutputs() throws -> [DNNLMemory] {
        let built = outputs.compactMap { $0 }
        guard built.count == taps.count else { throw VGGError.noLayers }
        return built
    }
}
