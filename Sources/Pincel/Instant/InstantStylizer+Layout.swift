import PincelCore
import PincelImaging

/// Conversions between Pincel's planar 0…255 images and the networks' interleaved 0…1 ones.
extension InstantStylizer {
    /// The centre square of `image`, resized to `side` x `side` (Lanczos).
    static func centreSquare(_ image: Tensor, side: Int) throws -> Tensor {
        guard image.shape.count == 3, image.shape[0] == 3, image.shape[1] >= 1, image.shape[2] >= 1 else {
            throw TransferError.invalidSetting(.styles, "must be RGB pixels [3, H, W], got shape \(image.shape)")
        }
        let h = image.shape[1], w = image.shape[2], s = min(h, w)
        let top = (h - s) / 2, left = (w - s) / 2
        var square = Tensor(zeros: [3, s, s])
        for c in 0 ..< 3 {
            for y in 0 ..< s {
                let src = (c * h + top + y) * w + left, dst = (c * s + y) * s
                for x in 0 ..< s { square.data[dst + x] = image.data[src + x] }
            }
        }
        return s == side ? square : try ImageIO.resize(square, width: side, height: side)
    }

    /// `[3, H, W]` 0…255 → `[H, W, 3]` 0…1.
    static func interleaved(_ image: Tensor) -> [Float] {
        let plane = image.shape[1] * image.shape[2]
        var out = [Float](repeating: 0, count: plane * 3)
        for i in 0 ..< plane { for c in 0 ..< 3 { out[3 * i + c] = image.data[c * plane + i] / 255 } }
        return out
    }

    /// The photo as `[height, width, 3]` 0…1, extended past its own size by reflection (no
    /// edge repeated), so the network sees no border of its own making.
    static func reflectPadded(_ photo: Tensor, height: Int, width: Int) -> [Float] {
        let h = photo.shape[1], w = photo.shape[2], plane = h * w
        func reflect(_ i: Int, _ n: Int) -> Int {
            guard n > 1 else { return 0 }
            let period = 2 * (n - 1)
            let j = i % period
            return j < n ? j : period - j
        }
        var out = [Float](repeating: 0, count: height * width * 3)
        for y in 0 ..< height {
            let sy = reflect(y, h)
            for x in 0 ..< width {
                let sx = reflect(x, w), o = 3 * (y * width + x), i = sy * w + sx
                for c in 0 ..< 3 { out[o + c] = photo.data[c * plane + i] / 255 }
            }
        }
        return out
    }

    /// `[height, width, 3]` 0…1 → its top-left `cropHeight` x `cropWidth` as `[3, H, W]` 0…255.
    static func planar(_ pixels: [Float], height: Int, width: Int, cropHeight: Int, cropWidth: Int) -> Tensor {
        let plane = cropHeight * cropWidth
        var out = Tensor(zeros: [3, cropHeight, cropWidth])
        for y in 0 ..< cropHeight {
            for x in 0 ..< cropWidth {
                let i = 3 * (y * width + x), o = y * cropWidth + x
                for c in 0 ..< 3 { out.data[c * plane + o] = min(max(pixels[i + c] * 255, 0), 255) }
            }
        }
        return out
    }
}
