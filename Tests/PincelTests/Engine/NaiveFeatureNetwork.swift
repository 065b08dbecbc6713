@testable import Pincel
@testable import PincelCore
@testable import PincelWeights

/// ``NaiveVGG`` (float64, direct loops) as a compute backend: the second implementation of
/// ``FeatureNetwork``, with float64-accumulated matrix products, so the objective's tests run
/// through the protocol on it as on oneDNN.
final class NaiveFeatureNetwork: FeatureNetwork {
    let taps: [VGG19Layer]
    let tapLayout = FeatureLayout.channelsFirst
    let products: any MatrixProducts = NaiveMatrixProducts()
    private let naive: NaiveVGG
    private let ops: [NaiveVGG.Op]
    private var trace: NaiveVGG.Trace?
    private var height = 0, width = 0
    /// Each tap's activation as floats, kept until the next forward pass.
    private var activations: [UnsafeMutableBufferPointer<Float>] = []

    init(weights: VGG19Weights, taps names: [String], pooling: PoolingMode = .max) throws {
        var layers: [VGG19Layer] = []
        for name in names {
            let layer = try VGG19Layer(name: name)
            if !layers.contains(layer) { layers.append(layer) }
        }
        guard !layers.isEmpty else { throw VGGError.noLayers }
        taps = layers
        naive = NaiveVGG(weights: weights, pooling: pooling)
        ops = NaiveVGG.ops(count: (layers.map(\.operationIndex).max() ?? 0) + 1)
    }

    deinit { release() }

    var minimumSide: Int { 1 << (taps.map(\.poolingsBefore).max() ?? 0) }

    func withComputeThreads<T>(_ body: () throws -> T) rethrows -> T { try body() }

    func forward(image: UnsafeBufferPointer<Float>, height: Int, width: Int) throws {
        guard image.count == 3 * height * width else {
            throw VGGError.badShape(expected: [3, height, width], got: [image.count], what: "image")
        }
        let t = naive.forward(NaiveVGG.preprocess(Array(image), h: height, w: width), h: height, w: width, ops: ops)
        release()
        activations = taps.map { tap in
            let values = t.values[tap.operationIndex + 1]
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
            for (i, v) in values.enumerated() { buffer[i] = Float(v) }
            return buffer
        }
        (trace, self.height, self.width) = (t, height, width)
    }

    func activation(_ index: Int) throws -> UnsafeBufferPointer<Float> {
        guard trace != nil else { throw VGGError.notRun("reading an activation") }
        return UnsafeBufferPointer(activations[index])
    }

    func shape(ofTap index: Int) throws -> [Int] {
        guard let trace else { throw VGGError.notRun("a tap's shape") }
        let s = trace.shapes[taps[index].operationIndex + 1]
        return [s.c, s.h, s.w]
    }

    func backward(into gradient: UnsafeMutableBufferPointer<Float>,
                  tapGradient: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        guard let trace else { throw VGGError.notRun("the backward pass") }
        var gradients: [Int: [Double]] = [:]
        for t in taps.indices.sorted(by: { taps[$0].operationIndex > taps[$1].operationIndex }) {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: activations[t].count)
            defer { buffer.deallocate() }
            try tapGradient(t, buffer)
            let op = taps[t].operationIndex
            let g = buffer.map(Double.init)
            gradients[op] = gradients[op].map { zip($0, g).map { $0 + $1 } } ?? g
        }
        let image = naive.backward(trace, ops: ops, gradients: gradients)
        guard gradient.count == image.count else {
            throw VGGError.badShape(expected: [3, height, width], got: [gradient.count], what: "image gradient")
        }
        for i in image.indices { gradient[i] = Float(image[i]) }
    }

    private func release() {
        for buffer in activations { buffer.deallocate() }
        activations = []
    }
}

/// Row-major `C = alpha · op(A) · op(B) + beta · C` by direct loops, accumulated in float64.
struct NaiveMatrixProducts: MatrixProducts {
    func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                  alpha: Float, a: UnsafePointer<Float>, lda: Int,
                  b: UnsafePointer<Float>, ldb: Int,
                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                c[i * ldc + j] = Float(Double(alpha) * sum + old)
            }
        }
    }
}
