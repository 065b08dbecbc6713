import PincelCore
internal import CVips
internal import CVipsShim

extension ImageIO {
    /// Joins images into a grid on white, each with an optional caption (black text on white)
    /// centred under it. Every cell has the same size: the widest tile or caption by the tallest
    /// tile plus the tallest caption. Tiles may differ in size; each sits centred in the tile
    /// area of its cell, and every caption starts on the same line under it, so tiles stay
    /// aligned in rows and columns whatever their captions' lengths.
    /// - Parameters:
    ///   - tiles: `[3, H, W]` images, values clamped to 0…255 and rounded to 8 bits.
    ///   - captions: one per tile (empty string: no caption), or an empty array for none.
    ///     A caption wraps at the widest tile's width (at least 32 px).
    ///   - columns: tiles per row (≥ 1).
    /// - Returns: `[3, H', W']`, values 0…255.
    /// - Throws: `ImageError`.
    public static func contactSheet(tiles: [Tensor], captions: [String] = [], columns: Int) throws -> Tensor {
        guard !tiles.isEmpty else { throw ImageError.invalidArgument(message: "contact sheet needs at least one tile") }
        guard columns >= 1 else { throw ImageError.invalidArgument(message: "contact sheet columns is \(columns), must be at least 1") }
        guard captions.isEmpty || captions.count == tiles.count else {
            throw ImageError.invalidArgument(message: "contact sheet got \(captions.count) captions for \(tiles.count) tiles, pass one per tile or none")
        }
        try Vips.start()
        let images = try tiles.map { try VipsTensorConversion.makeImage($0, encoding: .uchar) }
        let tileWidth = images.map(\.width).max() ?? 1
        let tileHeight = images.map(\.height).max() ?? 1
        let labels = try images.indices.map { index -> VipsImageRef? in
            let caption = captions.isEmpty ? "" : captions[index]
            return caption.isEmpty ? nil : try captionImage(caption, width: max(tileWidth, 32))
        }
        let cellWidth = max(tileWidth, labels.compactMap { $0?.width }.max() ?? 0)
        let labelHeight = labels.compactMap { $0?.height }.max() ?? 0
        var cells: [VipsImageRef] = []
        for (image, label) in zip(images, labels) {
            let (x, y) = ((cellWidth - image.width) / 2, (tileHeight - image.height) / 2)
            // Without a caption the tile's canvas takes the caption area too (left white).
            let height = label == nil ? tileHeight + labelHeight : tileHeight
            var cell = try image.apply("embed") {
                pincel_embed_white_at($0, $1, Int32(x), Int32(y), Int32(cellWidth), Int32(height))
            }
            if let label {
                let under = try label.apply("embed") {
                    pincel_embed_white_at($0, $1, Int32((cellWidth - label.width) / 2), 0, Int32(cellWidth), Int32(labelHeight))
                }
                cell = try cell.apply("join") { pincel_join_vertical($0, under.pointer, $1) }
            }
            cells.append(cell)
        }
        var pointers: [UnsafeMutablePointer<VipsImage>?] = cells.map { $0.pointer }
        var out: UnsafeMutablePointer<VipsImage>?
        let status = pointers.withUnsafeMutableBufferPointer {
            pincel_arrayjoin($0.baseAddress, &out, Int32(cells.count), Int32(min(columns, cells.count)), 8)
        }
        let sheet = try VipsImageRef.wrap(status: status, out, operation: "arrayjoin")
        return try withExtendedLifetime(cells) {
            try VipsTensorConversion.makeTensor(sheet, clampTo255: true)
        }
    }

    /// Black-on-white 3-band caption at most `width` pixels wide (text wraps), 4 px padding.
    private static func captionImage(_ text: String, width: Int) throws -> VipsImageRef {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        var out: UnsafeMutablePointer<VipsImage>?
        let status = pincel_text(&out, escaped, Int32(max(width - 8, 8)), 72)
        let mask = try VipsImageRef.wrap(status: status, out, operation: "text")
        let inverted = try mask.apply("linear") { pincel_linear1($0, $1, -1, 255) }
        let gray = try inverted.apply("cast") { pincel_cast($0, $1, VIPS_FORMAT_UCHAR) }
        let tagged = try gray.apply("copy") { pincel_set_interpretation($0, $1, VIPS_INTERPRETATION_B_W) }
        let rgb = try tagged.apply("colourspace") { pincel_colourspace($0, $1, VIPS_INTERPRETATION_sRGB) }
        return try rgb.apply("embed") { pincel_embed_white($0, $1, Int32(rgb.width + 8), Int32(rgb.height + 8)) }
    }
}
