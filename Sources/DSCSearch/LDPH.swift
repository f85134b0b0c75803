import DSCNN
import DSCNeighbors
import DSCTensor
import Foundation

/// Linear distance preserving pseudo-supervised hashing (LDPH; Wang, Zhou, Tian, Li: ACM MM 2016,
/// IEEE TIP 2017): a reference hashing method's codes supervise a ``HashNetwork`` under the
/// constraint that Hamming distances stay a linear function of the original ones,
/// `d_H(i, j) ≈ b · d_E(i, j) + c`.
///
/// 1. The reference: PCA-ITQ codes of the training samples at the same length (50 iterations).
/// 2. The network is first fitted to the reference codes alone (``pretrainEpochs``).
/// 3. ``pairsPerSample`` random pairs per sample, drawn once, with their Euclidean distances
///    among the network's inputs.
/// 4. ``rounds`` outer rounds, each: least squares for `(b, c)` from the current target codes'
///    Hamming distances of the pairs, then ``epochsPerRound`` epochs over the pairs of
///
///        α/2 · (‖u_i − t_i‖² + ‖u_j − t_j‖²) + λ/(2·bits) · (d_H(sign u_i, sign u_j) − b·d_E − c)²
///
///    (`u = tanh` of the network's output, `t` the target codes as ±1), with a straight-through
///    gradient through the sign. The first round's targets are the reference codes; from the
///    second on, the network's own codes (as the authors' code does: self-training).
///
/// Defaults follow the authors' code: α = 0.1, λ = 0.5, 10 pairs per sample, 5 rounds, the
/// network's input the top `bits` principal directions with one hidden layer of as many units,
/// batches of 500 pairs, weight decay 1e-4; Adam, and 10 pretraining epochs and 3 a round where
/// the authors run 50 and 10 (on MNIST the longer schedule gave no better codes, in 3× the
/// time). One seed reaches every random choice (ITQ's start, the pairs, the weights, the batch
/// order).
public struct LDPH {
    public var bits: Int
    public var seed: UInt64
    /// Principal directions the network reads; nil: `bits` (the authors').
    public var inputs: Int?
    /// Hidden units; nil: as many as inputs (the authors').
    public var hidden: Int?
    /// Where the pairs' Euclidean distances are measured: among the samples as given (the
    /// "original distances"), or among the network's whitened inputs.
    public enum DistanceSpace: String, Sendable { case samples, inputs }
    public var distances: DistanceSpace = .samples
    public var alpha: Float = 0.1
    public var lambda: Float = 0.5
    public var pairsPerSample = 10
    public var rounds = 5
    public var pretrainEpochs = 10
    public var epochsPerRound = 3
    public var batchSize = 500
    public var learningRate: Float = 1e-3
    public var weightDecay: Float = 1e-4
    /// A clustering of the training samples (`-1`: none) as an extra reference: each sample's
    /// first target is then the ITQ code of its cluster's mean instead of its own, so that the
    /// samples of a cluster start from one code. nil: ITQ's codes alone (the paper's).
    public var referenceLabels: [Int]?
    /// Told `("ldph", fraction)` as training goes.
    public var progress: ProgressHandler?

    public init(bits: Int, seed: UInt64 = 0) {
        self.bits = bits
        self.seed = seed
    }

    /// What a fit measured: the linear fit per round and the reference's agreement.
    public struct Report: Sendable, Equatable {
        /// `(b, c)` of each round.
        public var fits: [(slope: Float, intercept: Float)]
        /// Mean squared residual of the linear fit `d_H ≈ b·d_E + c` over the pairs, per round,
        /// for the codes that round trained towards, and for the final codes.
        public var residuals: [Double]
        /// Fraction of bits the final codes share with the reference's, over the training samples.
        public var agreementWithReference: Double

        public static func == (a: Report, b: Report) -> Bool {
            a.residuals == b.residuals && a.agreementWithReference == b.agreementWithReference
                && a.fits.map(\.slope) == b.fits.map(\.slope) && a.fits.map(\.intercept) == b.fits.map(\.intercept)
        }
    }

    /// Trains a network on `[n, dimension]` samples.
    ///
    /// - Precondition: `bits ≤ dimension`, `n ≥ 2`.
    /// - Throws: a LAPACK error when PCA or ITQ fails.
    public func fit(_ samples: [Float], dimension d: Int) throws -> HashNetwork {
        try fitReporting(samples, dimension: d).network
    }

