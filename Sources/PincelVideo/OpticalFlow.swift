import Pincel
import PincelCore
import PincelImaging
internal import CFlowShim

/// A dense optical flow between two frames of the same size: for each pixel `p` of the
/// frame it was computed from, the displacement `(dx[p], dy[p])` to where that point is in
/// the other frame.
struct FlowField: Sendable, Equatable {
    let width: Int
    let height: Int
    /// Horizontal displacements, row by row (`height · width`), pixels.
    var dx: [Float]
    /// Vertical displacements, row by row, pixels.
    var dy: [Float]

    /// A flow of zeros.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        dx = [Float](repeating: 0, count: width * height)
        dy = dx
    }

    /// A flow from its two planes. - Throws: ``VideoError/badFlow(_:)`` when the planes do not
    /// hold `width · height` values each.
    init(width: Int, height: Int, dx: [Float], dy: [Float]) throws {
        guard width > 0, height > 0, dx.count == width * height, dy.count == dx.count else {
            throw VideoError.badFlow("flow planes do not match \(width)x\(height)")
        }
        self.width = width
        self.height = height
        self.dx = dx
        self.dy = dy
    }
}

/// OpenCV's DIS optical flow (Kroeger et al., "Fast Optical Flow using Dense Inverse
/// Search", ECCV 2016) on grey frames. Owns the C handle; not safe to share between threads
/// (one per video run).
final class DISFlow {
    /// DIS's presets: speed against accuracy.
    enum Preset: Int32 {
        case ultrafast = 0, fast = 1, medium = 2
    }

    private let handle: OpaquePointer

    /// - Throws: ``VideoError/flowFailed(_:)`` when OpenCV cannot make the object.
    init(preset: Preset = .medium) throws {
        var message = [CChar](repeating: 0, count: 256)
        var made: OpaquePointer?
        let status = pincel_flow_create(preset.rawValue, &made, &message, message.count)
        guard status == 0, let made else {
            throw VideoError.flowFailed(Self.text(message))
        }
        handle = made
    }

    deinit { pincel_flow_destroy(handle) }

    /// The flow from `from` to `to`: both RGB `[3, H, W]` (or grey `[1, H, W]`), 0…255, the
    /// same size. - Throws: ``VideoError`` on a size mismatch or an OpenCV error.
    func flow(from: Tensor, to: Tensor) throws -> FlowField {
        guard from.shape.count == 3, from.shape == to.shape, [1, 3].contains(from.shape[0]) else {
            throw VideoError.badFlow("frames of different shapes: \(from.shape) and \(to.shape)")
        }
        let (h, w) = (from.shape[1], from.shape[2])
        let a = Self.grey(from), b = Self.grey(to)
        var interleaved = [Float](repeating: 0, count: 2 * w * h)
        var message = [CChar](repeating: 0, count: 256)
        let status = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                interleaved.withUnsafeMutableBufferPointer { pf in
                    pincel_flow_compute(handle, pa.baseAddress, pb.baseAddress, Int32(w), Int32(h),
                                        pf.baseAddress, &message, message.count)
                }
            }
        }
        guard status == 0 else { throw VideoError.flowFailed(Self.text(message)) }
        var field = FlowField(width: w, height: h)
        for i in 0..<(w * h) {
            // DIS may leave NaN on degenerate input; a zero motion is the safe reading.
            let x = interleaved[2 * i], y = interleaved[2 * i + 1]
            field.dx[i] = x.isFinite ? x : 0
            field.dy[i] = y.isFinite ? y : 0
        }
        return field
    }

    /// Rec. 601 luma, rounded to 8 bits.
    static func grey(_ image: Tensor) -> [UInt8] {
        let hw = image.shape[1] * image.shape[2]
        let d = image.data
        var out = [UInt8](repeating: 0, count: hw)
        for i in 0..<hw {
            let v = image.shape[0] == 1 ? d[i] : 0.299 * d[i] + 0.587 * d[hw + i] + 0.114 * d[2 * hw + i]
            let c = v.isFinite ? min(max(v.rounded(), 0), 255) : 0
            out[i] = UInt8(c)
        }
        return out
    }

    private static func text(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let s = String(decoding: bytes, as: UTF8.self)
        return OneLine.sanitize(s.isEmpty ? "OpenCV error" : s, limit: 240)
    }
}
