import DSCTensor
import Foundation

/// Crops a random region of the image and resizes it back to `H × W` (bilinear), as in SimCLR.
///
/// The region covers a fraction `a ~ U(scale)` of the image area with aspect ratio `w/h = ρ`,
/// `log ρ ~ U(log aspectRatio)`: `w = round(√(a·H·W·ρ))`, `h = round(√(a·H·W/ρ))`, at a uniform
/// integer offset. Up to 10 draws are made for a region that fits; otherwise the whole image is
/// used (so `scale = 1…1` is the identity). Output pixel `(i, j)` samples the region at
/// `y = y₀ + (i + ½)·h/H − ½`, `x = x₀ + (j + ½)·w/W − ½` (pixel centres), clamped to the
/// region; every channel uses the same region. O(C·H·W) per image.
public struct RandomResizedCrop: Augmentation {
    /// Range of the area fraction kept, within `(0, 1]`.
    public let scale: ClosedRange<Float>
    /// Range of the aspect ratio `w/h`, positive.
    public let aspectRatio: ClosedRange<Float>

    /// - Precondition: `0 < scale ≤ 1` and `aspectRatio.lowerBound > 0`.
    public init(scale: ClosedRange<Float> = 0.6...1, aspectRatio: ClosedRange<Float> = 0.75...(4.0 / 3)) {
        precondition(
            scale.lowerBound > 0 && scale.upperBound <= 1, "RandomResizedCrop: scale \(scale) not within (0, 1]")
        precondition(aspectRatio.lowerBound > 0, "RandomResizedCrop: aspectRatio \(aspectRatio) must be positive")
        self.scale = scale
        self.aspectRatio = aspectRatio
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        let g = ImageGeometry(shape, "RandomResizedCrop")
        let (y0, x0, h, w) = region(g, &generator)
        if h == g.height && w == g.width { return }  // the whole image: identity
        let source = Array(sample)
        let sy = Float(h) / Float(g.height)
        let sx = Float(w) / Float(g.width)
        source.withUnsafeBufferPointer { src in
            for c in 0..<g.channels {
                let plane = src.baseAddress! + c * g.plane
                for i in 0..<g.height {
                    let y = min(max(Float(y0) + (Float(i) + 0.5) * sy - 0.5, Float(y0)), Float(y0 + h - 1))
                    for j in 0..<g.width {
                        let x = min(max(Float(x0) + (Float(j) + 0.5) * sx - 0.5, Float(x0)), Float(x0 + w - 1))
                        sample[c * g.plane + i * g.width + j] = bilinear(plane, g, y, x)
                    }
                }
            }
        }
    }

    /// The crop `(top, left, height, width)` for one image.
    func region(_ g: ImageGeometry, _ generator: inout SeededGenerator) -> (Int, Int, Int, Int) {
        let area = Float(g.plane)
        let logRatio = log(aspectRatio.lowerBound)...log(aspectRatio.upperBound)
        for _ in 0..<10 {
            let target = area * generator.uniform(scale)
            let ratio = exp(generator.uniform(logRatio))
            let w = Int((target * ratio).squareRoot().rounded())
            let h = Int((target / ratio).squareRoot().rounded())
            if w >= 1 && h >= 1 && w <= g.width && h <= g.height {
                return (generator.integer(0...(g.height - h)), generator.integer(0...(g.width - w)), h, w)
            }
        }
        return (0, 0, g.height, g.width)
    }
}

/// Small random affine jitter about the image centre: rotation by `θ ~ U(±degrees)`, scaling by
/// `s ~ U(scale)`, translation by `(t_y, t_x) ~ U(±translate)` pixels.
///
/// Output pixel `p` takes the bilinear value of the input at `R(−θ)·(p − c − t)/s + c`, with
/// `c` the image centre `((H−1)/2, (W−1)/2)`; input pixels outside the image count as `fill`.
/// `degrees = 0`, `translate = 0`, `scale = 1…1` is the identity. O(C·H·W) per image.
public struct RandomAffine: Augmentation {
    /// Largest rotation, in degrees (either direction).
    public let degrees: Float
    /// Largest shift, in pixels (each axis, either direction).
    public let translate: Float
    /// Range of the scale factor, positive.
    public let scale: ClosedRange<Float>
    /// Value of pixels brought in from outside the image.
    public let fill: Float

