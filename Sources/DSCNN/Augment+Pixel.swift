import DSCTensor

/// Adds independent noise `σ·N(0, 1)` to every value (images or feature vectors).
/// `std = 0` is the identity (and draws nothing). O(size) per sample.
public struct GaussianNoise: Augmentation {
    public let std: Float

    /// - Precondition: `std ≥ 0`.
    public init(std: Float) {
        precondition(std >= 0, "GaussianNoise: std=\(std) must be >= 0")
        self.std = std
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        guard std > 0 else { return }
        for k in sample.indices { sample[k] += std * Float(generator.nextGaussian()) }
    }
}

/// Sets each value to `fill` independently with probability `probability` (feature masking;
/// also usable on images as pixel dropout). One uniform draw per value. O(size) per sample.
public struct RandomMasking: Augmentation {
    public let probability: Float
    public let fill: Float

    /// - Precondition: `0 ≤ probability ≤ 1`.
    public init(probability: Float, fill: Float = 0) {
        precondition(probability >= 0 && probability <= 1, "RandomMasking: probability=\(probability) outside [0, 1]")
        self.probability = probability
        self.fill = fill
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        guard probability > 0 else { return }
        let p = Double(probability)
        for k in sample.indices where generator.nextUniform() < p { sample[k] = fill }
    }
}

/// Cutout (DeVries & Taylor, 2017): a `size × size` square at a uniform position, set to `fill`
/// in every channel.
///
/// The square lies wholly inside the image (top-left corner uniform in `0…H−size × 0…W−size`),
/// so exactly `size²` pixels per channel are set; a `size` larger than a side covers that whole
/// side. `size = 0` is the identity.
public struct Cutout: Augmentation {
    public let size: Int
    public let fill: Float

    /// - Precondition: `size ≥ 0`.
    public init(size: Int, fill: Float = 0) {
        precondition(size >= 0, "Cutout: size=\(size) must be >= 0")
        self.size = size
        self.fill = fill
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        let g = ImageGeometry(shape, "Cutout")
        guard size > 0 else { return }
        let h = min(size, g.height)
        let w = min(size, g.width)
        let top = generator.integer(0...(g.height - h))
        let left = generator.integer(0...(g.width - w))
        for c in 0..<g.channels {
            for i in top..<(top + h) {
                let row = c * g.plane + i * g.width
                for j in left..<(left + w) { sample[row + j] = fill }
            }
        }
    }
}
