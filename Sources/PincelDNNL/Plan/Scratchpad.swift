import PincelCore
import PincelWeights
internal import CDNNL

/// One scratchpad shared by every primitive of a plan: they run one at a time, so one
/// buffer as large as the largest need serves them all (the primitives are created with
/// user-managed scratchpads, see ``DNNLAttributes``).
enum Scratchpad {
    /// Allocates the shared scratchpad (counted in `memory`) and binds it to each step that needs one.
    static func share(among steps: [DNNLPrimitive], memory: PlanMemory) throws {
        let needs = steps.map { $0.desc.md(dnnl_query_scratchpad_md).byteSize }
        guard let size = needs.max(), size > 0 else { return }
        let pad = try memory.buffer(MemoryDesc(dims: [size], type: dnnl_u8, tag: dnnl_a))
        for (step, need) in zip(steps, needs) where need > 0 {
            step.bind(DNNL_ARG_SCRATCHPAD, pad)
        }
    }
}
