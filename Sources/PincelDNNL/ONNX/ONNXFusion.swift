import PincelWeights

/// Rewrites a graph's computed steps so that the instance normalisations of the instant
/// transformer take two passes over their activation instead of seven.
///
/// The networks spell an instance normalisation out in element-wise operators:
/// `mean = GlobalAveragePool(x)`, `d = Sub(x, mean)`, `v = GlobalAveragePool(Mul(d, d))`, then
/// `y = Add(Mul(x, scale), shift)` (per-channel `scale` and `shift` from `v`, `mean` and the
/// style vector), usually followed by `Relu(y)`. Each operator is a pass over the whole
/// activation and a new array of its size. Two fusions:
/// - `Sub`, `Mul` (of the difference with itself) and `GlobalAveragePool` become one
///   ``ONNXOperation/centredMeanSquare`` (the variance, without the squared differences in
///   memory);
/// - `Mul` then `Add` (then `Relu`) become one ``ONNXOperation/scaleShift(relu:)``;
/// - a `Relu` or `Clip` (MobileNet's ReLU6 in the style predictor) after a convolution becomes
///   the convolution's post-op (``ONNXConvolution/fuse(clamp:_:)``).
///
/// A fusion applies only where the intermediate values have no other reader and are not graph
/// outputs; at run time each fused operator checks its operands' shapes and falls back to the
/// separate operators when they are not per-channel (so a fused graph computes exactly what the
/// graph says, in the same float operations). Activation quantisation pairs that are identities
/// (``ONNXProgram/Activations/float``) are looked through and dropped.
enum ONNXFusion {
    typealias Item = (node: ONNXNode, operation: ONNXOperation)

    static func fuse(_ items: [Item], outputs: Set<String>) -> [Item] {
        var producer: [String: Int] = [:]
        for (i, item) in items.enumerated() { for name in item.node.outputs { producer[name] = i } }
        func resolve(_ name: String) -> String {
            var name = name
            while let p = producer[name], case .identity = items[p].operation, let input = items[p].node.inputs.first {
                name = input
            }
            return name
        }
        var steps = items.map { item -> Item? in
            var node = item.node
            node.inputs = node.inputs.map { $0.isEmpty ? $0 : resolve($0) }
            return (node, item.operation)
        }
        // Readers per value, counting each reading step once, identities not counted.
        var readers: [String: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            guard let step, !isIdentity(step.operation) else { continue }
            for name in Set(step.node.inputs) where !name.isEmpty { readers[name, default: []].append(i) }
        }
        for name in outputs { readers[resolve(name), default: []].append(-1) }
        func soleReader(_ name: String) -> Int? {
            guard let r = readers[name], r.count == 1, r[0] >= 0 else { return nil }
            return r[0]
        }
        func producing(_ name: String) -> Int? {
            guard let p = producer[name], let step = steps[p], !isIdentity(step.operation) else { return nil }
            return p
        }
        for i in steps.indices {
            guard let step = steps[i] else { continue }
            switch step.operation {
            case .globalAveragePool:
                // GlobalAveragePool(Mul(d, d)), d = Sub(x, m) → centredMeanSquare(x, m)
                guard let square = step.node.inputs.first, soleReader(square) == i, let m = producing(square),
                      let mul = steps[m], case .binary(.mul) = mul.operation, mul.node.inputs.count == 2,
                      mul.node.inputs[0] == mul.node.inputs[1], soleReader(mul.node.inputs[0]) == m,
                      let s = producing(mul.node.inputs[0]), let sub = steps[s], case .binary(.sub) = sub.operation,
                      sub.node.inputs.count == 2 else { continue }
                var node = step.node
                node.opType = "CentredMeanSquare"
                node.inputs = sub.node.inputs
                steps[i] = (node, .centredMeanSquare)
                steps[m] = nil
                steps[s] = nil
            case .binary(.add):
                // Add(Mul(a, b), t) or Add(t, Mul(a, b)) [→ Relu] → scaleShift(a, b, t)
                guard step.node.inputs.count == 2 else { continue }
                var found: (mul: Int, shift: String)?
                for (product, shift) in [(step.node.inputs[0], step.node.inputs[1]), (step.node.inputs[1], step.node.inputs[0])]
                where found == nil && product != shift && soleReader(product) == i {
                    if let m = producing(product), let mul = steps[m], case .binary(.mul) = mul.operation,
                       mul.node.inputs.count == 2 {
                        found = (m, shift)
                    }
                }
                guard let (m, shift) = found, let mul = steps[m] else { continue }
                var node = step.node
                node.opType = "ScaleShift"
                node.inputs = mul.node.inputs + [shift]
                var relu = false
                if let output = node.outputs.first, node.outputs.count == 1, let r = soleReader(output),
                   let next = steps[r], case .unary(.relu) = next.operation {
                    node.outputs = next.node.outputs
                    relu = true
                    steps[r] = nil
                }
                steps[i] = (node, .scaleShift(relu: relu))
                steps[m] = nil
            case .convolution(let conv):
                // Conv then Relu or Clip → the convolution with a clamp post-op
                guard let output = step.node.outputs.first, step.node.outputs.count == 1, let r = soleReader(output),
                      let next = steps[r], next.node.inputs.first == output else { continue }
                let bounds: (Float, Float)
                switch next.operation {
                case .unary(.relu): bounds = (0, .infinity)
                case .clip(let lo, let hi): bounds = (lo ?? -.infinity, hi ?? .infinity)
                default: continue
                }
                guard conv.fuse(clamp: bounds.0, bounds.1) else { continue }
                var node = step.node
                node.outputs = next.node.outputs
                steps[i] = (node, step.operation)
                steps[r] = nil
            default: continue
            }
        }
        // Identities: kept only where a graph output is one's result.
        return steps.compactMap { step in
            guard let step else { return nil }
            if isIdentity(step.operation), !step.node.outputs.contains(where: outputs.contains) { return nil }
            return step
        }
    }

    private static func isIdentity(_ operation: ONNXOperation) -> Bool {
        if case .identity = operation { return true } else { return false }
    }
}
