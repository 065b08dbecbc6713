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
        return image.data.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: plane * 3) { out, initialized in
                for i in 0 ..< plane { for c in 0 ..< 3 { out[3 * i + c] = src[c * plane + i] / 255 } }
                initialized = plane * 3
            }
        }
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
        let columns = (0 ..< width).map { reflect($0, w) }
        return photo.data.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: height * width * 3) { out, initialized in
                for y in 0 ..< height {
                    let row = reflect(y, h) * w
                    for x in 0 ..< width {
                        let o = 3 * (y * width + x), i = row + columns[x]
                        for c in 0 ..< 3 { out[o + c] = src[c * plane + i] / 255 }
                    }
                }
                initialized = height * width * 3
            }
        }
    }

    /// `[height, width, 3]` 0…1 → its top-left `cropHeight` x `cropWidth` as `[3, H, W]` 0…255.
    static func planar(_ pixels: [Float], height: Int, width: Int, cropHeight: Int, cropWidth: Int) -> Tensor {
        let plane = cropHeight * cropWidth
        let data = pixels.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: plane * 3) { out, initialized in
                for y in 0 ..< cropHeight {
                    for x in 0 ..< cropWidth {
                        let i = 3 * (y * width + x), o = y * cropWidth + x
                        for c in 0 ..< 3 { out[c * plane + o] = min(max(src[i + c] * 255, 0), 255) }
                    }
                }
                initialized = plane * 3
            }
        }
        return Tensor(shape: [3, cropHeight, cropWidth], data: data)
    }
}
