import DSCTensor
import Foundation

/// Samples `[rows, columns]` row-major seen by the k-means core, with their squared norms.
/// The pointer must outlive the value; the core assumes validated, finite input.
struct KMeansData: @unchecked Sendable {
    let x: UnsafePointer<Float>
    let rows: Int
    let columns: Int
    /// `‖x_i‖²`, `[rows]`.
    let squaredNorms: [Float]

    /// Rows per chunk of the assignment step (fixed, so results do not depend on the core count).
    static let chunk = 2048

    init(x: UnsafePointer<Float>, rows: Int, columns: Int) {
        self.x = x
        self.rows = rows
        self.columns = columns
        squaredNorms = (0..<rows).map { i in
            let p = x + i * columns
            var s: Float = 0
            for c in 0..<columns { s += p[c] * p[c] }
            return s
        }
    }

    /// Whether distances to `k` points go through sgemm (large, wide problems) or direct differences.
    func usesGEMM(k: Int) -> Bool { columns >= 16 && rows * k * columns >= 1 << 20 }

    /// Mean over features of the per-feature variance (the scale of the tolerance).
    func meanFeatureVariance() -> Double {
        var mean = [Double](repeating: 0, count: columns)
        var square = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            let p = x + i * columns
            for c in 0..<columns {
                let v = Double(p[c])
                mean[c] += v
                square[c] += v * v
            }
        }
        let n = Double(rows)
        var total = 0.0
        for c in 0..<columns { total += max(0, square[c] / n - (mean[c] / n) * (mean[c] / n)) }
        return total / Double(columns)
    }

    /// Squared distances `[count, rows]` from the `count` points `p` (`[count, columns]`) to every
    /// sample.
    func squaredDistances(from p: [Float], count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * rows)
        if usesGEMM(k: count) {
            out.withUnsafeMutableBufferPointer { o in
                p.withUnsafeBufferPointer { pb in
                    BLAS.sgemm(
                        transposeB: true, m: count, n: rows, k: columns, alpha: -2, a: pb.baseAddress!,
                        lda: columns, b: x, ldb: columns, c: o.baseAddress!, ldc: rows)
                }
                for t in 0..<count {
                    let pp = p[(t * columns)..<((t + 1) * columns)].reduce(Float(0)) { $0 + $1 * $1 }
                    for i in 0..<rows { o[t * rows + i] = max(0, o[t * rows + i] + pp + squaredNorms[i]) }
                }
            }
            return out
        }
        for t in 0..<count {
            p.withUnsafeBufferPointer { pb in
                let c = pb.baseAddress! + t * columns
                for i in 0..<rows {
                    let xi = x + i * columns
                    var s: Float = 0
                    for j in 0..<columns {
                        let e = xi[j] - c[j]
                        s += e * e
                    }
                    out[t * rows + i] = s
                }
            }
        }
        return out
    }

    /// Nearest centroid of every sample (ties: lower index) and the squared distance to it.
    func assign(centroids: [Float], k: Int) -> (labels: [Int32], distances: [Float]) {
        var labels = [Int32](repeating: 0, count: rows)
        var distances = [Float](repeating: 0, count: rows)
        let gemm = usesGEMM(k: k)
        let centroidNorms = (0..<k).map { c in
            centroids[(c * columns)..<((c + 1) * columns)].reduce(Float(0)) { $0 + $1 * $1 }
        }
        let chunks = (rows + Self.chunk - 1) / Self.chunk
        labels.withUnsafeMutableBufferPointer { lb in
            distances.withUnsafeMutableBufferPointer { db in
                centroids.withUnsafeBufferPointer { cb in
                    let l = lb.baseAddress!
                    let d = db.baseAddress!
                    let c = cb.baseAddress!
                    if gemm {
                        let g = UnsafeMutablePointer<Float>.allocate(capacity: Self.chunk * k)
                        defer { g.deallocate() }
                        for t in 0..<chunks {
                            let lo = t * Self.chunk
                            let hi = min(rows, lo + Self.chunk)
                            BLAS.sgemm(
                                transposeB: true, m: hi - lo, n: k, k: columns, a: x + lo * columns,
                                lda: columns, b: c, ldb: columns, c: g, ldc: k)
                            for i in lo..<hi {
                                let gi = g + (i - lo) * k
                                var best = 0
                                var bestD = Float.infinity
                                for j in 0..<k {
                                    let dist = squaredNorms[i] - 2 * gi[j] + centroidNorms[j]
                                    if dist < bestD {
                                        bestD = dist
                                        best = j
                                    }
                                }
                                l[i] = Int32(best)
                                d[i] = max(0, bestD)
                            }
                        }
                    } else {
                        DispatchQueue.concurrentPerform(iterations: chunks) { t in
                            let lo = t * Self.chunk
                            let hi = min(rows, lo + Self.chunk)
                            for i in lo..<hi {
                                let xi = x + i * columns
                                var best = 0
                                var bestD = Float.infinity
                                for j in 0..<k {
                                    let cj = c + j * columns
                                    var s: Float = 0
                                    for f in 0..<columns {
                                        let e = xi[f] - cj[f]
                                        s += e * e
                                    }
                                    if s < bestD {
                                        bestD = s
                                        best = j
                                    }
                                }
                                l[i] = Int32(best)
                                d[i] = bestD
                            }
                        }
                    }
                }
            }
        }
        return (labels, distances)
    }

    /// New centres as the means of their samples; an empty cluster takes the sample farthest from
    /// its centre (by `distances`; ties: lower index), which leaves its old cluster.
    func updateCentroids(labels: [Int32], distances: [Float], k: Int) -> [Float] {
        var sums = [Double](repeating: 0, count: k * columns)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<rows {
            let c = Int(labels[i])
            let p = x + i * columns
            counts[c] += 1
            for f in 0..<columns { sums[c * columns + f] += Double(p[f]) }
        }
        let empty = (0..<k).filter { counts[$0] == 0 }
        if !empty.isEmpty {
            let farthest = (0..<rows).sorted {
                distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1
            }
            var next = 0
            for c in empty {
                // Skip samples whose cluster would be left empty by the move.
                while counts[Int(labels[farthest[next]])] <= 1 { next += 1 }
                let i = farthest[next]
                let old = Int(labels[i])
                let p = x + i * columns
                next += 1
                counts[old] -= 1
                counts[c] = 1
                for f in 0..<columns {
                    sums[old * columns + f] -= Double(p[f])
                    sums[c * columns + f] = Double(p[f])
                }
            }
        }
        var centroids = [Float](repeating: 0, count: k * columns)
        for c in 0..<k {
            for f in 0..<columns { centroids[c * columns + f] = Float(sums[c * columns + f] / Double(counts[c])) }
        }
        return centroids
    }

    /// Lloyd iterations from `centroids` (see ``KMeans``); the returned labels and inertia are those
    /// of the final centres, the inertia summed in Double from exact differences.
    func lloyd(centroids start: [Float], k: Int, maxIterations: Int, shiftThreshold: Double) -> KMeansResult {
        var centroids = start
        var previous: [Int32]?
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            let (labels, distances) = assign(centroids: centroids, k: k)
            if let previous, previous == labels {
                converged = true
                break
            }
            let next = updateCentroids(labels: labels, distances: distances, k: k)
            var shift = 0.0
            for p in 0..<next.count {
                let e = Double(next[p] - centroids[p])
                shift += e * e
            }
            centroids = next
            previous = labels
            if shift <= shiftThreshold {
                converged = true
                break
            }
        }
        let labels = assign(centroids: centroids, k: k).labels
        return KMeansResult(
            labels: labels.map(Int.init), centroids: centroids,
            inertia: inertia(labels: labels, centroids: centroids),
            iterations: iterations, converged: converged, restart: 0)
    }

    /// `Σ_i ‖x_i − c_{label_i}‖²` in Double.
    func inertia(labels: [Int32], centroids: [Float]) -> Double {
        var total = 0.0
        for i in 0..<rows {
            let p = x + i * columns
            let c = Int(labels[i]) * columns
            for f in 0..<columns {
                let e = Double(p[f]) - Double(centroids[c + f])
                total += e * e
            }
        }
        return total
    }
}
