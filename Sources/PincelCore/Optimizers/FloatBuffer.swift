/// A fixed-size, zero-initialised block of `Float`s owned by one optimiser.
///
/// The optimisers keep several vectors of the problem's size (history pairs, the anchor point,
/// scratch); holding each in its own buffer gives their loops plain pointers, with no
/// copy-on-write checks and no optional base addresses, and frees the memory in `deinit`.
final class FloatBuffer {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        pointer.deinitialize(count: max(count, 1))
        pointer.deallocate()
    }
}
