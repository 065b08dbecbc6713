import CDNNL

/// Row-major `C = alpha · op(A) · op(B) + beta · C` on oneDNN's `dnnl_sgemm`, where `op(A)` is
/// `m × k`, `op(B)` is `k × n` and `C` is `m × n` (`lda`, `ldb`, `ldc`: row strides in floats).
/// Its status goes through ``dnnlCheck(_:_:)``, so a failure throws ``DNNLError`` like every other
/// oneDNN call. The product runs on the calling thread's OpenMP thread count (``ComputeThreads``).
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
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
