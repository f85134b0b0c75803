import DSCTensor
import XCTest

@testable import DSCNN

/// Augmentations: determinism, shapes, identity at zero strength, and each one's defining property.
final class AugmentTests: XCTestCase {
    /// `[B, C, H, W]` values in `[1, 2)` (no zeros, so cutout and masking can be counted).
    static func images(_ shape: [Int], seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<shape.reduce(1, *)).map { _ in 1 + Float(g.nextUniform()) }
    }

    static let all: [(String, any Augmentation)] = [
        ("crop", RandomResizedCrop(scale: 0.3...0.9)),
        ("affine", RandomAffine(degrees: 20, translate: 2, scale: 0.8...1.2)),
        ("noise", GaussianNoise(std: 0.3)),
        ("cutout", Cutout(size: 3)),
        ("flip", HorizontalFlip(probability: 0.5)),
        ("masking", RandomMasking(probability: 0.3)),
        ("compose", Compose.smallImages(height: 8, width: 9)),
        ("composeMild", Compose.smallImagesMild(height: 8, width: 9)),
        ("randomApply", RandomApply(GaussianNoise(std: 1), probability: 0.5)),
    ]

    func testSameSeedSameOutputDifferentSeedDifferentOutput() {
        let shape = [6, 2, 8, 9]
        let x = Tensor(Self.images(shape, seed: 1), shape: shape)
        for (name, augmentation) in Self.all {
            var g1 = SeededGenerator(seed: 7)
            var g2 = SeededGenerator(seed: 7)
            var g3 = SeededGenerator(seed: 8)
            let a = augmentation.applied(to: x, generator: &g1)
            let b = augmentation.applied(to: x, generator: &g2)
            let c = augmentation.applied(to: x, generator: &g3)
            XCTAssertEqual(a.shape, shape, name)
            XCTAssertEqual(a.data, b.data, "\(name): same seed")
            XCTAssertNotEqual(a.data, c.data, "\(name): different seed")
            XCTAssertNotEqual(a.data, x.data, "\(name): changes something")
            XCTAssertEqual(g1.next(), g2.next(), "\(name): the caller's generator advances alike")
            // A second call with the advanced generator gives another view.
            XCTAssertNotEqual(augmentation.applied(to: x, generator: &g1).data, a.data, name)
        }
    }

    func testZeroStrengthIsTheIdentity() {
        let shape = [4, 3, 7, 7]
        var values = Self.images(shape, seed: 2)
        values[5] = 0.25  // an exact value, kept exactly
        let identities: [(String, any Augmentation)] = [
            ("crop scale 1", RandomResizedCrop(scale: 1...1)),
            ("crop scale 1 ratio 1", RandomResizedCrop(scale: 1...1, aspectRatio: 1...1)),
            ("affine 0", RandomAffine(degrees: 0, translate: 0, scale: 1...1)),
            ("noise 0", GaussianNoise(std: 0)),
            ("masking 0", RandomMasking(probability: 0)),
            ("cutout 0", Cutout(size: 0)),
            ("flip p=0", HorizontalFlip(probability: 0)),
            ("apply p=0", RandomApply(GaussianNoise(std: 1), probability: 0)),
            (
                "compose",
                Compose([RandomResizedCrop(scale: 1...1), RandomAffine(degrees: 0, translate: 0, scale: 1...1)])
            ),
        ]
        for (name, augmentation) in identities {
            var out = values
            var g = SeededGenerator(seed: 3)
            augmentation.apply(&out, shape: shape, generator: &g)
            XCTAssertEqual(out, values, name)
        }
    }

    func testFlipTwiceIsTheIdentityAndOnceMirrors() {
        let shape = [3, 2, 4, 5]
        let values = Self.images(shape, seed: 4)
        var once = values
        var g = SeededGenerator(seed: 5)
        HorizontalFlip(probability: 1).apply(&once, shape: shape, generator: &g)
        let rowStart = 40 + 20 + 10  // image 1, channel 1, row 2
        XCTAssertEqual(once[rowStart], values[rowStart + 4])
        XCTAssertEqual(once[2 * 5 + 2], values[2 * 5 + 2], "the middle column stays")
        var twice = once
        HorizontalFlip(probability: 1).apply(&twice, shape: shape, generator: &g)
        XCTAssertEqual(twice, values)
    }

    func testCutoutZeroesExactlySizeSquaredPixelsPerChannel() {
        let shape = [10, 3, 9, 8]
        for size in [1, 3, 8] {
            var values = Self.images(shape, seed: 6)
            var g = SeededGenerator(seed: UInt64(size))
            Cutout(size: size).apply(&values, shape: shape, generator: &g)
            for plane in 0..<30 {
                let zeros = values[(plane * 72)..<((plane + 1) * 72)].filter { $0 == 0 }.count
                XCTAssertEqual(zeros, size * size, "size \(size), plane \(plane)")
            }
            // The same square in every channel of an image.
            for image in 0..<10 {
                let masks = (0..<3).map { c in
                    values[((image * 3 + c) * 72)..<((image * 3 + c + 1) * 72)].map { $0 == 0 }
                }
                XCTAssertEqual(masks[0], masks[1])
                XCTAssertEqual(masks[1], masks[2])
            }
        }
        // A square larger than the image covers it.
        var small = Self.images([1, 1, 2, 3], seed: 7)
        var g = SeededGenerator(seed: 0)
        Cutout(size: 5).apply(&small, shape: [1, 1, 2, 3], generator: &g)
        XCTAssertEqual(small, [Float](repeating: 0, count: 6))
    }

    func testCropAndAffineKeepConstantImagesAndMonotoneRamps() {
        let (h, w) = (8, 10)
        let ramp = (0..<(h * w)).map { Float($0 % w) }  // grows left to right
        let constant = [Float](repeating: 0.5, count: h * w)
        var g = SeededGenerator(seed: 8)
        for _ in 0..<20 {
            var r = ramp
            var c = constant
            RandomResizedCrop(scale: 0.2...1).apply(&r, shape: [1, h, w], generator: &g)
            RandomResizedCrop(scale: 0.2...1).apply(&c, shape: [1, h, w], generator: &g)
            for i in 0..<h {
                for j in 1..<w { XCTAssertGreaterThanOrEqual(r[i * w + j], r[i * w + j - 1]) }
            }
            XCTAssertTrue(r.allSatisfy { $0 >= 0 && $0 <= Float(w - 1) })
            for v in c { XCTAssertEqual(v, 0.5, accuracy: 1e-6) }
        }
        // A pure rotation keeps the centre pixel of an odd-sized image.
        var image = Self.images([1, 1, 7, 7], seed: 9)
        let centre = image[24]
        RandomAffine(degrees: 30, translate: 0, scale: 1...1).apply(&image, shape: [1, 1, 7, 7], generator: &g)
        XCTAssertEqual(image[24], centre, accuracy: 1e-5)
    }

    func testFeatureAugmentationsOnVectors() {
        let (b, d) = (200, 50)
        let ones = [Float](repeating: 1, count: b * d)
        var masked = ones
        var g = SeededGenerator(seed: 10)
        RandomMasking(probability: 0.3).apply(&masked, shape: [b, d], generator: &g)
        let fraction = Double(masked.filter { $0 == 0 }.count) / Double(b * d)
        XCTAssertEqual(fraction, 0.3, accuracy: 0.02)
        XCTAssertTrue(masked.allSatisfy { $0 == 0 || $0 == 1 })
        var all = ones
        RandomMasking(probability: 1, fill: -1).apply(&all, shape: [b, d], generator: &g)
        XCTAssertTrue(all.allSatisfy { $0 == -1 })

        var noisy = [Float](repeating: 0, count: b * d)
        GaussianNoise(std: 0.5).apply(&noisy, shape: [b, d], generator: &g)
        let mean = noisy.reduce(0, +) / Float(b * d)
        let std = (noisy.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(b * d)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(std, 0.5, accuracy: 0.02)

        var x = Tensor(ones, shape: [b, d])
        var h = SeededGenerator(seed: 11)
        x = Compose.features.applied(to: x, generator: &h)
        XCTAssertEqual(x.shape, [b, d])
    }

    func testMildViewsKeepTheWholeImageAndMaskLess() {
        // Images: no crop and no cutout in the mild pipeline, only affine jitter and noise.
        let mild = Compose.smallImagesMild(height: 8, width: 8).steps
        let strong = Compose.smallImages(height: 8, width: 8).steps
        XCTAssertFalse(mild.contains { $0 is RandomResizedCrop || $0 is RandomApply || $0 is Cutout })
        XCTAssertTrue(mild.contains { $0 is RandomAffine } && mild.contains { $0 is GaussianNoise })
        XCTAssertTrue(strong.contains { $0 is RandomResizedCrop } && strong.contains { $0 is RandomApply })
        // Vectors: 10 % of the values masked by the mild pipeline, 20 % by the strong one.
        let (b, d) = (64, 256)
        for (pipeline, share) in [(Compose.featuresMild, 0.1), (Compose.features, 0.2)] {
            var g = SeededGenerator(seed: 21)
            let x = pipeline.applied(to: Tensor([Float](repeating: 1, count: b * d), shape: [b, d]), generator: &g)
            let masked = Double(x.data.filter { $0 < 0.5 }.count) / Double(b * d)
            XCTAssertEqual(masked, share, accuracy: 0.015, "masked share")
        }
    }

    /// Big batches run on several threads; each sample's stream is `SeededGenerator(seed: first
    /// draw).fork(i)`, so the result equals a sequential loop and ignores the other samples.
    func testParallelBatchesEqualPerSampleApplication() {
        let shape = [64, 1, 28, 28]  // 50 176 floats: above the parallel threshold
        let values = Self.images(shape, seed: 12)
        let pipeline = Compose.smallImages(height: 28, width: 28)
        var batch = values
        var g = SeededGenerator(seed: 13)
        pipeline.apply(&batch, shape: shape, generator: &g)

        var reference = values
        var g2 = SeededGenerator(seed: 13)
        let root = SeededGenerator(seed: g2.next())
        reference.withUnsafeMutableBufferPointer { all in
            for i in 0..<64 {
                var stream = root.fork(UInt64(i))
                pipeline.apply(
                    sample: UnsafeMutableBufferPointer(rebasing: all[(i * 784)..<((i + 1) * 784)]),
                    shape: [1, 28, 28], generator: &stream)
            }
        }
        XCTAssertEqual(batch, reference)

        // Changing sample 0 leaves every other sample's output unchanged.
        var changed = values
        for k in 0..<784 { changed[k] = 0 }
        var g3 = SeededGenerator(seed: 13)
        pipeline.apply(&changed, shape: shape, generator: &g3)
        XCTAssertEqual(Array(changed[784...]), Array(batch[784...]))
    }

    func testTwoViewsFromTheLoaderAreDeterministic() {
        let n = 30
        let values = Self.images([n, 1, 8, 8], seed: 14)
        let pipeline = Compose.smallImages(height: 8, width: 8)
        let transform: DataLoader.Transform = { batch, generator in
            var b = batch
            b.views = [
                pipeline.applied(to: b.inputs, generator: &generator),
                pipeline.applied(to: b.inputs, generator: &generator),
            ]
            return b
        }
        func views(prefetch: Int) -> [[Float]] {
            DataLoader(
                values: values, shape: [n, 1, 8, 8], batchSize: 8, seed: 3, prefetch: prefetch,
                transform: transform
            ).epoch(1).map { $0.views[0].data + $0.views[1].data }
        }
        let sync = views(prefetch: 0)
        XCTAssertEqual(sync.count, 4)
        XCTAssertEqual(views(prefetch: 2), sync)
        XCTAssertNotEqual(Array(sync[0].prefix(512)), Array(sync[0].suffix(512)), "two different views")
    }
}
