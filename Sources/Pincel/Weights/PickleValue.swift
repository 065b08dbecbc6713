/// An inert value rebuilt from a pickle stream.
///
/// Nothing here is ever executed: a whitelisted `GLOBAL` becomes ``global(module:name:)``
/// and `REDUCE` on it becomes an ``object(_:)`` record that later code interprets.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`, as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// The result of `REDUCE` on a whitelisted global (other than `collections.OrderedDict`).
    case object(PickleObject)
    /// A `BINPERSID` reference; `id` is the persistent id (for torch, a `('storage', …)` tuple).
    case persistent(PickleValue)

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
        case .tuple(let items): return items
        case .list(let list): return list.items
        default: return nil
        }
    }

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

/// A pickled list; a class so that memoised references see later `APPEND`s.
final class PickleList {
    var items: [PickleValue] = []
}

/// A pickled dict (or `OrderedDict`), in insertion order.
final class PickleDict {
    var entries: [(key: PickleValue, value: PickleValue)] = []
}

/// An inert record of `module.name(*args)` plus any `BUILD` state.
final class PickleObject {
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
