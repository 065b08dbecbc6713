import Foundation
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelImaging
@testable import PincelDNNL

/// The library's instant API: sizes, padding, blending and strength, with the real models.
@Suite("InstantStylizer", .needsWeights)
struct InstantStylizerTests {
    static let stylizer = Result { try InstantStylizer(threads: 2) }

    static func example(_ name: String, longerSide: Int) throws -> Tensor {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/\(name)")
        return try ImageIO.load(url.path, longerSide: longerSide)
    }

    static func meanAbs(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.data, b.data).map { abs($0 - $1) }.reduce(0, +) / Float(a.count)
    }

    @Test("any size: the picture has the photo's size, sides not multiples of 4 included",
          arguments: [(16, 16), (37, 53), (96, 130), (201, 99)])
    func sizes(height: Int, width: Int) throws {
        let s = try Self.stylizer.get()
        let photo = try ImageIO.resize(Self.example("chelsea.png", longerSide: 256), width: width, height: height)
        let vector = try s.styleVector(of: Self.example("starry_night.jpg", longerSide: 300))
        let out = try s.stylize(photo, style: vector)
        #expect(out.shape == [3, height, width])
        #expect(out.data.allSatisfy { $0 >= 0 && $0 <= 255 })
        // A stylised picture, not the photo and not a flat colour.
        #expect(Self.meanAbs(out, photo) > 5)
        let mean = out.data.reduce(0, +) / Float(out.count)
        #expect(out.data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(out.count) > 100)
    }

    @Test("a padded photo's picture agrees with the unpadded one away from the border")
    func paddingIsLocal() throws {
        let s = try Self.stylizer.get()
        let photo = try Self.example("coffee.png", longerSide: 128)  // 128 x 85: 85 is padded to 88
        let vector = try s.styleVector(of: Self.example("the_scream.jpg", longerSide: 300))
        let out = try s.stylize(photo, style: vector)
        let h = photo.shape[1], w = photo.shape[2]
        #expect(h % 4 != 0 || w % 4 != 0)
        // Crop to a multiple of 4: the network sees a slightly different image; instance
        // normalisation makes the effect global but small.
        let ch = h / 4 * 4, cw = w / 4 * 4
        var cropped = Tensor(zeros: [3, ch, cw])
        for c in 0 ..< 3 { for y in 0 ..< ch { for x in 0 ..< cw {
            cropped.data[(c * ch + y) * cw + x] = photo.data[(c * h + y) * w + x]
        } } }
        let outCropped = try s.stylize(cropped, style: vector)
        var diff: Float = 0, n = 0
        for c in 0 ..< 3 { for y in 8 ..< ch - 8 { for x in 8 ..< cw - 8 {
            diff += abs(out.data[(c * h + y) * w + x] - outCropped.data[(c * ch + y) * cw + x]); n += 1
        } } }
        #expect(diff / Float(n) < 6, "mean difference \(diff / Float(n)) of 255")
    }

    @Test("tiny photos are refused with a setting error")
    func tooSmall() throws {
        let s = try Self.stylizer.get()
        let vector = try s.styleVector(of: Self.example("starry_night.jpg", longerSide: 64))
        #expect(throws: TransferError.self) { try s.stylize(Tensor(zeros: [3, 15, 40]), style: vector) }
        #expect(throws: TransferError.self) { try s.stylize(Tensor(zeros: [1, 40, 40]), style: vector) }
    }

    @Test("style vectors: a blend is the weighted mean; interpolation's ends are its inputs")
    func vectors() throws {
        let s = try Self.stylizer.get()
        let a = try s.styleVector(of: Self.example("starry_night.jpg", longerSide: 300))
        let b = try s.styleVector(of: Self.example("the_scream.jpg", longerSide: 300))
        #expect(a != b)
        let mix = try StyleVector.blend([a, b], weights: [3, 1])
        for i in 0 ..< InstantStylizer.styleVectorLength {
            #expect(abs(mix.values[i] - (0.75 * a.values[i] + 0.25 * b.values[i])) < 1e-5)
        }
        #expect(a.interpolated(to: b, amount: 0) == a)
        #expect(zip(a.interpolated(to: b, amount: 1).values, b.values).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(throws: TransferError.self) { try StyleVector.blend([a, b], weights: [1]) }
        #expect(throws: TransferError.self) { try StyleVector.blend([a, b], weights: [0, 0]) }
        #expect(throws: TransferError.self) { try StyleVector.blend([a, b], weights: [-1, 2]) }
        #expect(throws: TransferError.self) { try StyleVector(values: [1, 2]) }
    }

    @Test("strength 0 keeps the photo's own style: much closer to the photo than strength 1")
    func strength() async throws {
        let s = try Self.stylizer.get()
        var options = TransferOptions()
        options.size = 128
        let request = TransferRequest(content: .pixels(try Self.example("chelsea.png", longerSide: 128)),
                                      styles: [.pixels(try Self.example("starry_night.jpg", longerSide: 300))],
                                      options: options)
        let photo = try Self.example("chelsea.png", longerSide: 128)
        let full = try await InstantTransfer(request, strength: 1, stylizer: s).run()
        let none = try await InstantTransfer(request, strength: 0, stylizer: s).run()
        #expect(full.image.shape == photo.shape)
        let dFull = Self.meanAbs(full.image, photo), dNone = Self.meanAbs(none.image, photo)
        #expect(dNone < 0.6 * dFull, "strength 0: \(dNone), strength 1: \(dFull)")
        #expect(throws: TransferError.self) { try InstantTransfer(request, strength: 1.5, stylizer: s) }
        #expect(throws: TransferError.self) { try InstantTransfer(request, strength: .nan, stylizer: s) }
    }

    @Test("colours kept: the picture's chroma is the photo's")
    func preserveColors() throws {
        let s = try Self.stylizer.get()
        let photo = try Self.example("chelsea.png", longerSide: 96)
        let painting = try Self.example("starry_night.jpg", longerSide: 300)
        let (plain, _) = try InstantTransfer.picture(content: photo, styles: [painting], blend: nil, colors: .none,
                                                     strength: 1, stylizer: s)
        let (kept, _) = try InstantTransfer.picture(content: photo, styles: [painting], blend: nil, colors: .yuv,
                                                    strength: 1, stylizer: s)
        func chroma(_ t: Tensor) -> [Float] { let yuv = ColorSpace.yuv(fromRGB: t); return Array(yuv.data[(t.count / 3)...]) }
        let dKept = zip(chroma(kept), chroma(photo)).map { abs($0 - $1) }.reduce(0, +)
        let dPlain = zip(chroma(plain), chroma(photo)).map { abs($0 - $1) }.reduce(0, +)
        #expect(dKept < 0.2 * dPlain, "kept \(dKept), plain \(dPlain)")
    }

    /// The instant start of a photo too thin for the network (10 px high) is the photo itself,
    /// so an odd but valid strip still transfers; a normal photo gets the network's picture.
    @Test("a strip too thin for the network starts from itself")
    func thinStripStartsFromItself() throws {
        var options = TransferOptions()
        options.size = 200
        options.initial = .instant
        let painting = try Self.example("starry_night.jpg", longerSide: 200)
        let strip = try ImageIO.resize(try Self.example("chelsea.png", longerSide: 200), width: 200, height: 10)
        let thin = try LoadedImages(TransferRequest(content: .pixels(strip), styles: [.pixels(painting)], options: options),
                                    maxPixels: 1 << 24)
        #expect(thin.initial == thin.content)
        let photo = try Self.example("chelsea.png", longerSide: 200)
        let normal = try LoadedImages(TransferRequest(content: .pixels(photo), styles: [.pixels(painting)], options: options),
                                      maxPixels: 1 << 24)
        #expect(normal.initial?.shape == normal.content.shape && normal.initial != normal.content)
    }
}
