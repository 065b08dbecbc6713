import PincelCore
import PincelWeights

/// The plans a ``VGG19Network`` has built, by image size, least recently used first.
///
/// Bounded two ways, so that it never holds much memory a caller did not ask for: at most
/// ``capacity`` plans, and the plans other than the one in use hold at most
/// ``retainedBytes`` of buffers of their own (the weights they share with every other plan
/// are not counted: ``WeightStore`` holds them once). Before a plan for a new size is built,
/// least recently used plans are dropped until both bounds hold with the new plan counted as
/// the one in use, so a large plan is released before the next one is allocated (as the
/// memory estimate assumes), while small ones stay for reuse. Two passes in a row at one size
/// (a style and a content image of one size) always share the plan.
struct PlanCache {
    /// Default ``capacity``: the last few sizes.
    static let defaultCapacity = 4
    /// Default ``retainedBytes``: 64 MiB. A transfer's plan holds more than that of its own
    /// already at thumbnail sizes (mostly Winograd scratchpad), so only plans of thumbnails and
    /// tests are kept beside the one in use; larger ones are rebuilt when their size comes back
    /// (with shared weights that costs no reorders).
    static let defaultRetainedBytes = 64 << 20

    /// The most plans kept, the one in use included (at least 1).
    var capacity = defaultCapacity
    /// The most bytes of their own that plans other than the one in use may hold.
    var retainedBytes = defaultRetainedBytes
    /// Least recently used first.
    private(set) var plans: [NetworkPlan] = []

    /// The plan for `height x width`, now the most recently used, or `nil`.
    mutating func plan(height: Int, width: Int) -> NetworkPlan? {
        guard let i = plans.firstIndex(where: { $0.height == height && $0.width == width }) else { return nil }
        let hit = plans.remove(at: i)
        plans.append(hit)
        return hit
    }

    /// Drops least recently used plans until a new one fits beside the rest.
    mutating func makeRoom() {
        while !plans.isEmpty
                && (plans.count >= max(capacity, 1) || plans.reduce(0, { $0 + $1.bytes - $1.sharedBytes }) > retainedBytes) {
            plans.removeFirst()
        }
    }

    /// Adds a plan just built, as the most recently used.
    mutating func insert(_ plan: NetworkPlan) { plans.append(plan) }
}
