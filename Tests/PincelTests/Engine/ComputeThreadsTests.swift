import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// A network's thread count applies to its own work only (see ``ComputeThreads``).
@Suite("Compute threads")
struct ComputeThreadsTests {
    /// OpenMP is found (Debian's libdnnl links libgomp); without it counts are ignored.
    static let hasOpenMP = ComputeThreads.current > 0

    @Test(.enabled(if: hasOpenMP))
    func networksWithDifferentCountsUsedAlternatelyKeepTheirOwnAndLeaveTheCallers() throws {
        let before = ComputeThreads.current
        let counts = [1, 3]
        let nets = try counts.map {
            try VGG19Network(weights: EngineReferenceTests.weights, taps: ["relu1_1", "relu2_1", "relu3_1"],
                             options: NetworkOptions(threads: $0))
        }
        #expect(ComputeThreads.current == before, "building a network changed the caller's thread count")
        let image = PlanCacheTests.image(24, 32, seed: 9)
        var results: [[Float]] = [[], []]
        var seen: [[Int]] = [[], []]
        for round in 0..<2 {
            for (i, net) in nets.enumerated() {
                _ = try net.forward(image)
                var gradient = [Float](repeating: 0, count: image.count)
                try gradient.withUnsafeMutableBufferPointer { g in
                    try net.backward(into: g) { t, buffer in
                        seen[i].append(ComputeThreads.current)
                        buffer.update(repeating: Float(t + 1) / 8)
                    }
                }
                if round == 0 { results[i] = gradient } else { #expect(results[i] == gradient, "network \(i) changed") }
                #expect(ComputeThreads.current == before, "a pass changed the caller's thread count")
            }
        }
        // The losses run inside the backward pass's callback, on the network's count.
        #expect(seen[0] == Array(repeating: 1, count: 6))
        #expect(seen[1] == Array(repeating: 3, count: 6))
        #expect(relativeL2(results[1], results[0]) < 1e-5)
    }

    @Test(.enabled(if: hasOpenMP))
    func aScopedCountIsRestoredAndStaysOnItsThread() throws {
        let before = ComputeThreads.current
        let other = before == 2 ? 5 : 2
        #expect(ComputeThreads.withCount(other) { ComputeThreads.current } == other)
        #expect(ComputeThreads.current == before)
        #expect(throws: VGGError.self) {
            try ComputeThreads.withCount(other) { throw VGGError.noLayers }
        }
        #expect(ComputeThreads.current == before)
        #expect(ComputeThreads.withCount(nil) { ComputeThreads.current } == before)
        // OpenMP's count is per thread: setting it elsewhere leaves this thread's.
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var elsewhere = 0
        let thread = Thread {
            ComputeThreads.set(other)
            elsewhere = ComputeThreads.current
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(elsewhere == other)
        #expect(ComputeThreads.current == before)
    }
}
