import Foundation

extension Eigensolver {
    /// Checks the affinity once at the public boundary: square, `1 ≤ count ≤ n`, every stored weight
    /// finite and non-negative with its column in `0..<n`, and `w_ij = w_ji` to 1e-6 relative.
    /// Returns `W` with ascending, duplicate-free columns per row (a copy only when the input's are not).
    /// O(nnz log(nnz / n)), rows in parallel for the symmetry check.
    static func validatedAffinity(_ a: SparseMatrix, count: Int) throws -> SparseMatrix {
        guard a.rows == a.columns else { throw EigensolverError.notSquare(rows: a.rows, columns: a.columns) }
        let n = a.rows
        guard count >= 1 && count <= n else { throw EigensolverError.invalidCount(count: count, nodes: n) }
        var canonical = true
        try a.indptr.withUnsafeBufferPointer { ptr in
            try a.indices.withUnsafeBufferPointer { idx in
                try a.values.withUnsafeBufferPointer { val in
                    for i in 0..<n {
                        var last = -1
                        for p in ptr[i]..<ptr[i + 1] {
                            let j = Int(idx[p])
                            let v = val[p]
                            if j < 0 || j >= n || !v.isFinite || v < 0 {
                                throw EigensolverError.invalidEntry(row: i, column: j, value: v)
                            }
                            if j <= last { canonical = false }
                            last = j
                        }
                    }
                }
            }
        }
        let w = canonical ? a : a.sortedIndices()
        if !isSymmetric(w), let p = firstAsymmetricEntry(w) {
            let i = w.indptr.lastIndex { $0 <= p }!
            let j = Int(w.indices[p])
            throw EigensolverError.notSymmetric(
                row: i, column: j, value: w.values[p],
                transposed: storedValue(w, row: j, column: i))
        }
        return w
    }

    /// Whether `w_ij = w_ji` to 1e-6 relative for every stored entry (a missing mirror counts as 0).
    /// Looks up the mirror of the entries above the diagonal only, and compares the numbers of
    /// entries above and below it: equal counts and a mirror for every upper entry make the
    /// mirroring a bijection. Rows must be sorted and duplicate-free; chunks of rows in parallel.
    static func isSymmetric(_ w: SparseMatrix) -> Bool {
        let n = w.rows
        let grain = 16_384
        let chunks = (n + grain - 1) / grain
        var tallies = [Int](repeating: 0, count: 2 * chunks)  // per chunk: upper − lower, mismatches
        w.indptr.withUnsafeBufferPointer { ptr in
            w.indices.withUnsafeBufferPointer { idx in
                w.values.withUnsafeBufferPointer { val in
                    tallies.withUnsafeMutableBufferPointer { tally in
                        NormalizedAdjacency.forEachChunk(n, grain: grain) { rows in
                            var balance = 0
                            var bad = 0
                            for i in rows {
                                for p in ptr[i]..<ptr[i + 1] {
                                    let j = Int(idx[p])
                                    if j < i {
                                        balance -= 1
                                        continue
                                    }
                                    if j == i { continue }
                                    balance += 1
                                    let a = val[p]
                                    let b = storedValue(ptr, idx, val, row: j, column: i)
                                    if abs(a - b) > 1e-6 * max(a, b) { bad += 1 }
                                }
                            }
                            let c = rows.lowerBound / grain
                            tally[2 * c] = balance
                            tally[2 * c + 1] = bad
                        }
                    }
                }
            }
        }
        var balance = 0
        var bad = 0
        for c in 0..<chunks {
            balance += tallies[2 * c]
            bad += tallies[2 * c + 1]
        }
        return balance == 0 && bad == 0
    }

    /// Position in `indices` of the first stored entry (in row order) whose mirror differs by more
    /// than 1e-6 relative, or nil. Rows must be sorted and duplicate-free.
    static func firstAsymmetricEntry(_ w: SparseMatrix) -> Int? {
        let n = w.rows
        let grain = 16_384
        let chunks = (n + grain - 1) / grain
        var firstBad = [Int](repeating: -1, count: chunks)
        w.indptr.withUnsafeBufferPointer { ptr in
            w.indices.withUnsafeBufferPointer { idx in
                w.values.withUnsafeBufferPointer { val in
                    firstBad.withUnsafeMutableBufferPointer { found in
                        NormalizedAdjacency.forEachChunk(n, grain: grain) { rows in
                            for i in rows {
                                for p in ptr[i]..<ptr[i + 1] {
                                    let a = val[p]
                                    let b = storedValue(ptr, idx, val, row: Int(idx[p]), column: i)
                                    if abs(a - b) > 1e-6 * max(a, b) {
                                        found[rows.lowerBound / grain] = p
                                        return
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return firstBad.first { $0 >= 0 }
    }

    /// `w[row, column]` by binary search in a sorted row; 0 when not stored.
    @inline(__always)
    static func storedValue(
        _ ptr: UnsafeBufferPointer<Int>, _ idx: UnsafeBufferPointer<Int32>,
        _ val: UnsafeBufferPointer<Float>, row: Int, column: Int
    ) -> Float {
        var lo = ptr[row]
        var hi = ptr[row + 1]
        let end = hi
        let target = Int32(column)
        while lo < hi {
            let mid = (lo + hi) >> 1
            if idx[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        return lo < end && idx[lo] == target ? val[lo] : 0
    }

    /// `w[row, column]` of a matrix with sorted rows; 0 when not stored.
    static func storedValue(_ w: SparseMatrix, row: Int, column: Int) -> Float {
        w.indptr.withUnsafeBufferPointer { ptr in
            w.indices.withUnsafeBufferPointer { idx in
                w.values.withUnsafeBufferPointer { storedValue(ptr, idx, $0, row: row, column: column) }
            }
        }
    }
}
