import PincelCore

/// An inert value rebuilt from a pickle stream.
///
/// Nothing here is ever executed: a whitelisted `GLOBAL` becomes ``global(module:name:)``
/// and `REDUCE` on it becomes an ``object(_:)`` record that later code interprets.
///
/// Every container is a ``PickleNode`` (a class), so a value shared through the memo is one
/// object that a traversal can visit once, and every node records its nesting ``PickleNode/depth``,
/// which ``PickleReader`` bounds while parsing (so no deep structure is ever built or freed).
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`, as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// The result of `REDUCE` on a whitelisted global (other than `collections.OrderedDict`).
    case object(PickleObject)
    /// A `BINPERSID` reference; its `id` is the persistent id (for torch, a `('storage', …)` tuple).
    case persistent(PicklePersistent)

    var intValue: Int? {
        switch self {
        case .int(let v): return v
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Elements of a tuple or list.
    var elements: [PickleValue]? {
        switch self {
        case .tuple(let tuple): return tuple.items
        case .list(let list): return list.items
        default: return nil
        }
    }

    /// The container behind this value, if it is one.
    var node: PickleNode? {
        switch self {
        case .tuple(let n): return n
        case .list(let n): return n
        case .dict(let n): return n
        case .object(let n): return n
        case .persistent(let n): return n
        default: return nil
        }
    }

    /// Nesting depth: 0 for scalars, 1 + the deepest child for containers.
    var depth: Int { node?.depth ?? 0 }

    /// A short description for error messages.
    var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let m, let n): return "\(m).\(n)"
        case .object(let o): return "\(o.module).\(o.name)(…)"
        case .persistent: return "persistent id"
        }
    }
}

/// Base of every pickled container.
class PickleNode {
    /// 1 + the deepest child's depth (kept up to date by ``PickleReader`` as children are added).
    var depth = 1
    /// Set once the node is stored inside another container; from then on ``PickleReader``
    /// refuses to change it, so depths stay exact and no reference cycle can be built.
    var embedded = false
}

/// A pickled tuple (immutable).
final class PickleTuple: PickleNode {
    let items: [PickleValue]
    init(_ items: [PickleValue]) { self.items = items }
}

/// A pickled list; a class so that memoised references see later `APPEND`s.
final class PickleList: PickleNode {
    var items: [PickleValue] = []
}

/// A pickled dict (or `OrderedDict`), in insertion order.
final class PickleDict: PickleNode {
    var entries: [(key: PickleValue, value: PickleValue)] = []
}

/// An inert record of `module.name(*args)` plus any `BUILD` state.
final class PickleObject: PickleNode {
    let module: String
    let name: String
    let args: [PickleValue]
    var state: PickleValue?

    init(module: String, name: String, args: [PickleValue]) {
        self.module = module
        self.name = name
        self.args = args
    }
}

/// A `BINPERSID` reference.
final class PicklePersistent: PickleNode {
    let id: PickleValue
    init(_ id: PickleValue) { self.id = id }
}
