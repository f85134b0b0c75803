/// How each row of a coefficient matrix is scaled before the affinity `(|C| + |C|ᵀ)/2` is formed.
///
/// Rows of C differ in scale (a sample far from its neighbours gets large coefficients), and the
/// symmetrisation mixes rows; the reference implementations therefore scale rows first. You's
/// Python toolbox for EnSC and SSC-OMP (`SelfRepresentation._representation_to_affinity`) uses the
/// unit L2 norm — the default here; Elhamifar & Vidal's SSC code uses the unit maximum.
public enum CoefficientNormalization: String, Sendable, CaseIterable, Codable {
    /// Rows as they are.
    case none
    /// Each non-zero row divided by its L2 norm (the default; You et al.'s toolbox).
    case l2
    /// Each non-zero row divided by its largest absolute value (Elhamifar & Vidal's SSC).
    case maxAbsolute
}

extension SparseMatrix {
    /// The rows scaled as `normalization` says (a row of zeros stays zero), same pattern.
    public func normalizedRows(_ normalization: CoefficientNormalization) -> SparseMatrix {
        if normalization == .none { return self }
        var out = self
        for i in 0..<rows {
            let range = indptr[i]..<indptr[i + 1]
            var scale = 0.0
            switch normalization {
            case .none: break
            case .l2: scale = range.reduce(0.0) { $0 + Double(values[$1]) * Double(values[$1]) }.squareRoot()
            case .maxAbsolute: scale = range.reduce(0.0) { Swift.max($0, Double(abs(values[$1]))) }
            }
            if scale > 0 { for p in range { out.values[p] = Float(Double(values[p]) / scale) } }
        }
        return out
    }

    /// The self-expressive affinity `W = (|C̃| + |C̃|ᵀ)/2` of a square coefficient matrix `C`:
    /// `C̃` is `C` without its stored zeros and diagonal, rows then scaled by `normalization`.
    /// Symmetric, non-negative, sorted indices, empty diagonal. O(nnz log(nnz/N)).
    public func selfExpressiveAffinity(normalization: CoefficientNormalization = .l2) -> SparseMatrix {
        precondition(rows == columns, "selfExpressiveAffinity: coefficients are [\(rows), \(columns)], not square")
        var ptr = [Int](repeating: 0, count: rows + 1)
        var idx = [Int32]()
        var val = [Float]()
        idx.reserveCapacity(nonzeroCount)
        val.reserveCapacity(nonzeroCount)
        for i in 0..<rows {
            for p in indptr[i]..<indptr[i + 1] where values[p] != 0 && Int(indices[p]) != i {
                idx.append(indices[p])
                val.append(values[p])
            }
            ptr[i + 1] = idx.count
        }
        let c = SparseMatrix(rows: rows, columns: columns, indptr: ptr, indices: idx, values: val)
        return c.normalizedRows(normalization).symmetrizedAbsolute()
    }
}
