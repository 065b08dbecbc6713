import PincelCore
import Foundation

/// A minimal, non-executing unpickler for the subset of pickle that `torch.save` emits.
///
/// Only the opcodes below are understood; any other opcode is refused with
/// ``WeightsError/unsupportedOpcode(path:opcode:name:offset:)``. `GLOBAL` is checked against
/// ``allowedGlobals`` at once, and `REDUCE` only ever builds an inert ``PickleObject``
/// (or an empty dict for `collections.OrderedDict()`), so loading a file never runs code.
struct PickleReader {
    /// The only callables/classes a weight file may name.
    static let allowedGlobals: Set<String> = Set([
        "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
        "collections.OrderedDict",
    ]).union(TorchStorageType.allCases.map { "torch.\($0.rawValue)" })

    /// Deepest nesting of containers accepted (a torch state dict needs about 6). Checked as each
    /// container is built, so a hostile file cannot make parsing, traversal or freeing recurse deeply.
    static let maxDepth = 64
    /// Most opcodes executed per pickle (a VGG19 state dict needs a few thousand). Each opcode
    /// makes at most one value, so this bounds the memory a small hostile file can claim.
    static let maxOpcodes = 4_000_000

    /// Reads one pickle starting at `offset` of `data`; returns the value and the offset after `STOP`.
    static func read(_ data: Data, at offset: Int = 0, path: String) throws -> (value: PickleValue, end: Int) {
        try data.withUnsafeBytes { raw in
            var reader = PickleReader(bytes: raw, position: offset, path: path)
            let value = try reader.run()
            return (value, reader.position)
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private let path: String
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    /// Offset of the opcode being executed (for messages).
    private var opcodeOffset = 0
    private var opcodeCount = 0

    private init(bytes: UnsafeRawBufferPointer, position: Int, path: String) {
        self.bytes = bytes
        self.position = position
        self.path = path
    }

    // MARK: - Main loop

    private mutating func run() throws -> PickleValue {
        guard position < bytes.count else {
            throw WeightsError.truncated(path: path, detail: "expected a pickle at byte \(position) but the file ends")
        }
        while true {
            opcodeOffset = position
            opcodeCount += 1
            guard opcodeCount <= Self.maxOpcodes else { throw malformed("more than \(Self.maxOpcodes) opcodes") }
            let op = try readByte()
            switch op {
            case 0x80: // PROTO
                let proto = try readByte()
                guard (2...5).contains(proto) else { throw malformed("pickle protocol \(proto) is not supported") }
            case 0x95: // FRAME (protocol 4): an 8-byte length we do not need
                _ = try readBytes(8)
            case 0x2E: // STOP '.'
                let value = try pop()
                guard stack.isEmpty, marks.isEmpty else { throw malformed("values left on the stack at STOP") }
                return value
            default:
                guard try pushValue(op) || buildContainer(op) || memoOrObject(op) else {
                    throw WeightsError.unsupportedOpcode(path: path, opcode: op, name: Self.opcodeName(op), offset: opcodeOffset)
                }
            }
        }
    }

    /// Opcodes that push a value read from the stream (none, booleans, numbers, text, bytes);
    /// `false` for any other opcode.
    private mutating func pushValue(_ op: UInt8) throws -> Bool {
        switch op {
        case 0x4E: stack.append(.none) // NONE 'N'
        case 0x88: stack.append(.bool(true)) // NEWTRUE
        case 0x89: stack.append(.bool(false)) // NEWFALSE
        case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try readUInt(4))))) // BININT 'J'
        case 0x4B: stack.append(.int(Int(try readByte()))) // BININT1 'K'
        case 0x4D: stack.append(.int(Int(try readUInt(2)))) // BININT2 'M'
        case 0x8A: stack.append(try readLong(length: Int(try readByte()))) // LONG1
        case 0x8B: // LONG4
            let n = Int(Int32(truncatingIfNeeded: try readUInt(4)))
            guard n >= 0 else { throw malformed("negative LONG4 length") }
            stack.append(try readLong(length: n))
        case 0x47: // BINFLOAT 'G': big-endian double
            stack.append(.float(Double(bitPattern: UInt64(bigEndian: UInt64(littleEndian: try readUInt(8))))))
        case 0x58: stack.append(.string(try readText(length: Int(try readUInt(4))))) // BINUNICODE 'X'
        case 0x8C: stack.append(.string(try readText(length: Int(try readByte())))) // SHORT_BINUNICODE
        case 0x8D: stack.append(.string(try readText(length: try readLength8()))) // BINUNICODE8
        case 0x55: stack.append(.string(try readLatin1(length: Int(try readByte())))) // SHORT_BINSTRING 'U'
        case 0x54: // BINSTRING 'T'
            let n = Int(Int32(truncatingIfNeeded: try readUInt(4)))
            guard n >= 0 else { throw malformed("negative BINSTRING length") }
            stack.append(.string(try readLatin1(length: n)))
        case 0x43: stack.append(.bytes(Array(try readBytes(Int(try readByte()))))) // SHORT_BINBYTES 'C'
        case 0x42: stack.append(.bytes(Array(try readBytes(Int(try readUInt(4)))))) // BINBYTES 'B'
        default: return false
        }
        return true
    }

    /// Opcodes that make or fill containers (dicts, lists, tuples, marks); `false` for any
    /// other opcode.
    private mutating func buildContainer(_ op: UInt8) throws -> Bool {
        switch op {
        case 0x7D: stack.append(.dict(PickleDict())) // EMPTY_DICT '}'
        case 0x5D: stack.append(.list(PickleList())) // EMPTY_LIST ']'
        case 0x29: stack.append(.tuple(PickleTuple([]))) // EMPTY_TUPLE ')'
        case 0x28: // MARK '('
            guard marks.count < Self.maxDepth else { throw malformed("MARKs nested deeper than \(Self.maxDepth) levels") }
            marks.append(stack.count)
        case 0x74: stack.append(try tuple(try popToMark())) // TUPLE 't'
        case 0x85: stack.append(try tuple(try pop(count: 1))) // TUPLE1
        case 0x86: stack.append(try tuple(try pop(count: 2))) // TUPLE2
        case 0x87: stack.append(try tuple(try pop(count: 3))) // TUPLE3
        case 0x61: // APPEND 'a'
            let item = try pop()
            let target = try list(at: stack.count - 1)
            try adopt([item], into: target)
            target.items.append(item)
        case 0x65: // APPENDS 'e'
            let items = try popToMark()
            let target = try list(at: stack.count - 1)
            try adopt(items, into: target)
            target.items.append(contentsOf: items)
        case 0x73: // SETITEM 's'
            let value = try pop()
            let key = try pop()
            let target = try dict(at: stack.count - 1)
            try adopt([key, value], into: target)
            target.entries.append((key, value))
        case 0x75: // SETITEMS 'u'
            let items = try popToMark()
            guard items.count % 2 == 0 else { throw malformed("SETITEMS with an odd number of values") }
            let target = try dict(at: stack.count - 1)
            try adopt(items, into: target)
            for i in stride(from: 0, to: items.count, by: 2) {
                target.entries.append((items[i], items[i + 1]))
            }
        default: return false
        }
        return true
    }

    /// Opcodes of the memo and of objects (globals, persistent ids, REDUCE, BUILD); `false` for
    /// any other opcode.
    private mutating func memoOrObject(_ op: UInt8) throws -> Bool {
        switch op {
        case 0x71: try memoize(Int(try readByte())) // BINPUT 'q'
        case 0x72: try memoize(Int(try readUInt(4))) // LONG_BINPUT 'r'
        case 0x94: try memoize(memo.count) // MEMOIZE
        case 0x68: try recall(Int(try readByte())) // BINGET 'h'
        case 0x6A: try recall(Int(try readUInt(4))) // LONG_BINGET 'j'
        case 0x63: // GLOBAL 'c'
            let module = try readLine()
            let name = try readLine()
            stack.append(try global(module: module, name: name))
        case 0x93: // STACK_GLOBAL
            let name = try pop()
            let module = try pop()
            guard let m = module.stringValue, let n = name.stringValue else {
                throw malformed("STACK_GLOBAL needs two strings")
            }
            stack.append(try global(module: m, name: n))
        case 0x51: // BINPERSID 'Q'
            let id = try pop()
            let reference = PicklePersistent(id)
            try adopt([id], into: reference)
            stack.append(.persistent(reference))
        case 0x52: // REDUCE 'R'
            let args = try pop()
            let callable = try pop()
            stack.append(try reduce(callable, args))
        case 0x62: // BUILD 'b'
            let state = try pop()
            guard let top = stack.last else { throw malformed("BUILD on an empty stack") }
            switch top {
            case .object(let object):
                try adopt([state], into: object)
                object.state = state
            case .dict: break // OrderedDict attributes such as `_metadata` are not needed
            default: throw malformed("BUILD on a \(top.kindName)")
            }
        default: return false
        }
        return true
    }

    // MARK: - Interpreting the few allowed globals

    private func global(module: String, name: String) throws -> PickleValue {
        guard Self.allowedGlobals.contains("\(module).\(name)") else {
            throw WeightsError.forbiddenGlobal(path: path, module: module, name: name, offset: opcodeOffset)
        }
        return .global(module: module, name: name)
    }

    /// Makes `children` part of `parent`: refuses to change a container that is already stored
    /// elsewhere or to store one in itself (so no cycle exists), and keeps depths within ``maxDepth``.
    private func adopt(_ children: [PickleValue], into parent: PickleNode) throws {
        guard !parent.embedded else {
            throw malformed("a container changed after it was stored in another one (shared mutable structures are not supported)")
        }
        for child in children {
            guard let node = child.node else { continue }
            guard node !== parent else { throw malformed("a container stored in itself") }
            node.embedded = true
            let depth = node.depth + 1
            guard depth <= Self.maxDepth else { throw malformed("values nested deeper than \(Self.maxDepth) levels") }
            if depth > parent.depth { parent.depth = depth }
        }
    }

    private func tuple(_ items: [PickleValue]) throws -> PickleValue {
        let tuple = PickleTuple(items)
        try adopt(items, into: tuple)
        return .tuple(tuple)
    }

    private func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw malformed("REDUCE on a \(callable.kindName), not on a class or function")
        }
        guard case .tuple(let tuple) = args else { throw malformed("REDUCE arguments are a \(args.kindName), not a tuple") }
        let arguments = tuple.items
        if module == "collections" && name == "OrderedDict" {
            guard arguments.isEmpty else { throw malformed("OrderedDict built with arguments") }
            return .dict(PickleDict())
        }
        if module == "torch" { throw malformed("storage type torch.\(name) called directly") }
        let object = PickleObject(module: module, name: name, args: arguments)
        try adopt(arguments, into: object)
        return .object(object)
    }

    // MARK: - Stack helpers

    private mutating func pop() throws -> PickleValue {
        if let mark = marks.last, stack.count <= mark { throw malformed("pop across a MARK") }
        guard let value = stack.popLast() else { throw malformed("pop from an empty stack") }
        return value
    }

    private mutating func pop(count: Int) throws -> [PickleValue] {
        let floor = marks.last ?? 0
        guard stack.count - floor >= count else { throw malformed("tuple of \(count) from a stack with too few values") }
        let items = Array(stack.suffix(count))
        stack.removeLast(count)
        return items
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw malformed("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func list(at index: Int) throws -> PickleList {
        guard index >= (marks.last ?? 0), index >= 0, case .list(let list) = stack[index] else {
            throw malformed("APPEND without a list")
        }
        return list
    }

    private func dict(at index: Int) throws -> PickleDict {
        guard index >= (marks.last ?? 0), index >= 0, case .dict(let dict) = stack[index] else {
            throw malformed("SETITEM without a dict")
        }
        return dict
    }

    private mutating func memoize(_ index: Int) throws {
        guard let top = stack.last else { throw malformed("PUT on an empty stack") }
        memo[index] = top
    }

    private mutating func recall(_ index: Int) throws {
        guard let value = memo[index] else { throw malformed("GET of unknown memo entry \(index)") }
        stack.append(value)
    }

    // MARK: - Byte helpers

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw truncated() }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw truncated() }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    /// Little-endian unsigned integer of `count` ≤ 8 bytes.
    private mutating func readUInt(_ count: Int) throws -> UInt64 {
        let raw = try readBytes(count)
        var value: UInt64 = 0
        for i in stride(from: count - 1, through: 0, by: -1) { value = value << 8 | UInt64(raw[i]) }
        return value
    }

    private mutating func readLength8() throws -> Int {
        let n = try readUInt(8)
        guard n <= UInt64(Int.max) else { throw truncated() }
        return Int(n)
    }

    private mutating func readLong(length: Int) throws -> PickleValue {
        let raw = Array(try readBytes(length))
        if raw.isEmpty { return .int(0) }
        if length <= 8 {
            var value: UInt64 = 0
            for b in raw.reversed() { value = value << 8 | UInt64(b) }
            let shift = UInt64(64 - 8 * length)
            return .int(Int(Int64(bitPattern: value << shift) >> Int64(shift))) // sign-extend
        }
        return .bigInt(raw)
    }

    private mutating func readText(length: Int) throws -> String {
        let raw = try readBytes(length)
        guard let s = String(bytes: raw, encoding: .utf8) else { throw malformed("string that is not UTF-8") }
        return s
    }

    private mutating func readLatin1(length: Int) throws -> String {
        String(decoding: try readBytes(length).map { UInt16($0) }, as: UTF16.self)
    }

    private mutating func readLine() throws -> String {
        var chars: [UInt8] = []
        while true {
            let b = try readByte()
            if b == 0x0A { break }
            chars.append(b)
            if chars.count > 256 { throw malformed("GLOBAL name longer than 256 bytes") }
        }
        return String(decoding: chars, as: UTF8.self)
    }

    private func malformed(_ detail: String) -> WeightsError {
        .malformed(path: path, detail: "pickle at byte \(opcodeOffset): \(detail)")
    }

    private func truncated() -> WeightsError {
        .truncated(path: path, detail: "pickle data ends inside the opcode at byte \(opcodeOffset)")
    }

    /// Names of pickle opcodes, for messages about the ones we refuse.
    static func opcodeName(_ op: UInt8) -> String {
        let names: [UInt8: String] = [
            0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4C: "LONG",
            0x50: "PERSID", 0x53: "STRING", 0x56: "UNICODE", 0x64: "DICT", 0x67: "GET", 0x69: "INST",
            0x6C: "LIST", 0x6F: "OBJ", 0x70: "PUT", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
            0x8E: "BINBYTES8", 0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX",
            0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
        ]
        return names[op] ?? "unknown"
    }
}
