import DSCTensor

/// Weight initialisation shared by the layers. One `SeededGenerator` is passed through every
/// layer's initialiser in construction order, so one seed reproduces a whole model.
public enum Initialization {
    /// Kaiming (He) uniform initialisation for a layer followed by ReLU (He et al., 2015):
    /// every element drawn from `U(−b, b)` with `b = gain · √(3 / fanIn)`, `gain = √2`, so the
    /// variance is `2 / fanIn`. `fanIn` is the number of inputs feeding one output
    /// (`inputDimensions` for Linear, `C·kh·kw` for Conv2d).
    ///
    /// - Precondition: `fanIn ≥ 1`.
    public static func kaimingUniform(
        _ shape: [Int], fanIn: Int, gain: Float = Float(2).squareRoot(),
        generator: inout SeededGenerator
    ) -> Tensor {
        precondition(fanIn >= 1, "kaimingUniform: fanIn=\(fanIn) must be >= 1 (shape \(shape))")
        let bound = gain * (3 / Float(fanIn)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator, requiresGrad: true)
    }
}
