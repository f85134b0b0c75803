import XCTest

@testable import DSCTensor

/// Helpers shared by the DSCTensor tests.
enum TestData {
    /// Normal samples, requiring a gradient by default.
    static func randn(_ shape: [Int], seed: UInt64, scale: Float = 1, requiresGrad: Bool = true) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randn(shape, std: scale, generator: &g, requiresGrad: requiresGrad)
    }

    /// Uniform samples in `[low, high)`, requiring a gradient by default.
    static func uniform(_ shape: [Int], _ low: Float, _ high: Float, seed: UInt64, requiresGrad: Bool = true) -> Tensor
    {
        var g = SeededGenerator(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, generator: &g, requiresGrad: requiresGrad)
    }

    /// Values at least `margin` away from 0 (for kinks at 0: relu, abs).
    static func awayFromZero(_ shape: [Int], seed: UInt64, margin: Float = 0.05) -> Tensor {
        let t = randn(shape, seed: seed)
        return Tensor(t.data.map { $0 >= 0 ? $0 + margin : $0 - margin }, shape: shape, requiresGrad: true)
    }

    /// A shuffled arithmetic progression with spacing `step`: all distinct, so max has no ties
    /// within a finite-difference step.
    static func distinct(_ shape: [Int], seed: UInt64, step: Float = 0.03) -> Tensor {
        let n = shape.reduce(1, *)
        var values = (0..<n).map { Float($0) * step - Float(n) * step / 2 }
        var g = SeededGenerator(seed: seed)
        values.shuffle(using: &g)
        return Tensor(values, shape: shape, requiresGrad: true)
    }
}
