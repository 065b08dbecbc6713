import PincelCore
import PincelWeights
internal import CDNNL

/// Every primitive and buffer of one VGG19 pass for one image size, built once and
/// reused for every iteration (nothing is allocated per pass).
///
/// Its parts: ``PlanMemory`` (element type, where activations live, byte count),
/// ``ForwardPass`` (the operations in order, with ``TapCopies``), ``BackwardPass`` (the
/// ping-pong gradient buffers and the stages down to the image), ``Scratchpad`` (one shared
/// by all), built from ``VGGPrimitives``, with weights from the network's ``WeightStore``.
///
/// Layouts: the image enters as plain NCHW f32 and is reordered once into the layout the
/// first convolution chose; inside the network every activation stays in oneDNN's
/// blocked layout. Taps are reordered to plain f32 (`[C, h, w]` or `[h, w, C]`, as
/// `NetworkOptions.tapLayout` says) after the forward pass, and their gradients reordered back
/// (accumulating) during the backward pass.
final class NetworkPlan {
    let height: Int
    let width: Int
    let taps: [VGG19Layer]
    /// Plain `[1, 3, H, W]` f32 input in Caffe order (BGR, mean subtracted).
    let input: DNNLMemory
    /// Plain `[1, 3, H, W]` f32 gradient with respect to `input`.
    let inputGradient: DNNLMemory
    /// Plain f32 activation of each tap in the tap layout, same order as `taps`.
    let tapOutputs: [DNNLMemory]
    /// Shapes `[C, h, w]` of the taps (whatever their layout).
    let tapShapes: [[Int]]
    /// oneDNN's implementation name for each forward and backward convolution.
    let implementations: [String]
    /// Bytes held by this plan's buffers (activations, gradients, weights, scratchpad).
    let bytes: Int
    /// The part of ``bytes`` this plan shares with the network's other plans (weights).
    let sharedBytes: Int

    private let forwardSteps: [DNNLPrimitive]
    private let backward: BackwardPass
    private let stream: DNNLStream

    init(weights: WeightStore, taps: [VGG19Layer], height: Int, width: Int,
         options: NetworkOptions, engine: DNNLEngine, stream: DNNLStream) throws {
        self.height = height
        self.width = width
        self.taps = taps
        self.stream = stream
        let deepest = taps.map(\.operationIndex).max() ?? 0
        let memory = try PlanMemory(deepest: deepest, height: height, width: width, options: options, engine: engine)
        input = try memory.uncountedBuffer(MemoryDesc(dims: PlanMemory.imageDims(height: height, width: width),
                                                      type: dnnl_f32, tag: dnnl_abcd))
        inputGradient = try memory.uncountedBuffer(input.desc)
        let forward = try ForwardPass(input: input, deepest: deepest, taps: taps, height: height, width: width,
                                      options: options, memory: memory, weights: weights)
        tapOutputs = try forward.tapCopies.allOutputs()
        tapShapes = forward.tapCopies.shapes
        backward = try BackwardPass(forward: forward, tapOutputs: tapOutputs, inputGradient: inputGradient,
                                    height: height, width: width, options: options, memory: memory, weights: weights)
        forwardSteps = forward.steps
        implementations = forward.implementations + backward.implementations
        try Scratchpad.share(among: forwardSteps + backward.stages.flatMap(\.steps), memory: memory)
        memory.count(PlanMemory.imageSizedBuffers * input.desc.byteSize)
        bytes = memory.bytes
        sharedBytes = memory.sharedBytes
        sharedMemory = memory.shared
    }

    /// The weights and biases this plan uses from its ``WeightStore``.
    let sharedMemory: [DNNLMemory]

    /// Runs the forward pass on `input`; afterwards `tapOutputs` hold the activations.
    func forward() throws {
        for step in forwardSteps { try step.execute(on: stream) }
        try stream.wait()
    }

    /// Runs the backward pass; afterwards `inputGradient` holds dLoss/dInput. When the pass
    /// reaches tap `t` it calls `tapGradient(t, buffer)`, which must write every value of
    /// dLoss/d(activation t) (plain f32 in the tap layout) into `buffer` (its old contents are
    /// garbage). Needs the activations of the last `forward()`.
    func backward(tapGradient: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        for stage in backward.stages {
            if let t = stage.tap {
                try stream.wait()
                try tapGradient(t, backward.tapGradients[t].floats)
            }
            for step in stage.steps { try step.execute(on: stream) }
        }
        try stream.wait()
    }
}
