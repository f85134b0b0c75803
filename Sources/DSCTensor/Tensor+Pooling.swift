/// 2-D max and average pooling over `[B, C, H, W]`, windows `kernel × kernel` moved by `stride`
/// (which may be smaller than the kernel: overlapping windows), with optional zero/−inf padding.
/// Output `[B, C, Ho, Wo]`, `Ho = (H + 2·padding − kernel) / stride + 1` (floor), as in PyTorch.
/// Every (image, channel) plane is independent, so planes are split over the cores.
struct PoolGeometry {
    let planes, height, width, kernel, stride, padding: Int
    var outH: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outW: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Planes per thread worth a dispatch.
    var grain: Int { Swift.max(1, Parallel.elementwiseGrain / Swift.max(1, height * width)) }

    /// Input rows (or columns) covered by output index `p`, clipped to the image.
    @inline(__always) func window(_ p: Int, extent: Int) -> Range<Int> {
        let lo = p * stride - padding
        return Swift.max(lo, 0)..<Swift.min(lo + kernel, extent)
    }
}

extension Tensor {
    private func poolGeometry(_ name: String, kernel: Int, stride: Int?, padding: Int) -> PoolGeometry {
        precondition(rank == 4, "\(name): input \(shape) must be [B, C, H, W]")
        let s = stride ?? kernel
        precondition(
            kernel >= 1 && s >= 1 && padding >= 0 && 2 * padding <= kernel,
            "\(name): kernel=\(kernel) stride=\(s) padding=\(padding) (need padding ≤ kernel/2)")
        precondition(
            shape[2] + 2 * padding >= kernel && shape[3] + 2 * padding >= kernel,
            "\(name): kernel \(kernel) larger than padded input \(shape)")
        return PoolGeometry(
            planes: shape[0] * shape[1], height: shape[2], width: shape[3],
            kernel: kernel, stride: s, padding: padding)
    }

    /// Maximum over each window (padding counts as −inf). `stride` defaults to `kernel`.
    /// Backward: each output's gradient goes to the first maximum of its window (row-major);
    /// overlapping windows that share a maximum both add into it.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let geo = poolGeometry("maxPool2d", kernel: kernel, stride: stride, padding: padding)
        let (ho, wo) = (geo.outH, geo.outW)
        let plane = geo.height * geo.width
        var argmax = [Int32](repeating: 0, count: geo.planes * ho * wo)
        let x = self
        let out = Tensor.build(shape: [shape[0], shape[1], ho, wo]) { y in
            x.data.withUnsafeBufferPointer { px in
                argmax.withUnsafeMutableBufferPointer { pa in
                    let src = px.baseAddress!
                    let dst = y.baseAddress!
                    let arg = pa.baseAddress!
                    Parallel.chunks(geo.planes, grain: geo.grain) { planes in
                        for c in planes {
                            let xs = src + c * plane
                            for p in 0..<ho {
                                let rows = geo.window(p, extent: geo.height)
                                for q in 0..<wo {
                                    let cols = geo.window(q, extent: geo.width)
                                    var best = -Float.infinity
                                    var at = rows.lowerBound * geo.width + cols.lowerBound
                                    for i in rows {
                                        for j in cols where xs[i * geo.width + j] > best {
                                            best = xs[i * geo.width + j]
                                            at = i * geo.width + j
                                        }
                                    }
                                    dst[(c * ho + p) * wo + q] = best
                                    arg[(c * ho + p) * wo + q] = Int32(at)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out.recorded("maxPool2d", [x]) { g in
            x.accumulateGrad { gx in
                let d = gx.baseAddress!
                let gp = g.baseAddress!
                argmax.withUnsafeBufferPointer { pa in
                    Parallel.chunks(geo.planes, grain: geo.grain) { planes in
                        for c in planes {
                            for k in c * ho * wo..<(c + 1) * ho * wo { d[c * plane + Int(pa[k])] += gp[k] }
                        }
                    }
                }
            }
        }
    }

    /// Mean over each window; padded positions count as zeros in the mean (the divisor is always
    /// `kernel²`, PyTorch's `count_include_pad=True`). `stride` defaults to `kernel`.
    /// Backward: each output's gradient is spread evenly, `1/kernel²` to every covered input.
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let geo = poolGeometry("avgPool2d", kernel: kernel, stride: stride, padding: padding)
        let (ho, wo) = (geo.outH, geo.outW)
        let plane = geo.height * geo.width
        let inv = 1 / Float(kernel * kernel)
        let x = self
        let out = Tensor.build(shape: [shape[0], shape[1], ho, wo]) { y in
            x.data.withUnsafeBufferPointer { px in
                let src = px.baseAddress!
                let dst = y.baseAddress!
                Parallel.chunks(geo.planes, grain: geo.grain) { planes in
                    for c in planes {
                        let xs = src + c * plane
                        for p in 0..<ho {
                            let rows = geo.window(p, extent: geo.height)
                            for q in 0..<wo {
                                let cols = geo.window(q, extent: geo.width)
                                var acc: Float = 0
                                for i in rows { for j in cols { acc += xs[i * geo.width + j] } }
                                dst[(c * ho + p) * wo + q] = acc * inv
                            }
                        }
                    }
                }
            }
        }
        return out.recorded("avgPool2d", [x]) { g in
            x.accumulateGrad { gx in
                let d = gx.baseAddress!
                let gp = g.baseAddress!
                Parallel.chunks(geo.planes, grain: geo.grain) { planes in
                    for c in planes {
                        let ds = d + c * plane
                        for p in 0..<ho {
                            let rows = geo.window(p, extent: geo.height)
                            for q in 0..<wo {
                                let v = gp[(c * ho + p) * wo + q] * inv
                                for i in rows {
                                    for j in geo.window(q, extent: geo.width) { ds[i * geo.width + j] += v }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
