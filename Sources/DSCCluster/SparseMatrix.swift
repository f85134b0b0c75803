import Foundation

/// A sparse matrix in compressed sparse row (CSR) form, `[rows, columns]`, Float32 values.
///
/// Row `i` holds the entries `indices[indptr[i]..<indptr[i+1]]` (column numbers, ascending after
/// ``sortedIndices()``) with values `values[indptr[i]..<indptr[i+1]]`. This is the layout of
/// scipy.sparse.csr_matrix and of the `affinity/…` datasets that `dsc` writes.
public struct SparseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Row pointers, `[rows + 1]`, non-decreasing, `indptr[0] == 0`, `indptr[rows] == nonzeroCount`.
    public var indptr: [Int]
    /// Column index of each stored entry, `[nonzeroCount]`.
    public var indices: [Int32]
    /// Value of each stored entry, `[nonzeroCount]`.
    public var values: [Float]

    /// Wraps CSR arrays; a `precondition` checks their consistency (O(nnz)).
    public init(rows: Int, columns: Int, indptr: [Int], indices: [Int32], values: [Float]) {
        precondition(indptr.count == rows + 1, "SparseMatrix: indptr.count=\(indptr.count) != rows+1=\(rows + 1)")
        precondition(
            indices.count == values.count,
            "SparseMatrix: indices.count=\(indices.count) != values.count=\(values.count)")
        precondition(
            indptr.first == 0 && indptr.last == indices.count,
            "SparseMatrix: indptr must run from 0 to nnz=\(indices.count), got \(indptr.first ?? -1)...\(indptr.last ?? -1)"
        )
        self.rows = rows
        self.columns = columns
        self.indptr = indptr
        self.indices = indices
        self.values = values
    }

    /// Builds a CSR matrix from coordinate triplets; duplicates are summed. O(nnz log nnz).
    public init(rows: Int, columns: Int, triplets: [(row: Int, column: Int, value: Float)]) {
        var counts = [Int](repeating: 0, count: rows + 1)
        for t in triplets {
            precondition(
                t.row >= 0 && t.row < rows && t.column >= 0 && t.column < columns,
                "SparseMatrix: entry (\(t.row), \(t.column)) outside [\(rows), \(columns)]")
            counts[t.row + 1] += 1
        }
        for i in 0..<rows { counts[i + 1] += counts[i] }
        var next = counts
        var idx = [Int32](repeating: 0, count: triplets.count)
        var val = [Float](repeating: 0, count: triplets.count)
        for t in triplets {
            let p = next[t.row]
            next[t.row] += 1
            idx[p] = Int32(t.column)
            val[p] = t.value
        }
        self.init(rows: rows, columns: columns, indptr: counts, indices: idx, values: val)
        self = sortedIndices()
    }

    /// Number of stored entries.
    public var nonzeroCount: Int { indices.count }

    /// The stored entries of row `i` as (column, value) pairs.
    public func row(_ i: Int) -> [(column: Int, value: Float)] {
        (indptr[i]..<indptr[i + 1]).map { (Int(indices[$0]), values[$0]) }
    }

    /// Same matrix with column indices ascending within each row and duplicates summed.
    public func sortedIndices() -> SparseMatrix {
        var newPtr = [Int](repeating: 0, count: rows + 1)
        var newIdx = [Int32]()
        newIdx.reserveCapacity(nonzeroCount)
        var newVal = [Float]()
        newVal.reserveCapacity(nonzeroCount)
        for i in 0..<rows {
            let range = indptr[i]..<indptr[i + 1]
            let order = range.sorted { indices[$0] < indices[$1] }
            var last: Int32 = -1
            for p in order {
                if indices[p] == last {
                    newVal[newVal.count - 1] += values[p]
                } else {
                    newIdx.append(indices[p])
                    newVal.append(values[p])
                    last = indices[p]
                }
            }
            newPtr[i + 1] = newIdx.count
        }
        return SparseMatrix(rows: rows, columns: columns, indptr: newPtr, indices: newIdx, values: newVal)
    }

    /// The transpose, `[columns, rows]`, with sorted indices. O(nnz + rows + columns).
    public func transposed() -> SparseMatrix {
        var counts = [Int](repeating: 0, count: columns + 1)
        for c in indices { counts[Int(c) + 1] += 1 }
        for j in 0..<columns { counts[j + 1] += counts[j] }
        var next = counts
        var idx = [Int32](repeating: 0, count: nonzeroCount)
        var val = [Float](repeating: 0, count: nonzeroCount)
        for i in 0..<rows {
            for p in indptr[i]..<indptr[i + 1] {
                let c = Int(indices[p])
                let q = next[c]
                next[c] += 1
                idx[q] = Int32(i)
                val[q] = values[p]
            }
        }
        return SparseMatrix(rows: columns, columns: rows, indptr: counts, indices: idx, values: val)
    }

    /// `(|A| + |A|ᵀ) / 2` for a square matrix: the symmetric affinity of a coefficient or kNN matrix.
    public func symmetrizedAbsolute() -> SparseMatrix {
        precondition(rows == columns, "symmetrizedAbsolute: matrix is [\(rows), \(columns)], not square")
        var a = self
        for p in 0..<a.values.count { a.values[p] = abs(a.values[p]) * 0.5 }
        let t = a.transposed()
        return a.adding(t)
    }

    /// Elementwise sum of two matrices of the same shape (sorted indices in the result).
    public func adding(_ other: SparseMatrix) -> SparseMatrix {
        precondition(
            rows == other.rows && columns == other.columns,
            "adding: shapes [\(rows), \(columns)] and [\(other.rows), \(other.columns)] differ")
        var ptr = [Int](repeating: 0, count: rows + 1)
        var idx = [Int32]()
        idx.reserveCapacity(nonzeroCount + other.nonzeroCount)
        var val = [Float]()
        val.reserveCapacity(nonzeroCount + other.nonzeroCount)
        let a = self.sortedIndices()
        let b = other.sortedIndices()
        for i in 0..<rows {
            var p = a.indptr[i]
            var q = b.indptr[i]
            let pe = a.indptr[i + 1]
            let qe = b.indptr[i + 1]
            while p < pe || q < qe {
                if q >= qe || (p < pe && a.indices[p] < b.indices[q]) {
                    idx.append(a.indices[p])
                    val.append(a.values[p])
                    p += 1
                } else if p >= pe || b.indices[q] < a.indices[p] {
                    idx.append(b.indices[q])
                    val.append(b.values[q])
                    q += 1
                } else {
                    idx.append(a.indices[p])
                    val.append(a.values[p] + b.values[q])
                    p += 1
                    q += 1
                }
            }
            ptr[i + 1] = idx.count
        }
        return SparseMatrix(rows: rows, columns: columns, indptr: ptr, indices: idx, values: val)
    }

    /// Row sums, `[rows]`, accumulated in Double (the degrees of an affinity matrix).
    public func rowSums() -> [Double] {
        (0..<rows).map { i in
            var s = 0.0
            for p in indptr[i]..<indptr[i + 1] { s += Double(values[p]) }
            return s
        }
    }

    /// `Y = A · X` for `X` `[columns, width]` row-major, `Y` `[rows, width]` row-major, in Double.
    /// Rows are processed in parallel for large matrices. O(nnz · width).
    public func multiply(_ x: UnsafePointer<Double>, width: Int, into y: UnsafeMutablePointer<Double>) {
        let chunk = 4096
        let chunks = (rows + chunk - 1) / chunk
        let body = { (c: Int) in
            let start = c * chunk
            let end = min(rows, start + chunk)
            for i in start..<end {
                let yi = y + i * width
                for j in 0..<width { yi[j] = 0 }
                for p in self.indptr[i]..<self.indptr[i + 1] {
                    let v = Double(self.values[p])
                    let xj = x + Int(self.indices[p]) * width
                    for j in 0..<width { yi[j] += v * xj[j] }
                }
            }
        }
        if chunks > 1 {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
        } else if chunks == 1 {
            body(0)
        }
    }

    /// Number of connected components of the undirected graph whose edges are the stored entries
    /// (the matrix is read as symmetric), and the component of each node. O(nnz + rows).
    public func connectedComponents() -> (count: Int, component: [Int]) {
        precondition(rows == columns, "connectedComponents: matrix is [\(rows), \(columns)], not square")
        var parent = Array(0..<rows)
        func find(_ x: Int) -> Int {
            var r = x
            while parent[r] != r { r = parent[r] }
            var y = x
            while parent[y] != r {
                let n = parent[y]
                parent[y] = r
                y = n
            }
            return r
        }
        for i in 0..<rows {
            for p in indptr[i]..<indptr[i + 1] where values[p] != 0 {
                let a = find(i)
                let b = find(Int(indices[p]))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var label = [Int](repeating: -1, count: rows)
        var component = [Int](repeating: 0, count: rows)
        var count = 0
        for i in 0..<rows {
            let r = find(i)
            if label[r] < 0 {
                label[r] = count
                count += 1
            }
            component[i] = label[r]
        }
        return (count, component)
    }
}
