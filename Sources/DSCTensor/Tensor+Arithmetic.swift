/// Elementwise add, subtract, multiply and divide with NumPy broadcasting.
///
/// The result has the broadcast shape of the operands (`Broadcast`); in the backward pass each
/// operand's gradient is summed over the axes along which it was repeated, so it has the operand's
/// own shape. Scalar overloads wrap the number in a constant `[]` tensor.

/// The four binary primitives.
enum BinaryOp: String {
    case add, sub, mul, div

    @inline(__always) func apply(_ x: Float, _ y: Float) -> Float {
        switch self {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        }
    }
}

extension Tensor {
    /// `op(a, b)` elementwise with broadcasting; the one primitive behind `+ − × ÷`.
    static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        let plan = Broadcast(a.shape, b.shape)
        let out = Tensor.build(shape: plan.shape) { o in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    binaryForward(op, plan, pa.baseAddress!, pb.baseAddress!, o.baseAddress!)
                }
            }
        }
        // Saved for backward: the operands' values, only where the derivative needs them.
        return out.recorded(op.rawValue, [a, b]) { g in
            // `+` into a fresh, unbroadcast gradient is a copy of g (no zero fill, no read).
            func copiesGradient(_ t: Tensor) -> Bool {
                guard op == .add, t.requiresGrad, t.grad == nil, t.shape == plan.shape else { return false }
                t.grad = Tensor(Array(g), shape: t.shape)
                return true
            }
            let copiedA = copiesGradient(a)
            let copiedB = b !== a && copiesGradient(b)
            let av = a.data
            let bv = b.data
            if a.requiresGrad && !copiedA {
                a.accumulateGrad { ga in
                    binaryBackward(op, wrtA: true, plan, g, av, bv, ga)
                }
            }
            if b.requiresGrad && !copiedB {
                b.accumulateGrad { gb in
                    binaryBackward(op, wrtA: false, plan, g, av, bv, gb)
                }
            }
        }
    }

    private static func binaryForward(
        _ op: BinaryOp, _ plan: Broadcast, _ a: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>
    ) {
        Parallel.chunks(plan.count, grain: Parallel.elementwiseGrain) { range in
            plan.forEachSpan(range) { oo, ao, bo, n, sa, sb in
                let x = a + ao
                let y = b + bo
                let z = o + oo
                switch (op, sa, sb) {
                case (.add, 1, 1): for i in 0..<n { z[i] = x[i] + y[i] }
                case (.mul, 1, 1): for i in 0..<n { z[i] = x[i] * y[i] }
                case (_, 1, 1): for i in 0..<n { z[i] = op.apply(x[i], y[i]) }
                case (.add, 1, 0):
                    let c = y[0]
                    for i in 0..<n { z[i] = x[i] + c }
                case (.mul, 1, 0):
                    let c = y[0]
                    for i in 0..<n { z[i] = x[i] * c }
                case (_, 1, 0):
                    let c = y[0]
                    for i in 0..<n { z[i] = op.apply(x[i], c) }
                case (_, 0, 1):
                    let c = x[0]
                    for i in 0..<n { z[i] = op.apply(c, y[i]) }
                default:
                    let v = op.apply(x[0], y[0])
                    for i in 0..<n { z[i] = v }
                }
            }
        }
    }

    /// Adds `∂(op(a, b))/∂a · g` (or `∂/∂b`) into `dst`, summing over repeated positions.
    /// Runs on several threads only when `dst` has one element per output element (no sums).
    private static func binaryBackward(
        _ op: BinaryOp, wrtA: Bool, _ plan: Broadcast,
        _ g: UnsafeBufferPointer<Float>, _ av: [Float], _ bv: [Float],
        _ dst: UnsafeMutableBufferPointer<Float>
    ) {
        let g = g.baseAddress!
        let d = dst.baseAddress!
        let grain = dst.count == plan.count ? Parallel.elementwiseGrain : Int.max
        av.withUnsafeBufferPointer { pa in
            bv.withUnsafeBufferPointer { pb in
                let a = pa.baseAddress!
                let b = pb.baseAddress!
                Parallel.chunks(plan.count, grain: grain) { range in
                    plan.forEachSpan(range) { oo, ao, bo, n, sa, sb in
                        // Each case adds term(i), result element oo+i's contribution, to the operand.
                        let z = d + (wrtA ? ao : bo)
                        let step = wrtA ? sa : sb
                        switch (op, wrtA) {
                        case (.add, _), (.sub, true): spanAccumulate(z, step, n) { g[oo + $0] }
                        case (.sub, false): spanAccumulate(z, step, n) { -g[oo + $0] }
                        case (.mul, true): spanAccumulate(z, step, n) { g[oo + $0] * b[bo + $0 * sb] }
                        case (.mul, false): spanAccumulate(z, step, n) { g[oo + $0] * a[ao + $0 * sa] }
                        case (.div, true): spanAccumulate(z, step, n) { g[oo + $0] / b[bo + $0 * sb] }
                        case (.div, false):
                            spanAccumulate(z, step, n) { i in
                                let y = b[bo + i * sb]
                                return -g[oo + i] * a[ao + i * sa] / (y * y)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `dst[i] += term(i)` for `i < n` when `step == 1`, or `dst[0] += Σ term(i)` when `step == 0`
/// (the operand was repeated along this span).
@inline(__always)
func spanAccumulate(_ dst: UnsafeMutablePointer<Float>, _ step: Int, _ n: Int, _ term: (Int) -> Float) {
    if step == 1 {
        for i in 0..<n { dst[i] += term(i) }
    } else {
        var s: Float = 0
        for i in 0..<n { s += term(i) }
        dst[0] += s
    }
}

// MARK: - Operators

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(.div, a, b) }

    public static func + (a: Tensor, b: Float) -> Tensor { binary(.add, a, Tensor(scalar: b)) }
    public static func - (a: Tensor, b: Float) -> Tensor { binary(.sub, a, Tensor(scalar: b)) }
    public static func * (a: Tensor, b: Float) -> Tensor { binary(.mul, a, Tensor(scalar: b)) }
    public static func / (a: Tensor, b: Float) -> Tensor { binary(.div, a, Tensor(scalar: b)) }
    public static func + (a: Float, b: Tensor) -> Tensor { binary(.add, Tensor(scalar: a), b) }
    public static func - (a: Float, b: Tensor) -> Tensor { binary(.sub, Tensor(scalar: a), b) }
    public static func * (a: Float, b: Tensor) -> Tensor { binary(.mul, Tensor(scalar: a), b) }
    public static func / (a: Float, b: Tensor) -> Tensor { binary(.div, Tensor(scalar: a), b) }

    /// `−x` (as `x · (−1)`).
    public static prefix func - (x: Tensor) -> Tensor { binary(.mul, x, Tensor(scalar: -1)) }
}
