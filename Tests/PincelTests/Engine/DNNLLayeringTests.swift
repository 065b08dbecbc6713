import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// oneDNN stays behind its shim: one status check, one directory.
@Suite("oneDNN layering")
struct DNNLLayeringTests {
    @Test func onlyTheDNNLDirectoryImportsCDNNL() throws {
        let sources = StyleTransferTests.repo.appendingPathComponent("Sources")
        let shim = sources.appendingPathComponent("PincelDNNL").path + "/"
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        let offenders = try files.filter { file in
            let path = sources.appendingPathComponent(file).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return !path.hasPrefix(shim) && text.split(separator: "\n").contains { $0.hasPrefix("import CDNNL") || $0.hasPrefix("internal import CDNNL") }
        }
        #expect(offenders.isEmpty, "import CDNNL outside Sources/PincelDNNL: \(offenders)")
    }

    @Test func aFailingProductThrowsTheDNNLError() throws {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 0, 0, 1]
        var c = [Float](repeating: 0, count: 4)
        // A leading dimension below the row length is refused by oneDNN.
        let error = try #require(throws: DNNLError.self) {
            try c.withUnsafeMutableBufferPointer { cp in
                try sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 1, a: a, lda: 1,
                          b: b, ldb: 2, beta: 0, c: try #require(cp.baseAddress), ldc: 2)
            }
        }
        #expect(error.description.contains("sgemm"))
        try c.withUnsafeMutableBufferPointer { cp in
            try sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 1, a: a, lda: 2,
                      b: b, ldb: 2, beta: 0, c: try #require(cp.baseAddress), ldc: 2)
        }
        #expect(c == a)
    }
}
