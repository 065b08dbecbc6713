import Foundation

/// What a finished result was made from, as one SHA-256: the bytes of every input file (content,
/// styles, a start image or mask file), the settings that shape the result (in a canonical
/// text, ``canonicalSettings(_:spatial:output:outputExtension:)``) and Pincel's version (the objective's
/// definition may change between versions). `pincel batch` stores it in each output's metadata
/// under ``metadataKey`` and skips an output whose stored fingerprint matches.
///
/// File names, the thread count and the output's path are not part of it: the same photo under
/// another name, or run with more threads, is the same work.
public struct TransferFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The metadata key an output stores the fingerprint under (PNG text chunk or XMP).
    public static let metadataKey = "pincel-fingerprint"

    /// 64 lowercase hexadecimal digits.
    public let hex: String

    /// The fingerprint of these inputs (file contents, in order) and settings.
    ///
    /// - Parameters:
    ///   - inputs: the bytes of every input file, in a fixed order (content, styles, then others).
    ///   - settings: the canonical settings text.
    ///   - version: the Pincel version that makes the result (default: this one).
    public init(inputs: [Data], settings: String, version: String = PincelInfo.version) {
        var hash = SHA256()
        hash.update("pincel-fingerprint 1\nversion \(version)\n")
        for input in inputs {
            var part = SHA256()
            part.update(input)
            hash.update("input \(part.hex())\n")
        }
        hash.update("settings \(settings)\n")
        hex = hash.hex()
    }

    /// The fingerprint as text (its hexadecimal digits).
    public var description: String { hex }

    /// A seed taken from the fingerprint (its first 8 bytes, below 2^53 so that every tool
    /// reads it exactly): the same inputs and settings always get the same seed, so a run without
    /// an explicit seed is reproducible and a resumed batch redoes an item exactly.
    public var derivedSeed: UInt64 {
        let prefix = hex.prefix(16)
        return (UInt64(prefix, radix: 16) ?? 0) & ((1 << 53) - 1)
    }

    /// The settings as canonical text: every field of `options` except the seed and the thread
    /// count (the caller says how the seed is chosen), the spatial control and the output's
    /// encoding.
    public static func canonicalSettings(_ options: TransferOptions, spatial: SpatialControl,
                                         output: ImageSaveOptions, outputExtension: String) -> String {
        var o = options
        o.seed = nil
        o.network.threads = nil
        return "\(o)|\(spatial)|format \(outputExtension.lowercased()) depth \(output.bitDepth) quality \(output.quality)"
    }
}
