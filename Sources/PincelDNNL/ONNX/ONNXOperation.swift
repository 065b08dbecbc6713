import Foundation
import PincelCore
import PincelWeights

/// One operator, its attributes read and checked at load, ready to run on its inputs.
enum ONNXOperation {
    case convolution(ONNXConvolution)
    case quantize
    case dequantize(axis: Int)
    case clip(min: Float?, max: Float?)
    case unary(ONNXElementwise.Unary)
    case binary(ONNXElementwise.Binary)
    case globalAveragePool
    case reshape
    case transpose([Int])
    case pad(mode: String)
    case resizeNearest
    /// The input unchanged (an activation quantisation pair in a float run).
    case identity
    /// `GlobalAveragePool(Mul(d, d))` of `d = Sub(x, m)` (``ONNXFusion``): inputs `x`, `m`.
    case centredMeanSquare
    /// `Add(Mul(a, b), t)`, then `Relu` when `relu` (``ONNXFusion``): inputs `a`, `b`, `t`.
    case scaleShift(relu: Bool)

    var isConvolution: Bool { if case .convolution = self { return true } else { return false } }

    var isQuantization: Bool {
        switch self {
        case .quantize, .dequantize: return true
        default: return false
        }
    }

    init(node: ONNXNode, constants: [String: ONNXValue], engine: DNNLEngine, stream: DNNLStream) throws {
        let a = node.attributes
        func ints(_ name: String) -> [Int]? { if case .ints(let v)? = a[name] { return v } else { return nil } }
        func int(_ name: String) -> Int? { if case .int(let v)? = a[name] { return v } else { return nil } }
        func string(_ name: String) -> String? { if case .string(let v)? = a[name] { return v } else { return nil } }
        switch node.opType {
        case "Conv": self = .convolution(try Self.convolution(node, constants: constants, engine: engine, stream: stream))
        case "QuantizeLinear":
            guard node.inputs.count >= 2 else { throw ONNXError.malformed("QuantizeLinear without a scale") }
            self = .quantize
        case "DequantizeLinear": self = .dequantize(axis: int("axis") ?? 1)
        case "Clip":
            let lo = node.inputs.count > 1 && !node.inputs[1].isEmpty ? constants[node.inputs[1]]?.data.first : nil
            let hi = node.inputs.count > 2 && !node.inputs[2].isEmpty ? constants[node.inputs[2]]?.data.first : nil
            self = .clip(min: lo, max: hi)
        case "Relu": self = .unary(.relu)
        case "Sigmoid": self = .unary(.sigmoid)
        case "Sqrt": self = .unary(.sqrt)
        case "Reciprocal": self = .unary(.reciprocal)
        case "Add": self = .binary(.add)
        case "Sub": self = .binary(.sub)
        case "Mul": self = .binary(.mul)
        case "Div": self = .binary(.div)
        case "GlobalAveragePool": self = .globalAveragePool
        case "Reshape": self = .reshape
        case "Transpose":
            guard let perm = ints("perm") else { throw ONNXError.unsupported("Transpose without perm") }
            self = .transpose(perm)
        case "Pad":
            let mode = string("mode") ?? "constant"
            guard ["constant", "reflect", "edge"].contains(mode) else { throw ONNXError.unsupported("Pad mode \(mode)") }
            self = .pad(mode: mode)
        case "Resize":
            guard string("mode") == "nearest", (string("coordinate_transformation_mode") ?? "half_pixel") == "asymmetric",
                  (string("nearest_mode") ?? "round_prefer_floor") == "floor" else {
                throw ONNXError.unsupported("Resize other than nearest, asymmetric, floor")
            }
            self = .resizeNearest
        default: throw ONNXError.unsupported("operator \(node.opType)")
        }
    }