    /// - Precondition: `degrees ≥ 0`, `translate ≥ 0`, `scale.lowerBound > 0`.
    public init(degrees: Float = 10, translate: Float = 2, scale: ClosedRange<Float> = 0.9...1.1, fill: Float = 0) {
        precondition(
            degrees >= 0 && translate >= 0, "RandomAffine: degrees=\(degrees) and translate=\(translate) must be >= 0")
        precondition(scale.lowerBound > 0, "RandomAffine: scale \(scale) must be positive")
        self.degrees = degrees
        self.translate = translate
        self.scale = scale
        self.fill = fill
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        let g = ImageGeometry(shape, "RandomAffine")
        let theta = generator.uniform(-degrees...degrees) * .pi / 180
        let s = generator.uniform(scale)
        let ty = generator.uniform(-translate...translate)
        let tx = generator.uniform(-translate...translate)
        if theta == 0 && s == 1 && ty == 0 && tx == 0 { return }
        let (cosT, sinT) = (cos(theta) / s, sin(theta) / s)
        let cy = Float(g.height - 1) / 2
        let cx = Float(g.width - 1) / 2
        let source = Array(sample)
        source.withUnsafeBufferPointer { src in
            for c in 0..<g.channels {
                let plane = src.baseAddress! + c * g.plane
                for i in 0..<g.height {
                    let dy = Float(i) - cy - ty
                    for j in 0..<g.width {
                        let dx = Float(j) - cx - tx
                        // Inverse rotation R(−θ) of (dy, dx), divided by s.
                        let y = cosT * dy - sinT * dx + cy
                        let x = sinT * dy + cosT * dx + cx
                        sample[c * g.plane + i * g.width + j] = bilinear(plane, g, y, x, fill: fill)
                    }
                }
            }
        }
    }
}

/// Mirrors the image left–right with probability `probability` (one draw per image). Off in the
/// digit pipelines: digits are not mirror-symmetric. Flipping twice is the identity.
public struct HorizontalFlip: Augmentation {
    public let probability: Float

    /// - Precondition: `0 ≤ probability ≤ 1`.
    public init(probability: Float = 0.5) {
        precondition(probability >= 0 && probability <= 1, "HorizontalFlip: probability=\(probability) outside [0, 1]")
        self.probability = probability
    }

    public func apply(sample: UnsafeMutableBufferPointer<Float>, shape: [Int], generator: inout SeededGenerator) {
        let g = ImageGeometry(shape, "HorizontalFlip")
        guard generator.nextUniform() < Double(probability) else { return }
        for row in 0..<(g.channels * g.height) {
            var (a, b) = (row * g.width, row * g.width + g.width - 1)
            while a < b {
                sample.swapAt(a, b)
                a += 1
                b -= 1
            }
        }
    }
}

/// Bilinear value of `plane` (`H × W`) at `(y, x)`; neighbours outside the image count as `fill`.
/// At integer coordinates the result is the pixel itself, exactly.
@inline(__always)
func bilinear(_ plane: UnsafePointer<Float>, _ g: ImageGeometry, _ y: Float, _ x: Float, fill: Float = 0) -> Float {
    let y0f = y.rounded(.down)
    let x0f = x.rounded(.down)
    let fy = y - y0f
    let fx = x - x0f
    let y0 = Int(y0f)
    let x0 = Int(x0f)
    @inline(__always) func at(_ r: Int, _ c: Int) -> Float {
        r >= 0 && r < g.height && c >= 0 && c < g.width ? plane[r * g.width + c] : fill
    }
    guard y0 >= -1 && y0 < g.height && x0 >= -1 && x0 < g.width else { return fill }
    let top = fx == 0 ? at(y0, x0) : (1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)
    if fy == 0 { return top }
    let bottom = fx == 0 ? at(y0 + 1, x0) : (1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1)
    return (1 - fy) * top + fy * bottom
}
