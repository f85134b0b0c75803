import DSCMetrics
import XCTest

/// The assignment solver against brute force over all injective maps, on random matrices.
final class HungarianTests: XCTestCase {
    /// Smallest total over all ways to give each row of the shorter side a distinct partner.
    func bruteForceMinimum(_ matrix: [[Double]]) -> Double {
        let rows = matrix.count
        let columns = matrix.first?.count ?? 0
        let short = min(rows, columns)
        let long = max(rows, columns)
        func entry(_ s: Int, _ l: Int) -> Double { rows <= columns ? matrix[s][l] : matrix[l][s] }
        var best = Double.infinity
        var used = [Bool](repeating: false, count: long)
        func extend(_ s: Int, _ total: Double) {
            if s == short {
                best = min(best, total)
                return
            }
            for l in 0..<long where !used[l] {
                used[l] = true
                extend(s + 1, total + entry(s, l))
                used[l] = false
            }
        }
        extend(0, 0)
        return best
    }

    func assertValid(
        _ assignment: Hungarian.Assignment, _ matrix: [[Double]],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let rows = matrix.count
        let columns = matrix.first?.count ?? 0
        XCTAssertEqual(assignment.rowToColumn.count, rows, file: file, line: line)
        XCTAssertEqual(assignment.columnToRow.count, columns, file: file, line: line)
        let pairs = assignment.pairs
        XCTAssertEqual(pairs.count, min(rows, columns), file: file, line: line)
        XCTAssertEqual(Set(pairs.map(\.column)).count, pairs.count, "columns reused", file: file, line: line)
        for (row, column) in pairs {
            XCTAssertEqual(assignment.columnToRow[column], row, file: file, line: line)
        }
        let total = pairs.reduce(0.0) { $0 + matrix[$1.row][$1.column] }
        XCTAssertEqual(assignment.total, total, accuracy: 1e-9, file: file, line: line)
    }

    func testOptimalAgainstBruteForce() {
        var rng = SplitMix64(seed: 21)
        for trial in 0..<300 {
            let rows = 1 + rng.below(6)
            let columns = 1 + rng.below(6)
            // Half the trials use small integers (many ties), half continuous values.
            let integer = trial % 2 == 0
            let matrix: [[Double]] = (0..<rows).map { _ in
                (0..<columns).map { _ in
                    integer ? Double(rng.below(5)) - 2 : Double(rng.below(1 << 20)) / 1024 - 300
                }
            }
            let minimum = Hungarian.minimizeCost(matrix)
            assertValid(minimum, matrix)
            XCTAssertEqual(minimum.total, bruteForceMinimum(matrix), accuracy: 1e-9, "\(matrix)")

            let maximum = Hungarian.maximizeProfit(matrix)
            assertValid(maximum, matrix)
            let negated = matrix.map { $0.map { -$0 } }
            XCTAssertEqual(maximum.total, -bruteForceMinimum(negated), accuracy: 1e-9, "\(matrix)")
        }
    }

    func testKnownSmallProblems() {
        // Classic 3×3: the optimum 1 + 2 + 2 = 5 is unique (rows → columns 1, 0, 2).
        let cost: [[Double]] = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
        let assignment = Hungarian.minimizeCost(cost)
        XCTAssertEqual(assignment.total, 5)
        XCTAssertEqual(assignment.rowToColumn, [1, 0, 2])
        // 2 × 4 and its transpose: rows take columns 3 and 1 (total 1 + 2).
        let wide: [[Double]] = [[9, 8, 7, 1], [6, 2, 8, 9]]
        XCTAssertEqual(Hungarian.minimizeCost(wide).rowToColumn, [3, 1])
        let tall = (0..<4).map { j in wide.map { $0[j] } }
        let transposed = Hungarian.minimizeCost(tall)
        XCTAssertEqual(transposed.rowToColumn, [nil, 1, nil, 0])
        XCTAssertEqual(transposed.total, 3)
    }

    func testEmptyMatrices() {
        let none = Hungarian.minimizeCost([])
        XCTAssertEqual(none.rowToColumn, [])
        XCTAssertEqual(none.total, 0)
        let noColumns = Hungarian.maximizeProfit([[], []])
        XCTAssertEqual(noColumns.rowToColumn, [nil, nil])
        XCTAssertEqual(noColumns.columnToRow, [])
    }

    func testLargeIntegerMatrixIsExact() {
        // A permutation matrix scaled by 10⁶ hidden in noise: the profit optimum is the permutation.
        var rng = SplitMix64(seed: 22)
        let n = 60
        let permutation = Array(0..<n).shuffled(using: &rng)
        var profit = (0..<n).map { _ in (0..<n).map { _ in Double(rng.below(1000)) } }
        for i in 0..<n { profit[i][permutation[i]] = 1_000_000 }
        let assignment = Hungarian.maximizeProfit(profit)
        XCTAssertEqual(assignment.rowToColumn, permutation)
        XCTAssertEqual(assignment.total, Double(n) * 1_000_000)
    }
}
