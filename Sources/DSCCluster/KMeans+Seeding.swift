import DSCTensor

extension KMeansData {
    /// Row `i` as an array.
    func row(_ i: Int) -> [Float] { Array(UnsafeBufferPointer(start: x + i * columns, count: columns)) }

    /// Greedy k-means++ seeding (see ``KMeans``): `k` centres `[k, columns]`, each after the first
    /// the best of `trials` candidates drawn ∝ D(x)². When every sample already coincides with a
    /// centre (potential 0) the candidates are drawn uniformly. O(k · trials · rows · columns).
    func greedyPlusPlus(k: Int, trials: Int, generator: inout SeededGenerator) -> [Float] {
        var centroids = [Float]()
        centroids.reserveCapacity(k * columns)
        let first = min(rows - 1, Int(generator.nextUniform() * Double(rows)))
        centroids += row(first)
        var closest = squaredDistances(from: row(first), count: 1)
        var cumulative = [Double](repeating: 0, count: rows)
        for _ in 1..<max(1, k) {
            var running = 0.0
            for i in 0..<rows {
                running += Double(closest[i])
                cumulative[i] = running
            }
            let candidates = (0..<trials).map { _ in
                sample(cumulative: cumulative, total: running, generator: &generator)
            }
            let points = candidates.flatMap { row($0) }
            let distances = squaredDistances(from: points, count: trials)
            var bestTrial = 0
            var bestPotential = Double.infinity
            for t in 0..<trials {
                var p = 0.0
                for i in 0..<rows { p += Double(min(closest[i], distances[t * rows + i])) }
                if p < bestPotential {
                    bestPotential = p
                    bestTrial = t
                }
            }
            for i in 0..<rows { closest[i] = min(closest[i], distances[bestTrial * rows + i]) }
            centroids += row(candidates[bestTrial])
        }
        return centroids
    }

    /// The first index whose cumulative weight exceeds `u · total` (u uniform in [0, 1)); uniform
    /// when `total` is 0.
    private func sample(cumulative: [Double], total: Double, generator: inout SeededGenerator) -> Int {
        let u = generator.nextUniform()
        if !(total > 0) { return min(rows - 1, Int(u * Double(rows))) }
        let target = u * total
        var lo = 0
        var hi = rows - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
