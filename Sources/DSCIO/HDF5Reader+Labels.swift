extension HDF5Reader {
    /// ``readLabels(_:matchingRowsOf:)`` when the file holds `name` or `required` is set (a user
    /// who names a labels dataset must get it), nil otherwise.
    public func readLabels(_ name: String, matchingRowsOf features: String?, required: Bool) throws -> [Int]? {
        required || contains(name) ? try readLabels(name, matchingRowsOf: features) : nil
    }

    /// Reads dataset `name` as one integer label per sample.
    ///
    /// Accepted: rank 1 (`[N]`) or a column `[N, 1]`; any integer type (values beyond `Int`'s
    /// range are clamped by HDF5's conversion), or a float type whose every value is an integer
    /// (as files written by MATLAB or pandas often hold). Labels may be any integers, negative
    /// ones included; their meaning (e.g. -1 for noise) is the caller's. An empty dataset gives `[]`.
    ///
    /// With `features` set, the count must equal that dataset's first dimension; this is checked
    /// before the labels are read.
    ///
    /// - Throws: `.datasetNotFound`, `.wrongRank`, `.wrongType` (strings and other types),
    ///   `.notIntegral` naming the first fractional or non-finite entry, `.countMismatch`, e.g.
    ///   `x.h5: dataset "labels" has 10 entries but "features" has 12 rows`.
    public func readLabels(_ name: String = "labels", matchingRowsOf features: String? = nil) throws -> [Int] {
        let (shape, type) = try file.datasetInfo(name)
        guard type.isNumeric else {
            throw HDF5Error.wrongType(file: path, dataset: name, type: type.description, expected: "integer labels")
        }
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw HDF5Error.wrongRank(file: path, dataset: name, rank: shape.count, expected: "1 ([N])")
        }
        let count = shape[0]
        if let features {
            let featureShape = try file.datasetInfo(features).shape
            let rows = featureShape.first ?? 0
            guard rows == count else {
                throw HDF5Error.countMismatch(file: path, dataset: name, count: count, other: features, rows: rows)
            }
        }
        guard count > 0 else { return [] }
        if type.isInteger {
            var stored = [Int64](repeating: 0, count: count)
            try stored.withUnsafeMutableBytes {
                try file.readRows(name, rows: 0..<count, as: .int64, into: $0.baseAddress!)
            }
            return stored.map { Int($0) }
        }
        var stored = [Double](repeating: 0, count: count)
        try stored.withUnsafeMutableBytes {
            try file.readRows(name, rows: 0..<count, as: .float64, into: $0.baseAddress!)
        }
        var labels = [Int](repeating: 0, count: count)
        for (index, value) in stored.enumerated() {
            guard let label = Int(exactly: value) else {
                throw HDF5Error.notIntegral(file: path, dataset: name, index: index, value: value)
            }
            labels[index] = label
        }
        return labels
    }
}
