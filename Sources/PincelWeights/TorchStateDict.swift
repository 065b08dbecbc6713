import PincelCore

/// Turns the inert value of a `torch.save`d state dict into named ``StoredTensor``s.
///
/// Understands `torch._utils._rebuild_tensor_v2` / `_rebuild_tensor` / `_rebuild_parameter`
/// records whose storage is a persistent id `('storage', torch.XStorage, key, location, numel)`
/// (zip format) or the legacy 6-tuple with a trailing view description (or `None`).
/// Nested dicts are flattened with `.`-joined names; values that are not tensors are skipped.
struct TorchStateDict {
    private(set) var tensors: [String: StoredTensor] = [:]
    /// Element type of every storage key that a tensor refers to.
    private(set) var storageDTypes: [String: WeightDType] = [:]
    private let path: String

    init(_ root: PickleValue, path: String) throws {
        self.path = path
        var visited = Set<ObjectIdentifier>()
        try scanStorages(root, depth: 0, visited: &visited)
        switch root {
        case .dict:
            var seen = Set<ObjectIdentifier>()
            try collect(root, prefix: "", depth: 0, seen: &seen)
        case .object(let o) where o.module == "torch._utils":
            throw WeightsError.malformed(path: path, detail: "the file holds a single tensor, not a dict of VGG19 layers")
        default:
            throw WeightsError.malformed(path: path, detail: "the top-level object is a \(root.kindName), not a state dict")
        }
    }

    /// Records the element type of every storage referenced anywhere (also from values that
    /// are not collected as tensors, e.g. inside lists), so legacy files can size all storages.
    /// Each container is visited once (shared references through the memo form a DAG that a
    /// naive walk would expand exponentially); the depth is bounded by ``PickleReader/maxDepth``.
    private mutating func scanStorages(_ value: PickleValue, depth: Int, visited: inout Set<ObjectIdentifier>) throws {
        guard depth <= PickleReader.maxDepth else {
            throw WeightsError.malformed(path: path, detail: "values nested deeper than \(PickleReader.maxDepth) levels")
        }
        guard let node = value.node, visited.insert(ObjectIdentifier(node)).inserted else { return }
        switch value {
        case .tuple(let tuple):
            for item in tuple.items { try scanStorages(item, depth: depth + 1, visited: &visited) }
        case .list(let list):
            for item in list.items { try scanStorages(item, depth: depth + 1, visited: &visited) }
        case .dict(let dict):
            for entry in dict.entries { try scanStorages(entry.value, depth: depth + 1, visited: &visited) }
        case .object(let object):
            for item in object.args { try scanStorages(item, depth: depth + 1, visited: &visited) }
        case .persistent:
            _ = try storage(value, name: "(storage reference)")
        default:
            return
        }
    }

    /// Flattens nested dicts; a dict reached twice (shared through the memo) is refused, so
    /// the walk is linear in the file and every name is unique.
    private mutating func collect(_ value: PickleValue, prefix: String, depth: Int, seen: inout Set<ObjectIdentifier>) throws {
        guard case .dict(let dict) = value else { return }
        guard depth < 8 else { throw WeightsError.malformed(path: path, detail: "dicts nested deeper than 8 levels") }
        guard seen.insert(ObjectIdentifier(dict)).inserted else {
            throw WeightsError.malformed(path: path, detail: "the dict at \(prefix.isEmpty ? "the top level" : prefix) appears more than once")
        }
        for (key, item) in dict.entries {
            let name: String
            switch key {
            case .string(let s): name = prefix + s
            case .int(let i): name = prefix + String(i)
            default: continue
            }
            switch item {
            case .dict: try collect(item, prefix: name + ".", depth: depth + 1, seen: &seen)
            case .object: tensors[name] = try tensor(item, name: name)
            default: continue
            }
        }
    }

    private mutating func tensor(_ value: PickleValue, name: String) throws -> StoredTensor {
        guard case .object(let object) = value, object.module == "torch._utils" else {
            throw bad(name, "is a \(value.kindName), not a tensor")
        }
        let args = object.args
        switch object.name {
        case "_rebuild_parameter":
            guard let data = args.first else { throw bad(name, "is a parameter without data") }
            return try tensor(data, name: name)
        case "_rebuild_tensor_v2", "_rebuild_tensor":
            guard args.count >= 4 else { throw bad(name, "has \(args.count) rebuild arguments, expected at least 4") }
            let (key, dtype, viewOffset) = try storage(args[0], name: name)
            guard let offset = args[1].intValue,
                  let size = args[2].elements?.compactMap(\.intValue), size.count == args[2].elements?.count,
                  let stride = args[3].elements?.compactMap(\.intValue), stride.count == size.count
            else { throw bad(name, "has a malformed offset, size or stride") }
            let start = try CheckedMath(path: path, context: "tensor \(name)").add(offset, viewOffset)
            return StoredTensor(dtype: dtype, shape: size, strides: stride, offset: start, storageKey: key)
        default:
            throw bad(name, "is built by torch._utils.\(object.name), which is not supported")
        }
    }

    /// Storage key, element type and (legacy view) element offset of a persistent id.
    private mutating func storage(_ value: PickleValue, name: String) throws -> (String, WeightDType, Int) {
        guard case .persistent(let reference) = value, let parts = reference.id.elements, parts.count >= 5,
              parts[0].stringValue == "storage",
              case .global(let module, let typeName) = parts[1], module == "torch",
              let storageType = TorchStorageType(rawValue: typeName),
              let key = parts[2].stringValue
        else { throw bad(name, "does not refer to a ('storage', torch.XStorage, key, …) persistent id") }
        var viewOffset = 0
        if parts.count >= 6, let view = parts[5].elements {
            guard view.count == 3, let offset = view[1].intValue else { throw bad(name, "has a malformed storage view") }
            viewOffset = offset
        }
        if let known = storageDTypes[key], known != storageType.dtype {
            throw bad(name, "uses storage \(key) as \(storageType.dtype.rawValue) but another tensor uses it as \(known.rawValue)")
        }
        storageDTypes[key] = storageType.dtype
        return (key, storageType.dtype, viewOffset)
    }

    private func bad(_ name: String, _ detail: String) -> WeightsError {
        .malformed(path: path, detail: "entry \(name) \(detail)")
    }
}
