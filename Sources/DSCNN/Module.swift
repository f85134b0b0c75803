import DSCTensor

/// Base class of every layer and model: owns parameters (trainable tensors) and buffers
/// (state such as BatchNorm's running statistics or LDFR's fused subspace), and children.
///
/// Names are dotted paths, as in PyTorch's `state_dict` and MLX's `parameters()`:
/// `blocks.0.conv1.weight`. They are the keys of checkpoints.
///
/// Subclasses override ``ownParameters()``, ``ownBuffers()`` and ``children()``; everything else
/// (recursive naming, train/eval switching, loading by name) is provided here.
open class Module {
    /// Training mode (batch statistics, dropout, LDFR subspace updates) or evaluation mode.
    public private(set) var training = true

    public init() {}

    /// This module's own trainable tensors, by local name (`weight`, `bias`).
    open func ownParameters() -> [(String, Tensor)] { [] }

    /// This module's own non-trainable state, by local name (`runningMean`, …).
    open func ownBuffers() -> [(String, Tensor)] { [] }

    /// Sub-modules, by local name (`conv1`, `0`, `1`, …).
    open func children() -> [(String, Module)] { [] }

    /// Called after ``train(_:)`` changes the mode of this module.
    open func didChangeMode() {}

    /// Every trainable tensor of this module and its descendants, with dotted names, in a stable order.
    public final func namedParameters() -> [(String, Tensor)] {
        var out = ownParameters()
        for (name, child) in children() {
            out += child.namedParameters().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// Every buffer of this module and its descendants, with dotted names.
    public final func namedBuffers() -> [(String, Tensor)] {
        var out = ownBuffers()
        for (name, child) in children() {
            out += child.namedBuffers().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// The trainable tensors, for an optimizer.
    public final func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Number of trainable scalars.
    public final var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Switches this module and all descendants to training (`true`) or evaluation mode.
    public final func train(_ on: Bool = true) {
        training = on
        didChangeMode()
        for (_, child) in children() { child.train(on) }
    }

    /// Evaluation mode: running statistics, no dropout, fused LDFR subspace.
    public final func eval() { train(false) }

    /// Clears the gradients of every parameter.
    public final func zeroGrad() {
        for p in parameters() { p.grad = nil }
    }
}

/// A module applied to one tensor: `let y = layer(x)`.
public protocol UnaryLayer: AnyObject {
    func callAsFunction(_ x: Tensor) -> Tensor
}
