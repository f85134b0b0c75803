/// A dense, contiguous, row-major Float32 array that records the operations applied to it, so
/// that gradients can be computed by reverse-mode automatic differentiation (see `Autograd.swift`).
///
/// `Tensor` is a reference type: the recorded graph holds its inputs, and an optimizer updates a
/// parameter in place through ``data``. Every operation returns a new tensor; storage is a Swift
/// array, so ``reshaped(_:)`` and ``detached()`` share the buffer until one side writes to it.
///
/// - A tensor of shape `[]` is a scalar with one element; a shape with a zero extent holds none.
/// - Element `(i0, i1, …)` lives at `Σ i_k · stride_k` with `stride_last = 1` (``strides``).
public final class Tensor {
    /// Extent along each axis, outermost first.
    public let shape: [Int]
    /// The elements in row-major order; `data.count == shape.reduce(1, *)`.
    ///
    /// Writable so that optimizers can update parameters in place (after the backward pass).
    /// Backward closures read their inputs' values when they run, so writing to an input between
    /// a forward pass and its backward pass changes the gradients computed; outputs an operation
    /// needs (e.g. `exp`'s) are kept by the graph and are not affected.
    public var data: [Float] {
        didSet {
            precondition(
                data.count == count,
                "Tensor.data: \(data.count) elements assigned to a tensor of shape \(shape)")
            recordedMoments = nil
        }
    }
    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs you want the
    /// gradient of); results of operations inherit it from their inputs.
    public var requiresGrad: Bool
    /// `∂loss/∂self`, same shape as `self`, accumulated (`+=`) by every ``backward(seed:)``
    /// until ``zeroGrad()``. `nil` before the first backward pass reaches this tensor.
    public var grad: Tensor?
    /// When true, a non-leaf tensor keeps its gradient after the backward pass (by default only
    /// leaves keep theirs, so intermediate gradients are freed as soon as they have been used).
    public var retainsGrad = false
    /// The operation that produced this tensor, if it was recorded (grad mode on and some input
    /// requiring a gradient). Leaves have none.
    var node: Node?
    /// Per-channel moments its producer computed for a following batch norm, or nil; dropped on
    /// any write to ``data``.
    var recordedMoments: ChannelMoments?

    /// A tensor of the given shape and elements (row-major).
    ///
    /// - Precondition: `data.count == shape.reduce(1, *)` and no extent is negative.
    public init(_ data: [Float], shape: [Int], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        let n = shape.reduce(1, *)
        precondition(
            data.count == n,
            "Tensor: \(data.count) elements do not fill shape \(shape) (\(n) needed)")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
    }

    /// A rank-1 tensor holding `data`.
    public convenience init(_ data: [Float], requiresGrad: Bool = false) {
        self.init(data, shape: [data.count], requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`).
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init([scalar], shape: [], requiresGrad: requiresGrad)
    }

    deinit {
        // Free the graph behind this tensor iteratively (see NodeGraveyard).
        if node != nil { NodeGraveyard.current.bury(&node) }
    }

    /// Builds an uninitialised-then-filled tensor: `fill` writes all `count` elements.
    /// Used by kernels so that the output is the only allocation.
    static func build(shape: [Int], _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        let values = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            fill(buffer)
            initialized = n
        }
        return Tensor(values, shape: shape)
    }

    // MARK: Properties

    /// Number of elements, `shape.reduce(1, *)`.
    public var count: Int { data.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Row-major strides in elements.
    public var strides: [Int] { Tensor.strides(of: shape) }
    /// The elements as an array (a copy-on-write view of ``data``).
    public var scalars: [Float] { data }
    /// Whether this tensor was produced by no recorded operation.
    public var isLeaf: Bool { node == nil }

    /// The single element of a one-element tensor.
    /// - Precondition: `count == 1`.
    public func item() -> Float {
        precondition(count == 1, "Tensor.item(): tensor of shape \(shape) has \(count) elements, not 1")
        return data[0]
    }

    /// Element at a multi-index (bounds-checked; for tests and small code, not hot loops).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "Tensor subscript: \(index.count) indices for shape \(shape)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(
                i >= 0 && i < shape[axis], "Tensor subscript: index \(i) out of 0..<\(shape[axis]) on axis \(axis)")
            offset = offset * shape[axis] + i
        }
        return data[offset]
    }

    /// Row-major strides of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            s[axis] = acc
            acc *= shape[axis]
        }
        return s
    }

    /// `axis` with negative values counted from the end (`-1` is the last axis).
    /// - Precondition: `-rank ≤ axis < rank`.
    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }
}

// MARK: - Creation

extension Tensor {
    /// All zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, value: 0, requiresGrad: requiresGrad)
    }

    /// All ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, value: 1, requiresGrad: requiresGrad)
    }

    /// Every element equal to `value`.
    public static func full(_ shape: [Int], value: Float, requiresGrad: Bool = false) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor.full: negative extent in shape \(shape)")
        return Tensor(
            [Float](repeating: value, count: shape.reduce(1, *)), shape: shape,
            requiresGrad: requiresGrad)
    }

    /// Zeros with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// Independent normal samples `mean + std · N(0, 1)` drawn from `generator` in row-major order.
    public static func randn(
        _ shape: [Int], mean: Float = 0, std: Float = 1,
        generator: inout SeededGenerator, requiresGrad: Bool = false
    ) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = mean + std * Float(generator.nextGaussian()) }
        return Tensor(values, shape: shape, requiresGrad: requiresGrad)
    }

    /// Independent uniform samples in `[low, high)` drawn from `generator` in row-major order.
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1,
        generator: inout SeededGenerator, requiresGrad: Bool = false
    ) -> Tensor {
        precondition(low <= high, "Tensor.uniform: low=\(low) > high=\(high)")
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        let width = Double(high - low)
        for i in 0..<n { values[i] = low + Float(generator.nextUniform() * width) }
        return Tensor(values, shape: shape, requiresGrad: requiresGrad)
    }

    /// `[0, 1, …, n−1]` as floats (handy in tests and for positional values).
    public static func arange(_ n: Int) -> Tensor {
        Tensor((0..<n).map { Float($0) }, shape: [n])
    }

    /// A copy of the values with no graph and `requiresGrad == false`: gradients stop here.
    public func detached() -> Tensor { Tensor(data, shape: shape) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = data.prefix(8).map { "\($0)" }.joined(separator: ", ")
        let more = count > 8 ? ", … (\(count) elements)" : ""
        let g = requiresGrad ? ", requiresGrad" : ""
        return "Tensor(shape: \(shape), [\(shown)\(more)]\(g))"
    }
}
