import DSCTensor
import Dispatch
import Foundation

/// A random transformation of one sample, for contrastive learning (two views of each sample).
///
/// A sample is `shape.reduce(1, *)` floats in row-major order: an image `[C, H, W]` (or
/// `[H, W]`, one channel) or a feature vector `[D]`. Image augmentations require an image shape;
/// pixel-wise ones (``GaussianNoise``, ``RandomMasking``, ``Cutout`` excepted) accept any.
///
/// Every random number comes from the `generator` passed in, so a seed fixes the outputs. The
/// batch entry points (``apply(_:shape:generator:)``, ``applied(to:generator:)``) draw one number
/// from the caller's generator and give sample `i` its own stream
/// `SeededGenerator(seed: that number).fork(i)`: samples are independent of each other and of how
/// the batch is split over threads, and a batch of `B` samples is processed on all cores when it
/// holds at least 2¹⁵ floats (`DispatchQueue.concurrentPerform`).
public protocol Augmentation: Sendable {
    /// Transforms one sample of `shape` in place, drawing from `generator`.
    func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator)
}

/// Floats in a batch from which per-sample augmentation runs on several threads.
let augmentationParallelThreshold = 1 << 15

extension Augmentation {
    /// Transforms every sample of a batch `values` of shape `[B] + sampleShape` in place.
    ///
    /// - Precondition: `values.count == shape.reduce(1, *)` and `shape.count ≥ 2`.
    public func apply(_ values: inout [Float], shape: [Int], generator: inout SeededGenerator) {
        precondition(
            shape.count >= 2 && values.count == shape.reduce(1, *),
            "\(Self.self).apply: \(values.count) values for batch shape \(shape) ([B, …])")
        let batch = shape[0]
        let sampleShape = Array(shape.dropFirst())
        let size = sampleShape.reduce(1, *)
        let root = SeededGenerator(seed: generator.next())
        let workers =
            batch >= 2 && values.count >= augmentationParallelThreshold
            ? min(batch, ProcessInfo.processInfo.activeProcessorCount) : 1
        values.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            let run = { (range: Range<Int>) in
                for i in range {
                    var g = root.fork(UInt64(i))
                    apply(
                        sample: UnsafeMutableBufferPointer(start: base + i * size, count: size),
                        shape: sampleShape, generator: &g)
                }
            }
            if workers <= 1 {
                run(0..<batch)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers) { k in
                    run((batch * k / workers)..<(batch * (k + 1) / workers))
                }
            }
        }
    }

    /// A transformed copy of the batch `x` (`[B] + sampleShape`), with no gradient.
    public func applied(to x: Tensor, generator: inout SeededGenerator) -> Tensor {
        var values = x.data
        apply(&values, shape: x.shape, generator: &generator)
        return Tensor(values, shape: x.shape)
    }
}

/// Augmentations applied in order to each sample, with the sample's one generator.
public struct Compose: Augmentation {
    public let steps: [any Augmentation]

    public init(_ steps: [any Augmentation]) { self.steps = steps }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        for step in steps { step.apply(sample: sample, shape: shape, generator: &generator) }
    }

    /// A pipeline for small images (digits, MNIST-size) with values in about `[0, 1]`: random
    /// resized crop (scale 0.6…1, aspect 3/4…4/3), affine jitter (±10°, ±10 % of the side in
    /// translation, scale 0.9…1.1), Gaussian noise σ = 0.05, and with probability ½ a cutout of a
    /// quarter of the side. No flip (digits are not mirror-symmetric).
    public static func smallImages(height: Int, width: Int) -> Compose {
        Compose([
            RandomResizedCrop(scale: 0.6...1),
            RandomAffine(degrees: 10, translate: 0.1 * Float(min(height, width)), scale: 0.9...1.1),
            GaussianNoise(std: 0.05),
            RandomApply(Cutout(size: max(1, min(height, width) / 4)), probability: 0.5),
        ])
    }

    /// ``smallImages(height:width:)`` without the crop and the cutout: affine jitter (±10°, ±10 %
    /// of the side in translation, scale 0.9…1.1) and Gaussian noise σ = 0.05. Every pixel of
    /// the digit stays in view, which matters for images as small as 8×8.
    public static func smallImagesMild(height: Int, width: Int) -> Compose {
        Compose([
            RandomAffine(degrees: 10, translate: 0.1 * Float(min(height, width)), scale: 0.9...1.1),
            GaussianNoise(std: 0.05),
        ])
    }

    /// A pipeline for feature vectors: mask 20 % of the features, then Gaussian noise σ = 0.05
    /// (in the features' units: standardise them first).
    public static let features = Compose([RandomMasking(probability: 0.2), GaussianNoise(std: 0.05)])

    /// ``features`` with half the masking: 10 % of the features, then Gaussian noise σ = 0.05.
    public static let featuresMild = Compose([RandomMasking(probability: 0.1), GaussianNoise(std: 0.05)])
}

/// Applies `base` with probability `probability` (one uniform draw per sample, always made).
public struct RandomApply: Augmentation {
    public let base: any Augmentation
    public let probability: Float

    /// - Precondition: `0 ≤ probability ≤ 1`.
    public init(_ base: any Augmentation, probability: Float) {
        precondition(probability >= 0 && probability <= 1, "RandomApply: probability=\(probability) outside [0, 1]")
        self.base = base
        self.probability = probability
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        if generator.nextUniform() < Double(probability) {
            base.apply(sample: sample, shape: shape, generator: &generator)
        }
    }
}

/// The `[C, H, W]` view of an image sample shape (`[H, W]` is one channel).
struct ImageGeometry {
    let channels, height, width: Int
    var plane: Int { height * width }

    init(_ shape: [Int], _ who: String) {
        switch shape.count {
        case 3: (channels, height, width) = (shape[0], shape[1], shape[2])
        case 2: (channels, height, width) = (1, shape[0], shape[1])
        default: preconditionFailure("\(who): needs an image sample [C, H, W] or [H, W], got shape \(shape)")
        }
    }
}

extension SeededGenerator {
    /// Uniform in `range` (the lower bound when the range is a point).
    mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + Float(nextUniform()) * (range.upperBound - range.lowerBound)
    }

    /// Uniform integer in `range`.
    mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + DataLoader.draw(below: range.count, &self)
    }
}
