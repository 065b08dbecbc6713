import PincelCore
import PincelWeights
internal import CDNNL

/// A oneDNN memory descriptor (value type; no handle to own).
struct MemoryDesc {
    var raw: dnnl_memory_desc_t

    init(raw: dnnl_memory_desc_t) { self.raw = raw }

    /// A descriptor with a fixed layout tag (e.g. `dnnl_abcd` = NCHW/OIHW, `dnnl_a`) or
    /// `dnnl_format_tag_any` to let a primitive choose.
    init(dims: [Int], type: dnnl_data_type_t, tag: dnnl_format_tag_t) throws {
        var md = dnnl_memory_desc_t()
        let d = dims.map { dnnl_dim_t($0) }
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, type, tag), "memory_desc_init \(dims)")
        raw = md
    }

    /// Height and width of a 4-D (NCHW) descriptor.
    var spatial: (Int, Int) {
        withUnsafeBytes(of: raw.dims) { d in
            let v = d.bindMemory(to: dnnl_dim_t.self)
            return (Int(v[2]), Int(v[3]))
        }
    }

    /// Bytes a buffer for this descriptor needs (including any blocking padding).
    var byteSize: Int { withUnsafePointer(to: raw) { Int(dnnl_memory_desc_get_size($0)) } }

    static func == (a: MemoryDesc, b: MemoryDesc) -> Bool {
        withUnsafePointer(to: a.raw) { pa in withUnsafePointer(to: b.raw) { pb in dnnl_memory_desc_equal(pa, pb) != 0 } }
    }
}

/// Owns a oneDNN memory object. The buffer is either allocated by oneDNN (freed with the
/// object) or borrowed from another ``DNNLMemory`` (which this object keeps alive).
final class DNNLMemory {
    let handle: dnnl_memory_t
    let desc: MemoryDesc
    /// Keeps a borrowed buffer's owner alive.
    private let owner: DNNLMemory?

    /// A memory object with its own buffer.
    init(_ desc: MemoryDesc, engine: DNNLEngine) throws {
        var mem: dnnl_memory_t?
        var md = desc.raw
        try dnnlCheck(dnnl_memory_create(&mem, &md, engine.handle, pincel_dnnl_memory_allocate()), "memory_create")
        guard let mem else { throw DNNLError(status: -1, operation: "memory_create") }
        handle = mem
        dataPointer = try Self.data(of: mem)
        self.desc = desc
        owner = nil
    }

    /// A view of `buffer`'s storage from byte `offset` on, with another descriptor; it must fit.
    init(_ desc: MemoryDesc, sharing buffer: DNNLMemory, offset: Int = 0, engine: DNNLEngine) throws {
        guard offset >= 0, offset + desc.byteSize <= buffer.desc.byteSize else {
            throw DNNLError(status: Int(dnnl_invalid_arguments.rawValue),
                            operation: "memory view of \(desc.byteSize) bytes at \(offset) in a buffer of \(buffer.desc.byteSize)")
        }
        var mem: dnnl_memory_t?
        var md = desc.raw
        let start = buffer.dataPointer + offset
        try dnnlCheck(dnnl_memory_create(&mem, &md, engine.handle, start), "memory_create(view)")
        guard let mem else { throw DNNLError(status: -1, operation: "memory_create(view)") }
        handle = mem
        dataPointer = start
        self.desc = desc
        owner = buffer
    }

    /// The start of the buffer.
    let dataPointer: UnsafeMutableRawPointer

    private static func data(of mem: dnnl_memory_t) throws -> UnsafeMutableRawPointer {
        var ptr: UnsafeMutableRawPointer?
        try dnnlCheck(dnnl_memory_get_data_handle(mem, &ptr), "memory_get_data_handle")
        guard let ptr else {
            dnnl_memory_destroy(mem)
            throw DNNLError(status: Int(dnnl_out_of_memory.rawValue), operation: "memory_create")
        }
        return ptr
    }

    /// The buffer as float32 values; valid for plain f32 descriptors.
    var floats: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: dataPointer.assumingMemoryBound(to: Float.self),
                                   count: desc.byteSize / MemoryLayout<Float>.stride)
    }

    /// Runs `body` with the memory pointing at `pointer` (a caller's buffer of at least
    /// ``MemoryDesc/byteSize`` bytes, valid during the call), then at its own buffer again.
    func borrowing<T>(_ pointer: UnsafeMutableRawPointer, _ body: () throws -> T) throws -> T {
        try dnnlCheck(dnnl_memory_set_data_handle(handle, pointer), "memory_set_data_handle")
        defer { _ = dnnl_memory_set_data_handle(handle, dataPointer) }
        return try body()
    }

    deinit { dnnl_memory_destroy(handle) }
}
