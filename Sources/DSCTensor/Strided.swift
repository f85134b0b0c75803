/// Iteration over a strided view of a contiguous buffer: a result of extents `dims` whose element
/// `(j0, j1, …)` lives at `base + Σ j_k · strides[k]` in the source. Used by permute and slice,
/// forward (gather the view) and backward (scatter-add into it).
struct StridedView {
    let dims: [Int]
    let strides: [Int]
    let base: Int
    var count: Int { dims.reduce(1, *) }

    /// Calls `body(resultOffset, sourceOffset, n, sourceStep)` for consecutive runs of the result
    /// in row-major order; result element `resultOffset + i` is source element
    /// `sourceOffset + i · sourceStep`. Axes that are contiguous in the source are merged first.
    func forEachRun(_ body: (_ out: Int, _ src: Int, _ n: Int, _ step: Int) -> Void) {
        var d: [Int] = []
        var s: [Int] = []
        for (extent, st) in zip(dims, strides) where extent != 1 {
            if extent == 0 { return }
            if let last = s.last, last == st * extent {
                d[d.count - 1] *= extent
                s[s.count - 1] = st
            } else {
                d.append(extent)
                s.append(st)
            }
        }
        if d.isEmpty {
            body(0, base, 1, 1)
            return
        }
        let inner = d.removeLast()
        let step = s.removeLast()
        var index = [Int](repeating: 0, count: d.count)
        var offset = base
        var out = 0
        let runs = d.reduce(1, *)
        for _ in 0..<runs {
            body(out, offset, inner, step)
            out += inner
            var k = d.count - 1
            while k >= 0 {
                index[k] += 1
                offset += s[k]
                if index[k] < d[k] { break }
                offset -= s[k] * d[k]
                index[k] = 0
                k -= 1
            }
        }
    }

    /// `dst[i] = src[view element i]` for all elements of the view.
    func gather(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        forEachRun { o, so, n, step in
            if step == 1 {
                (dst + o).update(from: src + so, count: n)
            } else {
                for i in 0..<n { dst[o + i] = src[so + i * step] }
            }
        }
    }

    /// `dst[view element i] += src[i]` for all elements of the view.
    func scatterAdd(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        forEachRun { o, so, n, step in
            for i in 0..<n { dst[so + i * step] += src[o + i] }
        }
    }
}
