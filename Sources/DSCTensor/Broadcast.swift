/// NumPy broadcasting of two shapes, and iteration over the result in contiguous spans.
///
/// Shapes are aligned at their last axis; an axis of extent 1 (or a missing leading axis) is
/// repeated to match the other. Adjacent axes that are laid out alike in both inputs are merged, so
/// that e.g. `[B, C, H, W] + [1, C, 1, 1]` iterates over spans of length `H·W`.
struct Broadcast {
    /// The broadcast result shape.
    let shape: [Int]
    /// Number of result elements.
    let count: Int
    /// Collapsed extents (at least one axis) and the strides of `a` and `b` along them
    /// (0 where that input is repeated).
    private let dims: [Int]
    private let aStrides: [Int]
    private let bStrides: [Int]

    /// The broadcast shape of `a` and `b`, or nil when some aligned extents differ and neither is 1.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let x = i < r - a.count ? 1 : a[i - (r - a.count)]
            let y = i < r - b.count ? 1 : b[i - (r - b.count)]
            if x == y || y == 1 { out[i] = x } else if x == 1 { out[i] = y } else { return nil }
        }
        return out
    }

    /// - Precondition: the shapes broadcast (``shape(_:_:)`` is not nil).
    init(_ a: [Int], _ b: [Int]) {
        guard let out = Broadcast.shape(a, b) else {
            preconditionFailure("shapes \(a) and \(b) do not broadcast")
        }
        shape = out
        count = out.reduce(1, *)
        func paddedStrides(_ s: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: out.count - s.count) + s
            var st = Tensor.strides(of: padded)
            for i in 0..<padded.count where padded[i] == 1 { st[i] = 0 }
            return st
        }
        let sa = paddedStrides(a)
        let sb = paddedStrides(b)
        var d: [Int] = []
        var da: [Int] = []
        var db: [Int] = []
        for i in 0..<out.count where out[i] != 1 {
            if let last = d.last, da.last! == sa[i] * out[i], db.last! == sb[i] * out[i] {
                d[d.count - 1] = last * out[i]
                da[da.count - 1] = sa[i]
                db[db.count - 1] = sb[i]
            } else {
                d.append(out[i])
                da.append(sa[i])
                db.append(sb[i])
            }
        }
        if d.isEmpty {
            d = [1]
            da = [0]
            db = [0]
        }
        dims = d
        aStrides = da
        bStrides = db
    }

    /// Calls `body(outOffset, aOffset, bOffset, n, aStep, bStep)` for consecutive spans covering
    /// result elements `range`: result element `outOffset + i` reads `a[aOffset + i·aStep]` and
    /// `b[bOffset + i·bStep]` for `i < n`, with steps 0 or 1.
    func forEachSpan(
        _ range: Range<Int>,
        _ body: (_ o: Int, _ a: Int, _ b: Int, _ n: Int, _ sa: Int, _ sb: Int) -> Void
    ) {
        if range.isEmpty { return }
        let last = dims.count - 1
        let inner = dims[last]
        let sa = aStrides[last]
        let sb = bStrides[last]
        var index = [Int](repeating: 0, count: last)
        var rest = range.lowerBound / inner
        var j = range.lowerBound % inner
        var baseA = 0
        var baseB = 0
        for d in stride(from: last - 1, through: 0, by: -1) {
            index[d] = rest % dims[d]
            rest /= dims[d]
            baseA += index[d] * aStrides[d]
            baseB += index[d] * bStrides[d]
        }
        var e = range.lowerBound
        while e < range.upperBound {
            let n = min(inner - j, range.upperBound - e)
            body(e, baseA + j * sa, baseB + j * sb, n, sa, sb)
            e += n
            j = 0
            var d = last - 1
            while d >= 0 {
                index[d] += 1
                baseA += aStrides[d]
                baseB += bStrides[d]
                if index[d] < dims[d] { break }
                baseA -= aStrides[d] * dims[d]
                baseB -= bStrides[d] * dims[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}
