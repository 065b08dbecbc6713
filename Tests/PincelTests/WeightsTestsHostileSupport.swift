import Foundation
import Testing
import ZIPFoundation
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Builders for hostile weight files, made in memory (no large committed fixtures).
enum HostileWeights {
    /// A protocol-2 pickle, opcode by opcode.
    struct Pickle {
        var bytes: [UInt8] = [0x80, 0x02]

        mutating func op(_ codes: UInt8...) { bytes += codes }
        /// LONG1 with 8 bytes: any `Int`.
        mutating func int(_ v: Int) { bytes += [0x8A, 8] + withUnsafeBytes(of: Int64(v).littleEndian, Array.init) }
        mutating func str(_ s: String) {
            let utf8 = Array(s.utf8)
            bytes += [0x58] + withUnsafeBytes(of: UInt32(utf8.count).littleEndian, Array.init) + utf8
        }
        mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
        mutating func ints(_ values: [Int]) {
            op(0x28) // MARK
            for v in values { int(v) }
            op(0x74) // TUPLE
        }
        /// `_rebuild_tensor_v2(('storage', torch.FloatStorage, key, 'cpu', numel[, view]), offset, size, stride, False, {})`.
        mutating func tensor(key: String, numel: Int, offset: Int, size: [Int], stride: [Int], viewOffset: Int? = nil) {
            global("torch._utils", "_rebuild_tensor_v2")
            op(0x28) // MARK (arguments)
            op(0x28) // MARK (persistent id)
            str("storage"); global("torch", "FloatStorage"); str(key); str("cpu"); int(numel)
            if let viewOffset {
                op(0x28); str(key); int(viewOffset); int(numel); op(0x74)
            }
            op(0x74, 0x51) // TUPLE, BINPERSID
            int(offset); ints(size); ints(stride)
            op(0x89, 0x7D, 0x74, 0x52) // NEWFALSE, EMPTY_DICT, TUPLE, REDUCE
        }
        mutating func stop() { op(0x2E) }
        var data: Data { Data(bytes) }
    }

    /// A one-tensor state dict `{name: tensor}`.
    static func stateDict(_ name: String, key: String = "0", numel: Int, offset: Int = 0, size: [Int], stride: [Int],
                          viewOffset: Int? = nil) -> Pickle {
        var p = Pickle()
        p.op(0x7D, 0x28) // EMPTY_DICT, MARK
        p.str(name)
        p.tensor(key: key, numel: numel, offset: offset, size: size, stride: stride, viewOffset: viewOffset)
        p.op(0x75) // SETITEMS
        p.stop()
        return p
    }

    /// A legacy torch.save stream holding `stateDict` and float32 storages.
    static func legacy(_ stateDict: Pickle, storages: [(key: String, values: [Float])]) -> Data {
        var out = Data(WeightsMalformedTests.magicPickle)
        var version = Pickle(); version.int(1001); version.stop()
        var info = Pickle(); info.op(0x7D); info.stop()
        var keys = Pickle(); keys.op(0x5D, 0x28)
        for s in storages { keys.str(s.key) }
        keys.op(0x65); keys.stop()
        out += version.data + info.data + stateDict.data + keys.data
        for s in storages {
            out += withUnsafeBytes(of: UInt64(s.values.count).littleEndian) { Data($0) }
            out += WeightsTestSupport.le(s.values)
        }
        return out
    }

    /// One zip entry: its name, compression method, the bytes as stored, the declared size.
    struct ZipEntry {
        var name: String
        var method: UInt16 = 0
        var stored: Data
        var declaredSize: Int
        init(_ name: String, _ data: Data) { self.name = name; stored = data; declaredSize = data.count }
        init(name: String, method: UInt16, stored: Data, declaredSize: Int) {
            self.name = name; self.method = method; self.stored = stored; self.declaredSize = declaredSize
        }
    }

    /// A zip archive, written field by field (so tests can lie in any field). With `zip64`,
    /// sizes and offsets are 0xFFFFFFFF in the directory and given in zip64 extra fields, and
    /// the end record points to a zip64 end record (as writers do for files over 4 GB).
    static func zip(_ entries: [ZipEntry], zip64: Bool = false) -> Data {
        func le16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { Data($0) } }
        func le32(_ v: Int) -> Data { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { Data($0) } }
        func le64(_ v: Int) -> Data { withUnsafeBytes(of: UInt64(v).littleEndian) { Data($0) } }
        let big = 0xFFFF_FFFF
        var out = Data(), directory = Data()
        for e in entries {
            let name = Data(e.name.utf8)
            let offset = out.count
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(Int(e.method)) + le32(0) + le32(0)
            out += le32(e.stored.count) + le32(e.declaredSize) + le16(name.count) + le16(0) + name + e.stored
            let extra = zip64 ? le16(1) + le16(24) + le64(e.declaredSize) + le64(e.stored.count) + le64(offset) : Data()
            directory += le32(0x0201_4B50) + le16(45) + le16(45) + le16(0) + le16(Int(e.method)) + le32(0) + le32(0)
            directory += le32(zip64 ? big : e.stored.count) + le32(zip64 ? big : e.declaredSize) + le16(name.count)
            directory += le16(extra.count) + le16(0) + le16(0) + le16(0) + le32(0) + le32(zip64 ? big : offset) + name + extra
        }
        let directoryOffset = out.count
        out += directory
        if zip64 {
            let record = out.count
            out += le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
            out += le64(entries.count) + le64(entries.count) + le64(directory.count) + le64(directoryOffset)
            out += le32(0x0706_4B50) + le32(0) + le64(record) + le32(1)
        }
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(zip64 ? 0xFFFF : entries.count) + le16(zip64 ? 0xFFFF : entries.count)
        out += le32(zip64 ? big : directory.count) + le32(zip64 ? big : directoryOffset) + le16(0)
        return out
    }

    /// Raw deflate of `data` (via ZIPFoundation, a test-only dependency).
    static func deflate(_ data: Data) throws -> Data {
        let archive = try Archive(accessMode: .create)
        try archive.addEntry(with: "x", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                             bufferSize: 1 << 20) { position, size in
            data.subdata(in: Int(position)..<(Int(position) + size))
        }
        let zip = try #require(archive.data)
        let entry = try #require(archive["x"])
        let header = zip.prefix(30)
        let nameLength = Int(header[26]) | Int(header[27]) << 8
        let extraLength = Int(header[28]) | Int(header[29]) << 8
        let start = 30 + nameLength + extraLength
        return zip.subdata(in: start..<(start + Int(entry.compressedSize)))
    }

    /// Expects `body` to throw a ``WeightsError`` whose one-line message contains `fragment`.
    static func expectRefusal(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error containing “\(fragment)” but nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as WeightsError {
            let text = error.description
            #expect(text.contains(fragment), "\(text)", sourceLocation: sourceLocation)
            #expect(!text.contains("\n") && !text.contains("\r"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a WeightsError but got \(error)", sourceLocation: sourceLocation)
        }
    }
}
