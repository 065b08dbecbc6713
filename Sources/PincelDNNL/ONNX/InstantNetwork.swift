import Foundation
import PincelCore
import PincelWeights

/// The two networks of Ghiasi et al.'s arbitrary style transfer on oneDNN (f32): the style
/// predictor (a painting → a 100-number style vector) and the transformer (a photo and a style
/// vector → the stylised photo, one pass, any size).
///
/// Both are read from ONNX files (``ONNXModel``) and run by ``ONNXProgram``. Values are in the
/// models' own conventions: images NHWC (`[height, width, 3]` here, batch 1) with values 0…1.
/// Calls are serialised (one pass at a time per network object); build one per thread for
/// parallel passes.
package final class InstantNetwork: @unchecked Sendable {
    /// The style vector's length.
    package static let styleDimensions = 100
    /// The side of the square the predictor reads.
    package static let styleSide = 256
    /// Sides of the transformer's input must be multiples of this (two stride-2 convolutions,
    /// then two 2x upsamplings).
    package static let sideMultiple = 4
    /// The transformer pads each side by this much by reflection (its 9x9 first convolution):
    /// a side must be longer than that.
    package static let minimumSide = 8

    private struct Programs {
        let engine: DNNLEngine
        let stream: DNNLStream
        let predictor: ONNXProgram
        let transformer: ONNXProgram
    }

    /// Reached only under `lock` (that is what makes the class safe to share).
    private let programs: Programs
    private let lock = NSLock()
    /// OpenMP threads for oneDNN's convolutions (`nil`: the calling thread's count).
    package let threads: Int?
    private let predictorInput: String, predictorOutput: String
    private let contentInput: String, vectorInput: String, transformerOutput: String

    /// Prepares both networks, checking that their inputs and outputs are those of the
    /// arbitrary style networks.
    package init(predictor: ONNXModel, transformer: ONNXModel, threads: Int? = nil,
                 activations: ONNXProgram.Activations = .float) throws {
        let engine = try DNNLEngine()
        let stream = try DNNLStream(engine: engine)
        let p = try ONNXProgram(model: predictor, activations: activations, engine: engine, stream: stream)
        let t = try ONNXProgram(model: transformer, activations: activations, engine: engine, stream: stream)
        guard p.declaredInputs.count == 1, p.declaredInputs[0].shape == [1, Self.styleSide, Self.styleSide, 3],
              p.outputNames.count == 1 else {
            throw ONNXError.unexpectedGraph("the style predictor should read one [1, 256, 256, 3] image")
        }
        guard t.declaredInputs.count == 2, t.declaredInputs[0].shape.count == 4, t.declaredInputs[0].shape.last == 3,
              t.declaredInputs[1].shape == [1, 1, 1, Self.styleDimensions], t.outputNames.count == 1 else {
            throw ONNXError.unexpectedGraph("the transformer should read an NHWC image and a [1, 1, 1, 100] style vector")
        }
        predictorInput = p.inputNames[0]
        predictorOutput = p.outputNames[0]
        contentInput = t.inputNames[0]
        vectorInput = t.inputNames[1]
        transformerOutput = t.outputNames[0]
        self.threads = threads
        programs = Programs(engine: engine, stream: stream, predictor: p, transformer: t)
    }

    /// The style vector of a painting given as `[256, 256, 3]` values 0…1 (row-major HWC).
    package func styleVector(ofSquare pixels: [Float]) throws -> [Float] {
        let side = Self.styleSide
        guard pixels.count == side * side * 3 else {
            throw ONNXRunError.input("the style image needs \(side)x\(side)x3 values, got \(pixels.count)")
        }
        let input = ONNXValue(shape: [1, side, side, 3], data: pixels)
        let out = try run { try $0.predictor.run([predictorInput: input]) }
        guard let vector = out[predictorOutput], vector.count == Self.styleDimensions else {
            throw ONNXRunError.shapes("the style predictor returned \(out[predictorOutput]?.shape ?? [])")
        }
        return vector.data
    }

    /// The stylised image of `pixels` (`[height, width, 3]` values 0…1, HWC; both sides multiples
    /// of ``sideMultiple`` and longer than ``minimumSide``), in the same layout, values 0…1.
    package func stylize(_ pixels: [Float], height: Int, width: Int, styleVector: [Float]) throws -> [Float] {
        guard height % Self.sideMultiple == 0, width % Self.sideMultiple == 0,
              height > Self.minimumSide, width > Self.minimumSide, pixels.count == height * width * 3 else {
            throw ONNXRunError.input("the transformer needs sides that are multiples of 4, above 8 (got \(width)x\(height))")
        }
        guard styleVector.count == Self.styleDimensions, styleVector.allSatisfy(\.isFinite) else {
            throw ONNXRunError.input("a style vector needs \(Self.styleDimensions) finite numbers")
        }
        let image = ONNXValue(shape: [1, height, width, 3], data: pixels)
        let vector = ONNXValue(shape: [1, 1, 1, Self.styleDimensions], data: styleVector)
        let out = try run { try $0.transformer.run([contentInput: image, vectorInput: vector]) }
        guard let result = out[transformerOutput], result.shape == [1, height, width, 3] else {
            throw ONNXRunError.shapes("the transformer returned \(out[transformerOutput]?.shape ?? []) for \(width)x\(height)")
        }
        return result.data
    }

    private func run<T>(_ body: (Programs) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try ComputeThreads.withCount(threads) { try body(programs) }
    }
}
