import PincelCore

/// `QuantizeLinear` and `DequantizeLinear` (int8 and int32, per tensor or per axis), computed
/// in float: a quantised value is held as the float of its integer.
enum ONNXQuantization {
    static func quantize(_ x: ONNXValue, scale: ONNXValue, zeroPoint: ONNXValue?) throws -> ONNXValue {
        guard scale.count == 1, let s = scale.data.first, s > 0, s.isFinite else {
            throw ONNXRunError.shapes("QuantizeLinear with \(scale.count) scales (one per tensor is supported)")
        }
        let z = zeroPoint?.data.first ?? 0
        // ONNX's QuantizeLinear saturates to the zero point's type: int8 here (uint8 has no
        // negative zero points; a uint8 model would need its own bounds).
        return ONNXElementwise.quantize(x, scale: s, zeroPoint: z, lo: -128, hi: 127)
    }

    static func dequantize(_ x: ONNXValue, scale: ONNXValue, zeroPoint: ONNXValue?, axis: Int) throws -> ONNXValue {
        if scale.count == 1 {
            let s = scale.data[0], z = zeroPoint?.data.first ?? 0
            return ONNXElementwise.unary(x, .affine(shift: z, scale: s))
        }
        let rank = x.shape.count
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank, x.shape[a] == scale.count, zeroPoint.map({ $0.count == scale.count }) ?? true else {
            throw ONNXRunError.shapes("DequantizeLinear of \(x.shape) with \(scale.count) scales on axis \(axis)")
        }
        let inner = x.shape[(a + 1)...].reduce(1, *), extent = x.shape[a]
        var out = x.data
        for i in 0 ..< out.count {
            let c = (i / inner) % extent
            out[i] = (out[i] - (zeroPoint?.data[c] ?? 0)) * scale.data[c]
        }
        return ONNXValue(shape: x.shape, data: out)
    }
}
