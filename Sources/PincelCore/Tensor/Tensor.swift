/// A dense float32 tensor in row-major order.
///
/// Images are `[3, height, width]` (planar RGB, values 0…255); network activations are
/// `[channels, height, width]`. The batch dimension is always 1 and is not stored.
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public var shape: [Int]
    /// `shape.reduce(1, *)` values, row-major.
    public var data: [Float]

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor over existing values; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "Tensor: \(data.count) values do not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// Number of values.
    public var count: Int { data.count }
}
