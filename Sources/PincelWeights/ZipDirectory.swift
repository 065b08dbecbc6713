import PincelCore
import Foundation

/// The entries of an in-memory zip archive (as `torch.save` writes them: stored or deflated,
/// optionally zip64), read with every offset and size checked against the file.
///
/// Only what a weight file needs: no encryption, no multi-disk archives, compression methods
/// 0 (stored) and 8 (deflate). Inflated bytes are counted against ``inflateBudget`` across the
/// whole archive, so a small file cannot make the reader allocate more than a VGG19 file needs.
final class ZipDirectory {
    struct Entry {
        let name: String
        let method: UInt16
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    /// Most bytes inflated from one archive (VGG19's features in float64 are 160 MB, the whole
    /// network with its classifier in float32 550 MB; only the tensors used are inflated).
    static let defaultInflateBudget = 640 << 20

    let path: String
    private(set) var entries: [String: Entry] = [:]
    private let data: Data
    private var inflateBudget: Int

    init(data: Data, path: String, inflateBudget: Int = ZipDirectory.defaultInflateBudget) throws {
        self.data = data
        self.path = path
        self.inflateBudget = inflateBudget
        try readCentralDirectory()
    }

    /// The bytes of `entry`: a slice of the file when stored, freshly inflated when deflated.
    func contents(of entry: Entry) throws -> Data {
        let math = CheckedMath(path: path, context: "zip entry \(entry.name)")
        guard try u32(entry.localHeaderOffset, math) == 0x0403_4B50 else {
            throw malformed("zip entry \(entry.name) has no local header at byte \(entry.localHeaderOffset)")
        }
        let nameLength = try u16(math.add(entry.localHeaderOffset, 26), math)
        let extraLength = try u16(math.add(entry.localHeaderOffset, 28), math)
        let dataStart = try math.add(entry.localHeaderOffset, 30 + nameLength + extraLength)
        let range = try math.range(base: 0, offset: dataStart, count: entry.compressedSize, within: 0..<data.count, what: "its data")
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw malformed("stored zip entry \(entry.name) has compressed size \(entry.compressedSize) but uncompressed size \(entry.uncompressedSize)")
            }
            return data[(data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)]
        case 8:
            // Deflate expands at most 1032:1, so a larger declared size is a lie; checked before
            // any memory is set aside.
            guard entry.uncompressedSize / 1032 <= entry.compressedSize else {
                throw malformed("zip entry \(entry.name) declares \(entry.uncompressedSize) bytes, more than its \(entry.compressedSize) compressed bytes can hold")
            }
            guard entry.uncompressedSize <= inflateBudget else {
                throw malformed("zip entry \(entry.name) would inflate to \(entry.uncompressedSize) bytes, more than is left of the \(Self.defaultInflateBudget >> 20) MiB a VGG19 weight file can need")
            }
            inflateBudget -= entry.uncompressedSize
            return try data.withUnsafeBytes { raw in
                try ZipInflate.inflate(UnsafeRawBufferPointer(rebasing: raw[range]), expected: entry.uncompressedSize,
                                       entry: entry.name, path: path)
            }
        default:
            throw malformed("zip entry \(entry.name) uses compression method \(entry.method); only stored and deflated entries are supported")
        }
    }

    // MARK: - Central directory

    private func readCentralDirectory() throws {
        let math = CheckedMath(path: path, context: "zip directory")
        let (count, directory) = try centralDirectory(math)
        var position = directory.lowerBound
        for _ in 0..<count {
            let (entry, next) = try directoryEntry(at: position, in: directory, math)
            guard entries[entry.name] == nil else { throw malformed("zip entry \(entry.name) appears twice") }
            entries[entry.name] = entry
            position = next
        }
    }

    /// The central directory's entry count and byte range, from the end-of-central-directory
    /// record (and its zip64 record when there is one).
    private func centralDirectory(_ math: CheckedMath) throws -> (count: Int, range: Range<Int>) {
        guard data.count >= 22 else { throw truncated("the zip archive is shorter than its end record") }
        // The end-of-central-directory record is in the last 22 + 65535 bytes.
        var eocd = -1
        var candidate = data.count - 22
        let lowest = max(0, data.count - 22 - 0xFFFF)
        while candidate >= lowest {
            if try u32(candidate, math) == 0x0605_4B50 { eocd = candidate; break }
            candidate -= 1
        }
        guard eocd >= 0 else { throw malformed("no zip end-of-central-directory record") }
        guard try u16(eocd + 4, math) == 0, try u16(eocd + 6, math) == 0 else {
            throw malformed("multi-disk zip archives are not supported")
        }
        var count = try u16(eocd + 10, math)
        var directorySize = try u32(eocd + 12, math)
        var directoryOffset = try u32(eocd + 16, math)
        if eocd >= 20, try u32(eocd - 20, math) == 0x0706_4B50 { // zip64 locator
            let record = try math.int(u64(eocd - 20 + 8, math))
            guard try u32(record, math) == 0x0606_4B50 else { throw malformed("zip64 end record missing at byte \(record)") }
            count = try math.int(u64(math.add(record, 32), math))
            directorySize = try math.int(u64(math.add(record, 40), math))
            directoryOffset = try math.int(u64(math.add(record, 48), math))
        }
        let directory = try math.range(base: 0, offset: directoryOffset, count: directorySize, within: 0..<data.count, what: "the central directory")
        guard count <= directorySize / 46 else {
            throw malformed("the zip directory announces \(count) entries but has room for \(directorySize / 46)")
        }
        return (count, directory)
    }

    /// The directory entry at `position` and where the next one starts.
    private func directoryEntry(at position: Int, in directory: Range<Int>, _ math: CheckedMath) throws -> (entry: Entry, next: Int) {
        guard try math.add(position, 46) <= directory.upperBound, try u32(position, math) == 0x0201_4B50 else {
            throw malformed("zip directory entry at byte \(position) is damaged")
        }
        let flags = try u16(position + 8, math)
        let method = try u16(position + 10, math)
        var compressed = try u32(position + 20, math)
        var uncompressed = try u32(position + 24, math)
        let nameLength = try u16(position + 28, math)
        let extraLength = try u16(position + 30, math)
        let commentLength = try u16(position + 32, math)
        var localOffset = try u32(position + 42, math)
        let nameRange = try math.range(base: position, offset: 46, count: nameLength, within: directory, what: "an entry name")
        let extraRange = try math.range(base: nameRange.upperBound, offset: 0, count: extraLength, within: directory, what: "an extra field")
        let name = String(decoding: data[(data.startIndex + nameRange.lowerBound)..<(data.startIndex + nameRange.upperBound)], as: UTF8.self)
        guard flags & 1 == 0 else { throw malformed("zip entry \(name) is encrypted") }
        try readZip64Sizes(in: extraRange, of: name, uncompressed: &uncompressed, compressed: &compressed,
                           localOffset: &localOffset, math)
        let entry = Entry(name: name, method: UInt16(method), compressedSize: compressed,
                          uncompressedSize: uncompressed, localHeaderOffset: localOffset)
        return (entry, try math.add(extraRange.upperBound, commentLength))
    }

    /// zip64 extended information in an entry's extra fields: the sizes and offset that are
    /// 0xFFFFFFFF in the entry, in this order.
    private func readZip64Sizes(in extraRange: Range<Int>, of name: String, uncompressed: inout Int, compressed: inout Int,
                                localOffset: inout Int, _ math: CheckedMath) throws {
        var field = extraRange.lowerBound
        while try math.add(field, 4) <= extraRange.upperBound {
            let id = try u16(field, math)
            let size = try u16(field + 2, math)
            let body = try math.range(base: field, offset: 4, count: size, within: extraRange, what: "an extra field")
            if id == 0x0001 {
                var cursor = body.lowerBound
                func next() throws -> Int {
                    guard cursor + 8 <= body.upperBound else { throw malformed("zip64 field of \(name) is too short") }
                    defer { cursor += 8 }
                    return try math.int(u64(cursor, math))
                }
                if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                if compressed == 0xFFFF_FFFF { compressed = try next() }
                if localOffset == 0xFFFF_FFFF { localOffset = try next() }
            }
            field = body.upperBound
        }
    }

    // MARK: - Bytes

    private func bytes(_ offset: Int, _ count: Int, _ math: CheckedMath) throws -> UInt64 {
        let range = try math.range(base: 0, offset: offset, count: count, within: 0..<data.count, what: "a header field")
        var value: UInt64 = 0
        for i in range.reversed() { value = value << 8 | UInt64(data[data.startIndex + i]) }
        return value
    }

    private func u16(_ offset: Int, _ math: CheckedMath) throws -> Int { Int(try bytes(offset, 2, math)) }
    private func u32(_ offset: Int, _ math: CheckedMath) throws -> Int { Int(try bytes(offset, 4, math)) }
    private func u64(_ offset: Int, _ math: CheckedMath) throws -> UInt64 { try bytes(offset, 8, math) }

    private func malformed(_ detail: String) -> WeightsError { .malformed(path: path, detail: detail) }
    private func truncated(_ detail: String) -> WeightsError { .truncated(path: path, detail: detail) }
}
