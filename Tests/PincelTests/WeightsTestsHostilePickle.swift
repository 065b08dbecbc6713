import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

/// Attacks on the pickle layer: deep nesting, shared references, cycles, file numbers that overflow.
@Suite(.scratchFolder) struct WeightsHostilePickleTests {
    typealias P = HostileWeights.Pickle

    /// 100 000 levels, built four ways; each must be refused while parsing (before a deep
    /// structure exists, which used to overflow the stack in parsing or in freeing it).
    @Test(arguments: ["tuple1", "mark", "list", "persistent"])
    func deepNestingIsRefusedWhileParsing(_ how: String) {
        let depth = 100_000
        var p = P()
        switch how {
        case "tuple1": p.op(0x4B, 1); p.bytes += [UInt8](repeating: 0x85, count: depth) // K 1, TUPLE1…
        case "mark": p.bytes += [UInt8](repeating: 0x28, count: depth) + [UInt8](repeating: 0x74, count: depth) // ((( … ttt
        case "list": p.bytes += [UInt8](repeating: 0x5D, count: depth) + [UInt8](repeating: 0x61, count: depth - 1) // ]]] … aaa
        default: p.op(0x4B, 1); p.bytes += [UInt8](repeating: 0x51, count: depth) // K 1, BINPERSID…
        }
        p.stop()
        HostileWeights.expectRefusal("nested deeper than \(PickleReader.maxDepth) levels") {
            _ = try PickleReader.read(p.data, path: "deep.pkl")
        }
    }

    /// Memory is bounded by the opcode count, not only by the file size (`{` then `(u` forever).
    @Test func opcodeCountIsBounded() {
        var p = P()
        p.op(0x7D)
        p.bytes += Array(repeating: [UInt8]([0x28, 0x75]), count: PickleReader.maxOpcodes / 2).flatMap { $0 }
        p.stop()
        HostileWeights.expectRefusal("more than \(PickleReader.maxOpcodes) opcodes") { _ = try PickleReader.read(p.data, path: "long.pkl") }
    }

    /// The same through the whole loader, in a legacy file.
    @Test func deepNestingInAFile() throws {
        var p = P()
        p.op(0x4B, 1); p.bytes += [UInt8](repeating: 0x85, count: 50_000); p.stop()
        let path = try WeightsTestSupport.write(HostileWeights.legacy(p, storages: []))
        HostileWeights.expectRefusal("nested deeper") { _ = try VGG19Weights.load(contentsOf: path) }
    }

    /// Nesting at the limit is still accepted.
    @Test func nestingAtTheLimitIsAccepted() throws {
        var p = P()
        p.op(0x4B, 1); p.bytes += [UInt8](repeating: 0x85, count: PickleReader.maxDepth); p.stop()
        #expect(try PickleReader.read(p.data, path: "ok.pkl").value.depth == PickleReader.maxDepth)
    }

    /// `x = (x, x)` sixty times through the memo: 2⁶⁰ paths, 60 objects. The storage scan
    /// used to walk every path (a 700-byte file never finished); now each object once.
    @Test func sharedReferencesAreWalkedOnce() throws {
        var p = P()
        p.op(0x7D, 0x28); p.str("a") // {'a': (all levels)}
        p.op(0x28, 0x29, 0x71, 0) // MARK, EMPTY_TUPLE, BINPUT 0
        for i in 0..<60 { p.op(0x68, UInt8(i), 0x68, UInt8(i), 0x86, 0x71, UInt8(i + 1)) } // GET i, GET i, TUPLE2, PUT i+1
        p.op(0x74, 0x75) // TUPLE, SETITEMS
        p.stop()
        let root = try PickleReader.read(p.data, path: "dag.pkl").value
        #expect(try TorchStateDict(root, path: "dag.pkl").tensors.isEmpty)
    }

    /// A dict reached twice would be flattened once per path (1000 keys, 8 levels: 1000⁸ names).
    @Test func sharedDictsAreRefused() {
        var p = P()
        p.op(0x7D, 0x28) // {
        p.str("a"); p.op(0x7D, 0x71, 0); p.str("b"); p.op(0x68, 0) // 'a': d, 'b': d
        p.op(0x75) // }
        p.stop()
        HostileWeights.expectRefusal("appears more than once") {
            _ = try TorchStateDict(try PickleReader.read(p.data, path: "dicts.pkl").value, path: "dicts.pkl")
        }
    }

