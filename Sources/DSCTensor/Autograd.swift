/// Reverse-mode automatic differentiation.
///
/// Every primitive computes its output and, when grad mode is on and some input requires a
/// gradient, records a ``Node``: the inputs it read and a backward closure, written right beside
/// the forward code, that receives `∂loss/∂output` and ADDS its contribution to each input's
/// ``Tensor/grad``. ``Tensor/backward(seed:)`` orders the recorded graph topologically and calls
/// the closures from the loss back to the leaves. Composite operations (softmax, losses) are built
/// from primitives and have no backward of their own.

import Foundation

/// One recorded operation.
///
/// The closure must not capture the output tensor (that would be a reference cycle through
/// `output.node`); it captures the inputs it needs and copies of saved arrays instead.
final class Node {
    /// Name of the primitive, for debugging and error messages.
    let name: String
    /// The tensors the operation read; gradients flow to those with `requiresGrad`.
    let inputs: [Tensor]
    /// Receives `∂loss/∂output` (the output's shape, row-major) and accumulates into inputs' grads.
    let backward: (UnsafeBufferPointer<Float>) -> Void

    init(name: String, inputs: [Tensor], backward: @escaping (UnsafeBufferPointer<Float>) -> Void) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether operations record the graph. Thread- and task-local: ``Tensor/withNoGrad(_:)`` on one
/// thread does not affect another.
public enum GradMode {
    @TaskLocal static var isEnabled: Bool = true
}

extension Tensor {
    /// Whether operations started on this thread/task currently record the graph.
    public static var isGradEnabled: Bool { GradMode.isEnabled }

    /// Runs `body` with graph recording off: outputs have `requiresGrad == false` and no node,
    /// so no memory is held for a backward pass (inference, evaluation, momentum updates).
    public static func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
        try GradMode.$isEnabled.withValue(false, operation: body)
    }

    /// Attaches the backward closure of the primitive that produced `self` from `inputs`, if grad
    /// mode is on and some input requires a gradient; otherwise the closure is dropped unrun.
    /// Returns `self` so primitives can end with `return out.recorded(...)`.
    func recorded(
        _ name: String, _ inputs: [Tensor],
        _ backward: @escaping (UnsafeBufferPointer<Float>) -> Void
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        node = Node(name: name, inputs: inputs, backward: backward)
        return self
    }

    /// Gives `body` this tensor's gradient buffer, created as zeros on first use, to add into.
    func accumulateGrad(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        if grad == nil { grad = Tensor.zeros(shape) }
        grad!.data.withUnsafeMutableBufferPointer { body($0) }
    }

    /// `grad += g` for a contiguous buffer with this tensor's element count.
    func accumulateGrad(adding g: UnsafeBufferPointer<Float>) {
        precondition(g.count == count, "accumulateGrad: \(g.count) values for shape \(shape)")
        accumulateGrad { dst in
            guard let d = dst.baseAddress, let s = g.baseAddress else { return }
            BLAS.saxpy(count, 1, s, d)
        }
    }

    /// Sets the gradient to zero (keeping its buffer) if there is one.
    public func zeroGrad() {
        grad?.data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Back-propagates from `self`: every tensor reachable through recorded operations that
    /// requires a gradient receives `grad += ∂(Σ seed ⊙ self)/∂tensor`.
    ///
    /// - Parameter seed: `∂loss/∂self`, same shape as `self`; defaults to `1` for a one-element
    ///   tensor (the usual scalar loss).
    /// - Gradients accumulate across calls until ``zeroGrad()``.
    /// - Non-leaf gradients are released once used unless ``retainsGrad`` is set; leaves keep theirs.
    /// - The graph itself lives as long as `self` (or any tensor of it) does; calling `backward`
    ///   twice adds the gradients twice.
    /// - Precondition: `requiresGrad`; without a seed, `count == 1`.
    public func backward(seed: Tensor? = nil) {
        precondition(requiresGrad, "backward(): tensor of shape \(shape) does not require a gradient")
        if let seed {
            precondition(seed.shape == shape, "backward(): seed shape \(seed.shape) differs from \(shape)")
            seed.data.withUnsafeBufferPointer { accumulateGrad(adding: $0) }
        } else {
            precondition(count == 1, "backward(): a seed is needed for a tensor of shape \(shape)")
            accumulateGrad { $0[0] += 1 }
        }
        for t in topologicalOrder().reversed() {
            guard let node = t.node, let g = t.grad else { continue }
            g.data.withUnsafeBufferPointer { node.backward($0) }
            if !t.retainsGrad { t.grad = nil }
        }
    }

    /// Tensors reachable from `self` through recorded nodes and requiring a gradient, each after
    /// all of its inputs (iterative depth-first search, so deep graphs do not overflow the stack).
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(tensor: Tensor, next: Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while !stack.isEmpty {
            let (t, next) = stack[stack.count - 1]
            let inputs = t.node?.inputs ?? []
            if next < inputs.count {
                stack[stack.count - 1].next += 1
                let child = inputs[next]
                if child.requiresGrad, visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(t)
                stack.removeLast()
            }
        }
        return order
    }
}

// MARK: - Teardown without recursion

/// Releases the nodes of a dying graph one at a time.
///
/// A long chain of recorded operations (an RNN-like loop, an iterative solver) would otherwise be
/// freed recursively — tensor → node → input tensor → node … — and overflow the stack. A tensor's
/// `deinit` hands its node here; the first call on a thread drains the list in a loop, and nested
/// calls (from nodes freed by the drain) only append to it.
final class NodeGraveyard {
    private var pending: [Node] = []
    private var draining = false
    private static let key = "DSCTensor.NodeGraveyard"

    static var current: NodeGraveyard {
        let dict = Thread.current.threadDictionary
        if let g = dict[key] as? NodeGraveyard { return g }
        let g = NodeGraveyard()
        dict[key] = g
        return g
    }

    /// Takes the node out of `slot` (no local reference survives, so freeing it happens here, in
    /// the loop, not when a caller's variable goes out of scope).
    func bury(_ slot: inout Node?) {
        pending.append(slot!)
        slot = nil
        if draining { return }
        draining = true
        while !pending.isEmpty {
            // The popped node is freed at the end of this statement if nothing else holds it;
            // its inputs' deinits call bury(_:), which only appends.
            pending.removeLast()
        }
        draining = false
    }
}
