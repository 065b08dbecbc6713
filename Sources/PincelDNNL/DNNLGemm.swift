import PincelCore
import PincelWeights
internal import CDNNL

/// Row-major `C = alpha · op(A) · op(B) + beta · C` on oneDNN's `dnnl_sgemm`, where `op(A)` is
/// `m × k`, `op(B)` is `k × n` and `C` is `m × n` (`lda`, `ldb`, `ldc`: row strides in floats).
/// Its status goes through ``dnnlCheck(_:_:)``, so a failure throws ``DNNLError`` like every other
/// oneDNN call. The product runs on the calling thread's OpenMP thread count (``ComputeThreads``).
package func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
           alpha: Float, a: UnsafePointer<Float>, lda: Int,
           b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
    try dnnlCheck(dnnl_sgemm(CChar(UInt8(ascii: transposeA ? "T" : "N")),
                             CChar(UInt8(ascii: transposeB ? "T" : "N")),
                             dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k),
                             alpha, a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb),
                             beta, c, dnnl_dim_t(ldc)),
                  "sgemm (\(m)x\(k) by \(k)x\(n))")
}

/// The objective's matrix products on oneDNN's sgemm (``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``).
package struct DNNLMatrixProducts: MatrixProducts {
    package init() {}

    package func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                          alpha: Float, a: UnsafePointer<Float>, lda: Int,
                          b: UnsafePointer<Float>, ldb: Int,
                          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
        try sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

// The loss terms on oneDNN's products, for the package's tests and tools.
extension GramMatrix {
    /// ``GramMatrix/init(features:channels:layout:products:)`` on oneDNN.
    package init(features: UnsafeBufferPointer<Float>, channels: Int, layout: FeatureLayout = .channelsFirst) throws {
        try self.init(features: features, channels: channels, layout: layout, products: DNNLMatrixProducts())
    }

    /// ``GramMatrix/init(features:products:)`` on oneDNN.
    package init(features: Tensor) throws {
        try self.init(features: features, products: DNNLMatrixProducts())
    }

    /// ``GramMatrix/compute(features:channels:layout:into:products:)`` on oneDNN.
    package static func compute(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout = .channelsFirst,
                                into gram: UnsafeMutableBufferPointer<Float>) throws {
        try compute(features: features, channels: n, layout: layout, into: gram, products: DNNLMatrixProducts())
    }
}

extension StyleLoss {
    /// ``StyleLoss/evaluate(features:target:layerWeight:workspace:gradient:layout:products:)`` on oneDNN.
    package static func evaluate(features: UnsafeBufferPointer<Float>, target: GramMatrix, layerWeight: Float,
                                 workspace: StyleLayerWorkspace, gradient: UnsafeMutableBufferPointer<Float>,
                                 layout: FeatureLayout = .channelsFirst) throws -> Float {
        try evaluate(features: features, target: target, layerWeight: layerWeight, workspace: workspace,
                     gradient: gradient, layout: layout, products: DNNLMatrixProducts())
    }

    /// ``StyleLoss/evaluate(features:target:layerWeight:workspace:gradient:products:)`` on oneDNN.
    package static func evaluate(features: Tensor, target: GramMatrix, layerWeight: Float,
                                 workspace: StyleLayerWorkspace, gradient: inout [Float]) throws -> Float {
        try evaluate(features: features, target: target, layerWeight: layerWeight, workspace: workspace,
                     gradient: &gradient, products: DNNLMatrixProducts())
    }
}

extension GuidedStyleLoss {
    /// ``GuidedStyleLoss/gram(features:channels:layout:guide:workspace:products:)`` on oneDNN.
    package static func gram(features: UnsafeBufferPointer<Float>, channels n: Int, layout: FeatureLayout,
                             guide: CompactGuide, workspace: GuidedStyleWorkspace) throws -> GramMatrix? {
        try gram(features: features, channels: n, layout: layout, guide: guide, workspace: workspace,
                 products: DNNLMatrixProducts())
    }

    /// ``GuidedStyleLoss/evaluate(features:target:guide:layerWeight:workspace:gradient:layout:products:)`` on oneDNN.
    package static func evaluate(features: UnsafeBufferPointer<Float>, target: GramMatrix, guide: CompactGuide,
                                 layerWeight: Float, workspace: GuidedStyleWorkspace,
                                 gradient: UnsafeMutableBufferPointer<Float>, layout: FeatureLayout) throws -> Float {
        try evaluate(features: features, target: target, guide: guide, layerWeight: layerWeight, workspace: workspace,
                     gradient: gradient, layout: layout, products: DNNLMatrixProducts())
    }
}