    /// A list stored in itself, or changed after being stored elsewhere, would form a cycle.
    @Test func cyclesCannotBeBuilt() {
        var selfAppend = P()
        selfAppend.op(0x5D, 0x71, 0, 0x68, 0, 0x61); selfAppend.stop() // l = []; l.append(l)
        HostileWeights.expectRefusal("stored in itself") { _ = try PickleReader.read(selfAppend.data, path: "c.pkl") }

        var later = P()
        later.op(0x5D, 0x71, 0, 0x5D, 0x71, 1, 0x68, 0, 0x61) // a = []; b = [a]  (stack: a, b)
        later.op(0x61) // a.append(b)
        HostileWeights.expectRefusal("changed after it was stored") { _ = try PickleReader.read(later.data, path: "c.pkl") }
    }

    /// A tensor offset at `Int.max` (plus a legacy view offset) used to trap in `offset + 1`
    /// or `offset + viewOffset`; every file number now goes through ``CheckedMath``.
    @Test func hugeOffsetsAreErrorsNotTraps() throws {
        let atMax = HostileWeights.legacy(HostileWeights.stateDict("x", numel: 1, offset: .max, size: [1], stride: [1]),
                                          storages: [("0", [1])])
        HostileWeights.expectRefusal("impossible size, stride or offset") {
            _ = try TorchLegacyArchive(data: atMax, path: "max.pt").floats("x")
        }
        let viewed = HostileWeights.legacy(HostileWeights.stateDict("x", numel: 1, offset: .max, size: [1], stride: [1], viewOffset: 1),
                                           storages: [("0", [1])])
        HostileWeights.expectRefusal("overflows") { _ = try TorchLegacyArchive(data: viewed, path: "view.pt") }
        let strided = HostileWeights.legacy(HostileWeights.stateDict("x", numel: 1, size: [3, 1 << 62], stride: [1 << 62, 2]),
                                            storages: [("0", [1])])
        HostileWeights.expectRefusal("impossible size, stride or offset") {
            _ = try TorchLegacyArchive(data: strided, path: "stride.pt").floats("x")
        }
    }

    /// A legacy storage announcing 2⁶⁴−1 elements.
    @Test func hugeStorageCountIsRefused() throws {
        var file = HostileWeights.legacy(HostileWeights.stateDict("x", numel: 1, size: [1], stride: [1]), storages: [("0", [1])])
        file.replaceSubrange((file.count - 12)..<(file.count - 4), with: [UInt8](repeating: 0xFF, count: 8))
        HostileWeights.expectRefusal("announces 18446744073709551615") { _ = try TorchLegacyArchive(data: file, path: "n.pt") }
    }

    /// A stride-0 view can describe billions of elements over 4 bytes; only VGG19-sized tensors
    /// (and tables of at most 256 entries) are ever materialised.
    @Test func broadcastViewsAreNotMaterialised() throws {
        let file = HostileWeights.legacy(HostileWeights.stateDict("x", numel: 1, size: [1 << 31], stride: [0]), storages: [("0", [1])])
        HostileWeights.expectRefusal("more than any VGG19 tensor") { _ = try TorchLegacyArchive(data: file, path: "b.pt").floats("x") }
    }

    /// Names and strings from the file cannot break the one-line message.
    @Test func messagesStayOneLine() {
        let error = WeightsError.forbiddenGlobal(path: "w.pth", module: "os\r\nEVIL", name: "sys\u{2028}tem", offset: 3)
        #expect(!error.description.contains("\n") && !error.description.contains("\r") && !error.description.contains("\u{2028}"))
        #expect(error.description.contains("os\\r\\nEVIL"))
        let long = WeightsError.missingLayer(path: "w.pth", layer: String(repeating: "x", count: 1 << 20), expected: ["y"])
        #expect(long.description.count < 2100 && long.description.hasSuffix("use a complete VGG19 weight file"))
    }
}
