import Pincel
import PincelCore
import PincelImaging

/// The temporal loss of Ruder, Dosovitskiy & Brox (2016), eq. (2)–(3):
/// `weight · Σ_j (1/D) Σ_k c_j[k] · (x[k] − ω_j[k])²` over one or more earlier frames `j`
/// (the previous one; optionally older ones, the long-term terms), where `ω_j` is frame `j`'s
/// stylisation warped onto this frame, `c_j` the per-pixel reliability (shared by the
/// channels) and `D = C·H·W` the number of values.
struct TemporalLoss: PixelTerm {
    /// One earlier frame: its warped stylisation (`[C, H, W]`) and per-pixel weights (`H · W`).
    struct Target {
        var warped: [Float]
        var weights: [Float]
    }

    let weight: Float
    let channels: Int
    let pixels: Int
    let targets: [Target]

    /// - Throws: ``VideoError/badFlow(_:)`` when a target's sizes do not match.
    init(weight: Float, channels: Int, pixels: Int, targets: [Target]) throws {
        for t in targets where t.warped.count != channels * pixels || t.weights.count != pixels {
            throw VideoError.badFlow("temporal target of \(t.warped.count) values for \(channels)x\(pixels)")
        }
        self.weight = weight
        self.channels = channels
        self.pixels = pixels
        self.targets = targets
    }

    func evaluate(image: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws -> Float {
        let n = channels * pixels
        guard image.count == n, gradient.count == n else {
            throw VGGError.badShape(expected: [channels, pixels], got: [image.count], what: "image")
        }
        guard weight != 0, !targets.isEmpty else { return 0 }
        let scale = weight / Float(n)
        var total: Double = 0
        for t in targets {
            t.warped.withUnsafeBufferPointer { target in
                t.weights.withUnsafeBufferPointer { c in
                    for ch in 0..<channels {
                        let base = ch * pixels
                        var sum: Float = 0
                        for p in 0..<pixels {
                            let d = image[base + p] - target[base + p]
                            let cd = c[p] * d
                            sum += cd * d
                            gradient[base + p] += 2 * scale * cd
                        }
                        total += Double(sum)
                    }
                }
            }
        }
        return Float(total) * scale
    }
}
