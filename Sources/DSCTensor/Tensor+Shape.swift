/// Shape primitives: reshape, permute/transpose, concatenate, slice, and gather of rows.
/// Each backward routes the gradient back to where the element came from, adding (`+=`).
extension Tensor {
    /// The same elements in row-major order with a new shape; one extent may be `-1` (inferred).
    /// Shares storage with `self` until either is written.
    /// - Precondition: the element count is unchanged.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(
                known > 0 && count % known == 0,
                "reshape: cannot infer -1 in \(newShape) for \(count) elements (shape \(shape))")
            target[hole] = count / known
        }
        precondition(
            target.allSatisfy { $0 >= 0 } && target.reduce(1, *) == count,
            "reshape: \(shape) (\(count) elements) cannot be viewed as \(newShape)")
        let x = self
        let out = Tensor(data, shape: target)
        return out.recorded("reshape", [x]) { g in x.accumulateGrad(adding: g) }
    }

    /// Axes reordered: result axis `i` is axis `permutation[i]` of `self`.
    /// - Precondition: `permutation` is a permutation of `0..<rank`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(
            permutation.sorted() == Array(0..<rank),
            "permute: \(permutation) is not a permutation of the \(rank) axes of \(shape)")
        let st = strides
        let view = StridedView(dims: permutation.map { shape[$0] }, strides: permutation.map { st[$0] }, base: 0)
        let x = self
        let out = Tensor.build(shape: view.dims) { o in
            x.data.withUnsafeBufferPointer { view.gather($0.baseAddress!, into: o.baseAddress!) }
        }
        return out.recorded("permute", [x]) { g in
            x.accumulateGrad { gx in view.scatterAdd(g.baseAddress!, into: gx.baseAddress!) }
        }
    }

    /// `self` with axes `a` and `b` swapped (negative axes count from the end).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var p = Array(0..<rank)
        p.swapAt(normalizedAxis(a), normalizedAxis(b))
        return permuted(p)
    }

    /// The sub-tensor `ranges[k]` along each axis `k` (axes beyond `ranges.count` taken whole).
    /// - Precondition: every range lies within its axis.
    public func sliced(_ ranges: [Range<Int>]) -> Tensor {
        precondition(ranges.count <= rank, "slice: \(ranges.count) ranges for shape \(shape)")
        var dims = shape
        var base = 0
        let st = strides
        for (axis, r) in ranges.enumerated() {
            precondition(
                r.lowerBound >= 0 && r.upperBound <= shape[axis],
                "slice: range \(r) outside 0..<\(shape[axis]) on axis \(axis) of \(shape)")
            dims[axis] = r.count
            base += r.lowerBound * st[axis]
        }
        let view = StridedView(dims: dims, strides: st, base: base)
        let x = self
        let out = Tensor.build(shape: dims) { o in
            x.data.withUnsafeBufferPointer { view.gather($0.baseAddress!, into: o.baseAddress!) }
        }
        return out.recorded("slice", [x]) { g in
            x.accumulateGrad { gx in view.scatterAdd(g.baseAddress!, into: gx.baseAddress!) }
        }
    }

    /// The sub-tensor `range` along one axis.
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalizedAxis(axis)
        return sliced((0...a).map { $0 == a ? range : 0..<shape[$0] })
    }

    /// Tensors joined along `axis`; all other extents must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0]
        let a = first.normalizedAxis(axis)
        for t in tensors {
            precondition(
                t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                "concat: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
        }
        let outer = first.shape[..<a].reduce(1, *)
        let tail = first.shape[(a + 1)...].reduce(1, *)
        let blocks = tensors.map { $0.shape[a] * tail }  // elements per outer index
        let rowLength = blocks.reduce(0, +)
        var outShape = first.shape
        outShape[a] = tensors.map { $0.shape[a] }.reduce(0, +)
        let out = Tensor.build(shape: outShape) { o in
            var start = 0
            for (t, block) in zip(tensors, blocks) {
                t.data.withUnsafeBufferPointer { src in
                    for r in 0..<outer {
                        (o.baseAddress! + r * rowLength + start).update(
                            from: src.baseAddress! + r * block, count: block)
                    }
                }
                start += block
            }
        }
        return out.recorded("concat", tensors) { g in
            var start = 0
            for (t, block) in zip(tensors, blocks) {
                if t.requiresGrad {
                    t.accumulateGrad { gt in
                        for r in 0..<outer {
                            let s = g.baseAddress! + r * rowLength + start
                            let d = gt.baseAddress! + r * block
                            for i in 0..<block { d[i] += s[i] }
                        }
                    }
                }
                start += block
            }
        }
    }

    /// Rows `indices` of axis 0, in that order, repeats allowed: result `[indices.count, …]`.
    /// Backward adds each result row's gradient into its source row (repeated rows accumulate).
    /// - Precondition: `0 ≤ index < shape[0]` for every index.
    public func gathered(rows indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gather: scalar tensor has no rows")
        let n = shape[0]
        let row = shape[1...].reduce(1, *)
        for i in indices { precondition(i >= 0 && i < n, "gather: row index \(i) outside 0..<\(n)") }
        let x = self
        let out = Tensor.build(shape: [indices.count] + shape[1...]) { o in
            x.data.withUnsafeBufferPointer { src in
                for (k, i) in indices.enumerated() {
                    (o.baseAddress! + k * row).update(from: src.baseAddress! + i * row, count: row)
                }
            }
        }
        return out.recorded("gather", [x]) { g in
            x.accumulateGrad { gx in
                for (k, i) in indices.enumerated() {
                    let s = g.baseAddress! + k * row
                    let d = gx.baseAddress! + i * row
                    for j in 0..<row { d[j] += s[j] }
                }
            }
        }
    }
}