    private static func convolution(_ node: ONNXNode, constants: [String: ONNXValue], engine: DNNLEngine,
                                    stream: DNNLStream) throws -> ONNXConvolution {
        guard node.inputs.count >= 2, let weights = constants[node.inputs[1]] else {
            throw ONNXError.unsupported("a Conv whose weights are not constant")
        }
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? constants[node.inputs[2]] : nil
        if node.inputs.count > 2, !node.inputs[2].isEmpty, bias == nil {
            throw ONNXError.unsupported("a Conv whose bias is not constant")
        }
        let a = node.attributes
        func ints(_ name: String, _ fallback: [Int]) -> [Int] { if case .ints(let v)? = a[name] { return v } else { return fallback } }
        if case .string(let pad)? = a["auto_pad"], pad != "NOTSET" { throw ONNXError.unsupported("Conv auto_pad \(pad)") }
        let pads = ints("pads", [0, 0, 0, 0]), strides = ints("strides", [1, 1]), dilations = ints("dilations", [1, 1])
        var groups = 1
        if case .int(let g)? = a["group"] { groups = g }
        guard pads.count == 4, strides.count == 2, dilations.count == 2, pads.allSatisfy({ (0 ... 64).contains($0) }),
              strides.allSatisfy({ (1 ... 64).contains($0) }), dilations.allSatisfy({ (1 ... 64).contains($0) }),
              (1 ... 1 << 16).contains(groups) else {
            throw ONNXError.unsupported("a Conv with pads \(pads), strides \(strides), dilations \(dilations), group \(groups)")
        }
        if case .ints(let k)? = a["kernel_shape"], k != Array(weights.shape.dropFirst(2)) {
            throw ONNXError.malformed("Conv kernel_shape \(k) for weights \(weights.shape)")
        }
        let geometry = ONNXConvolution.Geometry(strides: strides, dilations: dilations, padsBegin: Array(pads[0 ..< 2]),
                                                padsEnd: Array(pads[2 ..< 4]), groups: groups)
        return try ONNXConvolution(weights: weights, bias: bias, geometry: geometry, engine: engine, stream: stream)
    }

    /// Runs the operator on its inputs (`nil` for an omitted optional one). Values may be
    /// stored channels-last (``ONNXValue/channelsLast``); operators that follow the storage
    /// order keep it, the others get row-major inputs.
    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        func input(_ i: Int) throws -> ONNXValue {
            guard i < inputs.count, let v = inputs[i] else { throw ONNXRunError.input("a missing operand") }
            return v
        }
        func rowMajor(_ i: Int) throws -> ONNXValue { try input(i).rowMajor() }
        switch self {
        case .convolution(let conv): return [try conv.run(input(0))]
        case .quantize:
            return [try ONNXQuantization.quantize(input(0), scale: rowMajor(1), zeroPoint: inputs.count > 2 ? inputs[2] : nil)]
        case .dequantize(let axis):
            let x = try input(0)
            let scale = try rowMajor(1)
            let value = scale.count == 1 ? x : try x.rowMajor()
            return [try ONNXQuantization.dequantize(value, scale: scale, zeroPoint: inputs.count > 2 ? inputs[2] : nil, axis: axis)]
        case .clip(let lo, let hi): return [ONNXElementwise.unary(try input(0), .clip(lo ?? -.infinity, hi ?? .infinity))]
        case .unary(let kind): return [ONNXElementwise.unary(try input(0), kind)]
        case .binary(let kind): return [try ONNXElementwise.binary(input(0), input(1), kind)]
        case .globalAveragePool: return [try ONNXElementwise.globalAveragePool(input(0))]
        case .reshape: return [try ONNXLayout.reshape(rowMajor(0), to: rowMajor(1).data.map { Int($0) })]
        case .transpose(let perm): return [try ONNXLayout.transposeKeepingStorage(input(0), perm: perm)]
        case .pad(let mode):
            let value = inputs.count > 2 ? inputs[2]?.data.first ?? 0 : 0
            return [try ONNXLayout.padKeepingStorage(input(0), pads: rowMajor(1).data.map { Int($0) }, mode: mode, value: value)]
        case .identity: return [try input(0)]
        case .centredMeanSquare: return [try ONNXElementwise.centredMeanSquare(input(0), input(1))]
        case .scaleShift(let relu): return [try ONNXElementwise.scaleShift(input(0), input(1), input(2), relu: relu)]
        case .resizeNearest:
            guard inputs.count > 2, let scales = inputs[2], !scales.data.isEmpty else {
                throw ONNXRunError.input("Resize without scales")
            }
            return [try ONNXLayout.resizeKeepingStorage(input(0), scales: scales.data)]
        }
    }
}
