/// Optimal one-to-one assignment on a rectangular matrix (the linear assignment problem).
///
/// Given an `R × C` cost matrix, find a set of `min(R, C)` pairs `(row, column)`, no row and no
/// column used twice, with the smallest total cost (or, for `maximizeProfit`, the largest total
/// profit). Every row is assigned when `R <= C`; every column when `R >= C`.
///
/// Method: the Hungarian method of Kuhn (1955) and Munkres (1957) in its shortest-augmenting-path
/// form (Jonker & Volgenant 1987): rows are inserted one at a time, and each insertion grows a
/// Dijkstra-like tree over the columns using reduced costs `cost[i][j] − u[i] − v[j]`, whose dual
/// potentials `u`, `v` stay feasible (`reduced cost >= 0`) and are tight on the matched pairs, which
/// proves optimality. Time O(n²·m) with `n = min(R, C)`, `m = max(R, C)` (the matrix is transposed
/// internally when `R > C`); memory O(R·C). It returns the same optimal total as SciPy's
/// `linear_sum_assignment`; when several assignments are optimal, the chosen one may differ.
///
/// Numerics: with integer-valued entries (as for contingency counts) below 2⁵³ in magnitude every
/// intermediate value is an integer, so the result is exact. Entries must be finite.
public enum Hungarian {
    /// An optimal assignment.
    public struct Assignment: Hashable, Sendable {
        /// For each row, the column assigned to it, or `nil` when `R > C` left it out.
        public let rowToColumn: [Int?]
        /// For each column, the row assigned to it, or `nil` when `R < C` left it out.
        public let columnToRow: [Int?]
        /// Sum of the matrix entries over the assigned pairs (cost or profit, as given).
        public let total: Double

        /// The assigned pairs in increasing row order; `min(R, C)` of them.
        public var pairs: [(row: Int, column: Int)] {
            rowToColumn.enumerated().compactMap { row, column in column.map { (row, $0) } }
        }
    }

    /// The assignment of smallest total cost on `cost` (`R` rows of `C` entries; `R` and `C` may
    /// differ, either may be zero).
    ///
    /// - Precondition: all rows have the same length and every entry is finite.
    public static func minimizeCost(_ cost: [[Double]]) -> Assignment {
        solve(cost, maximize: false)
    }

    /// The assignment of largest total profit on `profit`; same shapes and preconditions as
    /// `minimizeCost`. Equivalent to minimising the negated matrix.
    public static func maximizeProfit(_ profit: [[Double]]) -> Assignment {
        solve(profit, maximize: true)
    }

    private static func solve(_ matrix: [[Double]], maximize: Bool) -> Assignment {
        let rows = matrix.count
        let columns = matrix.first?.count ?? 0
        for (i, row) in matrix.enumerated() {
            precondition(
                row.count == columns,
                "Hungarian: row \(i) has \(row.count) entries, row 0 has \(columns)")
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                preconditionFailure("Hungarian: entry [\(i)][\(j)]=\(row[j]) is not finite")
            }
        }
        let transpose = rows > columns
        let n = min(rows, columns)
        let m = max(rows, columns)
        var cost = [Double](repeating: 0, count: n * m)
        for i in 0..<rows {
            for j in 0..<columns {
                let value = maximize ? -matrix[i][j] : matrix[i][j]
                if transpose { cost[j * m + i] = value } else { cost[i * m + j] = value }
            }
        }
        let matched = minimumAssignment(cost: cost, rows: n, columns: m)
        var rowToColumn = [Int?](repeating: nil, count: rows)
        var columnToRow = [Int?](repeating: nil, count: columns)
        var total = 0.0
        for (i, j) in matched.enumerated() {
            let (row, column) = transpose ? (j, i) : (i, j)
            rowToColumn[row] = column
            columnToRow[column] = row
            total += matrix[row][column]
        }
        return Assignment(rowToColumn: rowToColumn, columnToRow: columnToRow, total: total)
    }

    /// Core solver: minimum-cost assignment of every row of a row-major `rows × columns` matrix,
    /// `rows <= columns`, entries finite (not checked). Returns the column of each row.
    ///
    /// Rows are added one at a time. For the new row, a shortest-path search over columns (using
    /// reduced costs, all `>= 0`) finds the cheapest alternating path ending at a free column; the
    /// potentials are shifted by each step's slack so that tree edges stay tight, and the path is
    /// then flipped, so the matching grows by one while staying optimal for the rows seen so far.
    static func minimumAssignment(cost: [Double], rows: Int, columns: Int) -> [Int] {
        precondition(rows <= columns, "Hungarian core: rows=\(rows) > columns=\(columns)")
        // Column index `columns` is a virtual start column holding the row being inserted.
        let root = columns
        var rowPotential = [Double](repeating: 0, count: rows)
        var columnPotential = [Double](repeating: 0, count: columns + 1)
        var owner = [Int](repeating: -1, count: columns + 1)  // row matched to a column, -1 = free
        var previous = [Int](repeating: root, count: columns + 1)  // predecessor column on the path
        var distance = [Double](repeating: 0, count: columns + 1)
        var visited = [Bool](repeating: false, count: columns + 1)

        for newRow in 0..<rows {
            owner[root] = newRow
            for j in 0...columns {
                distance[j] = .infinity
                visited[j] = false
            }
            var current = root
            // Grow the tree until it reaches a free column.
            while owner[current] != -1 {
                visited[current] = true
                let row = owner[current]
                var step = Double.infinity
                var next = -1
                for j in 0..<columns where !visited[j] {
                    let reduced = cost[row * columns + j] - rowPotential[row] - columnPotential[j]
                    if reduced < distance[j] {
                        distance[j] = reduced
                        previous[j] = current
                    }
                    if distance[j] < step {
                        step = distance[j]
                        next = j
                    }
                }
                for j in 0...columns {
                    if visited[j] {
                        rowPotential[owner[j]] += step
                        columnPotential[j] -= step
                    } else {
                        distance[j] -= step
                    }
                }
                current = next
            }
            // Flip the alternating path back to the root.
            while current != root {
                let before = previous[current]
                owner[current] = owner[before]
                current = before
            }
        }
        var result = [Int](repeating: -1, count: rows)
        for j in 0..<columns where owner[j] >= 0 { result[owner[j]] = j }
        return result
    }
}
