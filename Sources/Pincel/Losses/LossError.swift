import CDNNL

/// Problems reported by the loss terms.
public enum LossError: Error, CustomStringConvertible, Equatable {
    /// Two buffers that must agree in size do not.
    case sizeMismatch(what: String, expected: Int, actual: Int)
    /// An argument is out of range.
    case invalidArgument(String)
    /// oneDNN's `dnnl_sgemm` returned a status other than success.
    case gemmFailed(status: Int, m: Int, n: Int, k: Int)

    /// The error in one line.
    public var description: String {
        switch self {
        case let .sizeMismatch(what, expected, actual):
            return "loss: \(what) has \(actual) values, expected \(expected); check that the image and targets were computed at the same size"
        case let .invalidArgument(message):
            return "loss: \(message)"
        case let .gemmFailed(status, m, n, k):
            return "loss: oneDNN dnnl_sgemm failed with status \(status) for a \(m)x\(n)x\(k) product; check that libdnnl (2.6) is installed correctly"
        }
    }
}

/// Row-major `C = alpha · op(A) · op(B) + beta · C` via oneDNN, where `op(A)` is `m × k`,
/// `op(B)` is `k × n` and `C` is `m × n`. Throws ``LossError/gemmFailed(status:m:n:k:)``.
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
           alpha: Float, a: UnsafePointer<Float>, lda: Int,
           b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws {
    let status = dnnl_sgemm(CChar(UInt8(ascii: transposeA ? "T" : "N")),
                            CChar(UInt8(ascii: transposeB ? "T" : "N")),
                            dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k),
                            alpha, a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb),
                            beta, c, dnnl_dim_t(ldc))
    guard status == dnnl_success else {
        throw LossError.gemmFailed(status: Int(status.rawValue), m: m, n: n, k: k)
    }
}
