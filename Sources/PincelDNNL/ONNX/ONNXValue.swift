import Foundation
import PincelCore
import PincelWeights

/// A value flowing through an ``ONNXProgram``: a dense float32 tensor.
///
/// `shape` is the value's ONNX shape (activations `[N, C, H, W]`); `data` is row-major in that
/// shape, except for a 4-D value marked ``channelsLast``, whose data is stored `[N, H, W, C]`
/// (oneDNN's fastest convolutions read and write that layout, so activations stay in it
/// between convolutions and the operators in between follow it). Integer tensors (an `int8`
/// activation after `QuantizeLinear`, a shape) are held as floats too; every integer they hold
/// is exact in a float.
package struct ONNXValue: Sendable {
    /// Dimensions, outermost first (the ONNX shape, whatever the storage order).
    package var shape: [Int]
    /// `shape.reduce(1, *)` values.
    package var data: [Float]
    /// Stored `[N, H, W, C]` (4-D values only).
    var channelsLast = false

    package init(shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    init(shape: [Int], data: [Float], channelsLast: Bool) {
        self.shape = shape
        self.data = data
        self.channelsLast = channelsLast && shape.count == 4
    }

    init(_ tensor: ONNXTensor) {
        shape = tensor.shape
        data = tensor.values
    }

    var count: Int { data.count }

    /// The dimensions in storage order.
    var storedShape: [Int] { channelsLast ? Self.toChannelsLast(shape) : shape }

    /// `[N, C, H, W]` → `[N, H, W, C]`.
    static func toChannelsLast(_ s: [Int]) -> [Int] { [s[0], s[2], s[3], s[1]] }
    /// `[N, H, W, C]` → `[N, C, H, W]`.
    static func fromChannelsLast(_ s: [Int]) -> [Int] { [s[0], s[3], s[1], s[2]] }

    /// True when both storage orders are the same bytes (a 4-D value with one pixel or one
    /// channel), so the order can be relabelled for free.
    var eitherOrder: Bool { shape.count == 4 && (shape[1] == 1 || shape[2] * shape[3] == 1) }

    /// The value stored row-major (`[N, C, H, W]` for 4-D).
    func rowMajor() throws -> ONNXValue {
        guard channelsLast else { return self }
        if eitherOrder { return ONNXValue(shape: shape, data: data) }
        let stored = ONNXValue(shape: storedShape, data: data)
        return try ONNXLayout.transpose(stored, perm: [0, 3, 1, 2])
    }

    /// The value stored `[N, H, W, C]` (4-D values only).
    func inChannelsLast() throws -> ONNXValue {
        guard !channelsLast else { return self }
        guard shape.count == 4 else { throw ONNXRunError.shapes("channels-last storage of a \(shape.count)-D value") }
        if eitherOrder { return ONNXValue(shape: shape, data: data, channelsLast: true) }
        let moved = try ONNXLayout.transpose(self, perm: [0, 2, 3, 1])
        return ONNXValue(shape: shape, data: moved.data, channelsLast: true)
    }
}
