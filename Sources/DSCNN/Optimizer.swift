import DSCTensor

/// Base class of the optimizers, in the MLX manner: this class walks the parameters, keeps the
/// per-parameter state and the step count, and applies the learning-rate schedule; a subclass
/// supplies only the names of its state slots and the update rule for one parameter
/// (``applyUpdate(to:gradient:state:learningRate:step:)``).
///
///     let optimizer = AdamW(learningRate: 1e-3)
///     let loss = Loss.crossEntropy(logits: model(x), targets: y)
///     model.zeroGrad(); loss.backward()
///     optimizer.update(model)               // reads every parameter's .grad
///
/// State is keyed by parameter name: the dotted names of ``Module/namedParameters()`` for
/// ``update(_:)``, or the positions `"0"`, `"1"`, … for ``step(_:)``. A parameter without a
/// gradient is skipped (its state is not created or advanced). The state and ``stepCount`` are
/// what a checkpoint saves so that training resumes exactly (``Checkpoint``). Creating an
/// optimizer applies ``MemoryPolicy/retainFreedMemory()`` (freed activations are reused, not
/// returned to the system and faulted back in every step).
open class Optimizer {
    /// The learning rate used when no ``schedule`` is set.
    public var learningRate: Float
    /// When set, the learning rate of update `t` (counted from 0) is `schedule(t)`.
    public var schedule: LRSchedule?
    /// Updates applied so far (Adam's `t` after the update is `stepCount`).
    public internal(set) var stepCount = 0
    /// Per-parameter state by parameter name.
    public internal(set) var state: [String: ParameterState] = [:]

    /// - Precondition: `learningRate ≥ 0`.
    public init(learningRate: Float, schedule: LRSchedule? = nil) {
        precondition(learningRate >= 0, "Optimizer: learningRate=\(learningRate) must be >= 0")
        self.learningRate = learningRate
        self.schedule = schedule
        MemoryPolicy.retainFreedMemory()
    }

    /// The learning rate the next update will use.
    /// Puts back a saved state (a checkpoint's): the update count and every parameter's slots.
    public func restore(stepCount: Int, state: [String: ParameterState]) {
        self.stepCount = stepCount
        self.state = state
    }

    public var currentLearningRate: Float { schedule?(stepCount) ?? learningRate }

    /// The state slots each parameter gets (`["m", "v"]` for Adam), created as zeros on first use.
    open var slotNames: [String] { [] }

    /// A short description of the optimizer and its hyperparameters, stored in checkpoints.
    open var summary: String { "\(type(of: self))(learningRate: \(learningRate))" }

    /// Updates one parameter in place from its gradient; `step` is the 1-based number of this update.
    open func applyUpdate(
        to parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
        state: ParameterState, learningRate: Float, step: Int
    ) {
        fatalError("\(type(of: self)) must override applyUpdate(to:gradient:state:learningRate:step:)")
    }

    /// One update of every parameter of `model` that has a gradient.
    public func update(_ model: Module) {
        apply(model.namedParameters())
    }

    /// One update of `parameters` that have gradients; state is keyed by position, so pass the
    /// same list in the same order every time.
    public func step(_ parameters: [Tensor]) {
        apply(parameters.enumerated().map { (String($0.offset), $0.element) })
    }

    /// Forgets all state and the step count.
    public func reset() {
        state = [:]
        stepCount = 0
    }

    func apply(_ named: [(String, Tensor)]) {
        let lr = currentLearningRate
        stepCount += 1
        for (name, parameter) in named {
            guard let grad = parameter.grad else { continue }
            precondition(
                grad.count == parameter.count,
                "Optimizer: gradient of \"\(name)\" has \(grad.count) values for shape \(parameter.shape)")
            let slots: ParameterState
            if let existing = state[name] {
                slots = existing
            } else {
                slots = ParameterState(names: slotNames, count: parameter.count)
                state[name] = slots
            }
            precondition(
                slots.count == parameter.count,
                "Optimizer: state of \"\(name)\" has \(slots.count) values, the parameter \(parameter.count)")
            grad.data.withUnsafeBufferPointer { g in
                parameter.data.withUnsafeMutableBufferPointer { p in
                    applyUpdate(to: p, gradient: g, state: slots, learningRate: lr, step: stepCount)
                }
            }
        }
    }
}

/// The state an optimizer keeps for one parameter: named arrays of the parameter's size
/// (`momentum`, or Adam's `m` and `v`).
public final class ParameterState {
    /// One slot's values, boxed so that two slots can be written at once.
    private final class Slot {
        var values: [Float]
        init(_ values: [Float]) { self.values = values }
    }

    /// Elements per slot (the parameter's count).
    public let count: Int
    private var storage: [String: Slot]

    /// Zeroed slots `names` of `count` elements each.
    public init(names: [String], count: Int) {
        self.count = count
        storage = Dictionary(uniqueKeysWithValues: names.map { ($0, Slot([Float](repeating: 0, count: count))) })
    }

    /// A copy of every slot, by name.
    public var slots: [String: [Float]] { storage.mapValues(\.values) }

    /// Replaces slot `name`'s values.
    /// - Precondition: `values.count == count`.
    public func set(_ name: String, _ values: [Float]) {
        precondition(values.count == count, "ParameterState: \(values.count) values for slot \"\(name)\" of \(count)")
        storage[name] = Slot(values)
    }

    /// Runs `body` with slot `name` writable in place.
    /// - Precondition: the slot exists.
    public func withSlot<R>(_ name: String, _ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        guard let slot = storage[name] else {
            preconditionFailure("ParameterState: no slot \"\(name)\" (have \(storage.keys.sorted()))")
        }
        return slot.values.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Runs `body` with two different slots writable in place.
    public func withSlots<R>(
        _ a: String, _ b: String,
        _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> R
    ) -> R {
        precondition(a != b, "ParameterState.withSlots: the same slot \"\(a)\" twice")
        return withSlot(a) { pa in withSlot(b) { pb in body(pa, pb) } }
    }
}