    /// ``fit(_:dimension:)`` with what it measured.
    public func fitReporting(_ samples: [Float], dimension d: Int) throws -> (network: HashNetwork, report: Report) {
        let n = samples.count / d
        precondition(bits >= 1 && bits <= d && n >= 2, "LDPH: bits=\(bits), dimension \(d), \(n) samples")
        let p = min(d, inputs ?? bits)
        let h = hidden ?? p
        var g = SeededGenerator(seed: seed)
        // The reference's codes, ±1.
        let reference = try BinaryEncoder.itq(training: samples, dimension: d, bits: bits, seed: seed)
        var referenceSigns = reference.project(samples).map { $0 > 0 ? Float(1) : -1 }
        if let labels = referenceLabels {
            precondition(labels.count == n, "LDPH: \(labels.count) reference labels for \(n) samples")
            referenceSigns = Self.clusterCodes(
                samples, dimension: d, labels: labels, encoder: reference, own: referenceSigns)
        }
        // The network's inputs: principal directions scaled to unit variance.
        let (mu, directions) = try BinaryEncoder.principalDirections(of: samples, dimension: d, count: p)
        let unscaled = HashNetwork(
            mean: mu, projection: directions, scale: [Float](repeating: 1, count: p),
            w1: [Float](repeating: 0, count: p * h), b1: [Float](repeating: 0, count: h),
            w2: [Float](repeating: 0, count: h * bits), b2: [Float](repeating: 0, count: bits))
        var v = unscaled.inputs(of: samples)
        var scale = [Float](repeating: 1, count: p)
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += Double(v[i * p + j] * v[i * p + j]) }
            let sd = (s / Double(n)).squareRoot()
            scale[j] = sd > 1e-12 ? Float(1 / sd) : 0
        }
        for i in 0..<n { for j in 0..<p { v[i * p + j] *= scale[j] } }
        // Weights: uniform in ±√(6 / (fan in + fan out)) (Glorot), from the seed.
        func glorot(_ rows: Int, _ cols: Int) -> Tensor {
            let r = Float((6 / Double(rows + cols)).squareRoot())
            return Tensor(
                (0..<(rows * cols)).map { _ in Float(g.nextUniform() * 2 - 1) * r }, shape: [rows, cols],
                requiresGrad: true)
        }
        let w1 = glorot(p, h)
        let b1 = Tensor.zeros([h], requiresGrad: true)
        let w2 = glorot(h, bits)
        let b2 = Tensor.zeros([bits], requiresGrad: true)
        let parameters = [w1, b1, w2, b2]
        let optimizer = Adam(learningRate: learningRate, weightDecay: weightDecay)
        func forward(_ rows: [Int]) -> Tensor {
            var x = [Float](repeating: 0, count: rows.count * p)
            for (r, i) in rows.enumerated() { for j in 0..<p { x[r * p + j] = v[i * p + j] } }
            let a = (Tensor(x, shape: [rows.count, p]).matmul(w1) + b1).tanh()
            return (a.matmul(w2) + b2).tanh()
        }
        func targets(_ codes: [Float], _ rows: [Int]) -> Tensor {
            var t = [Float](repeating: 0, count: rows.count * bits)
            for (r, i) in rows.enumerated() { for j in 0..<bits { t[r * bits + j] = codes[i * bits + j] } }
            return Tensor(t, shape: [rows.count, bits])
        }
        func step(_ loss: Tensor) {
            for parameter in parameters { parameter.zeroGrad() }
            loss.backward()
            optimizer.step(parameters)
        }
        let totalEpochs = pretrainEpochs + rounds * epochsPerRound
        var epochsDone = 0
        func epochDone() {
            epochsDone += 1
            progress?("ldph", Double(epochsDone) / Double(max(totalEpochs, 1)))
        }
        // Pretraining on the reference codes.
        for _ in 0..<pretrainEpochs {
            var order = Array(0..<n)
            order.shuffle(using: &g)
            for start in stride(from: 0, to: n, by: batchSize) {
                let rows = Array(order[start..<min(n, start + batchSize)])
                let u = forward(rows)
                let diff = u - targets(referenceSigns, rows)
                step((diff * diff).sum(axes: [1]).mean() * (alpha / 2))
            }
            epochDone()
        }
        // The pairs and their distances among the network's inputs.
        let pairCount = n * pairsPerSample
        var first = [Int](repeating: 0, count: pairCount)
        var second = [Int](repeating: 0, count: pairCount)
        var euclidean = [Float](repeating: 0, count: pairCount)
        for t in 0..<pairCount {
            let i = Int(g.next() % UInt64(n))
            let j = Int(g.next() % UInt64(n))
            first[t] = i
            second[t] = j
            var s: Float = 0
            switch distances {
            case .inputs:
                for k in 0..<p {
                    let e = v[i * p + k] - v[j * p + k]
                    s += e * e
                }
            case .samples:
                for k in 0..<d {
                    let e = samples[i * d + k] - samples[j * d + k]
                    s += e * e
                }
            }
            euclidean[t] = s.squareRoot()
        }
        func codes() -> [Float] {
            Tensor.withNoGrad {
                var out = [Float]()
                out.reserveCapacity(n * bits)
                for start in stride(from: 0, to: n, by: 4096) {
                    out += forward(Array(start..<min(n, start + 4096))).data.map { $0 > 0 ? 1 : -1 }
                }
                return out
            }
        }
        func hamming(_ c: [Float], _ i: Int, _ j: Int) -> Float {
            var s: Float = 0
            for k in 0..<bits where c[i * bits + k] != c[j * bits + k] { s += 1 }
            return s
        }
        var report = Report(fits: [], residuals: [], agreementWithReference: 0)
        var target = referenceSigns
        for _ in 0..<rounds {
            let distances = (0..<pairCount).map { hamming(target, first[$0], second[$0]) }
            let (slope, intercept, residual) = Self.leastSquares(x: euclidean, y: distances)
            report.fits.append((slope, intercept))
            report.residuals.append(residual)
            for _ in 0..<epochsPerRound {
                var order = Array(0..<pairCount)
                order.shuffle(using: &g)
                for start in stride(from: 0, to: pairCount, by: batchSize) {
                    let batch = Array(order[start..<min(pairCount, start + batchSize)])
                    let left = batch.map { first[$0] }
                    let right = batch.map { second[$0] }
                    let ui = forward(left)
                    let uj = forward(right)
                    let si = Self.straightThroughSign(ui)
                    let sj = Self.straightThroughSign(uj)
                    // d_H = (bits − s_i · s_j) / 2.
                    let dH = (Float(bits) - (si * sj).sum(axes: [1])) * 0.5
                    let goal = Tensor(batch.map { slope * euclidean[$0] + intercept }, shape: [batch.count])
                    let gap = dH - goal
                    let ti = targets(target, left)
                    let tj = targets(target, right)
                    let di = ui - ti
                    let dj = uj - tj
                    let codeLoss = ((di * di).sum(axes: [1]).mean() + (dj * dj).sum(axes: [1]).mean()) * (alpha / 2)
                    let pairLoss = (gap * gap).mean() * (lambda / (2 * Float(bits)))
                    step(codeLoss + pairLoss)
                }
                epochDone()
            }
            target = codes()
        }
        let final = (0..<pairCount).map { hamming(target, first[$0], second[$0]) }
        report.residuals.append(Self.leastSquares(x: euclidean, y: final).residual)
        var same = 0
        for i in 0..<(n * bits) where target[i] == referenceSigns[i] { same += 1 }
        report.agreementWithReference = Double(same) / Double(n * bits)
        let network = HashNetwork(
            mean: mu, projection: directions, scale: scale, w1: w1.data, b1: b1.data, w2: w2.data, b2: b2.data)
        return (network, report)
    }

    /// Each labelled sample's code replaced by the code of its cluster's mean (±1 values, `[n, bits]`).
    static func clusterCodes(
        _ samples: [Float], dimension d: Int, labels: [Int], encoder: BinaryEncoder, own: [Float]
    ) -> [Float] {
        let clusters = (labels.max() ?? -1) + 1
        guard clusters > 0 else { return own }
        var sums = [Double](repeating: 0, count: clusters * d)
        var sizes = [Int](repeating: 0, count: clusters)
        for (i, c) in labels.enumerated() where c >= 0 {
            sizes[c] += 1
            for j in 0..<d { sums[c * d + j] += Double(samples[i * d + j]) }
        }
        let means = (0..<(clusters * d)).map { Float(sums[$0] / Double(max(sizes[$0 / d], 1))) }
        let codes = encoder.project(means).map { $0 > 0 ? Float(1) : -1 }
        let bits = encoder.bits
        var out = own
        for (i, c) in labels.enumerated() where c >= 0 {
            for j in 0..<bits { out[i * bits + j] = codes[c * bits + j] }
        }
        return out
    }

    /// `sign(u)` (±1, −1 at 0, as the codes) forward; the identity backward (straight through).
    static func straightThroughSign(_ u: Tensor) -> Tensor {
        let frozen = u.detached()
        return u + (Tensor(frozen.data.map { $0 > 0 ? 1 : -1 }, shape: u.shape) - frozen)
    }

    /// The least-squares line `y ≈ slope · x + intercept` and its mean squared residual.
    static func leastSquares(x: [Float], y: [Float]) -> (slope: Float, intercept: Float, residual: Double) {
        let m = Double(max(x.count, 1))
        var sx = 0.0
        var sy = 0.0
        for t in 0..<x.count {
            sx += Double(x[t])
            sy += Double(y[t])
        }
        let mx = sx / m
        let my = sy / m
        var sxx = 0.0
        var sxy = 0.0
        for t in 0..<x.count {
            sxx += (Double(x[t]) - mx) * (Double(x[t]) - mx)
            sxy += (Double(x[t]) - mx) * (Double(y[t]) - my)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        let intercept = my - slope * mx
        var r = 0.0
        for t in 0..<x.count {
            let e = Double(y[t]) - slope * Double(x[t]) - intercept
            r += e * e
        }
        return (Float(slope), Float(intercept), r / m)
    }
}
