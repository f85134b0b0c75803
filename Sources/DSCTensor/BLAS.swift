import CBLAS
import COpenBLASCore

/// Thin, typed wrappers over OpenBLAS's CBLAS interface (row-major throughout).
///
/// These are the only calls into CBLAS in the package; everything that multiplies matrices
/// goes through here so that every GEMM runs in OpenBLAS.
public enum BLAS {
    /// Number of threads OpenBLAS uses for level-3 routines.
    public static var threads: Int {
        get { Int(dsc_openblas_get_threads()) }
        set { dsc_openblas_set_threads(Int32(max(1, newValue))) }
    }

    /// The kernels OpenBLAS runs, by its own name for them (`Haswell`, `SkylakeX`, `Cooperlake`, …):
    /// its choice for this CPU, or what the environment's `OPENBLAS_CORETYPE` asks for.
    public static var core: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The kernels this process named before OpenBLAS loaded, because the environment named none
    /// (`SkylakeX` with AVX-512, `Haswell` with AVX2 and FMA), or nil. OpenBLAS 0.3.21 picks its
    /// kernels from the CPU's model number and falls back to its SSE3 ones (Prescott) on models
    /// it does not know; an `OPENBLAS_CORETYPE` in the environment is always left as it is.
    public static var coreChosenByFeatures: String? { dsc_openblas_core_chosen().map { String(cString: $0) } }

    /// `C[m, n] = alpha · op(A) · op(B) + beta · C`, all row-major.
    ///
    /// `op(A)` is `[m, k]`: `A` is stored `[m, k]` (lda ≥ k) or, when `transposeA`, `[k, m]` (lda ≥ m).
    /// `op(B)` is `[k, n]`: `B` is stored `[k, n]` (ldb ≥ n) or, when `transposeB`, `[n, k]` (ldb ≥ k).
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m=\(m) n=\(n) k=\(k)")
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Double-precision `C = alpha · op(A) · op(B) + beta · C`, row-major; see ``sgemm``.
    @inlinable
    public static func dgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "dgemm: negative size m=\(m) n=\(n) k=\(k)")
        if m == 0 || n == 0 { return }
        cblas_dgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha · op(A) · x + beta · y` with `A` stored `[m, n]` row-major.
    @inlinable
    public static func sgemv(
        transpose: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// `y = alpha · op(A) · x + beta · y` with `A` stored `[m, n]` row-major (double).
    @inlinable
    public static func dgemv(
        transpose: Bool = false, m: Int, n: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
        beta: Double = 0, y: UnsafeMutablePointer<Double>
    ) {
        if m == 0 || n == 0 { return }
        cblas_dgemv(
            CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// Dot product of two contiguous vectors of length `n`.
    @inlinable public static func sdot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }
    /// Dot product of two contiguous vectors of length `n` (double).
    @inlinable public static func ddot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(n), x, 1, y, 1)
    }
    /// `y += alpha · x` for contiguous vectors of length `n`.
    @inlinable public static func saxpy(
        _ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
    ) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }
    /// `y += alpha · x` for contiguous vectors of length `n` (double).
    @inlinable public static func daxpy(
        _ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>
    ) {
        cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
    }
    /// Euclidean norm of a contiguous vector of length `n`.
    @inlinable public static func snrm2(_ n: Int, _ x: UnsafePointer<Float>) -> Float { cblas_snrm2(Int32(n), x, 1) }
    /// Euclidean norm of a contiguous vector of length `n` (double).
    @inlinable public static func dnrm2(_ n: Int, _ x: UnsafePointer<Double>) -> Double { cblas_dnrm2(Int32(n), x, 1) }
    /// `x *= alpha` for a contiguous vector of length `n`.
    @inlinable public static func sscal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(n), alpha, x, 1)
    }
    /// `x *= alpha` for a contiguous vector of length `n` (double).
    @inlinable public static func dscal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(Int32(n), alpha, x, 1)
    }
}
