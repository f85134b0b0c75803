import DSCTensor

/// Numerical gradient checking by central differences (the oracle for every primitive's backward).
///
/// For `y = f(inputs)`, a fixed random projection `r` (uniform in [−1, 1], from `seed`) turns the
/// output into the scalar `L = Σ r ⊙ y`. The analytic gradient comes from `y.backward(seed: r)`;
/// the numeric one perturbs each input element by `±ε` and takes `(L(x+ε) − L(x−ε)) / 2ε`, with
/// `L` summed in Double so that outputs that do not depend on the element cancel exactly.
/// In Float32, `ε = 1e-3` with tolerance `|a − n| ≤ atol + rtol·|n|`, `atol = rtol = 1e-3`, is
/// the reliable setting (smaller `ε` drowns in rounding). Inputs must be away from kinks (ReLU at
/// 0, ties in max) by more than `ε`.
public enum GradCheck {
    /// One element whose analytic and numeric derivatives disagree.
    public struct Mismatch: CustomStringConvertible {
        public let input: Int, element: Int
        public let analytic: Float, numeric: Float
        public var description: String {
            "input \(input)[\(element)]: analytic \(analytic) vs numeric \(numeric)"
        }
    }

    /// Outcome of ``check(_:epsilon:absoluteTolerance:relativeTolerance:seed:_:)``.
    public struct Report: CustomStringConvertible {
        /// Elements compared (over all inputs that require a gradient).
        public let checked: Int
        /// Largest `|analytic − numeric|`.
        public let maxAbsoluteError: Float
        /// The elements outside tolerance (empty when the check passed).
        public let mismatches: [Mismatch]
        public var passed: Bool { mismatches.isEmpty && checked > 0 }
        public var description: String {
            let head = "\(passed ? "passed" : "FAILED"): \(checked) elements, max |error| \(maxAbsoluteError)"
            return mismatches.isEmpty
                ? head : head + "; " + mismatches.prefix(5).map(\.description).joined(separator: "; ")
        }
    }

    /// Compares the gradients of `f` with respect to every input that requires a gradient.
    /// Inputs' `grad` are reset first and hold the analytic gradient afterwards; their values
    /// are restored exactly.
    public static func check(
        _ inputs: [Tensor], epsilon: Float = 1e-3, absoluteTolerance: Float = 1e-3,
        relativeTolerance: Float = 1e-3, seed: UInt64 = 0x5EED,
        _ f: ([Tensor]) -> Tensor
    ) -> Report {
        for t in inputs { t.grad = nil }
        let y = f(inputs)
        var rng = SeededGenerator(seed: seed)
        let r = Tensor.uniform(y.shape, low: -1, high: 1, generator: &rng)
        y.backward(seed: r)
        let projection = r.data.map(Double.init)
        func loss() -> Double {
            let v = Tensor.withNoGrad { f(inputs) }.data
            var s = 0.0
            for i in 0..<v.count { s += Double(v[i]) * projection[i] }
            return s
        }
        var mismatches: [Mismatch] = []
        var checked = 0
        var worst: Float = 0
        for (which, t) in inputs.enumerated() where t.requiresGrad {
            let analytic = t.grad?.data ?? [Float](repeating: 0, count: t.count)
            for k in 0..<t.count {
                let v = t.data[k]
                let up = v + epsilon
                let down = v - epsilon
                t.data[k] = up
                let plus = loss()
                t.data[k] = down
                let minus = loss()
                t.data[k] = v
                // The step actually taken, after rounding to Float.
                let numeric = Float((plus - minus) / (Double(up) - Double(down)))
                let err = Swift.abs(analytic[k] - numeric)
                worst = Swift.max(worst, err)
                checked += 1
                if !(err <= absoluteTolerance + relativeTolerance * Swift.abs(numeric)) {
                    mismatches.append(Mismatch(input: which, element: k, analytic: analytic[k], numeric: numeric))
                }
            }
        }
        return Report(checked: checked, maxAbsoluteError: worst, mismatches: mismatches)
    }
}
