/// The dense matrix product the loss terms are built on, as a compute backend provides it.
///
/// Row-major `C = alpha · op(A) · op(B) + beta · C`, where `op(A)` is `m × k`, `op(B)` is
/// `k × n` and `C` is `m × n` (`lda`, `ldb`, `ldc`: row strides in floats; `op` transposes
/// when asked). All three matrices are in host memory. The Gram matrices of ``GramMatrix``,
/// ``StyleLoss`` and the guided style loss call nothing else, so a backend that supplies this
/// product supplies every matrix product of the objective.
public protocol MatrixProducts {
    /// Computes `C = alpha · op(A) · op(B) + beta · C`.
    ///
    /// - Throws: the backend's error when the product cannot run (for example a leading
    ///   dimension below a row's length).
    func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                  alpha: Float, a: UnsafePointer<Float>, lda: Int,
                  b: UnsafePointer<Float>, ldb: Int,
                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws
}
