/// Per-channel mean and biased variance of a `[B, C, …]` tensor, as a producer computed them
/// while its output was still in cache, for a batch norm that follows to use instead of reading
/// the whole tensor again (``Tensor/batchNorm(gamma:beta:statistics:epsilon:residual:relu:)``
/// with `.batch`). A convolution records them when asked (``Tensor/conv2d(weight:bias:stride:padding:channelMoments:)``);
/// any write to the tensor's data drops them.
struct ChannelMoments {
    let mean: [Float]
    let variance: [Float]
}

/// Per-channel count, mean and sum of squared deviations, built run by run and merged with
/// Chan, Golub & LeVeque's pairwise update, all in Double: a run's own mean and deviations come
/// from sums of `x − x₀` (its first value), so no sum grows with the channel's mean.
struct MomentAccumulator {
    private(set) var count: [Double]
    private(set) var mean: [Double]
    private(set) var squares: [Double]

    init(channels: Int) {
        count = [Double](repeating: 0, count: channels)
        mean = count
        squares = count
    }

    /// Adds the `n` values from `p` to channel `c`.
    mutating func add(channel c: Int, _ p: UnsafePointer<Float>, _ n: Int) {
        guard n > 0 else { return }
        let (s1, s2) = runCentredSums(p, p[0], n)
        let m = Double(n)
        let runMean = Double(p[0]) + s1 / m
        merge(channel: c, count: m, mean: runMean, squares: Swift.max(0, s2 - s1 * s1 / m))
    }

    /// Merges another accumulator's channels into this one's.
    mutating func merge(_ other: MomentAccumulator) {
        for c in 0..<count.count where other.count[c] > 0 {
            merge(channel: c, count: other.count[c], mean: other.mean[c], squares: other.squares[c])
        }
    }

    private mutating func merge(channel c: Int, count nb: Double, mean mb: Double, squares qb: Double) {
        let na = count[c]
        let n = na + nb
        let delta = mb - mean[c]
        mean[c] += delta * nb / n
        squares[c] += qb + delta * delta * na * nb / n
        count[c] = n
    }

    /// The means (plus `offset[c]`, e.g. a bias added after the runs were taken) and biased
    /// variances; channels with no values get 0 and 0.
    func moments(offset: [Float]? = nil) -> ChannelMoments {
        let channels = count.count
        var m = [Float](repeating: 0, count: channels)
        var v = m
        for c in 0..<channels where count[c] > 0 {
            m[c] = Float(mean[c] + Double(offset?[c] ?? 0))
            v[c] = Float(squares[c] / count[c])
        }
        return ChannelMoments(mean: m, variance: v)
    }
}
