import ArgumentParser
import Foundation
import Pincel

extension SpatialControl.GuideMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// Help texts and argument order of the spatial-control flags.
enum SpatialFlags {
    static let styleMaskHelp = "Greyscale image after a --style: where that style paints (white; grey partly). "
        + "Give one after every --style; overlaps are shared; pixels no mask covers get no style."
    static let styleRegionHelp = "Greyscale image after a --style: the part of that painting whose style is used."
    static let maskHelp = "Greyscale image: where the image may change (white); outside it the result is the photo, exactly."
    static let featherHelp = "Width of the soft edge inside --mask, pixels (default: --size / 64, at least 2)."
    static let guideHelp = "How masks reach each layer's resolution: downsampled or eroded (receptive fields kept inside the region)."

    /// For each `--style`, the `--style-mask` and `--style-region` that follow it (before the
    /// next `--style`), from the command line in order. A mask before any `--style`, or two
    /// for one style, is refused.
    static func perStyle(_ arguments: [String]) throws -> (masks: [String?], regions: [String?]) {
        var masks: [String?] = [], regions: [String?] = []
        var index = 0
        func value(of name: String, _ word: String) -> String? {
            if word == name, index + 1 < arguments.count { index += 1; return arguments[index] }
            if word.hasPrefix(name + "=") { return String(word.dropFirst(name.count + 1)) }
            return nil
        }
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { break }
            if value(of: "--style", word) != nil {
                masks.append(nil)
                regions.append(nil)
            } else if let path = value(of: "--style-mask", word) {
                guard let last = masks.indices.last else { throw ValidationError.oneLine("--style-mask \(path) comes before any --style; put it after the --style it belongs to") }
                guard masks[last] == nil else { throw ValidationError.oneLine("--style-mask: style \(last + 1) has two masks; give one --style-mask after each --style") }
                masks[last] = path
            } else if let path = value(of: "--style-region", word) {
                guard let last = regions.indices.last else { throw ValidationError.oneLine("--style-region \(path) comes before any --style; put it after the --style it belongs to") }
                guard regions[last] == nil else { throw ValidationError.oneLine("--style-region: style \(last + 1) has two regions; give one --style-region after each --style") }
                regions[last] = path
            }
            index += 1
        }
        return (masks, regions)
    }
}

/// The spatial-control flags, shared by `pincel transfer` and `pincel video`.
struct SpatialOptions: ParsableArguments {
    @Option(help: ArgumentHelp(SpatialFlags.styleMaskHelp)) var styleMask: [String] = []
    @Option(help: ArgumentHelp(SpatialFlags.styleRegionHelp)) var styleRegion: [String] = []
    @Option(help: ArgumentHelp(SpatialFlags.maskHelp)) var mask: String?
    @Option(help: ArgumentHelp(SpatialFlags.featherHelp)) var maskFeather: Int?
    @Option(help: ArgumentHelp(SpatialFlags.guideHelp)) var guide: SpatialControl.GuideMode = .downsampled

    /// Whether any mask or region was given.
    var isEmpty: Bool { styleMask.isEmpty && styleRegion.isEmpty && mask == nil }

    /// The library's spatial control from the flags, each mask paired with its `--style`
    /// (`style`, as parsed) by position on the command line.
    func spatialControl(style: [String]) throws -> SpatialControl {
        var control = SpatialControl(mask: mask.map { .file($0) }, guideMode: guide, featherPixels: maskFeather)
        if let maskFeather { try bounded(maskFeather, 0...TransferLimits.size.upperBound, flag: "--mask-feather") }
        guard !styleMask.isEmpty || !styleRegion.isEmpty else { return control }
        let arguments = CommandArguments.prepared(Array(CommandLine.arguments.dropFirst()))
        let (masks, regions) = try SpatialFlags.perStyle(arguments)
        // The order read here must be the order ArgumentParser parsed.
        guard masks.count == style.count, masks.compactMap({ $0 }) == styleMask, regions.compactMap({ $0 }) == styleRegion else {
            throw ValidationError.oneLine("--style-mask and --style-region must each follow the --style they belong to")
        }
        if !styleMask.isEmpty, let missing = masks.firstIndex(where: { $0 == nil }) {
            throw ValidationError.oneLine("--style-mask: style \(missing + 1) (\(style[missing])) has none; give one after every --style")
        }
        control.styleMasks = styleMask.isEmpty ? [] : masks.map { $0.map { .file($0) } }
        control.styleRegions = styleRegion.isEmpty ? [] : regions.map { $0.map { .file($0) } }
        return control
    }

    /// The mask files, flagged, for the input checks.
    var spatialFiles: [(String, String)] {
        styleMask.map { ("--style-mask", $0) } + styleRegion.map { ("--style-region", $0) } + (mask.map { [("--mask", $0)] } ?? [])
    }

    /// Decodes every mask once (at its own size) before any work, so an unreadable or black
    /// mask fails at once: exit 1 for a file that is no image, 64 for one that selects nothing.
    func checkMaskImages(maxPixels: Int) throws {
        for (flag, path) in spatialFiles {
            let pixels: Tensor
            do {
                pixels = try ImageIO.load(path, maxPixels: maxPixels)
            } catch let error as ImageError {
                throw FlaggedFileError(flag: flag, error: error)
            }
            guard pixels.data.contains(where: { $0 >= 0.5 }) else {
                throw ValidationError.oneLine("\(flag) \(path) is black everywhere: it selects no pixel")
            }
        }
    }

    /// The masks as the saved file's metadata (PNG text, or XMP).
    var spatialMetadata: [String: String] {
        var text: [String: String] = [:]
        if !styleMask.isEmpty { text["pincel-style-masks"] = styleMask.joined(separator: ", ") }
        if !styleRegion.isEmpty { text["pincel-style-regions"] = styleRegion.joined(separator: ", ") }
        if let mask { text["pincel-mask"] = mask }
        if !styleMask.isEmpty || !styleRegion.isEmpty { text["pincel-guide"] = guide.rawValue }
        return text
    }
}
