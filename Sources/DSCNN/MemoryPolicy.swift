#if canImport(Glibc)
    import Glibc
#endif

#if canImport(Glibc)
    /// glibc's `mallopt(param, value)`, looked up at run time (`<malloc.h>` is not part of Swift's
    /// Glibc module). Parameters from `<malloc.h>`: `M_TRIM_THRESHOLD = -1`, `M_MMAP_THRESHOLD = -3`.
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(parameter, value)
    }
#endif

/// How a training process keeps the memory it frees.
///
/// A training step allocates the same activations and gradients every step (tens of MB each for
/// a CNN at batch 256) and frees them when the graph dies. With glibc's defaults, blocks that
/// large are mapped and unmapped (or trimmed from the heap top) every step, and the kernel
/// zero-fills and faults every page back in on the next step — a tenth of the step time or more.
/// ``retainFreedMemory()`` sets `M_MMAP_THRESHOLD` to its maximum (32 MiB) and `M_TRIM_THRESHOLD`
/// to 1 GiB, so freed blocks stay in the process and are reused: resident memory rises to the
/// step's peak once and then stays flat. ``Optimizer`` calls it on creation; it is process-wide,
/// idempotent, and a no-op where glibc is not the allocator.
public enum MemoryPolicy {
    private static let applied: Bool = {
        #if canImport(Glibc)
            glibcMallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
            glibcMallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD
            return true
        #else
            return false
        #endif
    }()

    /// Applies the policy once per process; later calls do nothing.
    public static func retainFreedMemory() {
        _ = applied
    }
}
