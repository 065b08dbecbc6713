import PincelCore
import PincelWeights
internal import CDNNL

/// Owns a oneDNN primitive attribute set (post-ops, scratchpad mode).
final class DNNLAttributes {
    let handle: dnnl_primitive_attr_t

    /// Attributes with a user-managed scratchpad and, optionally, a fused ReLU, a fused clamp
    /// to `clip` (`min(max(x, lower), upper)`) or a sum post-op (`dst = op(src) + dst`).
    init(fuseReLU: Bool = false, clip: (lower: Float, upper: Float)? = nil, accumulate: Bool = false,
         userScratchpad: Bool = true) throws {
        var attr: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attr), "primitive_attr_create")
        guard let attr else { throw DNNLError(status: -1, operation: "primitive_attr_create") }
        handle = attr
        if userScratchpad {
            try dnnlCheck(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        }
        if fuseReLU || accumulate || clip != nil {
            var ops: dnnl_post_ops_t?
            try dnnlCheck(dnnl_post_ops_create(&ops), "post_ops_create")
            defer { dnnl_post_ops_destroy(ops) }
            if accumulate { try dnnlCheck(dnnl_post_ops_append_sum(ops, 1), "post_ops_append_sum") }
            if fuseReLU { try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "post_ops_append_eltwise") }
            if let clip {
                try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_clip, clip.lower, clip.upper), "post_ops_append_eltwise")
            }
            try dnnlCheck(dnnl_primitive_attr_set_post_ops(attr, ops), "set_post_ops")
        }
    }

    deinit { dnnl_primitive_attr_destroy(handle) }
}

/// Owns a oneDNN primitive descriptor: the chosen implementation and its memory layouts.
final class DNNLPrimitiveDesc {
    let handle: dnnl_primitive_desc_t

    /// Creates a descriptor from an operation descriptor (`dnnl_convolution_desc_t`, …).
    init<OpDesc>(_ opDesc: OpDesc, attributes: DNNLAttributes?, engine: DNNLEngine,
                 hint: DNNLPrimitiveDesc? = nil, what: String) throws {
        var pd: dnnl_primitive_desc_t?
        var op = opDesc
        let status = withUnsafeMutablePointer(to: &op) { ptr in
            dnnl_primitive_desc_create(&pd, ptr, attributes?.handle, engine.handle, hint?.handle)
        }
        try dnnlCheck(status, what)
        guard let pd else { throw DNNLError(status: -1, operation: what) }
        handle = pd
    }

    /// A reorder between two layouts / data types.
    init(reorderFrom src: MemoryDesc, to dst: MemoryDesc, engine: DNNLEngine, accumulate: Bool = false) throws {
        var pd: dnnl_primitive_desc_t?
        var s = src.raw, d = dst.raw
        let attr = accumulate ? try DNNLAttributes(accumulate: true, userScratchpad: false) : nil
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, &s, engine.handle, &d, engine.handle, attr?.handle), "reorder")
        guard let pd else { throw DNNLError(status: -1, operation: "reorder") }
        handle = pd
    }

    /// A memory descriptor the implementation chose (`dnnl_query_src_md`, …).
    func md(_ what: dnnl_query_t, _ index: Int32 = 0) -> MemoryDesc {
        guard let p = dnnl_primitive_desc_query_md(handle, what, index) else { return MemoryDesc(raw: dnnl_memory_desc_t()) }
        return MemoryDesc(raw: p.pointee)
    }

    /// The implementation's name, e.g. `jit_wino_4x3:avx512_core`.
    var implementation: String {
        var cstr: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &cstr) == dnnl_success,
              let cstr else { return "unknown" }
        return String(cString: cstr)
    }

    deinit { dnnl_primitive_desc_destroy(handle) }
}

/// Owns a oneDNN primitive together with the memory it is bound to, so one call runs it
/// without building arguments (no allocation per execution).
final class DNNLPrimitive {
    let handle: dnnl_primitive_t
    let desc: DNNLPrimitiveDesc
    private var args: [dnnl_exec_arg_t]
    private var bound: [DNNLMemory]

    init(_ desc: DNNLPrimitiveDesc, args: [(Int32, DNNLMemory)]) throws {
        var prim: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&prim, desc.handle), "primitive_create")
        guard let prim else { throw DNNLError(status: -1, operation: "primitive_create") }
        handle = prim
        self.desc = desc
        self.args = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.handle) }
        bound = args.map(\.1)
    }

    /// Binds one more argument (e.g. the shared scratchpad).
    func bind(_ arg: Int32, _ memory: DNNLMemory) {
        // Binding an argument again replaces it (oneDNN rejects duplicate arguments).
        if let i = args.firstIndex(where: { $0.arg == arg }) {
            args[i] = dnnl_exec_arg_t(arg: arg, memory: memory.handle)
            bound[i] = memory
            return
        }
        args.append(dnnl_exec_arg_t(arg: arg, memory: memory.handle))
        bound.append(memory)
    }

    func execute(on stream: DNNLStream) throws {
        let status = args.withUnsafeBufferPointer {
            dnnl_primitive_execute(handle, stream.handle, Int32($0.count), $0.baseAddress)
        }
        try dnnlCheck(status, "execute \(desc.implementation)")
    }

    deinit { dnnl_primitive_destroy(handle) }
}
